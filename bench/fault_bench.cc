// Queue selection of the producer (core/producer/fault_strategy.h, Java's MQFaultStrategy.selectOneMessageQueue)
// for the first attempt of a send, over a topic with 4 write queues on each of queues / 4 brokers.
//
// Arguments: profile (0 = 4.9.8, 1 = 5.x), mode, queues. Modes:
//   0  latency fault tolerance off (the default): a plain round robin
//   1  on, every broker healthy (each has a fault item, as after one send to each)
//   2  on, broker-0 isolated (a 30 s send failure): the selection walks past its queues
#include <benchmark/benchmark.h>

#include <string>

#include "core/producer/fault_strategy.h"

namespace rmq::bench {
namespace {

using client::Profile;

std::string broker_name(int b) { return "broker-" + std::to_string(b); }

void BM_FaultSelect(benchmark::State& state) {
  const Profile profile = state.range(0) == 0 ? Profile::kV4_9_8 : Profile::kV5;
  const auto mode = static_cast<int>(state.range(1));
  const auto queues = static_cast<int>(state.range(2));
  const int brokers = queues / 4;
  protocol::TopicRouteData route;
  for (int b = 0; b < brokers; ++b) {
    route.broker_datas.push_back({"DefaultCluster", broker_name(b), {{0, "10.0.0." + std::to_string(b + 1) + ":10911"}}});
    route.queue_datas.push_back({broker_name(b), 4, 4, 6, 0});
  }
  producer::TopicPublishInfo info = producer::make_topic_publish_info("TopicBench", route, profile, 7);
  producer::FaultStrategy strategy(profile, mode != 0, 3);
  constexpr int64_t kNow = 1'000'000;
  if (mode != 0) {
    for (int b = 0; b < brokers; ++b) strategy.update_fault_item(broker_name(b), 3, false, true, kNow - 1000);
  }
  if (mode == 2) strategy.update_fault_item(broker_name(0), 30'000, true, false, kNow);
  uint32_t draws = 0;
  const std::function<uint32_t()> draw = [&draws] { return ++draws % 1000; };
  int64_t on_isolated = 0;
  for (auto _ : state) {
    auto mq = strategy.select_one_message_queue(info, std::nullopt, false, kNow, draw);
    on_isolated += mq->broker_name == "broker-0" ? 1 : 0;
    benchmark::DoNotOptimize(mq);
  }
  static constexpr const char* kModes[] = {"latency off", "latency on, healthy", "latency on, 1 isolated"};
  state.SetLabel(std::string(profile == Profile::kV4_9_8 ? "4.9.8, " : "5.x, ") + kModes[mode]);
  state.counters["on_broker0"] =
      benchmark::Counter(static_cast<double>(on_isolated) / static_cast<double>(state.iterations()));
}

void fault_grid(benchmark::internal::Benchmark* b) {
  b->ArgNames({"profile", "mode", "queues"});
  for (int64_t profile : {0, 1}) {
    for (int64_t mode : {0, 1, 2}) {
      for (int64_t queues : {4, 16, 64, 256}) {
        if (mode == 2 && queues == 4) continue;  // one broker only: nothing to walk to
        b->Args({profile, mode, queues});
      }
    }
  }
}
BENCHMARK(BM_FaultSelect)->Apply(fault_grid);

}  // namespace
}  // namespace rmq::bench

BENCHMARK_MAIN();
