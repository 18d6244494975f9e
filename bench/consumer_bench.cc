// The push consumer (core/consumer: rebalance, pull with its flow control, message decode, the concurrent consume
// service, offset commits) delivering messages in the simulator (SimCluster: fake nameserver and brokers on the
// simulated network, default latency and trace).
//
// One iteration: `messages` messages are stored first (sent by a producer, not measured), then `consumers`
// members of one group (one per client host, AVG allocation, CONSUME_FROM_FIRST_OFFSET) start and run until
// every message reached a listener (measured). Rates are messages delivered per wall second.
//
// Arguments: brokers (4 queues of TopicBench each), consumers, messages.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/cluster/sim_cluster.h"

namespace rmq::bench {
namespace {

using producer::Message;
using producer::SendOutcome;
using producer::SendResult;

// Sends `count` messages of 128 bytes, one at a time; false when one failed.
bool produce(sim::SimCluster& cluster, int count) {
  auto producer = cluster.make_producer(cluster.producer_options("PG_BENCH"));
  if (producer->start()) return false;
  const std::string body(128, 'b');
  for (int i = 0; i < count; ++i) {
    std::optional<SendOutcome> outcome;
    producer->send(Message::make("TopicBench", body, "TagA", "key-" + std::to_string(i)),
                   [&outcome](SendOutcome o) { outcome = std::move(o); });
    if (!cluster.run_until([&] { return outcome.has_value(); }, 60'000)) return false;
    if (!std::holds_alternative<SendResult>(*outcome)) return false;
  }
  return true;
}

void BM_SimConsumerDeliver(benchmark::State& state) {
  const auto brokers = static_cast<int>(state.range(0));
  const auto consumers = static_cast<int>(state.range(1));
  const auto messages = static_cast<int>(state.range(2));
  double virtual_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    sim::ClusterOptions options;
    options.brokers = brokers;
    options.topics = {{"TopicBench", 4}};
    auto cluster = std::make_unique<sim::SimCluster>(options);
    if (!produce(*cluster, messages)) {
      state.SkipWithError("producing the messages failed");
      break;
    }
    int64_t delivered = 0;
    std::vector<std::unique_ptr<consumer::PushConsumer>> members;
    const int64_t virtual_start_us = cluster->sim().now();
    state.ResumeTiming();

    for (int c = 0; c < consumers; ++c) {
      const std::string host = "10.0.1." + std::to_string(c + 1);
      auto consumer_options = cluster->consumer_options("CG_BENCH", "TopicBench", "*", host);
      consumer_options.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
      auto member = cluster->make_consumer(std::move(consumer_options), host);
      member->register_listener(consumer::ConcurrentlyListener(
          [&delivered](const std::vector<consumer::MessageExt>& msgs, consumer::ConsumeConcurrentlyContext&,
                       std::function<void(consumer::ConsumeConcurrentlyStatus)> done) {
            delivered += static_cast<int64_t>(msgs.size());
            done(consumer::ConsumeConcurrentlyStatus::kConsumeSuccess);
          }));
      if (member->start()) {
        state.SkipWithError("consumer start failed");
        break;
      }
      members.push_back(std::move(member));
    }
    bool all = cluster->run_until([&] { return delivered >= messages; }, 600'000);

    state.PauseTiming();
    virtual_seconds += static_cast<double>(cluster->sim().now() - virtual_start_us) / 1e6;
    members.clear();
    cluster.reset();
    if (!all) {
      state.SkipWithError("not every message was delivered");
      break;
    }
    state.ResumeTiming();
  }
  const double delivered_total = static_cast<double>(state.iterations()) * messages;
  state.SetItemsProcessed(static_cast<int64_t>(delivered_total));
  state.counters["messages_per_s"] = benchmark::Counter(delivered_total, benchmark::Counter::kIsRate);
  state.counters["virtual_s_per_s"] = benchmark::Counter(virtual_seconds, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimConsumerDeliver)
    ->ArgNames({"brokers", "consumers", "messages"})
    ->Args({2, 1, 256})
    ->Args({2, 1, 2048})
    ->Args({2, 1, 8192})
    ->Args({1, 1, 2048})
    ->Args({4, 1, 2048})
    ->Args({2, 4, 2048})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rmq::bench

BENCHMARK_MAIN();
