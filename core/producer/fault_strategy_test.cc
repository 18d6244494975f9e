#include "core/producer/fault_strategy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace rmq::producer {
namespace {

using client::MessageQueue;
using client::Profile;

constexpr int64_t kNow = 10;

// Two masters, two write queues each: queues [A0, A1, B0, B1].
TopicPublishInfo two_broker_info(Profile profile, uint32_t draw) {
  protocol::TopicRouteData route;
  route.broker_datas = {{"c", "BrokerA", {{0, "a:1"}}}, {"c", "BrokerB", {{0, "b:1"}}}};
  route.queue_datas = {{"BrokerB", 2, 2, 6, 0}, {"BrokerA", 2, 2, 6, 0}};
  return make_topic_publish_info("T", route, profile, draw);
}

std::function<uint32_t()> no_draw() {
  return [] {
    ADD_FAILURE() << "no random draw expected";
    return 0U;
  };
}

std::optional<MessageQueue> mq(const std::string& broker, int32_t id) { return MessageQueue{"T", broker, id}; }

TEST(FaultStrategyTest, Tables) {
  EXPECT_EQ(std::vector<int64_t>(FaultStrategy::latency_max(Profile::kV4_9_8).begin(),
                                 FaultStrategy::latency_max(Profile::kV4_9_8).end()),
            (std::vector<int64_t>{50, 100, 550, 1000, 2000, 3000, 15000}));
  EXPECT_EQ(std::vector<int64_t>(FaultStrategy::not_available_duration(Profile::kV4_9_8).begin(),
                                 FaultStrategy::not_available_duration(Profile::kV4_9_8).end()),
            (std::vector<int64_t>{0, 0, 30000, 60000, 120000, 180000, 600000}));
  EXPECT_EQ(std::vector<int64_t>(FaultStrategy::latency_max(Profile::kV5).begin(),
                                 FaultStrategy::latency_max(Profile::kV5).end()),
            (std::vector<int64_t>{50, 100, 550, 1800, 3000, 5000, 15000}));
  EXPECT_EQ(std::vector<int64_t>(FaultStrategy::not_available_duration(Profile::kV5).begin(),
                                 FaultStrategy::not_available_duration(Profile::kV5).end()),
            (std::vector<int64_t>{0, 0, 2000, 5000, 6000, 10000, 30000}));
}

TEST(FaultStrategyTest, ComputeNotAvailableDurationV4) {
  FaultStrategy strategy(Profile::kV4_9_8, true, 0);
  EXPECT_EQ(strategy.compute_not_available_duration(49), 0);
  EXPECT_EQ(strategy.compute_not_available_duration(100), 0);
  EXPECT_EQ(strategy.compute_not_available_duration(549), 0);
  EXPECT_EQ(strategy.compute_not_available_duration(550), 30000);
  EXPECT_EQ(strategy.compute_not_available_duration(1999), 60000);
  EXPECT_EQ(strategy.compute_not_available_duration(3000), 180000);
  EXPECT_EQ(strategy.compute_not_available_duration(30000), 600000);  // what isolation looks up
  EXPECT_EQ(strategy.compute_not_available_duration(-5), 0);
}

TEST(FaultStrategyTest, ComputeNotAvailableDurationV5) {
  FaultStrategy strategy(Profile::kV5, true, 0);
  EXPECT_EQ(strategy.compute_not_available_duration(550), 2000);
  EXPECT_EQ(strategy.compute_not_available_duration(1799), 2000);
  EXPECT_EQ(strategy.compute_not_available_duration(1800), 5000);
  EXPECT_EQ(strategy.compute_not_available_duration(10000), 10000);  // what isolation looks up
  EXPECT_EQ(strategy.compute_not_available_duration(15000), 30000);
}

TEST(FaultStrategyTest, UpdateIsANoOpUnlessEnabled) {
  FaultStrategy strategy(FaultStrategyOptions{}, 0);
  EXPECT_FALSE(strategy.enabled());
  strategy.update_fault_item("BrokerA", 5000, true, true, 0);
  EXPECT_TRUE(strategy.tolerance().items().empty());
  strategy.set_enabled(true);
  strategy.update_fault_item("BrokerA", 5000, false, true, 0);
  EXPECT_EQ(strategy.tolerance().items().at("BrokerA").start_timestamp, 180000);
}

TEST(FaultStrategyTest, IsolationDurations) {
  FaultStrategy v4(Profile::kV4_9_8, true, 0);
  v4.update_fault_item("BrokerA", 7, true, true, 1000);
  EXPECT_EQ(v4.tolerance().items().at("BrokerA").start_timestamp, 601000);  // 10 minutes
  EXPECT_EQ(v4.tolerance().items().at("BrokerA").current_latency, 7);
  FaultStrategy v5(Profile::kV5, true, 0);
  v5.update_fault_item("BrokerA", 7, true, false, 1000);
  EXPECT_EQ(v5.tolerance().items().at("BrokerA").start_timestamp, 11000);  // 10 seconds
  EXPECT_FALSE(v5.tolerance().is_reachable("BrokerA"));
}

// SelectMessageQueueRetryTest (4.9.8 and 5.3.3, fault tolerance off): three retries visit all three brokers.
TEST(FaultStrategyTest, SelectMessageQueueRetryVisitsAllBrokers) {
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    for (uint32_t draw : {0U, 1U, 5U, 0xFFFFFFF0U}) {
      TopicPublishInfo info;
      info.send_which_queue = SendQueueIndex(profile, draw);
      for (int i = 0; i < 3; ++i) info.queues.push_back(MessageQueue{"TEST", "broker-" + std::to_string(i), 0});
      FaultStrategy strategy(profile, false, 0);
      std::set<std::string> visited;
      std::optional<std::string> last;
      for (int times = 0; times < 3; ++times) {
        auto selected = strategy.select_one_message_queue(info, last, times > 0, kNow, no_draw());
        ASSERT_TRUE(selected.has_value());
        visited.insert(selected->broker_name);
        last = selected->broker_name;
      }
      EXPECT_EQ(visited, (std::set<std::string>{"broker-0", "broker-1", "broker-2"}));
    }
  }
}

TEST(FaultStrategyTest, EmptyInfoSelectsNothing) {
  TopicPublishInfo empty;
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    for (bool enabled : {false, true}) {
      FaultStrategy strategy(profile, enabled, 0);
      EXPECT_EQ(strategy.select_one_message_queue(empty, std::nullopt, false, kNow, no_draw()), std::nullopt);
    }
  }
}

TEST(FaultStrategyTest, V4DisabledAvoidsTheLastBroker) {
  FaultStrategy strategy(Profile::kV4_9_8, false, 0);
  TopicPublishInfo info = two_broker_info(Profile::kV4_9_8, 0);
  // index 1 -> A1 is on BrokerA; 2 -> B0.
  EXPECT_EQ(strategy.select_one_message_queue(info, "BrokerA", false, kNow, no_draw()), mq("BrokerB", 0));
}

// 4.8.0 … 4.9.8: with tolerance on, the first available queue is taken even on the last broker.
TEST(FaultStrategyTest, V4EnabledIgnoresTheLastBroker) {
  FaultStrategy strategy(Profile::kV4_9_8, true, 0);
  TopicPublishInfo info = two_broker_info(Profile::kV4_9_8, 0);
  EXPECT_EQ(strategy.select_one_message_queue(info, "BrokerA", true, kNow, no_draw()), mq("BrokerA", 1));
  EXPECT_EQ(info.send_which_queue.value(), 1);  // one increment; the scan itself does not touch the index
}

TEST(FaultStrategyTest, V4EnabledSkipsUnavailableBrokers) {
  FaultStrategy strategy(Profile::kV4_9_8, true, 0);
  strategy.update_fault_item("BrokerA", 600, false, true, 0);  // 30 s
  TopicPublishInfo info = two_broker_info(Profile::kV4_9_8, 0);
  EXPECT_EQ(strategy.select_one_message_queue(info, std::nullopt, false, kNow, no_draw()), mq("BrokerB", 0));
  // After the window BrokerA is chosen again.
  info.send_which_queue.set_value_for_test(0);
  EXPECT_EQ(strategy.select_one_message_queue(info, std::nullopt, false, 30000, no_draw()), mq("BrokerA", 1));
}

// Every broker unavailable: pickOneAtLeast (B, the lower latency) and a *new* queue (T, B, inc % w).
TEST(FaultStrategyTest, V4AllUnavailableBuildsANewQueueOnTheNotBestBroker) {
  FaultStrategy strategy(Profile::kV4_9_8, true, 0);
  strategy.update_fault_item("BrokerA", 3000, false, true, 0);  // 180 s
  strategy.update_fault_item("BrokerB", 1000, false, true, 0);  // 60 s
  TopicPublishInfo info = two_broker_info(Profile::kV4_9_8, 3);
  std::vector<MessageQueue> before = info.queues;
  // inc -> 4, scan 0..3 all unavailable; select_one: inc -> 5 -> A1; queue id: inc -> 6 % 2 = 0.
  EXPECT_EQ(strategy.select_one_message_queue(info, std::nullopt, false, kNow, no_draw()), mq("BrokerB", 0));
  EXPECT_EQ(info.send_which_queue.value(), 6);
  EXPECT_EQ(info.queues, before);  // 4.9.8 does not overwrite the list entry (A1 stays A1)
}

TEST(FaultStrategyTest, V4NotBestBrokerWithoutQueueDataIsForgotten) {
  FaultStrategy strategy(Profile::kV4_9_8, true, 0);
  strategy.update_fault_item("BrokerA", 3000, false, true, 0);  // unavailable
  strategy.update_fault_item("BrokerB", 3000, false, true, 0);  // unavailable
  strategy.update_fault_item("Gone", 10, false, true, 0);       // available: sorts first, half = 1 -> picked
  TopicPublishInfo info = two_broker_info(Profile::kV4_9_8, 0);
  // inc -> 1, scan fails; "Gone" has no QueueData -> removed; final select_one: inc -> 2 -> B0.
  EXPECT_EQ(strategy.select_one_message_queue(info, std::nullopt, false, kNow, no_draw()), mq("BrokerB", 0));
  EXPECT_EQ(strategy.tolerance().items().count("Gone"), 0U);
  EXPECT_EQ(strategy.tolerance().items().size(), 2U);
}

TEST(FaultStrategyTest, V4WithoutRouteFallsBackLikeJavasCaughtNullPointer) {
  FaultStrategy strategy(Profile::kV4_9_8, true, 0);
  strategy.update_fault_item("BrokerA", 3000, false, true, 0);
  TopicPublishInfo info = two_broker_info(Profile::kV4_9_8, 0);
  info.route.reset();
  info.queues = {MessageQueue{"T", "BrokerA", 0}, MessageQueue{"T", "BrokerA", 1}};
  EXPECT_EQ(strategy.select_one_message_queue(info, std::nullopt, false, kNow, no_draw()), mq("BrokerA", 0));
  EXPECT_EQ(strategy.tolerance().items().count("BrokerA"), 1U);  // nothing removed
}

TEST(FaultStrategyTest, V5DisabledUsesTheBrokerFilterAndIgnoresResetIndex) {
  FaultStrategy strategy(Profile::kV5, false, 0);
  TopicPublishInfo info = two_broker_info(Profile::kV5, 0);
  EXPECT_EQ(strategy.select_one_message_queue(info, "BrokerA", true, kNow, no_draw()), mq("BrokerB", 0));
  EXPECT_EQ(info.send_which_queue.value(), 2);  // 1 -> A1 filtered, 2 -> B0
  TopicPublishInfo single;
  single.send_which_queue = SendQueueIndex(Profile::kV5, 0);
  single.queues = {MessageQueue{"T", "BrokerA", 0}, MessageQueue{"T", "BrokerA", 1}};
  // Both filtered (indexes 1, 2), then unfiltered: 3 % 2 = 1.
  EXPECT_EQ(strategy.select_one_message_queue(single, "BrokerA", false, kNow, no_draw()), mq("BrokerA", 1));
}

TEST(FaultStrategyTest, V5EnabledResetsTheIndexAndPrefersAvailable) {
  FaultStrategy strategy(Profile::kV5, true, 0);
  TopicPublishInfo info = two_broker_info(Profile::kV5, 0);
  int draws = 0;
  auto draw_ten = [&draws] {
    ++draws;
    return 10U;
  };
  EXPECT_EQ(strategy.select_one_message_queue(info, std::nullopt, true, kNow, draw_ten), mq("BrokerB", 1));
  EXPECT_EQ(draws, 1);
  EXPECT_EQ(info.send_which_queue.value(), 11);  // reset to 10, one increment: 11 % 4 = 3
  info.send_which_queue.set_value_for_test(0);
  EXPECT_EQ(strategy.select_one_message_queue(info, "BrokerB", false, kNow, no_draw()), mq("BrokerA", 1));
}

TEST(FaultStrategyTest, V5EnabledFallsBackToReachableThenUnfiltered) {
  FaultStrategy strategy(Profile::kV5, true, 0);
  strategy.update_fault_item("BrokerA", 0, true, true, 0);  // isolated 10 s, still reachable
  TopicPublishInfo info = two_broker_info(Profile::kV5, 0);
  // available && not B: 1 A1, 2 B0, 3 B1, 4 A0 all fail; reachable && not B: 5 -> A1.
  EXPECT_EQ(strategy.select_one_message_queue(info, "BrokerB", false, kNow, no_draw()), mq("BrokerA", 1));
  EXPECT_EQ(info.send_which_queue.value(), 5);

  strategy.update_fault_item("BrokerA", 0, true, false, 0);  // now unreachable too
  info.send_which_queue.set_value_for_test(0);
  // Both filtered passes fail (8 increments), then unfiltered: 9 % 4 = 1 -> A1.
  EXPECT_EQ(strategy.select_one_message_queue(info, "BrokerB", false, kNow, no_draw()), mq("BrokerA", 1));
  EXPECT_EQ(info.send_which_queue.value(), 9);
  // After the isolation A is available again (the flag stays until a success or the detector).
  info.send_which_queue.set_value_for_test(0);
  EXPECT_EQ(strategy.select_one_message_queue(info, "BrokerB", false, 10000, no_draw()), mq("BrokerA", 1));
  EXPECT_EQ(info.send_which_queue.value(), 1);
}

}  // namespace
}  // namespace rmq::producer
