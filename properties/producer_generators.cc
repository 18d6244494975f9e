#include "properties/producer_generators.h"

#include <algorithm>
#include <memory>
#include <sstream>
#include <tuple>

#include "core/client/client_manager.h"
#include "core/producer/producer.h"
#include "fake_nameserver/name_server.h"
#include "sim/cluster/sim_cluster.h"
#include "sim/sim_runtime.h"

namespace rmq::gen {

using fake::FaultAction;
using producer::CommunicationMode;

namespace {

// gen::inRange scales with RapidCheck's size (the first cases would all draw the minimum); the scenario's
// numbers are drawn uniformly in every case instead, and still shrink towards the minimum.
template <typename T>
rc::Gen<T> uniform(T min, T max) {
  return rc::gen::resize(rc::kNominalSize, rc::gen::inRange<T>(min, max));
}

// A container of 0..max elements (uniform), whose shrinking removes elements one by one.
template <typename Container, typename T>
rc::Gen<Container> up_to(int max, rc::Gen<T> element) {
  return rc::gen::resize(max, rc::gen::container<Container>(std::move(element)));
}

// gen::weightedOneOf / weightedElement over a list built at run time (RapidCheck's take initializer lists).
template <typename T>
rc::Gen<T> weighted_gen(std::vector<std::pair<uint32_t, rc::Gen<T>>> choices) {
  int total = 0;
  for (const auto& c : choices) total += static_cast<int>(c.first);
  return rc::gen::mapcat(uniform<int>(0, total), [choices](int x) {
    for (const auto& c : choices) {
      if (x < static_cast<int>(c.first)) return c.second;
      x -= static_cast<int>(c.first);
    }
    return choices.back().second;
  });
}

template <typename T>
rc::Gen<T> weighted_element(const std::vector<std::pair<uint32_t, T>>& choices) {
  std::vector<std::pair<uint32_t, rc::Gen<T>>> gens;
  for (const auto& c : choices) gens.emplace_back(c.first, rc::gen::just(c.second));
  return weighted_gen(std::move(gens));
}

const char* action_name(FaultAction a) {
  switch (a) {
    case FaultAction::kRespondCode: return "respond";
    case FaultAction::kNoAnswer: return "no-answer";
    case FaultAction::kDelayAnswer: return "delay-answer";
    case FaultAction::kAnswerTwice: return "answer-twice";
    case FaultAction::kSlowHandler: return "slow-handler";
  }
  return "?";
}

const char* sabotage_name(Sabotage s) {
  switch (s) {
    case Sabotage::kNone: return "none";
    case Sabotage::kRetryCodeMissing: return "producer retry_response_codes lack SYSTEM_ERROR(1)";
    case Sabotage::kMoreSyncRetries: return "producer retry_times_when_send_failed = plan + 2";
    case Sabotage::kMoreAsyncRetries: return "producer retry_times_when_send_async_failed = plan + 2";
    case Sabotage::kHiddenLatencyTolerance: return "producer send_latency_fault_enable = true";
    case Sabotage::kOtherProfile: return "producer runs the other profile";
    case Sabotage::kLongerTimeout: return "producer send_msg_timeout_ms = plan + 1000";
  }
  return "?";
}

std::string window_text(int64_t from, int64_t until) {
  if (from == 0 && until == kForeverMs) return "always";
  return "[" + std::to_string(from) + "," + (until == kForeverMs ? std::string("inf") : std::to_string(until)) + ")ms";
}

// Response codes for injected answers: the 4.9.8 retried set, SYSTEM_BUSY and GO_AWAY (retried by v5 only), the
// stored-but-degraded codes, and codes no profile retries.
rc::Gen<int32_t> response_code(const ScenarioShape& shape) {
  const int retried = std::clamp(shape.retried_code_percent, 0, 100);
  std::vector<std::pair<uint32_t, rc::Gen<int32_t>>> choices;
  if (retried > 0)
    choices.emplace_back(static_cast<uint32_t>(retried), rc::gen::element<int32_t>(1, 14, 16, 17, 204, 205));
  if (retried < 100) {
    choices.emplace_back(static_cast<uint32_t>(100 - retried),
                         rc::gen::element<int32_t>(2, 1500, 10, 11, 12, 13, 215, 3, 25, 206));
  }
  if (!shape.favoured_codes.empty()) choices.emplace_back(60u, rc::gen::elementOf(shape.favoured_codes));
  return weighted_gen(std::move(choices));
}

rc::Gen<std::pair<int64_t, int64_t>> window() {
  return rc::gen::weightedOneOf<std::pair<int64_t, int64_t>>({
      {1, rc::gen::just(std::pair<int64_t, int64_t>{0, kForeverMs})},
      {1, rc::gen::map(rc::gen::tuple(uniform<int64_t>(0, 15'000), uniform<int64_t>(200, 20'000)),
                       [](const std::tuple<int64_t, int64_t>& t) {
                         return std::pair<int64_t, int64_t>{std::get<0>(t), std::get<0>(t) + std::get<1>(t)};
                       })},
  });
}

rc::Gen<SendFaultRule> fault_rule(const ScenarioShape& shape) {
  auto action = rc::gen::weightedElement<FaultAction>({{6, FaultAction::kRespondCode},
                                                       {1, FaultAction::kNoAnswer},
                                                       {2, FaultAction::kDelayAnswer},
                                                       {2, FaultAction::kSlowHandler},
                                                       {1, FaultAction::kAnswerTwice}});
  auto probability = rc::gen::element<double>(1.0, 1.0, 1.0, 0.5, 0.2);
  auto delay = rc::gen::element<int64_t>(10, 300, 700, 1500, 2500, 4000, 7000);
  return rc::gen::map(rc::gen::tuple(action, response_code(shape), probability, window(), delay),
                      [](const std::tuple<FaultAction, int32_t, double, std::pair<int64_t, int64_t>, int64_t>& t) {
                        SendFaultRule r;
                        r.action = std::get<0>(t);
                        r.response_code = std::get<1>(t);
                        r.probability = std::get<2>(t);
                        r.from_ms = std::get<3>(t).first;
                        r.until_ms = std::get<3>(t).second;
                        r.delay_ms = std::get<4>(t);
                        return r;
                      });
}

rc::Gen<std::optional<SlowLink>> slow_link() {
  auto some = rc::gen::map(rc::gen::tuple(uniform<int64_t>(0, 10'000), uniform<int64_t>(500, 30'000),
                                          rc::gen::element<int64_t>(20, 150, 300, 700, 1200)),
                           [](const std::tuple<int64_t, int64_t, int64_t>& t) {
                             return std::optional<SlowLink>(SlowLink{std::get<0>(t), std::get<1>(t), std::get<2>(t)});
                           });
  return rc::gen::weightedOneOf<std::optional<SlowLink>>({{7, rc::gen::just(std::optional<SlowLink>())}, {3, some}});
}

rc::Gen<BrokerPlan> broker_plan(const ScenarioShape& shape) {
  return rc::gen::build<BrokerPlan>(
      rc::gen::set(&BrokerPlan::rules, up_to<std::vector<SendFaultRule>>(3, fault_rule(shape))),
      rc::gen::set(&BrokerPlan::slow, slow_link()));
}

rc::Gen<TopicPlan> precreated_topic(int index, int brokers) {
  auto queues = rc::gen::container<std::vector<int32_t>>(static_cast<size_t>(brokers), uniform<int32_t>(1, 9));
  auto writable = rc::gen::container<std::vector<bool>>(static_cast<size_t>(brokers),
                                                        rc::gen::weightedElement<bool>({{6, true}, {1, false}}));
  return rc::gen::map(rc::gen::tuple(queues, writable),
                      [index](const std::tuple<std::vector<int32_t>, std::vector<bool>>& t) {
                        TopicPlan p;
                        p.name = "Topic" + std::to_string(index);
                        p.queues = std::get<0>(t);
                        p.writable = std::get<1>(t);
                        if (std::find(p.writable.begin(), p.writable.end(), true) == p.writable.end())
                          p.writable[0] = true;
                        return p;
                      });
}

rc::Gen<std::vector<TopicPlan>> topic_plans(int brokers, int precreated, bool with_auto) {
  std::vector<rc::Gen<TopicPlan>> gens;
  for (int i = 0; i < precreated; ++i) gens.push_back(precreated_topic(i, brokers));
  // Combine one by one (RapidCheck has no vector-of-generators combinator).
  rc::Gen<std::vector<TopicPlan>> all = rc::gen::just(std::vector<TopicPlan>{});
  for (const auto& g : gens) {
    all = rc::gen::map(rc::gen::tuple(all, g), [](const std::tuple<std::vector<TopicPlan>, TopicPlan>& t) {
      auto v = std::get<0>(t);
      v.push_back(std::get<1>(t));
      return v;
    });
  }
  if (!with_auto) return all;
  return rc::gen::map(all, [](std::vector<TopicPlan> v) {
    TopicPlan a;
    a.name = "AutoTopic";
    a.auto_created = true;
    v.push_back(a);
    return v;
  });
}

rc::Gen<NetFaultPlan> net_fault(int brokers) {
  auto kind = rc::gen::weightedElement<NetFaultPlan::Kind>(
      {{3, NetFaultPlan::kPartition}, {2, NetFaultPlan::kRefuse}, {2, NetFaultPlan::kReset}});
  return rc::gen::map(rc::gen::tuple(kind, uniform<int>(0, brokers), uniform<int64_t>(0, 15'000),
                                     uniform<int64_t>(500, 20'000), rc::gen::arbitrary<bool>()),
                      [](const std::tuple<NetFaultPlan::Kind, int, int64_t, int64_t, bool>& t) {
                        NetFaultPlan f;
                        f.kind = std::get<0>(t);
                        f.broker = std::get<1>(t);
                        f.from_ms = std::get<2>(t);
                        f.duration_ms = std::get<3>(t);
                        f.two_way = std::get<4>(t);
                        return f;
                      });
}

rc::Gen<std::vector<NetFaultPlan>> net_faults(int brokers, bool more) {
  auto faults = up_to<std::vector<NetFaultPlan>>(2, net_fault(brokers));
  if (more) return rc::gen::suchThat(faults, [](const std::vector<NetFaultPlan>& v) { return !v.empty(); });
  return faults;
}

rc::Gen<ProducerPlan> producer_plan(const ScenarioShape& shape) {
  auto profile =
      shape.profile ? rc::gen::just(*shape.profile) : rc::gen::element(client::Profile::kV4_9_8, client::Profile::kV5);
  auto latency = shape.latency_fault_enable ? rc::gen::just(*shape.latency_fault_enable) : rc::gen::arbitrary<bool>();
  return rc::gen::build<ProducerPlan>(
      rc::gen::set(&ProducerPlan::profile, profile),
      rc::gen::set(&ProducerPlan::retry_times_when_send_failed, uniform<int32_t>(0, 5)),
      rc::gen::set(&ProducerPlan::retry_times_when_send_async_failed, uniform<int32_t>(0, 4)),
      rc::gen::set(&ProducerPlan::send_msg_timeout_ms, uniform<int64_t>(200, 6001)),
      rc::gen::set(&ProducerPlan::retry_another_broker_when_not_store_ok, rc::gen::arbitrary<bool>()),
      rc::gen::set(&ProducerPlan::send_latency_fault_enable, latency));
}

rc::Gen<SendPlan> send_plan(const ScenarioShape& shape, int topics) {
  std::vector<std::pair<uint32_t, CommunicationMode>> modes;
  if (shape.sync_weight > 0) modes.emplace_back(static_cast<uint32_t>(shape.sync_weight), CommunicationMode::kSync);
  if (shape.async_weight > 0) modes.emplace_back(static_cast<uint32_t>(shape.async_weight), CommunicationMode::kAsync);
  if (shape.oneway_weight > 0)
    modes.emplace_back(static_cast<uint32_t>(shape.oneway_weight), CommunicationMode::kOneway);
  return rc::gen::build<SendPlan>(rc::gen::set(&SendPlan::mode, weighted_element(modes)),
                                  rc::gen::set(&SendPlan::topic, uniform<int>(0, topics)),
                                  rc::gen::set(&SendPlan::gap_ms, uniform<int64_t>(kMinSendGapMs, 5'000)));
}

}  // namespace

rc::Gen<Scenario> scenario(const ScenarioShape& shape) {
  auto dims = rc::gen::tuple(uniform<int>(std::max(1, shape.min_brokers), 5), uniform<int>(1, 3),
                             rc::gen::weightedElement<bool>({{7, false}, {3, true}}));
  return rc::gen::mapcat(dims, [shape](const std::tuple<int, int, bool>& d) {
    const int brokers = std::get<0>(d);
    const int precreated = std::get<1>(d);
    const bool with_auto = std::get<2>(d);
    const int topics = precreated + (with_auto ? 1 : 0);
    return rc::gen::build<Scenario>(
        rc::gen::set(&Scenario::seed, uniform<uint64_t>(1, 1'000'000)),
        rc::gen::set(&Scenario::brokers, rc::gen::just(brokers)),
        rc::gen::set(&Scenario::topics, topic_plans(brokers, precreated, with_auto)),
        rc::gen::set(&Scenario::broker_plans,
                     rc::gen::container<std::vector<BrokerPlan>>(static_cast<size_t>(brokers), broker_plan(shape))),
        rc::gen::set(&Scenario::net_faults, net_faults(brokers, shape.more_net_faults)),
        rc::gen::set(&Scenario::producer, producer_plan(shape)),
        rc::gen::set(&Scenario::sends, rc::gen::nonEmpty(up_to<std::vector<SendPlan>>(std::max(1, shape.max_sends),
                                                                                      send_plan(shape, topics)))),
        rc::gen::set(&Scenario::sabotage, rc::gen::just(shape.sabotage)));
  });
}

std::ostream& operator<<(std::ostream& os, const Scenario& s) {
  const auto& p = s.producer;
  os << "Scenario{seed=" << s.seed << " brokers=" << s.brokers << "\n";
  os << "  producer: profile=" << client::profile_name(p.profile)
     << " retryTimesWhenSendFailed=" << p.retry_times_when_send_failed
     << " retryTimesWhenSendAsyncFailed=" << p.retry_times_when_send_async_failed
     << " sendMsgTimeout=" << p.send_msg_timeout_ms << "ms"
     << " retryAnotherBrokerWhenNotStoreOK=" << p.retry_another_broker_when_not_store_ok
     << " sendLatencyFaultEnable=" << p.send_latency_fault_enable << "\n";
  if (s.sabotage != Sabotage::kNone) os << "  SABOTAGE: " << sabotage_name(s.sabotage) << "\n";
  for (const auto& t : s.topics) {
    os << "  topic " << t.name << ":";
    if (t.auto_created) {
      os << " auto-created (TBW102: 4 queues on every broker)";
    } else {
      for (size_t i = 0; i < t.queues.size(); ++i)
        os << " " << sim::SimCluster::broker_name(static_cast<int>(i)) << "=" << t.queues[i]
           << (t.writable[i] ? "rw" : "r");
    }
    os << "\n";
  }
  for (size_t i = 0; i < s.broker_plans.size(); ++i) {
    const auto& b = s.broker_plans[i];
    if (b.rules.empty() && !b.slow) continue;
    os << "  " << sim::SimCluster::broker_name(static_cast<int>(i)) << ":";
    for (const auto& r : b.rules) {
      os << " [" << action_name(r.action);
      if (r.action == FaultAction::kRespondCode) os << " " << r.response_code;
      if (r.action == FaultAction::kDelayAnswer || r.action == FaultAction::kSlowHandler)
        os << " " << r.delay_ms << "ms";
      if (r.probability < 1) os << " p=" << r.probability;
      os << " " << window_text(r.from_ms, r.until_ms) << "]";
    }
    if (b.slow)
      os << " slow-link +" << b.slow->extra_ms << "ms each way "
         << window_text(b.slow->from_ms, b.slow->from_ms + b.slow->duration_ms);
    os << "\n";
  }
  for (const auto& f : s.net_faults) {
    const std::string broker = sim::SimCluster::broker_name(f.broker);
    switch (f.kind) {
      case NetFaultPlan::kPartition:
        os << "  partition client-" << broker << (f.two_way ? " two-way " : " one-way (client->broker) ")
           << window_text(f.from_ms, f.from_ms + f.duration_ms) << "\n";
        break;
      case NetFaultPlan::kRefuse:
        os << "  connects to " << broker << " refused " << window_text(f.from_ms, f.from_ms + f.duration_ms) << "\n";
        break;
      case NetFaultPlan::kReset: os << "  reset a random connection at " << f.from_ms << "ms\n"; break;
    }
  }
  os << "  sends:";
  int64_t at = kFirstSendMs;
  for (size_t i = 0; i < s.sends.size(); ++i) {
    const auto& send = s.sends[i];
    if (i > 0) at += send.gap_ms;
    os << " #" << i + 1 << "@" << at << "ms " << producer::communication_mode_name(send.mode) << " "
       << (send.topic < static_cast<int>(s.topics.size()) ? s.topics[static_cast<size_t>(send.topic)].name : "?")
       << ";";
  }
  return os << "}";
}

std::string to_string(const Scenario& s) {
  std::ostringstream os;
  os << s;
  return os.str();
}

void showValue(const Scenario& s, std::ostream& os) { os << s; }

checks::SendModel send_model(const Scenario& s) {
  checks::SendModel m;
  const auto& p = s.producer;
  m.profile = p.profile;
  m.retry_times_when_send_failed = p.retry_times_when_send_failed;
  m.retry_times_when_send_async_failed = p.retry_times_when_send_async_failed;
  // The profile's set as the spec gives it (§2.4), written out here rather than asked from the core.
  m.retry_codes = {1, 14, 16, 17, 204, 205};
  if (p.profile == client::Profile::kV5) m.retry_codes.insert({2, 1500});
  m.retry_another_broker_when_not_store_ok = p.retry_another_broker_when_not_store_ok;
  m.send_latency_fault_enable = p.send_latency_fault_enable;
  m.send_msg_timeout_ms = p.send_msg_timeout_ms;
  m.connect_timeout_ms = 3000;
  for (const auto& t : s.topics) {
    auto& brokers = m.writable_brokers[t.name];
    for (int i = 0; i < s.brokers; ++i) {
      const std::string name = sim::SimCluster::broker_name(i);
      if (t.auto_created || t.writable[static_cast<size_t>(i)]) brokers.insert(name);
      // TBW102 has 8 queues; the producer asks for defaultTopicQueueNums = 4, the broker creates min(4, 8).
      m.queue_counts[t.name][name] = t.auto_created ? 4 : t.queues[static_cast<size_t>(i)];
    }
  }
  for (int i = 0; i < s.brokers; ++i) {
    auto& rules = m.send_fault_rules[sim::SimCluster::broker_name(i)];
    for (const auto& r : s.broker_plans[static_cast<size_t>(i)].rules) {
      fake::FaultRule f;
      f.request_code = 310;
      f.action = r.action;
      f.response_code = r.response_code;
      f.probability = r.probability;
      f.from_ms = r.from_ms;
      f.until_ms = r.until_ms;
      f.delay_ms = r.delay_ms;
      rules.push_back(f);
    }
  }
  return m;
}

ScenarioRun run_scenario(const Scenario& s) {
  using sim::SimCluster;
  ScenarioRun run;
  sim::SimOptions sim_options;
  sim_options.seed = s.seed;
  sim_options.default_host = SimCluster::kClientHost;
  auto sim = std::make_unique<sim::SimRuntime>(sim_options);
  auto name_server = std::make_unique<fake::FakeNameServer>(sim->host("10.0.0.100"));
  if (!name_server->start(SimCluster::name_server_address()).ok()) return run;

  std::vector<std::unique_ptr<fake::FakeBroker>> brokers;
  const checks::SendModel model = send_model(s);
  for (int i = 0; i < s.brokers; ++i) {
    fake::BrokerOptions options;
    options.broker_name = SimCluster::broker_name(i);
    options.auto_create_topic = true;
    for (const auto& t : s.topics) {
      if (t.auto_created) continue;
      fake::TopicQueueConfig config;
      config.topic = t.name;
      config.read_queue_nums = t.queues[static_cast<size_t>(i)];
      config.write_queue_nums = t.queues[static_cast<size_t>(i)];
      config.perm = t.writable[static_cast<size_t>(i)] ? 6 : 4;
      options.topics.push_back(config);
    }
    auto broker = std::make_unique<fake::FakeBroker>(sim->host(SimCluster::broker_host(i)), std::move(options));
    if (!broker->start(SimCluster::broker_address(i)).ok()) return run;
    broker->attach_name_server(name_server.get());
    fake::BrokerFaults faults;
    faults.rules = model.send_fault_rules.at(SimCluster::broker_name(i));
    broker->set_faults(std::move(faults));
    brokers.push_back(std::move(broker));
  }

  sim::FaultSchedule schedule;
  for (int i = 0; i < s.brokers; ++i) {
    const auto& slow = s.broker_plans[static_cast<size_t>(i)].slow;
    if (!slow) continue;
    schedule.slow(runtime::millis(slow->from_ms), SimCluster::kClientHost, SimCluster::broker_host(i),
                  runtime::millis(slow->duration_ms), runtime::millis(slow->extra_ms), 0, true);
  }
  for (const auto& f : s.net_faults) {
    const std::string host = SimCluster::broker_host(f.broker);
    switch (f.kind) {
      case NetFaultPlan::kPartition:
        schedule.partition(runtime::millis(f.from_ms), SimCluster::kClientHost, host, runtime::millis(f.duration_ms),
                           f.two_way);
        break;
      case NetFaultPlan::kRefuse:
        schedule.refuse(runtime::millis(f.from_ms), host, runtime::millis(f.duration_ms));
        break;
      case NetFaultPlan::kReset: schedule.reset(runtime::millis(f.from_ms), 0); break;
    }
  }
  sim->network().schedule(schedule);

  auto manager = std::make_unique<client::ClientManager>(sim->host(SimCluster::kClientHost));
  producer::ProducerOptions options;
  options.group = "PropertyProducerGroup";
  options.client.namesrv_addrs = {SimCluster::name_server_address()};
  options.client.client_ip = SimCluster::kClientHost;
  options.client.profile = s.producer.profile;
  options.client.poll_name_server_interval_ms = 86'400'000;  // the publish info stays as first looked up
  options.retry_times_when_send_failed = s.producer.retry_times_when_send_failed;
  options.retry_times_when_send_async_failed = s.producer.retry_times_when_send_async_failed;
  options.send_msg_timeout_ms = s.producer.send_msg_timeout_ms;
  options.retry_another_broker_when_not_store_ok = s.producer.retry_another_broker_when_not_store_ok;
  options.send_latency_fault_enable = s.producer.send_latency_fault_enable;
  switch (s.sabotage) {
    case Sabotage::kNone: break;
    case Sabotage::kRetryCodeMissing: {
      auto codes = producer::default_retry_response_codes(s.producer.profile);
      codes.erase(1);
      options.retry_response_codes = codes;
      break;
    }
    case Sabotage::kMoreSyncRetries: options.retry_times_when_send_failed += 2; break;
    case Sabotage::kMoreAsyncRetries: options.retry_times_when_send_async_failed += 2; break;
    case Sabotage::kHiddenLatencyTolerance: options.send_latency_fault_enable = true; break;
    case Sabotage::kOtherProfile:
      options.client.profile =
          s.producer.profile == client::Profile::kV5 ? client::Profile::kV4_9_8 : client::Profile::kV5;
      break;
    case Sabotage::kLongerTimeout: options.send_msg_timeout_ms += 1000; break;
  }
  auto producer = std::make_unique<producer::Producer>(sim->host(SimCluster::kClientHost), *manager, options);
  producer->set_observer([&run](const producer::SendEvent& e) { run.events.push_back(e); });
  if (producer->start()) return run;

  int64_t at = kFirstSendMs;
  for (size_t i = 0; i < s.sends.size(); ++i) {
    const SendPlan& plan = s.sends[i];
    if (i > 0) at += plan.gap_ms;
    const std::string topic = s.topics.at(static_cast<size_t>(plan.topic)).name;
    producer::Message msg = producer::Message::make(topic, "body-" + std::to_string(i + 1), "TagA");
    sim->after(runtime::millis(at) - sim->now(), [&run, p = producer.get(), plan, msg]() mutable {
      auto done = [&run](producer::SendOutcome) { ++run.sends_done; };
      switch (plan.mode) {
        case CommunicationMode::kSync: p->send(std::move(msg), done); break;
        case CommunicationMode::kAsync: p->send_async(std::move(msg), done); break;
        case CommunicationMode::kOneway:
          p->send_oneway(std::move(msg), [&run](std::optional<client::ClientError>) { ++run.sends_done; });
          break;
      }
    });
  }
  const int expected = static_cast<int>(s.sends.size());
  sim->run_until([&] { return run.sends_done >= expected; }, runtime::millis(kRunLimitMs));
  run.end_ms = sim->now() / runtime::kMicrosPerMilli;

  // Tear down in dependency order: the producer and its instance first, then the fakes, then the runtime.
  producer->set_observer(nullptr);
  producer.reset();
  manager.reset();
  brokers.clear();
  name_server.reset();
  sim.reset();
  return run;
}

}  // namespace rmq::gen
