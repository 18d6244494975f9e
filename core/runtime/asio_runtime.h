// AsioRuntime (DESIGN §2, §8): the real Runtime — one Boost.Asio io_context, real TCP sockets, the steady and
// system clocks, a seeded generator. The core, the fakes and `rmqsim serve` run on it unchanged.
//
// Driving the loop. The Runtime contract (runtime.h) says every callback runs on the runtime's event thread and
// the core calls the runtime only from there. AsioRuntime's event thread is whichever thread runs its loop:
//   (a) the caller's own thread, through run_until() / run_for() / poll() — tests do this, so every callback
//       runs on the test's thread and nothing is shared across threads; between those calls the caller's thread
//       is still the only one touching the runtime, so it may call connect(), send() etc. directly;
//   (b) one background thread, between start_thread() and stop() — for the blocking facade. Other threads then
//       reach the runtime only through post() and run_sync().
// Never both at once. Connections and listeners follow the same rule: use them from the event thread only.
//
// Lifetime. Destroying the runtime (from a thread that is not running its loop) stops the background thread,
// closes every socket at once and drops every pending callback uncalled: no callback runs after destruction.
// Connections and listeners handed out may outlive it; they are then closed and inert (send() returns false).
// While the runtime lives, a started connection keeps itself alive (its pending read holds it) until it closes,
// even if every ConnectionPtr is dropped; an unstarted one with nothing queued is closed by its destructor.
//
// Implementation details (Asio types, sockets, the timer queue) live behind a pointer so that including this
// header does not pull Boost.Asio into every user.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "core/runtime/runtime.h"

namespace rmq::runtime {

struct AsioRuntimeOptions {
  // Seed of random(); 0 draws one from std::random_device (seed() tells which, for the logs).
  uint64_t seed = 0;
  // Per-connection bound on bytes accepted by send() but not yet handed to the kernel; send() past it fails.
  // Generous: one RocketMQ frame may be 16 MiB, and Netty's client never refuses a write for backlog alone.
  size_t send_buffer_limit = size_t{64} << 20;
  // Size of each connection's read buffer, i.e. the most bytes one on_data call delivers.
  size_t read_chunk = size_t{64} << 10;
  // Host bound by listen() when the address has no host part (":port").
  std::string default_bind = "127.0.0.1";
  // After close(), how long queued bytes may take to drain and the peer to answer our FIN before the socket is
  // closed regardless (a peer that never reads must not keep the connection forever).
  Micros close_linger = millis(5000);
};

class AsioRuntime final : public Runtime {
 public:
  explicit AsioRuntime(AsioRuntimeOptions options = {});
  ~AsioRuntime() override;
  AsioRuntime(const AsioRuntime&) = delete;
  AsioRuntime& operator=(const AsioRuntime&) = delete;

  // --- Runtime ---------------------------------------------------------------------------------------------
  // now() counts steady_clock microseconds since construction. Safe from any thread, as is wall_clock_ms().
  Micros now() const override;
  int64_t wall_clock_ms() const override;
  // Timers run in (deadline, registration) order: equal deadlines keep registration order, and a delay <= 0
  // runs after every timer already due, from the loop, never inside after().
  TimerId after(Micros delay, std::function<void()> fn) override;
  bool cancel(TimerId id) override;
  uint64_t random() override;
  // Accepts numeric IPv4 ("127.0.0.1:9876"), IPv6 ("[::1]:9876") and "localhost" (taken as 127.0.0.1) without a
  // lookup; other host names are resolved asynchronously. Errors: kBadAddress (malformed or unresolvable),
  // kRefused, kTimedOut (the timeout covers the lookup and the handshake; a timeout <= 0 has already passed),
  // kOther. The connection comes with TCP_NODELAY set, as Java's client sets it.
  void connect(const std::string& address, Micros timeout,
               std::function<void(Result<ConnectionPtr>)> done) override;
  // Binds exactly the given numeric address (or "localhost", or ":port" on options.default_bind) with
  // SO_REUSEADDR; no lookups, so this never blocks. Errors: kBadAddress, kAddressInUse, kOther. The listener
  // accepts until close() (or the runtime's end), even once its ListenerPtr is dropped — as in the simulator.
  Result<ListenerPtr> listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept) override;

  // --- Driving the loop from the caller's thread (mode a). Not while the background thread runs. -------------
  // Runs callbacks until done() holds (checked before the first and after every callback) or `wall_timeout`
  // of real time passed. Returns done()'s final answer.
  bool run_until(const std::function<bool()>& done, Micros wall_timeout);
  // Runs callbacks for `duration` of real time; returns how many ran.
  size_t run_for(Micros duration);
  // Runs the callbacks that are ready now without waiting; returns how many ran.
  size_t poll();

  // --- The background thread (mode b) ----------------------------------------------------------------------
  // Starts one thread running the loop until stop(). Precondition: not already started.
  void start_thread();
  // Lets every callback queued by post() or run_sync() before this call run, then ends the thread and joins
  // it. No-op when no thread runs. Must not be called from the event thread (it would wait for itself).
  void stop();
  // True on the thread currently running this runtime's loop (either mode).
  bool on_event_thread() const;
  // Queues `fn` to run on the event thread. Callable from any thread. It runs whenever the loop next runs.
  void post(std::function<void()> fn);
  // Runs `fn` on the event thread and returns its result, waiting for it. Called on the event thread it just
  // calls `fn` (no deadlock). When no background thread runs, the caller owns the loop (mode a), so `fn` also
  // runs inline. Exceptions from `fn` propagate to the caller.
  template <typename F>
  std::invoke_result_t<F&> run_sync(F&& fn);

  // The seed random() started from (the drawn one when options.seed was 0).
  uint64_t seed() const;
  const AsioRuntimeOptions& options() const;

  class Impl;

 private:
  void run_sync_erased(const std::function<void()>& fn);

  std::unique_ptr<Impl> impl_;
};

template <typename F>
std::invoke_result_t<F&> AsioRuntime::run_sync(F&& fn) {
  using R = std::invoke_result_t<F&>;
  if constexpr (std::is_void_v<R>) {
    run_sync_erased([&fn] { fn(); });
  } else {
    std::optional<R> result;
    run_sync_erased([&fn, &result] { result.emplace(fn()); });
    return std::move(*result);
  }
}

}  // namespace rmq::runtime
