#include "core/producer/topic_publish_info.h"

#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>
#include <vector>

namespace rmq::producer {
namespace {

using client::MessageQueue;
using client::Profile;
using protocol::BrokerData;
using protocol::QueueData;
using protocol::TopicRouteData;

BrokerData broker(const std::string& name, std::vector<std::pair<int64_t, std::string>> addrs) {
  return BrokerData{"DefaultCluster", name, std::move(addrs)};
}

QueueData queue_data(const std::string& broker_name, int32_t read, int32_t write, int32_t perm) {
  return QueueData{broker_name, read, write, perm, 0};
}

// DefaultMQProducerTest/MQClientInstanceTest createTopicRoute().
TopicRouteData java_test_route() {
  TopicRouteData route;
  route.broker_datas.push_back(broker("BrokerA", {{0, "127.0.0.1:10911"}}));
  route.queue_datas.push_back(queue_data("BrokerA", 3, 4, 6));
  return route;
}

std::vector<MessageQueue> queues_of(const std::string& topic, const std::string& broker_name, int32_t n) {
  std::vector<MessageQueue> out;
  for (int32_t i = 0; i < n; ++i) out.push_back(MessageQueue{topic, broker_name, i});
  return out;
}

// MQClientInstanceTest.testTopicRouteData2TopicPublishInfo: 4 queues (writeQueueNums), haveTopicRouterInfo false.
TEST(TopicPublishInfoTest, RouteToPublishInfoHasWriteQueueNumsQueues) {
  TopicPublishInfo info = make_topic_publish_info("FooBar", java_test_route(), Profile::kV4_9_8, 0);
  EXPECT_FALSE(info.have_topic_router_info);
  EXPECT_FALSE(info.order_topic);
  EXPECT_TRUE(info.ok());
  EXPECT_EQ(info.queues, queues_of("FooBar", "BrokerA", 4));
  ASSERT_TRUE(info.route.has_value());
  EXPECT_EQ(*info.route, java_test_route());
}

TEST(TopicPublishInfoTest, SortsByBrokerNameAndSkipsUnwritableOrMasterless) {
  TopicRouteData route;
  route.queue_datas = {queue_data("broker-c", 2, 2, 6), queue_data("broker-a", 1, 1, 6),
                       queue_data("broker-ro", 4, 4, 4),     // read-only: skipped
                       queue_data("broker-slave", 4, 4, 6),  // no brokerId 0: skipped
                       queue_data("broker-ghost", 4, 4, 6),  // no BrokerData: skipped
                       queue_data("broker-b", 2, 1, 2)};     // write-only is enough
  route.broker_datas = {broker("broker-a", {{0, "a:1"}}), broker("broker-b", {{1, "b1:1"}, {0, "b0:1"}}),
                        broker("broker-c", {{0, "c:1"}}), broker("broker-ro", {{0, "r:1"}}),
                        broker("broker-slave", {{1, "s:1"}})};
  TopicPublishInfo info = make_topic_publish_info("T", route, Profile::kV4_9_8, 0);
  std::vector<MessageQueue> expected = {{"T", "broker-a", 0}, {"T", "broker-b", 0}, {"T", "broker-c", 0},
                                        {"T", "broker-c", 1}};
  EXPECT_EQ(info.queues, expected);
  ASSERT_TRUE(info.route.has_value());
  std::vector<std::string> sorted_names;
  for (const QueueData& qd : info.route->queue_datas) sorted_names.push_back(qd.broker_name);
  EXPECT_EQ(sorted_names, (std::vector<std::string>{"broker-a", "broker-b", "broker-c", "broker-ghost", "broker-ro",
                                                    "broker-slave"}));
}

TEST(TopicPublishInfoTest, NoWritableQueuesIsNotOk) {
  TopicRouteData route = java_test_route();
  route.queue_datas[0].perm = 4;
  EXPECT_FALSE(make_topic_publish_info("T", route, Profile::kV4_9_8, 0).ok());
  EXPECT_FALSE(TopicPublishInfo{}.ok());
}

TEST(TopicPublishInfoTest, OrderTopicConfListsQueuesInOrderWithoutChecks) {
  TopicRouteData route;  // no broker datas at all: order topics skip the master check
  route.order_topic_conf = "brokerB:2;brokerA:1";
  route.queue_datas = {queue_data("brokerA", 8, 8, 4)};
  TopicPublishInfo info = make_topic_publish_info("T", route, Profile::kV5, 0);
  EXPECT_TRUE(info.order_topic);
  std::vector<MessageQueue> expected = {{"T", "brokerB", 0}, {"T", "brokerB", 1}, {"T", "brokerA", 0}};
  EXPECT_EQ(info.queues, expected);
}

TEST(TopicPublishInfoTest, OrderTopicConfSkipsWhatJavaCannotParse) {
  TopicRouteData route;
  route.order_topic_conf = "a:1;;b;c:x;d:+2;e:-3;f:1:9;";
  TopicPublishInfo info = make_topic_publish_info("T", route, Profile::kV4_9_8, 0);
  std::vector<MessageQueue> expected = {{"T", "a", 0}, {"T", "d", 0}, {"T", "d", 1}, {"T", "f", 0}};
  EXPECT_EQ(info.queues, expected);
  route.order_topic_conf = "";  // empty conf: the normal path
  EXPECT_FALSE(make_topic_publish_info("T", route, Profile::kV4_9_8, 0).order_topic);
}

TEST(TopicPublishInfoTest, SubscribeInfoUsesReadableReadQueueNumsWithoutMasterCheck) {
  TopicRouteData route;
  route.queue_datas = {queue_data("b", 2, 5, 4), queue_data("a", 1, 1, 6), queue_data("w", 3, 3, 2)};
  std::set<MessageQueue> expected = {{"T", "a", 0}, {"T", "b", 0}, {"T", "b", 1}};
  EXPECT_EQ(make_topic_subscribe_info("T", route), expected);
}

TEST(TopicPublishInfoTest, SelectOneIsRoundRobinFromTheDrawnStart) {
  TopicPublishInfo info = make_topic_publish_info("FooBar", java_test_route(), Profile::kV4_9_8, 5);
  // index 5 -> 6, 7, 8, 9 -> positions 2, 3, 0, 1
  std::vector<int32_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(info.select_one().queue_id);
  EXPECT_EQ(ids, (std::vector<int32_t>{2, 3, 0, 1}));
  info.send_which_queue.set_value_for_test(std::numeric_limits<int32_t>::max());
  EXPECT_EQ(info.select_one().queue_id, 0);  // wraps to 0 after masking
}

TopicPublishInfo three_brokers(Profile profile, uint32_t draw) {
  TopicPublishInfo info;
  info.send_which_queue = SendQueueIndex(profile, draw);
  for (int i = 0; i < 3; ++i) info.queues.push_back(MessageQueue{"TEST", "broker-" + std::to_string(i), 0});
  return info;
}

// SelectMessageQueueRetryTest: three selections feeding the previous broker visit all three brokers.
TEST(TopicPublishInfoTest, SelectAvoidingLastBrokerVisitsAllBrokers) {
  for (uint32_t draw : {0U, 1U, 2U, 7U, 0x80000000U, 0xFFFFFFFFU}) {
    TopicPublishInfo info = three_brokers(Profile::kV4_9_8, draw);
    for (int round = 0; round < 2; ++round) {
      std::set<std::string> visited;
      std::optional<std::string> last;
      for (int times = 0; times < 3; ++times) {
        const MessageQueue& mq = info.select_one_avoiding(last);
        EXPECT_NE(std::optional<std::string>(mq.broker_name), last);
        visited.insert(mq.broker_name);
        last = mq.broker_name;
      }
      EXPECT_EQ(visited, (std::set<std::string>{"broker-0", "broker-1", "broker-2"})) << "draw " << draw;
    }
  }
}

// At the index wrap the positions jump (INT32_MAX % 3 = 1, then 0, 1): Java's round robin stutters there too,
// so three retries can miss a broker once every 2^31 selections.
TEST(TopicPublishInfoTest, SelectAvoidingStuttersAtTheIndexWrap) {
  TopicPublishInfo info = three_brokers(Profile::kV4_9_8, 0x7FFFFFFEU);
  std::vector<std::string> picked;
  std::optional<std::string> last;
  for (int times = 0; times < 3; ++times) {
    last = info.select_one_avoiding(last).broker_name;
    picked.push_back(*last);
  }
  EXPECT_EQ(picked, (std::vector<std::string>{"broker-1", "broker-0", "broker-1"}));
}

TEST(TopicPublishInfoTest, SelectAvoidingFallsBackWhenEveryQueueIsOnTheLastBroker) {
  TopicPublishInfo info;
  info.queues = queues_of("T", "only", 2);
  info.send_which_queue.set_value_for_test(0);
  EXPECT_EQ(info.select_one_avoiding(std::string("only")).queue_id, 1);  // 2 misses, then one more increment
  EXPECT_EQ(info.send_which_queue.value(), 3);
}

TEST(TopicPublishInfoTest, SelectV5TakesOneIncrementPerTry) {
  TopicPublishInfo info = three_brokers(Profile::kV5, 0);
  const MessageQueue* mq = info.select_v5([](const MessageQueue& q) { return q.broker_name == "broker-0"; });
  ASSERT_NE(mq, nullptr);
  EXPECT_EQ(mq->broker_name, "broker-0");
  EXPECT_EQ(info.send_which_queue.value(), 3);  // indexes 1, 2, 3 -> positions 1, 2, 0
  EXPECT_EQ(info.select_v5([](const MessageQueue&) { return false; }), nullptr);
  EXPECT_EQ(info.send_which_queue.value(), 6);
  EXPECT_EQ(TopicPublishInfo{}.select_v5([](const MessageQueue&) { return true; }), nullptr);
}

TEST(TopicPublishInfoTest, SelectV5StartsFromANegativeV5Draw) {
  TopicPublishInfo info = three_brokers(Profile::kV5, 0xFFFFFFFEU);  // nextInt() = -2
  // -2 -> -1, masked 0x7FFFFFFF = 2147483647; % 3 = 1.
  const MessageQueue* mq = info.select_v5([](const MessageQueue&) { return true; });
  ASSERT_NE(mq, nullptr);
  EXPECT_EQ(mq->broker_name, "broker-1");
}

TEST(TopicPublishInfoTest, WriteQueueNumsOfFirstQueueDataOfTheBroker) {
  TopicRouteData route = java_test_route();
  route.queue_datas.push_back(queue_data("BrokerA", 9, 9, 6));
  route.queue_datas.push_back(queue_data("BrokerR", 2, 7, 4));
  TopicPublishInfo info = make_topic_publish_info("T", route, Profile::kV4_9_8, 0);
  EXPECT_EQ(info.write_queue_nums_of("BrokerA"), 4);
  EXPECT_EQ(info.write_queue_nums_of("BrokerR"), 7);  // getQueueIdByBroker does not look at perm
  EXPECT_EQ(info.write_queue_nums_of("Nope"), -1);
  EXPECT_EQ(TopicPublishInfo{}.write_queue_nums_of("BrokerA"), -1);
}

TEST(TopicPublishInfoTest, JavaStringCompareUsesUtf16Order) {
  EXPECT_LT(java_string_compare("broker-a", "broker-b"), 0);
  EXPECT_EQ(java_string_compare("x", "x"), 0);
  EXPECT_GT(java_string_compare("b", "a"), 0);
  EXPECT_LT(java_string_compare("Z", "a"), 0);
  // U+1F600 is the surrogate pair D83D DE00, which sorts before U+FF01 in UTF-16 though after it in UTF-8.
  EXPECT_LT(java_string_compare("\U0001F600", "\uFF01"), 0);
  EXPECT_GT(std::string("\U0001F600").compare("\uFF01"), 0);
}

TEST(TopicPublishInfoTest, CopiesAreIndependent) {
  TopicPublishInfo info = make_topic_publish_info("FooBar", java_test_route(), Profile::kV4_9_8, 0);
  TopicPublishInfo copy = info;
  info.select_one();
  EXPECT_EQ(copy.send_which_queue.value(), 0);
  EXPECT_EQ(info.send_which_queue.value(), 1);
}

}  // namespace
}  // namespace rmq::producer
