// The verdicts of a scenario run (DESIGN §5). Send checks compare each producer's events with the configuration
// the scenario states (a broken client, Break, is invisible here: that is what canaries rely on); delivery checks
// come from each group's DeliveryChecker after the heal and the liveness wait.
#include <algorithm>

#include "sim/scenario/coverage.h"
#include "sim/scenario/scenario_run.h"

namespace rmq::scenario {
namespace {

struct SendCheck {
  const char* name;
  checks::Checker checker;
};

const std::vector<SendCheck>& send_checks() {
  static const std::vector<SendCheck> list = {
      {"send.well_formed", &checks::check_well_formed},
      {"send.attempts", &checks::check_attempt_counts},
      {"send.retried_codes", &checks::check_retried_codes},
      {"send.broker_avoidance", &checks::check_retry_avoids_last_broker},
      {"send.latency_windows", &checks::check_latency_windows},
      {"send.timeout_budget", &checks::check_timeout_budget},
      {"send.status_codes", &checks::check_status_and_error_codes},
      {"send.async_retries", &checks::check_async_retries},
  };
  return list;
}

checks::SendModel send_model(ScenarioRun& run, const pb::Producer& spec) {
  checks::SendModel m;
  m.profile = spec.profile() == pb::V5 ? client::Profile::kV5 : client::Profile::kV4_9_8;
  m.retry_times_when_send_failed = spec.retry_times_when_send_failed();
  m.retry_times_when_send_async_failed = spec.retry_times_when_send_async_failed();
  m.retry_codes = producer::default_retry_response_codes(m.profile);
  m.retry_another_broker_when_not_store_ok = spec.retry_another_broker_when_not_store_ok();
  m.send_latency_fault_enable = spec.send_latency_fault_enable();
  m.send_msg_timeout_ms = spec.send_msg_timeout_ms();
  int32_t queues = 4;  // an auto-created topic: min(defaultTopicQueueNums 4, the broker's 8)
  for (const pb::Topic& t : run.scenario().topology().topics())
    if (t.name() == spec.topic()) queues = t.queues();
  for (int b = 0; b < run.cluster().broker_count(); ++b) {
    std::string name = sim::SimCluster::broker_name(b);
    m.writable_brokers[spec.topic()].insert(name);
    m.queue_counts[spec.topic()][name] = queues;
    for (const fake::FaultRule& r : run.broker_rules[static_cast<size_t>(b)])
      if (r.request_code == fake::kAnyRequestCode || r.request_code == 310 || r.request_code == 10)
        m.send_fault_rules[name].push_back(r);
  }
  return m;
}

bool disabled(const pb::Scenario& s, const std::string& name) {
  return std::find(s.checks().disable().begin(), s.checks().disable().end(), name) != s.checks().disable().end();
}

void add(RunResult& result, const pb::Scenario& s, CheckVerdict verdict) {
  if (disabled(s, verdict.name)) return;
  for (CheckVerdict& v : result.checks)
    if (v.name == verdict.name) {  // several producers or groups: one verdict per check
      v.checked += verdict.checked;
      if (!verdict.passed) {
        if (!v.detail.empty()) v.detail += "\n";
        v.detail += verdict.detail;
        v.passed = false;
      }
      return;
    }
  result.checks.push_back(std::move(verdict));
}

void check_sends(ScenarioRun& run, RunResult& result) {
  for (ProducerRun& p : run.producers()) {
    checks::SendModel model = send_model(run, p.spec);
    uint64_t sends = static_cast<uint64_t>(std::count_if(p.events.begin(), p.events.end(), [](const auto& e) {
      return e.type == producer::SendEventType::kSendBegin;
    }));
    checks::GroupedSendsScope grouped(p.events);
    cover_sends(run.coverage(), grouped.traces());
    for (const SendCheck& c : send_checks()) {
      std::vector<checks::Violation> violations = c.checker(p.events, model, nullptr);
      CheckVerdict v{c.name, violations.empty(), sends, ""};
      if (!violations.empty()) v.detail = p.track + ": " + checks::report(violations, p.events);
      add(result, run.scenario(), std::move(v));
    }
  }
}

bool store_may_be_lost(const ScenarioRun& run) {
  if (!run.scenario().topology().lose_store_on_crash()) return false;
  return std::any_of(run.faults().begin(), run.faults().end(), [](const pb::Fault& f) { return f.has_broker_crash(); });
}

void check_delivery(ScenarioRun& run, RunResult& result) {
  if (store_may_be_lost(run)) return;  // the checker's offsets assume stores survive crashes
  for (GroupRun& g : run.groups()) {
    sim::DeliveryReport report = g.checker->report();
    std::string head = g.spec.group() + ": ";
    add(result, run.scenario(), {"delivery.at_least_once", report.lost.empty(), report.sends_acknowledged,
                                 report.lost.empty() ? "" : head + report.text});
    add(result, run.scenario(), {"delivery.offsets", report.offset_violations.empty(), report.offset_checks,
                                 report.offset_violations.empty() ? "" : head + report.text});
    if (g.spec.orderly())
      add(result, run.scenario(), {"delivery.order", report.order_violations.empty(), report.order_checks,
                                   report.order_violations.empty() ? "" : head + report.text});
    if (g.spec.subscription() != "*")
      add(result, run.scenario(), {"delivery.subscription", report.subscription_violations.empty(),
                                   report.subscription_checks,
                                   report.subscription_violations.empty() ? "" : head + report.text});
  }
}

void check_minimums(ScenarioRun& run, RunResult& result) {
  const pb::Checks& c = run.scenario().checks();
  if (c.min_sends_ok() == 0 && c.min_sends_ok_after_heal() == 0) return;
  uint64_t ok = 0, after = 0;
  for (ProducerRun& p : run.producers()) {
    after += p.ok_after_heal;
    for (const auto& e : p.events)
      if (e.type == producer::SendEventType::kSendEnd && e.result) ++ok;
  }
  bool passed = ok >= static_cast<uint64_t>(c.min_sends_ok()) && after >= static_cast<uint64_t>(c.min_sends_ok_after_heal());
  std::string detail = passed ? "" : "sends acknowledged: " + std::to_string(ok) + " (at least " + std::to_string(c.min_sends_ok()) +
                                         " expected), of them sent after the heal: " + std::to_string(after) +
                                         " (at least " + std::to_string(c.min_sends_ok_after_heal()) + " expected)";
  add(result, run.scenario(), {"sends.min_ok", passed, ok, detail});
}

}  // namespace

void run_checks(ScenarioRun& run, RunResult& result) {
  check_sends(run, result);
  check_delivery(run, result);
  check_minimums(run, result);
  add(result, run.scenario(),
      {"run.event_limit", !run.event_limit_hit(), run.cluster().sim().counters().events_run,
       run.event_limit_hit() ? "the run stopped at the event limit (limits.max_events) before its phases ended" : ""});
}

}  // namespace rmq::scenario
