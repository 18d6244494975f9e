#include "core/producer/send_queue_index.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace rmq::producer {
namespace {

using client::Profile;

constexpr int32_t kIntMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kIntMin = std::numeric_limits<int32_t>::min();

// ThreadLocalIndexTest.testIncrementAndGet: consecutive calls differ by exactly one (away from the wrap, below).
TEST(SendQueueIndexTest, ConsecutiveCallsDifferByOne) {
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    for (uint32_t draw : {0U, 1U, 12345U, 0x80000000U, 0xFFFFFFFFU, 0x7FFFFFFDU}) {
      SendQueueIndex index(profile, draw);
      int32_t first = index.increment_and_get();
      EXPECT_EQ(index.increment_and_get(), first + 1) << "draw " << draw;
    }
  }
}

// ThreadLocalIndexTest.testIncrementAndGet2: the first value is non-negative.
TEST(SendQueueIndexTest, FirstValueIsNonNegative) {
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    for (uint32_t draw : {0U, 0x80000000U, 0x80000001U, 0xFFFFFFFFU, 0x7FFFFFFFU}) {
      SendQueueIndex index(profile, draw);
      EXPECT_GE(index.increment_and_get(), 0) << "draw " << draw;
    }
  }
}

// ThreadLocalIndexTest.testIncrementAndGet3: stored Integer.MAX_VALUE -> next is >= 0 (0 after masking).
TEST(SendQueueIndexTest, WrapsFromIntMaxToZero) {
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    SendQueueIndex index(profile, 0);
    index.set_value_for_test(kIntMax);
    EXPECT_EQ(index.increment_and_get(), 0);
    EXPECT_EQ(index.value(), kIntMin);
    EXPECT_EQ(index.increment_and_get(), 1);
  }
}

TEST(SendQueueIndexTest, V4StartIsAbsOfTheDraw) {
  EXPECT_EQ(SendQueueIndex(Profile::kV4_9_8, 5).value(), 5);
  EXPECT_EQ(SendQueueIndex(Profile::kV4_9_8, 0xFFFFFFFBU).value(), 5);  // nextInt() = -5
  // Math.abs(Integer.MIN_VALUE) stays MIN_VALUE; the first increment then yields MIN+1 masked = 1.
  SendQueueIndex min_start(Profile::kV4_9_8, 0x80000000U);
  EXPECT_EQ(min_start.value(), kIntMin);
  EXPECT_EQ(min_start.increment_and_get(), 1);
}

TEST(SendQueueIndexTest, V5StartIsTheDrawAsIs) {
  SendQueueIndex index(Profile::kV5, 0xFFFFFFFBU);  // -5
  EXPECT_EQ(index.value(), -5);
  // ++(-5) = -4; -4 & 0x7FFFFFFF = 0x7FFFFFFC.
  EXPECT_EQ(index.increment_and_get(), 0x7FFFFFFC);
  EXPECT_EQ(index.increment_and_get(), 0x7FFFFFFD);
}

TEST(SendQueueIndexTest, DefaultIsAnEmptyV4IndexStartingAtZero) {
  SendQueueIndex index;
  EXPECT_EQ(index.profile(), Profile::kV4_9_8);
  EXPECT_EQ(index.value(), 0);
  EXPECT_EQ(index.increment_and_get(), 1);
}

TEST(SendQueueIndexTest, V5ResetSetsTheBoundedDraw) {
  SendQueueIndex index(Profile::kV5, 0xFFFFFFFBU);
  index.reset(41);
  EXPECT_EQ(index.value(), 41);
  EXPECT_EQ(index.increment_and_get(), 42);
  index.reset(static_cast<uint32_t>(kIntMax - 1));
  EXPECT_EQ(index.increment_and_get(), kIntMax);
  EXPECT_EQ(index.increment_and_get(), 0);
}

TEST(SendQueueIndexTest, JavaIntHelpers) {
  EXPECT_EQ(java_int_abs(kIntMin), kIntMin);
  EXPECT_EQ(java_int_abs(-7), 7);
  EXPECT_EQ(java_int_abs(7), 7);
  EXPECT_EQ(java_int_increment(kIntMax), kIntMin);
  EXPECT_EQ(java_int_increment(-1), 0);
}

}  // namespace
}  // namespace rmq::producer
