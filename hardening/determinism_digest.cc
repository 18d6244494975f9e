// determinism_digest [SEED...]: runs fixed simulated scenarios on the simulated cluster (sim/cluster) and prints,
// per scenario and seed, the trace's event count and digest (SimRuntime::trace().digest_hex()) with a few
// outcome counters. DESIGN §3 says same scenario + seed => the same trace; ci/determinism-check builds this
// tool in two presets (e.g. Debug and Release, or the sanitizer builds) and compares the outputs byte for byte.
//
// Scenarios:
//   produce   one producer, sync sends to 2 brokers with SYSTEM_ERROR on a third of broker-0's sends, async
//             sends, a slow link, then a route refresh and a heartbeat round
//   consume   one producer and two push consumers of one group (concurrent listener, every 5th message
//             reconsumed later), a partition between a consumer and broker-1 that heals, a consumer leaving
//             (rebalance)
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "sim/cluster/sim_cluster.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_runner.h"

namespace {

using namespace rmq;
using runtime::millis;

struct Digest {
  uint64_t events = 0;
  std::string digest;
  int ok = 0, failed = 0, consumed = 0;
};

Digest produce_scenario(uint64_t seed) {
  sim::ClusterOptions options;
  options.seed = seed;
  sim::SimCluster cluster(options);
  fake::BrokerFaults faults;
  fake::FaultRule rule;
  rule.request_code = 310;
  rule.response_code = 1;
  rule.probability = 0.33;
  faults.rules.push_back(rule);
  cluster.broker(0).set_faults(faults);
  cluster.sim().network().slow(sim::SimCluster::kClientHost, sim::SimCluster::broker_host(1), true, millis(20), 0,
                               millis(3000));
  auto producer = cluster.make_producer(cluster.producer_options("PG"));
  Digest d;
  if (producer->start()) std::abort();
  for (int i = 0; i < 40; ++i) {
    bool done = false;
    auto record = [&d, &done](producer::SendOutcome outcome) {
      (std::holds_alternative<producer::SendResult>(outcome) ? d.ok : d.failed)++;
      done = true;
    };
    auto msg = producer::Message::make("TopicTest", "m" + std::to_string(i), "TagA");
    if (i % 4 == 3) {
      producer->send_async(std::move(msg), record);
    } else {
      producer->send(std::move(msg), record);
    }
    cluster.run_until([&done] { return done; }, 10'000);
  }
  cluster.run_for(35'000);
  bool down = false;
  producer->shutdown([&down] { down = true; });
  cluster.run_until([&down] { return down; }, 20'000);
  d.events = cluster.sim().trace().size();
  d.digest = cluster.sim().trace().digest_hex();
  return d;
}

Digest consume_scenario(uint64_t seed) {
  sim::ClusterOptions options;
  options.seed = seed;
  sim::SimCluster cluster(options);
  Digest d;
  std::vector<std::unique_ptr<consumer::PushConsumer>> consumers;
  for (int c = 0; c < 2; ++c) {
    std::string host = "10.0.1." + std::to_string(c + 1);
    auto consumer = cluster.make_consumer(cluster.consumer_options("CG", "TopicTest", "*", host), host);
    consumer->register_listener(consumer::ConcurrentlyListener(
        [&d](const std::vector<consumer::MessageExt>& msgs, consumer::ConsumeConcurrentlyContext&,
             std::function<void(consumer::ConsumeConcurrentlyStatus)> done) {
          bool later = msgs.front().reconsume_times() == 0 && msgs.front().stored.queue_offset % 5 == 0;
          if (!later) d.consumed += static_cast<int>(msgs.size());
          done(later ? consumer::ConsumeConcurrentlyStatus::kReconsumeLater
                     : consumer::ConsumeConcurrentlyStatus::kConsumeSuccess);
        }));
    if (consumer->start()) std::abort();
    consumers.push_back(std::move(consumer));
  }
  auto producer = cluster.make_producer(cluster.producer_options("PG", "10.0.2.1"), "10.0.2.1");
  if (producer->start()) std::abort();
  cluster.run_for(2'000);
  cluster.sim().network().partition("10.0.1.2", sim::SimCluster::broker_host(1), true, millis(8'000));
  for (int i = 0; i < 60; ++i) {
    bool done = false;
    producer->send(producer::Message::make("TopicTest", "c" + std::to_string(i)), [&](producer::SendOutcome o) {
      (std::holds_alternative<producer::SendResult>(o) ? d.ok : d.failed)++;
      done = true;
    });
    cluster.run_until([&done] { return done; }, 10'000);
    cluster.run_for(100);
  }
  cluster.run_for(20'000);
  bool down = false;
  consumers[1]->shutdown([&down] { down = true; });
  cluster.run_until([&down] { return down; }, 20'000);
  cluster.run_for(40'000);
  d.events = cluster.sim().trace().size();
  d.digest = cluster.sim().trace().digest_hex();
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<uint64_t> seeds;
  for (int i = 1; i < argc; ++i) seeds.push_back(std::strtoull(argv[i], nullptr, 10));
  if (seeds.empty()) seeds = {1, 7, 42};
  for (uint64_t seed : seeds) {
    Digest p = produce_scenario(seed);
    std::printf("produce seed=%llu events=%llu digest=%s ok=%d failed=%d\n", static_cast<unsigned long long>(seed),
                static_cast<unsigned long long>(p.events), p.digest.c_str(), p.ok, p.failed);
    Digest c = consume_scenario(seed);
    std::printf("consume seed=%llu events=%llu digest=%s ok=%d failed=%d consumed=%d\n",
                static_cast<unsigned long long>(seed), static_cast<unsigned long long>(c.events), c.digest.c_str(),
                c.ok, c.failed, c.consumed);
    // The shipped scenarios through the scenario runner: the default campaign's swarm and the orderly churn.
    for (const char* file : {"default.textproto", "consumer_churn.textproto"}) {
      auto s = scenario::load_scenario(std::string(RMQSIM_SCENARIOS_DIR) + "/" + file);
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.error().message.c_str());
        return 2;
      }
      scenario::RunResult r = scenario::run_scenario(*s, seed);
      std::printf("scenario %s seed=%llu events=%llu digest=%s passed=%d\n", r.scenario.c_str(),
                  static_cast<unsigned long long>(seed), static_cast<unsigned long long>(r.events), r.digest.c_str(),
                  r.passed() ? 1 : 0);
    }
  }
  return 0;
}
