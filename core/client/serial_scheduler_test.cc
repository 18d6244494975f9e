// SerialScheduler (serial_scheduler.h): the MQClientInstance's single scheduler thread — fixed-rate runs due at
// initial + k * period, one task at a time (a running task delays every other), late runs caught up right
// after, ties in the order the tasks were added (ScheduledThreadPoolExecutor's sequence numbers).
//
// Core tests link no simulator: time is a manual virtual clock (a Runtime with timers only), run by the test.
#include "core/client/serial_scheduler.h"

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
  uint64_t random() override { return 4; }
  void connect(const std::string& address, Micros, std::function<void(Result<runtime::ConnectionPtr>)> done) override {
    after(0, [address, done = std::move(done)] {
      done(Error{runtime::net_error::kRefused, "no network: " + address});
    });
  }
  Result<runtime::ListenerPtr> listen(const std::string& address,
                                      std::function<void(runtime::ConnectionPtr)>) override {
    return Error{runtime::net_error::kOther, "no network: " + address};
  }

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
  int64_t now_ms() const { return now_ / runtime::kMicrosPerMilli; }

 private:
  Micros now_ = 0;
  runtime::TimerId last_id_ = 0;
  std::map<std::pair<Micros, runtime::TimerId>, std::function<void()>> timers_;
};

// Records "<name>@<ms>" for every run start.
class Runs {
 public:
  explicit Runs(ManualRuntime& rt) : rt_(rt) {}
  // A task that finishes at once.
  SerialScheduler::Task quick(std::string name) {
    return [this, name = std::move(name)](std::function<void()> done) {
      log.push_back(name + "@" + std::to_string(rt_.now_ms()));
      done();
    };
  }
  // A task that finishes `busy_ms` later (as one waiting on the network).
  SerialScheduler::Task slow(std::string name, int64_t busy_ms) {
    return [this, name = std::move(name), busy_ms](std::function<void()> done) {
      log.push_back(name + "@" + std::to_string(rt_.now_ms()));
      rt_.after(millis(busy_ms), std::move(done));
    };
  }
  std::vector<std::string> log;

 private:
  ManualRuntime& rt_;
};

using Log = std::vector<std::string>;

TEST(SerialSchedulerTest, FixedRateFromTheInitialDelay) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  Runs runs(rt);
  scheduler.schedule_at_fixed_rate("route", 10, 30'000, runs.quick("route"));
  scheduler.schedule_at_fixed_rate("heartbeat", 1000, 30'000, runs.quick("heartbeat"));
  rt.run_for(91'000);
  EXPECT_EQ(runs.log, (Log{"route@10", "heartbeat@1000", "route@30010", "heartbeat@31000", "route@60010",
                           "heartbeat@61000", "route@90010", "heartbeat@91000"}));
  EXPECT_EQ(scheduler.runs("route"), 4u);
  EXPECT_EQ(scheduler.runs("heartbeat"), 4u);
  EXPECT_EQ(scheduler.runs("unknown"), 0u);
}

// The period is measured from the schedule, not from the end of the previous run (scheduleAtFixedRate).
TEST(SerialSchedulerTest, ASlowRunDoesNotShiftItsOwnSchedule) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  Runs runs(rt);
  scheduler.schedule_at_fixed_rate("a", 10, 100, runs.slow("a", 30));
  rt.run_for(320);
  EXPECT_EQ(runs.log, (Log{"a@10", "a@110", "a@210", "a@310"}));
}

// One task at a time: b, due at 100, waits for a (10..510); a's next run (1010) again blocks b (due 1100)
// until 1510.
TEST(SerialSchedulerTest, ARunningTaskDelaysEveryOther) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  Runs runs(rt);
  std::vector<bool> busy_seen;
  scheduler.schedule_at_fixed_rate("a", 10, 1000, runs.slow("a", 500));
  scheduler.schedule_at_fixed_rate("b", 100, 1000, [&](std::function<void()> done) {
    busy_seen.push_back(scheduler.running_task());
    runs.quick("b")(std::move(done));
  });
  rt.run_for(50);
  EXPECT_TRUE(scheduler.running_task());
  rt.run_for(2600 - 50);
  EXPECT_EQ(runs.log, (Log{"a@10", "b@510", "a@1010", "b@1510", "a@2010", "b@2510"}));
  EXPECT_EQ(busy_seen, (std::vector<bool>{true, true, true})) << "a task runs with the scheduler marked busy";
}

// Runs missed while another task held the thread are caught up back to back (their due times stay on the
// fixed-rate grid), then the grid resumes.
TEST(SerialSchedulerTest, LateRunsCatchUpRightAfter) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  Runs runs(rt);
  scheduler.schedule_at_fixed_rate("tick", 10, 100, runs.quick("tick"));
  scheduler.schedule_at_fixed_rate("long", 50, 100'000, runs.slow("long", 350));
  rt.run_for(520);
  EXPECT_EQ(runs.log, (Log{"tick@10", "long@50", "tick@400", "tick@400", "tick@400", "tick@410", "tick@510"}));
  EXPECT_EQ(scheduler.runs("tick"), 6u);
}

// Equal due times run in the order the tasks were added, whichever was due first before.
TEST(SerialSchedulerTest, TiesRunInTheOrderTheTasksWereAdded) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  Runs runs(rt);
  scheduler.schedule_at_fixed_rate("d", 200, 100, runs.quick("d"));
  scheduler.schedule_at_fixed_rate("a", 100, 100, runs.quick("a"));
  scheduler.schedule_at_fixed_rate("b", 100, 100, runs.quick("b"));
  scheduler.schedule_at_fixed_rate("c", 100, 100, runs.quick("c"));
  rt.run_for(200);
  EXPECT_EQ(runs.log, (Log{"a@100", "b@100", "c@100", "d@200", "a@200", "b@200", "c@200"}));
}

// A task that calls done() before returning does not get the next task started inside its own call.
TEST(SerialSchedulerTest, NextTaskNeverStartsInsideTheFinishingOne) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  int depth = 0;
  int max_depth = 0;
  auto task = [&](std::function<void()> done) {
    ++depth;
    max_depth = std::max(max_depth, depth);
    done();
    --depth;
  };
  scheduler.schedule_at_fixed_rate("a", 10, 100, task);
  scheduler.schedule_at_fixed_rate("b", 10, 100, task);
  scheduler.schedule_at_fixed_rate("c", 10, 100, task);
  rt.run_for(10);
  EXPECT_EQ(scheduler.runs("a") + scheduler.runs("b") + scheduler.runs("c"), 3u);
  EXPECT_EQ(max_depth, 1);
}

TEST(SerialSchedulerTest, DoneTwiceIsIgnored) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  Runs runs(rt);
  std::vector<std::function<void()>> dones;
  scheduler.schedule_at_fixed_rate("a", 10, 100, [&](std::function<void()> done) {
    runs.log.push_back("a@" + std::to_string(rt.now_ms()));
    dones.push_back(done);
    rt.after(millis(50), done);
  });
  scheduler.schedule_at_fixed_rate("b", 20, 100, runs.quick("b"));
  rt.run_for(70);  // a: 10..60, then b at 60
  EXPECT_EQ(runs.log, (Log{"a@10", "b@60"}));
  rt.run_for(40);  // t = 110: a runs again (busy until 160)
  dones.at(0)();   // the first run's done, again: must not free the scheduler
  EXPECT_TRUE(scheduler.running_task());
  rt.run_for(10);  // t = 120: b is due, but a still runs
  EXPECT_EQ(runs.log, (Log{"a@10", "b@60", "a@110"}));
  rt.run_for(40);  // t = 160
  EXPECT_EQ(runs.log, (Log{"a@10", "b@60", "a@110", "b@160"}));
}

TEST(SerialSchedulerTest, NothingRunsAfterStop) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  Runs runs(rt);
  scheduler.schedule_at_fixed_rate("a", 10, 100, runs.slow("a", 50));
  scheduler.schedule_at_fixed_rate("b", 20, 100, runs.quick("b"));
  rt.run_for(30);
  scheduler.stop();
  rt.run_for(1000);
  EXPECT_EQ(runs.log, (Log{"a@10"}));
}

// A task due at once (initial delay 0) runs from the loop, not inside schedule_at_fixed_rate (the runtime's
// rule that no callback runs inside the call that registered it; Java runs it on the scheduler thread).
TEST(SerialSchedulerTest, ImmediateTaskDoesNotRunInsideTheScheduleCall) {
  ManualRuntime rt;
  SerialScheduler scheduler(rt);
  Runs runs(rt);
  scheduler.schedule_at_fixed_rate("now", 0, 100, runs.quick("now"));
  EXPECT_TRUE(runs.log.empty());
  rt.run_for(0);
  EXPECT_EQ(runs.log, (Log{"now@0"}));
}

}  // namespace
}  // namespace rmq::client
