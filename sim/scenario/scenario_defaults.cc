// The scenario defaults (docs/scenarios.md): what an unset field means, written in for the runner and the swarm.
#include <algorithm>

#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/swarm.h"

namespace rmq::scenario {

pb::Scenario with_defaults(const pb::Scenario& in) {
  pb::Scenario s = in;
  pb::Topology& t = *s.mutable_topology();
  if (t.brokers() == 0) t.set_brokers(2);
  if (t.topics_size() == 0) {
    pb::Topic* topic = t.add_topics();
    topic->set_name("TopicTest");
  }
  for (pb::Topic& topic : *t.mutable_topics())
    if (topic.queues() == 0) topic.set_queues(4);
  for (int i = 0; i < s.producers_size(); ++i) {
    pb::Producer& p = *s.mutable_producers(i);
    if (p.group().empty()) p.set_group("PG" + std::to_string(i));
    if (p.topic().empty()) p.set_topic(t.topics(0).name());
    if (p.every_ms() == 0) p.set_every_ms(50);
    if (p.body_bytes() == 0) p.set_body_bytes(64);
    if (!p.has_retry_times_when_send_failed()) p.set_retry_times_when_send_failed(2);
    if (!p.has_retry_times_when_send_async_failed()) p.set_retry_times_when_send_async_failed(2);
    if (!p.has_send_msg_timeout_ms()) p.set_send_msg_timeout_ms(3000);
  }
  for (int i = 0; i < s.consumer_groups_size(); ++i) {
    pb::ConsumerGroup& g = *s.mutable_consumer_groups(i);
    if (g.group().empty()) g.set_group("CG" + std::to_string(i));
    if (g.subscription().empty()) g.set_subscription("*");
    if (g.topic().empty()) g.set_topic(t.topics(0).name());
    if (g.consumers() == 0) g.set_consumers(2);
    if (g.allocate_strategy().empty()) g.set_allocate_strategy("AVG");
    if (g.listener().later_until_reconsumed() == 0) g.mutable_listener()->set_later_until_reconsumed(2);
    if (g.listener().max_ms() < g.listener().min_ms()) g.mutable_listener()->set_max_ms(g.listener().min_ms());
    if (!g.has_max_reconsume_times()) g.set_max_reconsume_times(-1);
  }
  for (pb::Fault& f : *s.mutable_faults()) {
    if (f.has_broker_code() && f.broker_code().probability() == 0) f.mutable_broker_code()->set_probability(1);
    if (f.has_lost_responses() && f.lost_responses().probability() == 0) f.mutable_lost_responses()->set_probability(1);
    if (f.has_late_responses() && f.late_responses().probability() == 0) f.mutable_late_responses()->set_probability(1);
    if (f.has_slow_handler() && f.slow_handler().probability() == 0) f.mutable_slow_handler()->set_probability(1);
  }
  if (s.swarm().intensity() == 0) s.mutable_swarm()->set_intensity(1);
  pb::Phases& ph = *s.mutable_phases();
  if (ph.fault_ms() == 0) ph.set_fault_ms(30'000);
  if (ph.liveness_ms() == 0) ph.set_liveness_ms(120'000);
  if (ph.settle_ms() == 0) ph.set_settle_ms(10'000);
  for (pb::Producer& p : *s.mutable_producers())
    if (p.stop_ms() == 0) p.set_stop_ms(std::max(p.start_ms(), ph.fault_ms()));
  if (s.limits().max_events() == 0) s.mutable_limits()->set_max_events(50'000'000);
  if (s.limits().max_sends() == 0) s.mutable_limits()->set_max_sends(100'000);
  if (s.seed() == 0) s.set_seed(1);
  return s;
}

const std::vector<std::string>& swarm_family_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& f : swarm_families()) out.emplace_back(f.name);
    return out;
  }();
  return names;
}

}  // namespace rmq::scenario
