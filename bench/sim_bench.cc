// Simulator throughput: timer events through the event loop, and messages through the simulated network.
// Target (issue: simulator performance): >= 1,000,000 simulator events per second per core.
// Benchmarks report; tests never time anything (DESIGN §9).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "sim/sim_runtime.h"

namespace rmq::sim {
namespace {

using runtime::ConnectionPtr;

// Steady state with `range(0)` pending timers: every event schedules its successor at a pseudo-random delay,
// so the heap keeps its size and ordering work is real. One iteration = one event.
void BM_SimTimerEvents(benchmark::State& state) {
  SimRuntime sim;
  const auto pending = static_cast<int>(state.range(0));
  uint64_t lcg = 1;
  std::function<void()> tick = [&] {
    lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
    sim.after(static_cast<Micros>(1 + (lcg >> 54)), tick);  // 1..1024 us
  };
  for (int i = 0; i < pending; ++i) sim.after(i, tick);
  for (auto _ : state) sim.step();
  state.SetItemsProcessed(state.iterations());
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimTimerEvents)->Arg(16)->Arg(1024)->Arg(65536);

// Request-timeout churn: every event arms a timeout and cancels the previous one (as a request table does when
// the response comes first), so half of the scheduled events are cancelled and the lazy deletion is exercised.
void BM_SimTimerEventsWithCancel(benchmark::State& state) {
  SimRuntime sim;
  TimerId timeout = runtime::kNoTimer;
  std::function<void()> tick = [&] {
    sim.cancel(timeout);
    timeout = sim.after(runtime::millis(3000), [] {});
    sim.after(10, tick);
  };
  sim.after(0, tick);
  for (auto _ : state) sim.step();
  state.SetItemsProcessed(state.iterations());
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimTimerEventsWithCancel);

// Messages of range(0) bytes from a client to a server over the simulated network, 64 per iteration (sent in
// one instant, so they coalesce into chunks as TCP would), with chunk splitting on and payload hashing in the
// trace on (range(1) = 1) or off. Counts messages delivered.
void BM_SimNetworkMessages(benchmark::State& state) {
  SimOptions o;
  o.network.default_latency = LatencyDistribution::exponential(300, 100);
  o.network.split_probability = 0.25;
  o.trace.keep_first = 0;  // steady state: the ring of the last texts only
  o.trace.keep_last = 1024;
  o.trace.keep_hashes = 0;
  o.trace.hash_payloads = state.range(1) != 0;
  SimRuntime sim(o);
  uint64_t received = 0;
  ConnectionPtr server, client;
  auto listener = sim.listen("broker-a:10911", [&](ConnectionPtr c) {
    server = c;
    server->start({[&](ByteView bytes) { received += bytes.size(); }, nullptr});
  });
  sim.connect("broker-a:10911", runtime::millis(1000), [&](Result<ConnectionPtr> r) { client = r.value(); });
  sim.run_until_idle();
  client->start({nullptr, nullptr});
  const std::string message(static_cast<size_t>(state.range(0)), 'm');
  constexpr int kBatch = 64;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) client->send(message);
    sim.run_until_idle();
  }
  if (received != state.iterations() * kBatch * message.size()) state.SkipWithError("bytes lost");
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.SetBytesProcessed(static_cast<int64_t>(received));
  state.counters["messages_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations() * kBatch), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimNetworkMessages)->Args({128, 0})->Args({128, 1})->Args({4096, 1});

// One message per connection turn: send, deliver, run; the per-message cost without batching.
void BM_SimNetworkPingPong(benchmark::State& state) {
  SimOptions o;
  o.network.default_latency = LatencyDistribution::constant(200);
  o.trace.keep_first = 0;
  o.trace.keep_hashes = 0;
  SimRuntime sim(o);
  ConnectionPtr server, client;
  auto listener = sim.listen("b:1", [&](ConnectionPtr c) {
    server = c;
    runtime::Connection* raw = c.get();
    server->start({[raw](ByteView bytes) { raw->send(bytes); }, nullptr});  // echo
  });
  sim.connect("b:1", runtime::millis(1000), [&](Result<ConnectionPtr> r) { client = r.value(); });
  sim.run_until_idle();
  uint64_t echoes = 0;
  client->start({[&](ByteView) { ++echoes; }, nullptr});
  const std::string message(100, 'q');
  for (auto _ : state) {
    client->send(message);
    sim.run_until_idle();
  }
  state.SetItemsProcessed(static_cast<int64_t>(echoes));
  state.counters["round_trips_per_second"] =
      benchmark::Counter(static_cast<double>(echoes), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimNetworkPingPong);

}  // namespace
}  // namespace rmq::sim

BENCHMARK_MAIN();
