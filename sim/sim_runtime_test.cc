#include "sim/sim_runtime.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rmq::sim {
namespace {

using runtime::millis;

TEST(SimRuntime, ClockStartsAtZeroAndWallClockFollowsTheEpoch) {
  SimRuntime sim;
  EXPECT_EQ(sim.now(), 0);
  EXPECT_EQ(sim.wall_clock_ms(), 1'700'000'000'000);
  sim.run_for(millis(1500));
  EXPECT_EQ(sim.now(), 1'500'000);
  EXPECT_EQ(sim.wall_clock_ms(), 1'700'000'001'500);
  SimOptions o;
  o.epoch_ms = 42;
  SimRuntime other(o);
  EXPECT_EQ(other.wall_clock_ms(), 42);
}

TEST(SimRuntime, EventsRunInTimeOrderAndTiesInSchedulingOrder) {
  SimRuntime sim;
  std::string order;
  sim.after(300, [&] { order += "c"; });
  sim.after(100, [&] { order += "a"; });
  sim.after(300, [&] { order += "d"; });  // same time as c, scheduled later: runs after it
  sim.after(100, [&] { order += "b"; });
  sim.run_until_idle();
  EXPECT_EQ(order, "abcd");
}

TEST(SimRuntime, ZeroAndNegativeDelaysRunNowAfterWhatIsAlreadyDue) {
  SimRuntime sim;
  std::string order;
  sim.after(10, [&] {
    order += "1";
    sim.after(0, [&] { order += "4"; });
    sim.after(-5, [&] { order += "5"; });
  });
  sim.after(10, [&] { order += "2"; });
  sim.after(10, [&] { order += "3"; });
  sim.run_until_idle();
  EXPECT_EQ(order, "12345");
  EXPECT_EQ(sim.now(), 10);
}

TEST(SimRuntime, CallbacksNeverRunInsideTheCallThatRegisteredThem) {
  SimRuntime sim;
  bool ran = false;
  sim.after(0, [&] { ran = true; });
  EXPECT_FALSE(ran);
  sim.step();
  EXPECT_TRUE(ran);
}

TEST(SimRuntime, CancelledTimersNeverRun) {
  SimRuntime sim;
  int ran = 0;
  TimerId a = sim.after(100, [&] { ran += 1; });
  TimerId b = sim.after(200, [&] { ran += 10; });
  EXPECT_NE(a, runtime::kNoTimer);
  EXPECT_NE(a, b);
  EXPECT_TRUE(sim.cancel(a));
  EXPECT_FALSE(sim.cancel(a));  // twice
  EXPECT_FALSE(sim.cancel(runtime::kNoTimer));
  sim.run_until_idle();
  EXPECT_EQ(ran, 10);
  EXPECT_FALSE(sim.cancel(b));  // already ran
  EXPECT_EQ(sim.counters().timers_cancelled, 1u);
}

TEST(SimRuntime, ATimerCanCancelALaterOneAtTheSameInstant) {
  SimRuntime sim;
  std::string order;
  TimerId later = 0;
  sim.after(50, [&] {
    order += "a";
    sim.cancel(later);
  });
  later = sim.after(50, [&] { order += "b"; });
  sim.run_until_idle();
  EXPECT_EQ(order, "a");
}

TEST(SimRuntime, CancelledCallbacksAreReleasedAtCancelTime) {
  SimRuntime sim;
  auto token = std::make_shared<int>(1);
  TimerId id = sim.after(1000, [token] {});
  EXPECT_EQ(token.use_count(), 2);
  sim.cancel(id);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(SimRuntime, HeavyCancellationKeepsOrderAcrossHeapCompaction) {
  SimRuntime sim;
  std::vector<int> ran;
  std::vector<TimerId> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back(sim.after(1000 - i % 10, [&ran, i] { ran.push_back(i); }));
  }
  for (int i = 0; i < 1000; ++i) {
    if (i % 7 != 0) sim.cancel(ids[i]);
  }
  EXPECT_EQ(sim.pending_events(), 143u);
  sim.run_until_idle();
  ASSERT_EQ(ran.size(), 143u);
  // Expected: by time (1000 - i % 10) ascending, ties by i ascending.
  std::vector<int> expected;
  for (int t = 991; t <= 1000; ++t) {
    for (int i = 0; i < 1000; i += 7) {
      if (1000 - i % 10 == t) expected.push_back(i);
    }
  }
  EXPECT_EQ(ran, expected);
}

TEST(SimRuntime, IdleTimeIsSkipped) {
  SimRuntime sim;
  Micros seen = -1;
  sim.after(millis(3'600'000), [&] { seen = sim.now(); });  // an hour of virtual time
  RunResult r = sim.run_until_idle();
  EXPECT_EQ(r.outcome, RunOutcome::kIdle);
  EXPECT_EQ(r.events, 1u);
  EXPECT_EQ(seen, millis(3'600'000));
  EXPECT_EQ(sim.counters().events_run, 1u);
}

TEST(SimRuntime, RunUntilStopsAtThePredicateTheDeadlineOrIdle) {
  SimRuntime sim;
  int n = 0;
  for (int i = 1; i <= 10; ++i) sim.after(i * 100, [&] { ++n; });
  RunResult r = sim.run_until([&] { return n == 3; }, 10'000);
  EXPECT_EQ(r.outcome, RunOutcome::kDone);
  EXPECT_EQ(sim.now(), 300);
  r = sim.run_until([] { return false; }, 650);
  EXPECT_EQ(r.outcome, RunOutcome::kDeadline);
  EXPECT_EQ(n, 6);
  EXPECT_EQ(sim.now(), 650);  // the deadline passed
  r = sim.run_until([] { return false; }, 100'000);
  EXPECT_EQ(r.outcome, RunOutcome::kIdle);
  EXPECT_EQ(sim.now(), 1000);  // idle: the clock stays at the last event
}

TEST(SimRuntime, RunForAdvancesTheClockEvenWhenIdle) {
  SimRuntime sim;
  int n = 0;
  sim.after(100, [&] { ++n; });
  sim.after(300, [&] { ++n; });
  RunResult r = sim.run_for(200);
  EXPECT_EQ(r.outcome, RunOutcome::kDeadline);
  EXPECT_EQ(n, 1);
  EXPECT_EQ(sim.now(), 200);
  sim.run_for(1000);
  EXPECT_EQ(n, 2);
  EXPECT_EQ(sim.now(), 1200);
}

TEST(SimRuntime, EventLimitStopsALivelock) {
  SimRuntime sim;
  std::function<void()> again = [&] { sim.after(1, again); };
  sim.after(1, again);
  RunResult r = sim.run_until_idle(500);
  EXPECT_EQ(r.outcome, RunOutcome::kEventLimit);
  EXPECT_EQ(r.events, 500u);
  EXPECT_EQ(sim.now(), 500);
}

TEST(SimRuntime, HugeDelaysSaturateInsteadOfOverflowing) {
  SimRuntime sim;
  sim.run_for(1000);
  bool ran = false;
  TimerId never = sim.after(INT64_MAX, [&] { ran = true; });
  EXPECT_EQ(sim.next_event_time(), INT64_MAX);
  sim.run_for(millis(1'000'000));
  EXPECT_FALSE(ran);
  EXPECT_TRUE(sim.cancel(never));
}

TEST(SimRuntime, StepRunsOneEvent) {
  SimRuntime sim;
  EXPECT_FALSE(sim.step());
  int n = 0;
  sim.after(5, [&] { ++n; });
  sim.after(7, [&] { ++n; });
  EXPECT_EQ(sim.next_event_time(), 5);
  EXPECT_TRUE(sim.step());
  EXPECT_EQ(n, 1);
  EXPECT_EQ(sim.now(), 5);
}

TEST(SimRuntime, RandomIsSeededAndForkedStreamsAreIndependentOfIt) {
  SimOptions o;
  o.seed = 99;
  SimRuntime a(o), b(o);
  EXPECT_EQ(a.random(), b.random());
  // fork_prng depends on the seed and the label only, not on how much random() was drawn.
  (void)a.random();
  EXPECT_EQ(a.fork_prng("broker").next_u64(), b.fork_prng("broker").next_u64());
  o.seed = 100;
  SimRuntime c(o);
  EXPECT_NE(SimRuntime(SimOptions{}).random(), c.random());
  EXPECT_LT(runtime::random_below(c, 10), 10u);
}

TEST(SimRuntimeDeathTest, PendingEventBoundIsAFatalErrorNamingTheLimit) {
  SimOptions o;
  o.max_pending_events = 100;
  EXPECT_DEATH(
      {
        SimRuntime sim(o);
        for (int i = 0; i < 101; ++i) sim.after(i, [] {});
      },
      "max_pending_events = 100");
}

TEST(SimRuntimeDeathTest, DrivingFromInsideACallbackIsFatal) {
  EXPECT_DEATH(
      {
        SimRuntime sim;
        sim.after(1, [&] { sim.run_until_idle(); });
        sim.run_until_idle();
      },
      "from inside a simulator callback");
}

TEST(SimRuntime, HostViewsShareClockTimersAndRandomness) {
  SimRuntime sim;
  runtime::Runtime& broker = sim.host("broker-a");
  EXPECT_EQ(&broker, &sim.host("broker-a"));
  bool ran = false;
  broker.after(10, [&] { ran = true; });
  sim.run_until_idle();
  EXPECT_TRUE(ran);
  EXPECT_EQ(broker.now(), 10);
  EXPECT_EQ(broker.wall_clock_ms(), sim.wall_clock_ms());
}

}  // namespace
}  // namespace rmq::sim
