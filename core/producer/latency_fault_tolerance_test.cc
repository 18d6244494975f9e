#include "core/producer/latency_fault_tolerance.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rmq::producer {
namespace {

using client::Profile;

const std::string kBrokerA = "BrokerA";
const std::string kBrokerB = "BrokerB";

std::vector<std::string> table_names(const LatencyFaultTolerance& tolerance) {
  std::vector<std::string> names;
  for (const FaultItem* item : tolerance.java_table_order()) names.push_back(item->name);
  return names;
}

// LatencyFaultToleranceImplTest (4.9.8 and 5.x): testUpdateFaultItem.
TEST(LatencyFaultToleranceTest, UpdateFaultItemMakesBrokerUnavailable) {
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    LatencyFaultTolerance tolerance(profile, 0);
    tolerance.update_fault_item(kBrokerA, 3000, 3000, true, 1000);
    EXPECT_FALSE(tolerance.is_available(kBrokerA, 1000));
    EXPECT_TRUE(tolerance.is_available(kBrokerB, 1000));
  }
}

// testIsAvailable: unavailable for 50 ms, available after 70 ms (and exactly at the end: now >= start).
TEST(LatencyFaultToleranceTest, IsAvailableAfterTheDuration) {
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    LatencyFaultTolerance tolerance(profile, 0);
    tolerance.update_fault_item(kBrokerA, 3000, 50, true, 1000);
    EXPECT_FALSE(tolerance.is_available(kBrokerA, 1000));
    EXPECT_FALSE(tolerance.is_available(kBrokerA, 1049));
    EXPECT_TRUE(tolerance.is_available(kBrokerA, 1050));
    EXPECT_TRUE(tolerance.is_available(kBrokerA, 1070));
  }
}

// testRemove.
TEST(LatencyFaultToleranceTest, RemoveMakesBrokerAvailable) {
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    LatencyFaultTolerance tolerance(profile, 0);
    tolerance.update_fault_item(kBrokerA, 3000, 3000, true, 0);
    EXPECT_FALSE(tolerance.is_available(kBrokerA, 0));
    tolerance.remove(kBrokerA);
    EXPECT_TRUE(tolerance.is_available(kBrokerA, 0));
    EXPECT_TRUE(tolerance.items().empty());
  }
}

// testPickOneAtLeast (4.9.8): the only item, then with two items half = 1 -> the lower latency.
TEST(LatencyFaultToleranceTest, V4PickOneAtLeast) {
  for (uint32_t draw : {0U, 1U, 0xFFFFFFFFU}) {
    LatencyFaultTolerance tolerance(Profile::kV4_9_8, draw);
    EXPECT_EQ(tolerance.pick_one_at_least(0), std::nullopt);
    tolerance.update_fault_item(kBrokerA, 1000, 3000, true, 0);
    EXPECT_EQ(tolerance.pick_one_at_least(0), kBrokerA);
    tolerance.update_fault_item(kBrokerB, 1001, 3000, true, 0);
    EXPECT_EQ(tolerance.pick_one_at_least(0), kBrokerA);
    EXPECT_EQ(tolerance.pick_one_at_least(0), kBrokerA);
  }
}

// 5.x test: reachable flags as given; the two-item pick is random there.
TEST(LatencyFaultToleranceTest, V5Reachability) {
  LatencyFaultTolerance tolerance(Profile::kV5, 0);
  tolerance.update_fault_item(kBrokerA, 1000, 3000, true, 0);
  EXPECT_TRUE(tolerance.is_reachable(kBrokerA));
  tolerance.update_fault_item(kBrokerB, 1001, 3000, false, 0);
  EXPECT_FALSE(tolerance.is_reachable(kBrokerB));
  EXPECT_TRUE(tolerance.is_reachable("Unknown"));
  auto first = [](uint32_t) { return 0U; };
  EXPECT_EQ(tolerance.pick_one_at_least(0, first), kBrokerA);  // the only reachable one
  tolerance.update_fault_item(kBrokerA, 1000, 3000, false, 0);
  EXPECT_EQ(tolerance.pick_one_at_least(0, first), std::nullopt);
}

TEST(LatencyFaultToleranceTest, V4AlwaysOverwritesTheStart) {
  LatencyFaultTolerance tolerance(Profile::kV4_9_8, 0);
  tolerance.update_fault_item(kBrokerA, 3000, 600000, true, 0);
  EXPECT_FALSE(tolerance.is_available(kBrokerA, 100));
  tolerance.update_fault_item(kBrokerA, 10, 0, true, 100);  // a fast success clears the isolation
  EXPECT_TRUE(tolerance.is_available(kBrokerA, 100));
  EXPECT_EQ(tolerance.items().at(kBrokerA).start_timestamp, 100);
  EXPECT_EQ(tolerance.items().at(kBrokerA).current_latency, 10);
}

TEST(LatencyFaultToleranceTest, V5OnlyExtendsTheStart) {
  LatencyFaultTolerance tolerance(Profile::kV5, 0);
  tolerance.update_fault_item(kBrokerA, 20, 0, true, 500);  // new item, no isolation: start stays 0
  EXPECT_EQ(tolerance.items().at(kBrokerA).start_timestamp, 0);
  EXPECT_TRUE(tolerance.is_available(kBrokerA, 500));

  tolerance.update_fault_item(kBrokerA, 10000, 10000, false, 1000);
  EXPECT_EQ(tolerance.items().at(kBrokerA).start_timestamp, 11000);
  tolerance.update_fault_item(kBrokerA, 10, 0, true, 2000);  // fast success: not shortened, reachable again
  EXPECT_EQ(tolerance.items().at(kBrokerA).start_timestamp, 11000);
  EXPECT_EQ(tolerance.items().at(kBrokerA).current_latency, 10);
  EXPECT_TRUE(tolerance.is_reachable(kBrokerA));
  EXPECT_FALSE(tolerance.is_available(kBrokerA, 2000));
  tolerance.update_fault_item(kBrokerA, 600, 2000, true, 3000);  // 5000 < 11000: kept
  EXPECT_EQ(tolerance.items().at(kBrokerA).start_timestamp, 11000);
  tolerance.update_fault_item(kBrokerA, 600, 2000, true, 10000);  // 12000 > 11000: extended
  EXPECT_EQ(tolerance.items().at(kBrokerA).start_timestamp, 12000);
}

// Java String hashes: BrokerA..D fall in bins 26, 27, 24, 25 of the 32-bin table.
TEST(LatencyFaultToleranceTest, TableOrderFollowsJavaHashBins) {
  LatencyFaultTolerance tolerance(Profile::kV4_9_8, 0);
  for (const char* name : {"BrokerA", "BrokerB", "BrokerC", "BrokerD"}) {
    tolerance.update_fault_item(name, 5, 0, true, 0);
  }
  EXPECT_EQ(table_names(tolerance), (std::vector<std::string>{"BrokerC", "BrokerD", "BrokerA", "BrokerB"}));
}

// "BrokerB" and "broker-a" share bin 27: insertion order decides, and a re-inserted key goes to the tail.
TEST(LatencyFaultToleranceTest, TableOrderKeepsInsertionOrderWithinABin) {
  LatencyFaultTolerance tolerance(Profile::kV4_9_8, 0);
  tolerance.update_fault_item("broker-a", 5, 0, true, 0);
  tolerance.update_fault_item("BrokerB", 5, 0, true, 0);
  EXPECT_EQ(table_names(tolerance), (std::vector<std::string>{"broker-a", "BrokerB"}));
  tolerance.update_fault_item("broker-a", 7, 0, true, 0);  // an update keeps the place
  EXPECT_EQ(table_names(tolerance), (std::vector<std::string>{"broker-a", "BrokerB"}));
  tolerance.remove("broker-a");
  tolerance.update_fault_item("broker-a", 5, 0, true, 0);
  EXPECT_EQ(table_names(tolerance), (std::vector<std::string>{"BrokerB", "broker-a"}));
  // Equal items: the stable sort keeps the table order, so the pick (half = 1) is the table's first.
  EXPECT_EQ(tolerance.pick_one_at_least(0), "BrokerB");
}

TEST(LatencyFaultToleranceTest, V4PickSortsAvailableFirstThenLatencyAndRotatesOverTheBetterHalf) {
  LatencyFaultTolerance tolerance(Profile::kV4_9_8, 0);  // whichItemWorst starts at 0
  tolerance.update_fault_item("BrokerA", 5000, 3000, true, 0);    // unavailable, slow
  tolerance.update_fault_item("BrokerB", 10, 0, true, 0);         // available, fastest
  tolerance.update_fault_item("BrokerC", 20, 0, true, 0);         // available
  tolerance.update_fault_item("BrokerD", 30, 600000, true, 0);    // unavailable, fast
  // Sorted: B, C (available), D, A. half = 2; whichItemWorst 1 % 2 = 1 -> C, then 2 % 2 = 0 -> B.
  EXPECT_EQ(tolerance.pick_one_at_least(0), "BrokerC");
  EXPECT_EQ(tolerance.pick_one_at_least(0), "BrokerB");
  EXPECT_EQ(tolerance.pick_one_at_least(0), "BrokerC");
  // At 3000 BrokerA is available again and sorts after the faster available ones: B, C, A, D.
  tolerance.which_item_worst().set_value_for_test(0);
  EXPECT_EQ(tolerance.pick_one_at_least(3000), "BrokerC");
  // Equal latency ties break on the earlier start.
  LatencyFaultTolerance ties(Profile::kV4_9_8, 1);
  ties.update_fault_item("BrokerC", 100, 0, true, 50);
  ties.update_fault_item("BrokerA", 100, 0, true, 10);
  ties.update_fault_item("BrokerB", 100, 0, true, 20);
  ties.update_fault_item("BrokerD", 100, 0, true, 40);
  // Sorted by start: A(10), B(20), D(40), C(50); whichItemWorst 2 % 2 = 0 -> A.
  EXPECT_EQ(ties.pick_one_at_least(100), "BrokerA");
}

TEST(LatencyFaultToleranceTest, V5PickShufflesTheTableOrder) {
  LatencyFaultTolerance tolerance(Profile::kV5, 0);
  for (const char* name : {"BrokerA", "BrokerB", "BrokerC", "BrokerD"}) {
    tolerance.update_fault_item(name, 5, 0, true, 0);
  }
  // Table order C, D, A, B. Always drawing 0: swap(3,0) -> B D A C; swap(2,0) -> A D B C; swap(1,0) -> D A B C.
  EXPECT_EQ(tolerance.pick_one_at_least(0, [](uint32_t) { return 0U; }), "BrokerD");
  // Drawing bound - 1 swaps nothing: the table's first.
  EXPECT_EQ(tolerance.pick_one_at_least(0, [](uint32_t bound) { return bound - 1; }), "BrokerC");
  tolerance.update_fault_item("BrokerC", 5, 0, false, 0);
  EXPECT_EQ(tolerance.pick_one_at_least(0, [](uint32_t bound) { return bound - 1; }), "BrokerD");
}

TEST(LatencyFaultToleranceTest, DetectionRoundStampsDueItems) {
  LatencyFaultTolerance tolerance(Profile::kV5, 0);
  tolerance.update_fault_item("BrokerA", 5, 0, false, 0);
  tolerance.update_fault_item("BrokerB", 5, 0, true, 0);
  EXPECT_EQ(tolerance.take_due_for_detection(3000, 2000), (std::vector<std::string>{"BrokerA", "BrokerB"}));
  EXPECT_EQ(tolerance.items().at("BrokerA").check_stamp, 5000);
  EXPECT_TRUE(tolerance.take_due_for_detection(4999, 2000).empty());
  EXPECT_EQ(tolerance.take_due_for_detection(5000, 2000).size(), 2U);
  tolerance.mark_reachable("BrokerA");
  EXPECT_TRUE(tolerance.is_reachable("BrokerA"));
  tolerance.mark_reachable("Unknown");  // no item is created
  EXPECT_EQ(tolerance.items().size(), 2U);
}

}  // namespace
}  // namespace rmq::producer
