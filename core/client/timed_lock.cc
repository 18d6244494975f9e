#include "core/client/timed_lock.h"

#include <cassert>

namespace rmq::client {

TimedLock::~TimedLock() {
  for (auto& waiter : waiters_) runtime_.cancel(waiter.timer);
}

void TimedLock::try_lock(int64_t timeout_ms, Acquired done) {
  std::weak_ptr<int> alive = alive_;
  if (!held_) {
    held_ = true;
    runtime_.after(0, [alive, done = std::move(done)] {
      if (!alive.expired()) done(true);
    });
    return;
  }
  uint64_t id = next_id_++;
  runtime::TimerId timer = runtime_.after(runtime::millis(timeout_ms), [this, alive, id] {
    if (!alive.expired()) on_wait_expired(id);
  });
  waiters_.push_back(Waiter{id, std::move(done), timer});
}

bool TimedLock::try_lock_now() {
  if (held_) return false;
  held_ = true;
  return true;
}

void TimedLock::unlock() {
  assert(held_);
  if (waiters_.empty()) {
    held_ = false;
    return;
  }
  Waiter next = std::move(waiters_.front());
  waiters_.pop_front();
  runtime_.cancel(next.timer);
  std::weak_ptr<int> alive = alive_;
  runtime_.after(0, [alive, done = std::move(next.done)] {
    if (!alive.expired()) done(true);
  });
}

void TimedLock::on_wait_expired(uint64_t id) {
  for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
    if (it->id != id) continue;
    Acquired done = std::move(it->done);
    waiters_.erase(it);
    done(false);
    return;
  }
}

}  // namespace rmq::client
