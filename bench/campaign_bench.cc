// The default campaign (scenarios/default.textproto: a SYNC producer, a group of two consumers, two brokers, a
// swarm fault mix for 30 s, the heal, every check), measured three ways:
//
//   BM_DefaultScenarioSeed      one seed after another on one thread: seeds per CPU second, how many virtual
//                               seconds one CPU second simulates (x_real_time), trace events per second.
//   BM_DefaultCampaignTwoJobs   rmqsim fuzz's campaign runner over 16 seeds on 2 worker threads: seeds per wall
//                               second on the 2-core machine.
//   BM_DefaultScenarioPeakHeap  one seed: the heap's high-water mark during the run (operator new/delete are
//                               counted in this binary) and the process's peak resident set.
//
// Targets (issue: benchmarks): the default scenario >= 10,000x faster than real time; the default campaign
// >= 200 seeds per second on 2 cores.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "sim/scenario/campaign.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_runner.h"

namespace {

// Counted only while BM_DefaultScenarioPeakHeap runs: shared counters on every allocation would make the
// two-thread campaign benchmark measure cache-line contention instead of the campaign.
std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_heap_now{0};
std::atomic<int64_t> g_heap_peak{0};

void count_alloc(void* p) {
  if (p == nullptr || !g_counting.load(std::memory_order_relaxed)) return;
  int64_t now = g_heap_now.fetch_add(static_cast<int64_t>(malloc_usable_size(p))) + static_cast<int64_t>(malloc_usable_size(p));
  int64_t peak = g_heap_peak.load();
  while (now > peak && !g_heap_peak.compare_exchange_weak(peak, now)) {
  }
}

}  // namespace

// Heap accounting for BM_DefaultScenarioPeakHeap: every operator new of this binary goes through malloc.
void* operator new(size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  count_alloc(p);
  return p;
}
// GCC sees free() of what operator new returned; this binary's operator new is malloc, so they do match.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  if (g_counting.load(std::memory_order_relaxed)) g_heap_now.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)));
  std::free(p);
}
#pragma GCC diagnostic pop
void operator delete(void* p, size_t) noexcept { operator delete(p); }

namespace rmq::bench {
namespace {

const scenario::pb::Scenario& default_scenario() {
  static const scenario::pb::Scenario s = [] {
    auto loaded = scenario::load_scenario(std::string(RMQSIM_SCENARIOS_DIR) + "/default.textproto");
    if (!loaded.ok()) std::abort();
    return *loaded;
  }();
  return s;
}

void BM_DefaultScenarioSeed(benchmark::State& state) {
  uint64_t seed = 1;
  double virtual_s = 0;
  double events = 0;
  for (auto _ : state) {
    scenario::RunResult r = scenario::run_scenario(default_scenario(), seed++);
    if (!r.passed()) state.SkipWithError(("seed failed: " + r.failed_checks()).c_str());
    virtual_s += static_cast<double>(r.virtual_ms) / 1000.0;
    events += static_cast<double>(r.events);
  }
  state.counters["seeds_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["x_real_time"] = benchmark::Counter(virtual_s, benchmark::Counter::kIsRate);
  state.counters["events_per_s"] = benchmark::Counter(events, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DefaultScenarioSeed)->Unit(benchmark::kMillisecond);

void BM_DefaultCampaignTwoJobs(benchmark::State& state) {
  uint64_t first = 1;
  size_t seeds = 0;
  for (auto _ : state) {
    scenario::CampaignOptions options;
    for (uint64_t s = first; s < first + 16; ++s) options.seeds.push_back(s);
    first += 16;
    options.jobs = 2;
    scenario::CampaignResult result = scenario::run_campaign(
        options, [](uint64_t seed) { return scenario::run_scenario(default_scenario(), seed); });
    if (!result.passed()) state.SkipWithError("a seed failed");
    seeds += result.runs.size();
  }
  state.counters["seeds_per_s"] = benchmark::Counter(static_cast<double>(seeds), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DefaultCampaignTwoJobs)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_DefaultScenarioPeakHeap(benchmark::State& state) {
  int64_t peak = 0;
  uint64_t seed = 1;
  for (auto _ : state) {
    // Counting starts from zero here: memory freed in the run but allocated before it makes "now" dip below
    // zero, which only lowers the peak by what existed before (the loaded scenario: a few KiB).
    g_heap_now.store(0);
    g_heap_peak.store(0);
    g_counting.store(true);
    {
      scenario::RunResult r = scenario::run_scenario(default_scenario(), seed++);
      benchmark::DoNotOptimize(r);
    }
    g_counting.store(false);
    peak = std::max(peak, g_heap_peak.load());
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["peak_heap_MiB"] = static_cast<double>(peak) / (1024.0 * 1024.0);
  state.counters["max_rss_MiB"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_DefaultScenarioPeakHeap)->Unit(benchmark::kMillisecond)->Iterations(8);

}  // namespace
}  // namespace rmq::bench
BENCHMARK_MAIN();
