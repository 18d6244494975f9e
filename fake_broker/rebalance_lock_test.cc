#include "fake_broker/rebalance_lock.h"

#include <gtest/gtest.h>

namespace rmq::fake {
namespace {

using protocol::MessageQueueRef;

TEST(RebalanceLockManager, OneHolderPerQueueUntilItExpires) {
  RebalanceLockManager locks;
  MessageQueueRef q0{"T", "b", 0}, q1{"T", "b", 1};
  EXPECT_EQ(locks.try_lock_batch("G", {q0, q1}, "A", 0).size(), 2u);
  EXPECT_TRUE(locks.try_lock_batch("G", {q0, q1}, "B", 1000).empty()) << "held by A";
  EXPECT_EQ(locks.try_lock_batch("G", {q0}, "A", 50'000).size(), 1u) << "A renews q0 only";
  auto taken = locks.try_lock_batch("G", {q0, q1}, "B", 60'001);
  ASSERT_EQ(taken.size(), 1u) << "q1 expired (last renewed at 0), q0 renewed at 50 s";
  EXPECT_EQ(taken[0], q1);
  EXPECT_EQ(locks.holder("G", q0, 60'001), "A");
  EXPECT_EQ(locks.holder("G", q1, 60'001), "B");
  EXPECT_EQ(locks.try_lock_batch("OtherGroup", {q0}, "C", 60'001).size(), 1u) << "groups are separate";
}

TEST(RebalanceLockManager, UnlockReleasesOnlyTheCallersQueues) {
  RebalanceLockManager locks;
  MessageQueueRef q0{"T", "b", 0}, q1{"T", "b", 1};
  locks.try_lock_batch("G", {q0}, "A", 0);
  locks.try_lock_batch("G", {q1}, "B", 0);
  locks.unlock_batch("G", {q0, q1}, "A");
  EXPECT_FALSE(locks.holder("G", q0, 1).has_value());
  EXPECT_EQ(locks.holder("G", q1, 1), "B");
}

}  // namespace
}  // namespace rmq::fake
