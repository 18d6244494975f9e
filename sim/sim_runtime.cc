#include "sim/sim_runtime.h"

#include <cstdint>

#include "sim/sim_check.h"

namespace rmq::sim {
namespace {

// A view of the simulator from one host: connect() originates there; everything else is the simulator's.
class HostRuntime final : public runtime::Runtime {
 public:
  HostRuntime(SimRuntime& sim, std::string host) : sim_(sim), host_(std::move(host)) {}

  Micros now() const override { return sim_.now(); }
  int64_t wall_clock_ms() const override { return sim_.wall_clock_ms(); }
  TimerId after(Micros delay, std::function<void()> fn) override { return sim_.after(delay, std::move(fn)); }
  bool cancel(TimerId id) override { return sim_.cancel(id); }
  uint64_t random() override { return sim_.random(); }
  void connect(const std::string& address, Micros timeout,
               std::function<void(Result<ConnectionPtr>)> done) override {
    sim_.network().connect(host_, address, timeout, std::move(done));
  }
  Result<ListenerPtr> listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept) override {
    return sim_.network().listen(address, std::move(on_accept));
  }

 private:
  SimRuntime& sim_;
  std::string host_;
};

// Marks a driving call; a nested one (from inside a callback) would run events out of their caller's order.
class DrivingScope {
 public:
  explicit DrivingScope(bool& running) : running_(running) {
    RMQSIM_CHECK(!running_, "SimRuntime driving call (step/run_*) made from inside a simulator callback");
    running_ = true;
  }
  ~DrivingScope() { running_ = false; }
  DrivingScope(const DrivingScope&) = delete;
  DrivingScope& operator=(const DrivingScope&) = delete;

 private:
  bool& running_;
};

}  // namespace

const char* run_outcome_name(RunOutcome outcome) {
  switch (outcome) {
    case RunOutcome::kIdle: return "idle";
    case RunOutcome::kDone: return "done";
    case RunOutcome::kDeadline: return "deadline";
    case RunOutcome::kEventLimit: return "event_limit";
  }
  return "unknown";
}

SimRuntime::SimRuntime(SimOptions options)
    : options_(std::move(options)),
      root_(options_.seed),
      prng_(root_.fork("runtime")),
      queue_(options_.max_pending_events),
      trace_(options_.trace) {
  network_ = std::make_unique<SimNetwork>(*this, options_.network, options_.faults);
}

SimRuntime::~SimRuntime() {
  // The network goes first: it detaches connection handles and drops handlers while the queue (whose pending
  // callbacks may hold connections) still exists.
  network_.reset();
}

TimerId SimRuntime::after(Micros delay, std::function<void()> fn) {
  RMQSIM_CHECK(fn != nullptr, "SimRuntime::after with an empty callback");
  // delay <= 0 means "now, after what is already due": the larger sequence number orders it last among equals.
  // Huge delays (INT64_MAX as "never") saturate instead of overflowing.
  const Micros at = delay <= 0 ? now_ : (delay > INT64_MAX - now_ ? INT64_MAX : now_ + delay);
  TimerId id = queue_.schedule(at, std::move(fn));
  ++counters_.events_scheduled;
  if (queue_.live() > counters_.max_pending) counters_.max_pending = queue_.live();
  return id;
}

bool SimRuntime::cancel(TimerId id) {
  if (!queue_.cancel(id)) return false;
  ++counters_.timers_cancelled;
  return true;
}

void SimRuntime::connect(const std::string& address, Micros timeout,
                         std::function<void(Result<ConnectionPtr>)> done) {
  network_->connect(options_.default_host, address, timeout, std::move(done));
}

Result<ListenerPtr> SimRuntime::listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept) {
  return network_->listen(address, std::move(on_accept));
}

runtime::Runtime& SimRuntime::host(const std::string& name) {
  auto& slot = hosts_[name];
  if (!slot) slot = std::make_unique<HostRuntime>(*this, name);
  return *slot;
}

void SimRuntime::run_one() {
  std::function<void()> fn;
  const Micros at = queue_.pop(fn);
  RMQSIM_CHECK(at >= now_, "simulator event scheduled in the past");  // time never goes backwards
  now_ = at;
  ++counters_.events_run;
  fn();
}

bool SimRuntime::step() {
  DrivingScope scope(running_);
  if (!queue_.next_time()) return false;
  run_one();
  return true;
}

RunResult SimRuntime::run_until_idle(uint64_t max_events) {
  DrivingScope scope(running_);
  uint64_t n = 0;
  while (queue_.next_time()) {
    if (n == max_events) return {RunOutcome::kEventLimit, n};
    run_one();
    ++n;
  }
  return {RunOutcome::kIdle, n};
}

RunResult SimRuntime::run_until(const std::function<bool()>& done, Micros deadline, uint64_t max_events) {
  DrivingScope scope(running_);
  uint64_t n = 0;
  for (;;) {
    if (done && done()) return {RunOutcome::kDone, n};
    const auto next = queue_.next_time();
    if (!next) return {RunOutcome::kIdle, n};
    if (*next > deadline) {
      if (deadline > now_) now_ = deadline;
      return {RunOutcome::kDeadline, n};
    }
    if (n == max_events) return {RunOutcome::kEventLimit, n};
    run_one();
    ++n;
  }
}

RunResult SimRuntime::run_for(Micros duration, uint64_t max_events) {
  const Micros deadline = now_ + (duration > 0 ? duration : 0);
  RunResult r = run_until(nullptr, deadline, max_events);
  if (r.outcome == RunOutcome::kEventLimit) return r;
  now_ = deadline;  // the duration passed, even if nothing was pending
  return {RunOutcome::kDeadline, r.events};
}

}  // namespace rmq::sim
