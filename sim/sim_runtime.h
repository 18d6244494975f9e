// SimRuntime: the deterministic implementation of the runtime seam (DESIGN §2, §3). One thread, virtual time,
// one seed.
//
// - Events (timers, network deliveries, fault heals) run in (virtual time, sequence number) order; equal times
//   run in scheduling order. Idle time is skipped: the clock jumps to the next event.
// - now() starts at 0; wall_clock_ms() is options.epoch_ms + now() / 1000.
// - random() draws from a "runtime" stream forked from the seed; the network and fault streams are forked
//   separately (fork_prng() gives other components streams of their own).
// - connect()/listen() go to the simulated network (sim_network.h) from options.default_host; host(name) gives a
//   view of this runtime whose connect() originates from another host.
// - Callbacks only ever run from the driving calls below (step/run_*), never inside the call that registered
//   them. Driving calls must not be made from inside a callback.
// - Pending events are bounded by options.max_pending_events: exceeding it is a fatal error naming the limit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/runtime/runtime.h"
#include "sim/event_queue.h"
#include "sim/net_faults.h"
#include "sim/prng.h"
#include "sim/sim_network.h"
#include "sim/trace.h"

namespace rmq::sim {

struct SimOptions {
  uint64_t seed = 1;
  int64_t epoch_ms = 1'700'000'000'000;  // wall_clock_ms() at virtual time 0
  size_t max_pending_events = size_t{1} << 20;
  std::string default_host = "client";   // where SimRuntime::connect() originates
  NetworkOptions network;
  NetworkFaultOptions faults;
  TraceOptions trace;
};

// Why a driving call returned.
enum class RunOutcome : uint8_t {
  kIdle,        // no event pending
  kDone,        // run_until's predicate held
  kDeadline,    // the next event lies past the deadline (run_for: the duration passed)
  kEventLimit,  // max_events ran (a livelock guard)
};
const char* run_outcome_name(RunOutcome outcome);

struct RunResult {
  RunOutcome outcome;
  uint64_t events;  // events run by this call
};

struct SimCounters {
  uint64_t events_run = 0;
  uint64_t events_scheduled = 0;
  uint64_t timers_cancelled = 0;
  size_t max_pending = 0;  // high-water mark of live pending events
};

class SimRuntime final : public runtime::Runtime {
 public:
  static constexpr uint64_t kDefaultEventLimit = 100'000'000;

  explicit SimRuntime(SimOptions options = {});
  ~SimRuntime() override;
  SimRuntime(const SimRuntime&) = delete;
  SimRuntime& operator=(const SimRuntime&) = delete;

  // runtime::Runtime
  Micros now() const override { return now_; }
  int64_t wall_clock_ms() const override { return options_.epoch_ms + now_ / runtime::kMicrosPerMilli; }
  TimerId after(Micros delay, std::function<void()> fn) override;
  bool cancel(TimerId id) override;
  uint64_t random() override { return prng_.next_u64(); }
  void connect(const std::string& address, Micros timeout,
               std::function<void(Result<ConnectionPtr>)> done) override;
  Result<ListenerPtr> listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept) override;

  // Driving. Each returns how it ended and how many events it ran.
  bool step();  // runs the next event; false when none is pending
  RunResult run_until_idle(uint64_t max_events = kDefaultEventLimit);
  // Runs until done() holds (checked before every event), the next event lies past `deadline` (absolute
  // virtual time; the clock then moves to the deadline), or nothing is pending (the clock stays).
  RunResult run_until(const std::function<bool()>& done, Micros deadline, uint64_t max_events = kDefaultEventLimit);
  // Runs the events due within `duration`, then sets the clock to now + duration (unless the limit hit first).
  RunResult run_for(Micros duration, uint64_t max_events = kDefaultEventLimit);

  // A view of this runtime whose connect() originates from `host` (everything else is shared). The reference
  // stays valid for the runtime's lifetime.
  runtime::Runtime& host(const std::string& name);

  // Appends a higher layer's event to the trace at the current time.
  void record(std::string_view kind, std::string_view text) { trace_.record(now_, kind, text); }

  SimNetwork& network() { return *network_; }
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }
  Prng& prng() { return prng_; }
  // An independent stream for a component, derived from the seed and `label` only (not from draws so far).
  Prng fork_prng(std::string_view label) const { return root_.fork(label); }
  const SimOptions& options() const { return options_; }
  const SimCounters& counters() const { return counters_; }
  size_t pending_events() const { return queue_.live(); }
  std::optional<Micros> next_event_time() { return queue_.next_time(); }

 private:
  void run_one();

  SimOptions options_;
  Prng root_;
  Prng prng_;
  Micros now_ = 0;
  EventQueue queue_;
  SimCounters counters_;
  Trace trace_;
  bool running_ = false;  // inside a driving call: guards against re-entrant driving from a callback
  std::unique_ptr<SimNetwork> network_;
  std::map<std::string, std::unique_ptr<runtime::Runtime>> hosts_;
};

}  // namespace rmq::sim
