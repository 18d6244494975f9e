// TimedLock (timed_lock.h): Java's ReentrantLock.tryLock(timeout) as the client instance uses it for
// lockNamesrv and lockHeartbeat — a free lock is taken at once, waiters are served in arrival order on unlock,
// a waiter whose timeout passes first gets false, there is no owner (so no re-entrancy), and no callback runs
// inside the call that registered it.
//
// Core tests link no simulator, so time here is a manual virtual clock: a Runtime with timers only (no network),
// run explicitly by the test. Timers due at the same instant run in registration order, as the runtime
// contract requires.
#include "core/client/timed_lock.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rmq::client {
namespace {

using runtime::Micros;
using runtime::millis;

class ManualRuntime final : public runtime::Runtime {
 public:
  Micros now() const override { return now_; }
  int64_t wall_clock_ms() const override { return 1'700'000'000'000 + now_ / runtime::kMicrosPerMilli; }
  runtime::TimerId after(Micros delay, std::function<void()> fn) override {
    runtime::TimerId id = ++last_id_;
    timers_.emplace(std::make_pair(now_ + std::max<Micros>(delay, 0), id), std::move(fn));
    return id;
  }
  bool cancel(runtime::TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second != id) continue;
      timers_.erase(it);
      return true;
    }
    return false;
  }
  uint64_t random() override { return seed_ = seed_ * 6364136223846793005ULL + 1442695040888963407ULL; }
  void connect(const std::string& address, Micros, std::function<void(Result<runtime::ConnectionPtr>)> done) override {
    after(0, [address, done = std::move(done)] {
      done(Error{runtime::net_error::kRefused, "no network: " + address});
    });
  }
  Result<runtime::ListenerPtr> listen(const std::string& address,
                                      std::function<void(runtime::ConnectionPtr)>) override {
    return Error{runtime::net_error::kOther, "no network: " + address};
  }

  // Runs every timer due up to now + ms (including those they schedule), then sets the clock there.
  void run_for(int64_t ms) {
    Micros end = now_ + millis(ms);
    while (!timers_.empty() && timers_.begin()->first.first <= end) {
      auto it = timers_.begin();
      now_ = it->first.first;
      auto fn = std::move(it->second);
      timers_.erase(it);
      fn();
    }
    now_ = end;
  }
  void run_now() { run_for(0); }
  int64_t now_ms() const { return now_ / runtime::kMicrosPerMilli; }
  size_t pending() const { return timers_.size(); }

 private:
  Micros now_ = 0;
  runtime::TimerId last_id_ = 0;
  uint64_t seed_ = 1;
  std::map<std::pair<Micros, runtime::TimerId>, std::function<void()>> timers_;
};

// What each waiter got, and when.
struct Log {
  std::vector<std::string> entries;
  TimedLock::Acquired record(ManualRuntime& rt, std::string who) {
    return [this, &rt, who = std::move(who)](bool acquired) {
      entries.push_back(who + (acquired ? " got it" : " timed out") + " at " + std::to_string(rt.now_ms()));
    };
  }
};

TEST(TimedLockTest, FreeLockIsHeldAtOnceButReportedFromTheLoop) {
  ManualRuntime rt;
  TimedLock lock(rt);
  Log log;
  lock.try_lock(3000, log.record(rt, "a"));
  EXPECT_TRUE(lock.held());
  EXPECT_TRUE(log.entries.empty()) << "the callback ran inside try_lock";
  rt.run_now();
  EXPECT_EQ(log.entries, (std::vector<std::string>{"a got it at 0"}));
  EXPECT_EQ(lock.waiters(), 0u);
}

TEST(TimedLockTest, UnlockHandsOverInArrivalOrder) {
  ManualRuntime rt;
  TimedLock lock(rt);
  Log log;
  lock.try_lock(3000, log.record(rt, "a"));
  rt.run_for(10);
  lock.try_lock(3000, log.record(rt, "b"));
  rt.run_for(10);
  lock.try_lock(3000, log.record(rt, "c"));
  rt.run_for(10);
  lock.try_lock(3000, log.record(rt, "d"));
  EXPECT_EQ(lock.waiters(), 3u);
  rt.run_for(70);  // t = 100
  lock.unlock();
  EXPECT_TRUE(lock.held()) << "handed over, never free in between";
  EXPECT_FALSE(lock.try_lock_now());
  EXPECT_EQ(log.entries.size(), 1u) << "the next holder is told from the loop, not inside unlock";
  rt.run_now();
  rt.run_for(100);  // t = 200
  lock.unlock();
  rt.run_for(50);  // t = 250
  lock.unlock();
  rt.run_now();
  EXPECT_EQ(log.entries, (std::vector<std::string>{"a got it at 0", "b got it at 100", "c got it at 200",
                                                   "d got it at 250"}));
  EXPECT_EQ(lock.waiters(), 0u);
  lock.unlock();
  EXPECT_FALSE(lock.held());
}

TEST(TimedLockTest, WaiterTimesOutWithFalseExactlyAtItsTimeout) {
  ManualRuntime rt;
  TimedLock lock(rt);
  Log log;
  ASSERT_TRUE(lock.try_lock_now());
  rt.run_for(500);
  lock.try_lock(3000, log.record(rt, "b"));
  rt.run_for(2999);
  EXPECT_TRUE(log.entries.empty());
  rt.run_for(1);
  EXPECT_EQ(log.entries, (std::vector<std::string>{"b timed out at 3500"}));
  EXPECT_EQ(lock.waiters(), 0u);
  EXPECT_TRUE(lock.held()) << "the holder keeps it";
  lock.unlock();
  EXPECT_FALSE(lock.held()) << "nobody left to hand over to";
  EXPECT_EQ(log.entries.size(), 1u) << "a timed-out waiter is never called again";
}

TEST(TimedLockTest, ExpiredWaitersAreSkippedByTheHandOver) {
  ManualRuntime rt;
  TimedLock lock(rt);
  Log log;
  ASSERT_TRUE(lock.try_lock_now());
  lock.try_lock(100, log.record(rt, "short"));
  lock.try_lock(3000, log.record(rt, "long"));
  rt.run_for(150);
  lock.unlock();
  rt.run_now();
  EXPECT_EQ(log.entries, (std::vector<std::string>{"short timed out at 100", "long got it at 150"}));
  rt.run_for(5000);
  EXPECT_EQ(log.entries.size(), 2u) << "the holder's own timeout timer was cancelled";
}

TEST(TimedLockTest, ZeroTimeoutWhileHeldFailsFromTheLoop) {
  ManualRuntime rt;
  TimedLock lock(rt);
  Log log;
  ASSERT_TRUE(lock.try_lock_now());
  lock.try_lock(0, log.record(rt, "b"));
  EXPECT_TRUE(log.entries.empty());
  rt.run_now();
  EXPECT_EQ(log.entries, (std::vector<std::string>{"b timed out at 0"}));
}

// Unlike Java's ReentrantLock there is no owner: a holder asking again waits like anybody else.
TEST(TimedLockTest, NoReentrancy) {
  ManualRuntime rt;
  TimedLock lock(rt);
  Log log;
  bool inner_done = false;
  lock.try_lock(3000, [&](bool acquired) {
    ASSERT_TRUE(acquired);
    EXPECT_FALSE(lock.try_lock_now());
    lock.try_lock(1000, [&](bool again) {
      EXPECT_FALSE(again);
      inner_done = true;
    });
  });
  rt.run_for(999);
  EXPECT_FALSE(inner_done);
  rt.run_for(1);
  EXPECT_TRUE(inner_done);
  EXPECT_TRUE(lock.held());
}

TEST(TimedLockTest, TryLockNowOnlyWhenFree) {
  ManualRuntime rt;
  TimedLock lock(rt);
  EXPECT_TRUE(lock.try_lock_now());
  EXPECT_FALSE(lock.try_lock_now());
  lock.unlock();
  EXPECT_TRUE(lock.try_lock_now());
  EXPECT_EQ(rt.pending(), 0u) << "try_lock_now schedules nothing";
}

TEST(TimedLockTest, NoCallbackAfterDestruction) {
  ManualRuntime rt;
  Log log;
  {
    TimedLock lock(rt);
    lock.try_lock(3000, log.record(rt, "a"));    // its report is still queued
    lock.try_lock(3000, log.record(rt, "b"));    // waiting
  }
  rt.run_for(10'000);
  EXPECT_TRUE(log.entries.empty());
}

}  // namespace
}  // namespace rmq::client
