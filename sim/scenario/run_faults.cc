// Applying a scenario's fault plan to the simulated cluster (DESIGN §4): broker rules are installed up front with
// their windows; everything else is a timer at the fault's start and, for timed faults, at its end. Every fault
// ends at the latest at the heal (the end of the fault phase).
#include <algorithm>

#include <google/protobuf/text_format.h>

#include "sim/scenario/scenario_run.h"

namespace rmq::scenario {
namespace {

using runtime::millis;

int64_t end_ms(const ScenarioRun& run, const pb::Fault& f) {
  int64_t heal = run.scenario().phases().fault_ms();
  return f.duration_ms() == 0 ? heal : std::min(heal, f.at_ms() + f.duration_ms());
}

fake::FaultRule broker_rule(const pb::Fault& f, int64_t until, int32_t request, fake::FaultAction action,
                            double probability) {
  fake::FaultRule r;
  r.request_code = request == pb::ANY_REQUEST ? fake::kAnyRequestCode : request;
  r.action = action;
  r.probability = probability;
  r.from_ms = f.at_ms();
  r.until_ms = until;
  return r;
}

// The broker rule a fault stands for, if it is one: (broker, rule).
std::optional<std::pair<int, fake::FaultRule>> as_broker_rule(const ScenarioRun& run, const pb::Fault& f) {
  int64_t until = end_ms(run, f);
  switch (f.kind_case()) {
    case pb::Fault::kBrokerCode: {
      const auto& c = f.broker_code();
      fake::FaultRule r = broker_rule(f, until, c.request(), fake::FaultAction::kRespondCode, c.probability());
      r.response_code = c.code();
      return std::make_pair(c.broker(), r);
    }
    case pb::Fault::kLostResponses: {
      const auto& c = f.lost_responses();
      return std::make_pair(c.broker(), broker_rule(f, until, c.request(), fake::FaultAction::kNoAnswer, c.probability()));
    }
    case pb::Fault::kLateResponses: {
      const auto& c = f.late_responses();
      fake::FaultRule r = broker_rule(f, until, c.request(), fake::FaultAction::kDelayAnswer, c.probability());
      r.delay_ms = c.delay_ms();
      return std::make_pair(c.broker(), r);
    }
    case pb::Fault::kSlowHandler: {
      const auto& c = f.slow_handler();
      fake::FaultRule r = broker_rule(f, until, c.request(), fake::FaultAction::kSlowHandler, c.probability());
      r.delay_ms = c.delay_ms();
      return std::make_pair(c.broker(), r);
    }
    default:
      return std::nullopt;
  }
}

// Calls fn(x, y) for each pair of distinct hosts of a and b.
template <typename Fn>
void each_pair(const ScenarioRun& run, const std::string& a, const std::string& b, Fn fn) {
  for (const std::string& x : run.hosts(a))
    for (const std::string& y : run.hosts(b))
      if (x != y) fn(x, y);
}

void start_fault(ScenarioRun& run, const pb::Fault& f, int64_t until) {
  sim::SimNetwork& net = run.cluster().sim().network();
  runtime::Micros duration = millis(until - f.at_ms());
  switch (f.kind_case()) {
    case pb::Fault::kBrokerCrash:
      run.cluster().broker(f.broker_crash().broker()).crash();
      break;
    case pb::Fault::kPartition:
      each_pair(run, f.partition().a(), f.partition().b(), [&](const std::string& x, const std::string& y) {
        net.partition(x, y, !f.partition().one_way(), duration);
      });
      break;
    case pb::Fault::kSlowLink:
      each_pair(run, f.slow_link().a(), f.slow_link().b(), [&](const std::string& x, const std::string& y) {
        net.slow(x, y, !f.slow_link().one_way(), millis(f.slow_link().extra_latency_ms()), 0, duration);
      });
      break;
    case pb::Fault::kClog:
      each_pair(run, f.clog().a(), f.clog().b(),
                [&](const std::string& x, const std::string& y) { net.clog(x, y, !f.clog().one_way(), duration); });
      break;
    case pb::Fault::kNamesrvOutage:
      each_pair(run, "namesrv", "clients",
                [&](const std::string& x, const std::string& y) { net.partition(x, y, true, duration); });
      break;
    case pb::Fault::kRandomNetwork:
      net.fault_options().active_until = millis(until);
      net.fault_options().reset_p = f.random_network().reset_p();
      net.fault_options().clog_p = f.random_network().clog_p();
      break;
    case pb::Fault::kConsumerRestart:
      run.stop_member(run.group(f.consumer_restart().group()), f.consumer_restart().consumer());
      break;
    case pb::Fault::kConsumerJoin: {
      GroupRun& g = run.group(f.consumer_join().group());
      run.start_member(g, g.next_member);
      break;
    }
    default:
      break;
  }
}

void end_fault(ScenarioRun& run, const pb::Fault& f) {
  switch (f.kind_case()) {
    case pb::Fault::kBrokerCrash: {
      fake::FakeBroker& broker = run.cluster().broker(f.broker_crash().broker());
      if (!broker.running()) (void)broker.restart();
      break;
    }
    case pb::Fault::kConsumerRestart:
      run.start_member(run.group(f.consumer_restart().group()), f.consumer_restart().consumer());
      break;
    default:
      break;  // network faults heal by their duration; rules end with their windows
  }
}

}  // namespace

std::string fault_kind_name(const pb::Fault& fault) {
  const auto* field = fault.GetDescriptor()->FindFieldByNumber(static_cast<int>(fault.kind_case()));
  return field != nullptr ? field->name() : "none";
}

std::string describe_fault(const pb::Fault& f) {
  std::string text = fault_kind_name(f);
  const auto* field = f.GetDescriptor()->FindFieldByNumber(static_cast<int>(f.kind_case()));
  if (field != nullptr) {
    // Every field, defaults included ("broker: 0" says which broker; the short debug form would drop it).
    const google::protobuf::Message& inner = f.GetReflection()->GetMessage(f, field);
    std::string fields;
    for (int i = 0; i < inner.GetDescriptor()->field_count(); ++i) {
      const google::protobuf::FieldDescriptor* fd = inner.GetDescriptor()->field(i);
      std::string value;
      google::protobuf::TextFormat::PrintFieldValueToString(inner, fd, -1, &value);
      fields += (fields.empty() ? "" : " ") + fd->name() + ": " + value;
    }
    if (!fields.empty()) text += " {" + fields + "}";
  }
  text += " at " + std::to_string(f.at_ms()) + " ms";
  text += f.duration_ms() == 0 ? " until the heal" : " for " + std::to_string(f.duration_ms()) + " ms";
  return text;
}

void apply_fault_plan(ScenarioRun& run) {
  run.broker_rules.assign(static_cast<size_t>(run.cluster().broker_count()), {});
  for (const pb::Fault& f : run.faults())
    if (auto rule = as_broker_rule(run, f)) run.broker_rules[static_cast<size_t>(rule->first)].push_back(rule->second);
  for (int b = 0; b < run.cluster().broker_count(); ++b) {
    if (run.broker_rules[static_cast<size_t>(b)].empty()) continue;
    fake::BrokerFaults faults;
    faults.rules = run.broker_rules[static_cast<size_t>(b)];
    run.cluster().broker(b).set_faults(faults);
  }
  sim::SimRuntime& sim = run.cluster().sim();
  for (size_t i = 0; i < run.faults().size(); ++i) {
    const pb::Fault& f = run.faults()[i];
    int64_t until = end_ms(run, f);
    if (f.at_ms() >= run.scenario().phases().fault_ms()) continue;  // starts after the heal: never applies
    bool timed = f.kind_case() != pb::Fault::kConsumerJoin;
    // Instants (Perfetto draws fault.* instants across every track); the start and the end share a span id so
    // that a reader can pair them.
    uint64_t span = i + 1;
    sim.after(millis(f.at_ms()), [&run, &f, until, span] {
      run.emit("fault.scenario", "faults", tv::TraceEvent::INSTANT, span, "", describe_fault(f));
      start_fault(run, f, until);
    });
    if (!timed) continue;
    sim.after(millis(until), [&run, &f, span] {
      run.emit("fault.scenario_end", "faults", tv::TraceEvent::INSTANT, span, "", describe_fault(f));
      end_fault(run, f);
    });
  }
}

void heal_everything(ScenarioRun& run) {
  sim::SimNetwork& net = run.cluster().sim().network();
  net.heal_all();
  net.fault_options() = sim::NetworkFaultOptions{};
  for (int b = 0; b < run.cluster().broker_count(); ++b) {
    run.cluster().broker(b).set_faults({});
    if (!run.cluster().broker(b).running()) (void)run.cluster().broker(b).restart();
  }
}

}  // namespace rmq::scenario
