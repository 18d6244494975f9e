#include "sim/scenario/swarm.h"

#include <algorithm>
#include <functional>

#include "sim/prng.h"
#include "sim/scenario/scenario_loader.h"

namespace rmq::scenario {
namespace {

const std::vector<SwarmFamily> kFamilies = {
    {"broker_crash", 0.3, "a broker crashes for 3-20 s (each broker on its own)"},
    {"partition_consumer", 0.35, "a broker and a consumer cannot talk for 5-30 s (one or both ways; twice)"},
    {"partition_producer", 0.3, "a broker and a producer cannot talk for 5-25 s"},
    {"namesrv_outage", 0.2, "every client is cut off the nameserver for 5-20 s"},
    {"pull_errors", 0.3, "a broker answers PULL_MESSAGE with SYSTEM_ERROR for 3-20 s"},
    {"pull_flow_control", 0.3, "a broker answers half the pulls FLOW_CONTROL for 3-30 s"},
    {"lost_pulls", 0.3, "a broker leaves half the pulls unanswered for 2-15 s"},
    {"send_codes", 0.3, "a broker answers 30% of the sends with an error code for 5-30 s"},
    {"lost_sends", 0.2, "a broker stores 20% of the sends but never answers, for 2-10 s"},
    {"late_sends", 0.2, "a broker answers 20% of the sends after the client's deadline, for 2-10 s"},
    {"heartbeat_errors", 0.2, "HEART_BEAT and GET_CONSUMER_LIST_BY_GROUP fail half the time for 3-20 s"},
    {"offset_faults", 0.2, "offset updates applied late and offset queries unanswered for 3-20 s"},
    {"lock_errors", 0.3, "LOCK_BATCH_MQ fails half the time for 3-20 s (orderly groups only)"},
    {"isolate_consumer", 0.2, "a consumer is cut off every broker for 5-35 s"},
    {"send_back_errors", 0.3, "CONSUMER_SEND_MSG_BACK fails half the time during the whole fault phase"},
    {"slow_link", 0.3, "a broker's links to the consumers get 50-800 ms more latency for 5-30 s"},
    {"random_network", 0.3, "random connection resets and clogs (p=0.002 per burst) during the fault phase"},
    {"consumer_restart", 0.3, "a consumer shuts down and starts again later in the fault phase"},
    {"consumer_join", 0.3, "a consumer joins a group during the fault phase"},
};

class Drawer {
 public:
  Drawer(const pb::Scenario& s, uint64_t seed)
      : s_(s), rng_(sim::Prng(seed ^ 0x5a4a7d0f00dULL).fork("swarm")), phase_(s.phases().fault_ms()) {}

  bool active(const SwarmFamily& family) {
    bool allowed = s_.swarm().families_size() == 0 ||
                   std::find(s_.swarm().families().begin(), s_.swarm().families().end(), family.name) !=
                       s_.swarm().families().end();
    // Drawn even when not allowed, so that restricting families keeps the other families' draws.
    bool drawn = rng_.chance(std::min(0.9, family.probability * s_.swarm().intensity()));
    return allowed && drawn;
  }
  pb::Fault& add(int64_t min_len, int64_t max_len) {
    int64_t len = rng_.uniform_int(min_len, std::min(max_len, std::max(min_len, phase_ - 2'000)));
    int64_t start = rng_.uniform_int(2'000, std::max<int64_t>(2'000, phase_ - len));
    pb::Fault& f = out_.emplace_back();
    f.set_at_ms(start);
    f.set_duration_ms(len);
    return f;
  }
  int broker() { return static_cast<int>(rng_.below(static_cast<uint64_t>(s_.topology().brokers()))); }
  std::string consumer_host() {
    int g = static_cast<int>(rng_.below(static_cast<uint64_t>(s_.consumer_groups_size())));
    int j = static_cast<int>(rng_.below(static_cast<uint64_t>(s_.consumer_groups(g).consumers())));
    return "consumer-" + std::to_string(g) + "-" + std::to_string(j);
  }
  int group() { return static_cast<int>(rng_.below(static_cast<uint64_t>(s_.consumer_groups_size()))); }
  void broker_rule(int64_t min_len, int64_t max_len, pb::RequestCode request, pb::ResponseCode code, double p) {
    pb::Fault& f = add(min_len, max_len);
    pb::BrokerCode& c = *f.mutable_broker_code();
    c.set_broker(broker());
    c.set_request(request);
    c.set_code(code);
    c.set_probability(p);
  }
  sim::Prng& rng() { return rng_; }
  const pb::Scenario& scenario() const { return s_; }
  int64_t phase() const { return phase_; }
  std::vector<pb::Fault> take() {
    std::stable_sort(out_.begin(), out_.end(),
                     [](const pb::Fault& a, const pb::Fault& b) { return a.at_ms() < b.at_ms(); });
    return std::move(out_);
  }

 private:
  const pb::Scenario& s_;
  sim::Prng rng_;
  int64_t phase_;
  std::vector<pb::Fault> out_;
};

bool has_orderly_group(const pb::Scenario& s) {
  return std::any_of(s.consumer_groups().begin(), s.consumer_groups().end(),
                     [](const pb::ConsumerGroup& g) { return g.orderly(); });
}

void draw_network(Drawer& d, const std::string& family) {
  const pb::Scenario& s = d.scenario();
  if (family == "partition_consumer" && s.consumer_groups_size() > 0) {
    for (int i = 0; i < 2; ++i) {
      pb::Fault& f = d.add(5'000, 30'000);
      f.mutable_partition()->set_a("broker-" + std::to_string(d.broker()));
      f.mutable_partition()->set_b(d.consumer_host());
      f.mutable_partition()->set_one_way(d.rng().chance(0.5));
    }
  } else if (family == "partition_producer" && s.producers_size() > 0) {
    pb::Fault& f = d.add(5'000, 25'000);
    f.mutable_partition()->set_a("broker-" + std::to_string(d.broker()));
    f.mutable_partition()->set_b("producer-" + std::to_string(d.rng().below(static_cast<uint64_t>(s.producers_size()))));
  } else if (family == "namesrv_outage") {
    d.add(5'000, 20'000).mutable_namesrv_outage();
  } else if (family == "isolate_consumer" && s.consumer_groups_size() > 0) {
    pb::Fault& f = d.add(5'000, 35'000);
    f.mutable_partition()->set_a(d.consumer_host());
    f.mutable_partition()->set_b("brokers");
  } else if (family == "slow_link" && s.consumer_groups_size() > 0) {
    pb::Fault& f = d.add(5'000, 30'000);
    f.mutable_slow_link()->set_a("broker-" + std::to_string(d.broker()));
    f.mutable_slow_link()->set_b("consumers");
    f.mutable_slow_link()->set_extra_latency_ms(d.rng().uniform_int(50, 800));
  } else if (family == "random_network") {
    pb::Fault& f = d.add(d.phase(), d.phase());
    f.set_at_ms(0);
    f.set_duration_ms(d.phase());
    f.mutable_random_network()->set_reset_p(0.002);
    f.mutable_random_network()->set_clog_p(0.002);
  }
}

void draw_broker(Drawer& d, const std::string& family) {
  const pb::Scenario& s = d.scenario();
  bool consumers = s.consumer_groups_size() > 0;
  bool producers = s.producers_size() > 0;
  if (family == "pull_errors" && consumers) {
    d.broker_rule(3'000, 20'000, pb::PULL_MESSAGE, pb::SYSTEM_ERROR, 1);
  } else if (family == "pull_flow_control" && consumers) {
    d.broker_rule(3'000, 30'000, pb::PULL_MESSAGE, pb::FLOW_CONTROL, 0.5);
  } else if (family == "lost_pulls" && consumers) {
    pb::Fault& f = d.add(2'000, 15'000);
    f.mutable_lost_responses()->set_broker(d.broker());
    f.mutable_lost_responses()->set_request(pb::PULL_MESSAGE);
    f.mutable_lost_responses()->set_probability(0.5);
  } else if (family == "send_codes" && producers) {
    static const pb::ResponseCode kCodes[] = {pb::SYSTEM_BUSY, pb::FLUSH_DISK_TIMEOUT, pb::SYSTEM_ERROR,
                                              pb::TOPIC_NOT_EXIST, pb::SERVICE_NOT_AVAILABLE, pb::SLAVE_NOT_AVAILABLE};
    pb::ResponseCode code = kCodes[d.rng().below(std::size(kCodes))];
    d.broker_rule(5'000, 30'000, pb::SEND_MESSAGE_V2, code, 0.3);
  } else if (family == "lost_sends" && producers) {
    pb::Fault& f = d.add(2'000, 10'000);
    f.mutable_lost_responses()->set_broker(d.broker());
    f.mutable_lost_responses()->set_request(pb::SEND_MESSAGE_V2);
    f.mutable_lost_responses()->set_probability(0.2);
  } else if (family == "late_sends" && producers) {
    pb::Fault& f = d.add(2'000, 10'000);
    f.mutable_late_responses()->set_broker(d.broker());
    f.mutable_late_responses()->set_request(pb::SEND_MESSAGE_V2);
    f.mutable_late_responses()->set_delay_ms(d.rng().uniform_int(3'500, 6'000));
    f.mutable_late_responses()->set_probability(0.2);
  } else if (family == "heartbeat_errors" && consumers) {
    d.broker_rule(3'000, 20'000, pb::HEART_BEAT, pb::SYSTEM_ERROR, 0.5);
    d.broker_rule(3'000, 20'000, pb::GET_CONSUMER_LIST_BY_GROUP, pb::SYSTEM_ERROR, 0.5);
  } else if (family == "offset_faults" && consumers) {
    pb::Fault& slow = d.add(3'000, 20'000);
    slow.mutable_slow_handler()->set_broker(d.broker());
    slow.mutable_slow_handler()->set_request(pb::UPDATE_CONSUMER_OFFSET);
    slow.mutable_slow_handler()->set_delay_ms(d.rng().uniform_int(100, 8'000));
    slow.mutable_slow_handler()->set_probability(0.5);
    pb::Fault& lost = d.add(3'000, 20'000);
    lost.mutable_lost_responses()->set_broker(d.broker());
    lost.mutable_lost_responses()->set_request(pb::QUERY_CONSUMER_OFFSET);
    lost.mutable_lost_responses()->set_probability(0.3);
  } else if (family == "lock_errors" && has_orderly_group(s)) {
    d.broker_rule(3'000, 20'000, pb::LOCK_BATCH_MQ, pb::SYSTEM_ERROR, 0.5);
  } else if (family == "send_back_errors" && consumers) {
    for (int b = 0; b < s.topology().brokers(); ++b) {
      pb::Fault& f = d.add(d.phase(), d.phase());
      f.set_at_ms(0);
      f.set_duration_ms(d.phase());
      f.mutable_broker_code()->set_broker(b);
      f.mutable_broker_code()->set_request(pb::CONSUMER_SEND_MSG_BACK);
      f.mutable_broker_code()->set_code(pb::SYSTEM_ERROR);
      f.mutable_broker_code()->set_probability(0.5);
    }
  }
}

void draw_clients(Drawer& d, const std::string& family) {
  const pb::Scenario& s = d.scenario();
  if (s.consumer_groups_size() == 0) return;
  if (family == "consumer_restart") {
    int g = d.group();
    int64_t stop = d.rng().uniform_int(5'000, std::max<int64_t>(5'000, d.phase() / 2));
    int64_t again = d.rng().uniform_int(stop + 1'000, std::max(stop + 1'000, d.phase() - 2'000));
    pb::Fault& f = d.add(1, 1);
    f.set_at_ms(stop);
    f.set_duration_ms(again - stop);
    f.mutable_consumer_restart()->set_group(g);
    f.mutable_consumer_restart()->set_consumer(
        static_cast<int32_t>(d.rng().below(static_cast<uint64_t>(s.consumer_groups(g).consumers()))));
  } else if (family == "consumer_join") {
    int g = d.group();
    pb::Fault& f = d.add(1, 1);
    f.set_at_ms(d.rng().uniform_int(3'000, std::max<int64_t>(3'000, d.phase() - 3'000)));
    f.set_duration_ms(0);
    f.mutable_consumer_join()->set_group(g);
  }
}

}  // namespace

const std::vector<SwarmFamily>& swarm_families() { return kFamilies; }

std::vector<pb::Fault> draw_swarm_faults(const pb::Scenario& scenario, uint64_t seed) {
  pb::Scenario s = with_defaults(scenario);
  if (!s.swarm().enabled()) return {};
  Drawer d(s, seed);
  for (const SwarmFamily& family : kFamilies) {
    bool per_broker = std::string(family.name) == "broker_crash";
    int rounds = per_broker ? s.topology().brokers() : 1;
    for (int r = 0; r < rounds; ++r) {
      if (!d.active(family)) continue;
      if (per_broker) {
        pb::Fault& f = d.add(3'000, 20'000);
        f.mutable_broker_crash()->set_broker(r);
        continue;
      }
      draw_network(d, family.name);
      draw_broker(d, family.name);
      draw_clients(d, family.name);
    }
  }
  return d.take();
}

}  // namespace rmq::scenario
