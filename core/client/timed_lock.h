// TimedLock: Java's ReentrantLock.tryLock(timeout) for an event-driven core. The Java client holds lockNamesrv
// across a blocking name-server call and lockHeartbeat across the heartbeat round; other callers wait up to a
// timeout (3000 ms) and give up. Here a waiter is a callback: it runs with `true` once it holds the lock, or
// with `false` when its timeout passed first. Waiters are served in arrival order. Callbacks never run inside
// the call that registered them.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "core/runtime/runtime.h"

namespace rmq::client {

class TimedLock {
 public:
  using Acquired = std::function<void(bool acquired)>;

  explicit TimedLock(runtime::Runtime& runtime) : runtime_(runtime) {}
  ~TimedLock();
  TimedLock(const TimedLock&) = delete;
  TimedLock& operator=(const TimedLock&) = delete;

  // tryLock(timeout): `done(true)` when held, `done(false)` after `timeout_ms` without it.
  void try_lock(int64_t timeout_ms, Acquired done);
  // tryLock(): takes it only if free, at once.
  bool try_lock_now();
  // Releases; the oldest waiter (if any) gets it next.
  void unlock();
  bool held() const { return held_; }
  size_t waiters() const { return waiters_.size(); }

 private:
  struct Waiter {
    uint64_t id;
    Acquired done;
    runtime::TimerId timer;
  };
  void on_wait_expired(uint64_t id);

  runtime::Runtime& runtime_;
  bool held_ = false;
  std::deque<Waiter> waiters_;
  uint64_t next_id_ = 1;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rmq::client
