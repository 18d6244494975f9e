// Queue allocation strategies (core/consumer/allocate): one allocate() call, as one consumer makes it in every
// rebalance of a topic, for `queues` queues spread over 4 brokers and `consumers` members of the group. The
// current consumer is the middle one of the sorted ids. A whole group's rebalance costs `consumers` such calls,
// one per member (each computes its own share).
//
// Arguments: strategy index (kStrategies), queues, consumers.
#include <benchmark/benchmark.h>

#include <array>
#include <string>
#include <vector>

#include "core/consumer/allocate/allocate_strategy.h"
#include "core/consumer/allocate/java_order.h"

namespace rmq::bench {
namespace {

constexpr std::array<const char*, 4> kStrategies = {"AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH",
                                                    "MACHINE_ROOM_NEARBY-AVG"};

// Queues of TopicBench on brokers "room<b % 2>-broker-<b>" (two machine rooms, so the nearby strategy has
// work), consumer ids "10.0.<room>.<i>@<pid>" as Java's buildMQClientId writes them; sorted as RebalanceImpl
// sorts them before allocating.
void make_group(int queues, int consumers, std::vector<client::MessageQueue>& mq_all,
                std::vector<std::string>& cid_all) {
  constexpr int kBrokers = 4;
  for (int q = 0; q < queues; ++q) {
    int broker = q % kBrokers;
    mq_all.push_back(client::MessageQueue{"TopicBench", "room" + std::to_string(broker % 2) + "-broker-" +
                                                            std::to_string(broker),
                                          q / kBrokers});
  }
  for (int c = 0; c < consumers; ++c) {
    cid_all.push_back("room" + std::to_string(c % 2) + "-10.0." + std::to_string(c / 250) + "." +
                      std::to_string(c % 250 + 1) + "@" + std::to_string(40000 + c));
  }
  consumer::sort_for_allocation(mq_all, cid_all);
}

void BM_Allocate(benchmark::State& state) {
  const char* name = kStrategies.at(static_cast<size_t>(state.range(0)));
  const auto queues = static_cast<int>(state.range(1));
  const auto consumers = static_cast<int>(state.range(2));
  auto strategy = consumer::make_allocate_strategy(name, {});
  if (!strategy.ok()) {
    state.SkipWithError("unknown strategy");
    return;
  }
  std::vector<client::MessageQueue> mq_all;
  std::vector<std::string> cid_all;
  make_group(queues, consumers, mq_all, cid_all);
  const std::string current = cid_all[cid_all.size() / 2];
  const std::string group = "CG_BENCH";
  size_t allocated = 0;
  for (auto _ : state) {
    auto result = strategy.value()->allocate(group, current, mq_all, cid_all);
    auto* mine = std::get_if<std::vector<client::MessageQueue>>(&result);
    if (mine == nullptr) {
      state.SkipWithError("allocate threw");
      break;
    }
    allocated = mine->size();
    benchmark::DoNotOptimize(result);
  }
  state.SetLabel(name);
  state.counters["allocated"] = static_cast<double>(allocated);
  state.counters["queues_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * queues, benchmark::Counter::kIsRate);
}

void allocate_grid(benchmark::internal::Benchmark* b) {
  b->ArgNames({"strategy", "queues", "consumers"});
  for (int64_t strategy = 0; strategy < static_cast<int64_t>(kStrategies.size()); ++strategy) {
    for (int64_t queues : {16, 128, 1024}) {
      for (int64_t consumers : {4, 32, 256}) b->Args({strategy, queues, consumers});
    }
  }
}
BENCHMARK(BM_Allocate)->Apply(allocate_grid);

}  // namespace
}  // namespace rmq::bench

BENCHMARK_MAIN();
