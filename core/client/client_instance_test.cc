// ClientInstance (Java MQClientInstance): the MQClientInstanceTest vectors of spec §10 and the route-update rules
// of spec §3.2, driven for real — the broker address table and the publish infos are filled by
// updateTopicRouteInfoFromNameServer from a name server answering GET_ROUTEINFO_BY_TOPIC (105) over loopback
// TCP (AsioRuntime + a RemotingServer playing the name server; core tests link no simulator).
#include "core/client/client_instance.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/client/client_manager.h"
#include "core/producer/topic_publish_info.h"
#include "core/protocol/request_code.h"
#include "core/protocol/route_data.h"
#include "core/remoting/remoting_server.h"
#include "core/runtime/asio_runtime.h"

namespace rmq::client {
namespace {

using protocol::BrokerData;
using protocol::QueueData;
using protocol::TopicRouteData;

constexpr runtime::Micros kWait = runtime::millis(10'000);

// A name server that answers 105 from a table (code 17 for an unknown topic), as the real one does.
class MiniNameServer {
 public:
  explicit MiniNameServer(runtime::Runtime& rt) : server_(rt) {
    server_.dispatcher().register_handler(
        protocol::request_code::kGetRouteinfoByTopic,
        [this](const remoting::RequestContext&, remoting::RemotingCommand request, remoting::Responder respond) {
          std::string topic(request.ext("topic").value_or(""));
          asked.push_back(topic);
          versions.push_back(request.version);
          auto it = routes.find(topic);
          if (it == routes.end()) {
            respond(remoting::make_response(request, 17, "No topic route info in name server for the topic: " + topic));
            return;
          }
          remoting::RemotingCommand response = remoting::make_response(request, 0);
          response.body = protocol::encode_topic_route_data(it->second, protocol::BrokerAddrKeys::kQuoted);
          respond(std::move(response));
        });
    Status started = server_.start("127.0.0.1:0");
    EXPECT_TRUE(started.ok()) << (started.ok() ? "" : started.error().message);
  }
  std::string address() const { return server_.address(); }

  std::map<std::string, TopicRouteData> routes;
  std::vector<std::string> asked;
  std::vector<int32_t> versions;

 private:
  remoting::RemotingServer server_;
};

class RecordingProducer : public ProducerInner {
 public:
  std::vector<std::string> publish_topic_list() const override {
    std::vector<std::string> topics;
    for (const auto& [topic, info] : infos) topics.push_back(topic);
    return topics;
  }
  bool is_publish_topic_need_update(const std::string& topic) const override {
    auto it = infos.find(topic);
    return it == infos.end() || !it->second || !it->second->ok();
  }
  void update_topic_publish_info(const std::string& topic, std::shared_ptr<producer::TopicPublishInfo> info) override {
    infos[topic] = std::move(info);
    ++updates;
  }
  std::map<std::string, std::shared_ptr<producer::TopicPublishInfo>> infos;
  int updates = 0;
};

class RecordingConsumer : public ConsumerInner {
 public:
  protocol::ConsumerData consumer_data() const override { return {}; }
  std::vector<std::string> subscribed_topics() const override { return {}; }
  bool is_subscribe_topic_need_update(const std::string&) const override { return false; }
  void update_topic_subscribe_info(const std::string& topic, const std::set<MessageQueue>& queues) override {
    subscribe_infos[topic] = queues;
  }
  void persist_consumer_offset() override {}
  std::map<std::string, std::set<MessageQueue>> subscribe_infos;
};

// MQClientInstanceTest's route: BrokerA with brokerIds {0, 1, 2}, BrokerB with {0, 2, 3} (a DLedger group whose
// node 1 is gone), one QueueData each (perm 6, read 3 / write 4).
TopicRouteData vector_route() {
  TopicRouteData route;
  route.queue_datas = {QueueData{"BrokerA", 3, 4, 6, 0}, QueueData{"BrokerB", 3, 4, 6, 0}};
  route.broker_datas = {
      BrokerData{"DefaultCluster", "BrokerA", {{0, "127.0.0.1:10911"}, {1, "127.0.0.1:10912"}, {2, "127.0.0.1:10913"}}},
      BrokerData{"DefaultCluster", "BrokerB", {{0, "127.0.0.1:10911"}, {2, "127.0.0.1:10912"}, {3, "127.0.0.1:10913"}}},
  };
  return route;
}

class ClientInstanceTest : public ::testing::Test {
 protected:
  ClientInstanceTest() : name_server_(rt_), manager_(rt_) {}

  std::shared_ptr<ClientInstance> instance(Profile profile = Profile::kV4_9_8,
                                           std::optional<std::string> namesrv = std::nullopt) {
    ClientConfig config;
    config.namesrv_addrs = {namesrv.value_or(name_server_.address())};
    config.client_ip = "127.0.0.1";
    config.instance_name = "test" + std::to_string(++instances_);
    config.profile = profile;
    return manager_.get_or_create(config);
  }

  RouteUpdate update(ClientInstance& ci, const std::string& topic,
                     std::optional<DefaultRouteSource> default_source = std::nullopt) {
    std::optional<RouteUpdate> result;
    ci.update_topic_route(topic, default_source, [&](RouteUpdate u) { result = std::move(u); });
    EXPECT_FALSE(result.has_value()) << "reported from inside update_topic_route";
    EXPECT_TRUE(rt_.run_until([&] { return result.has_value(); }, kWait));
    return result.value_or(RouteUpdate{});
  }

  runtime::AsioRuntime rt_;
  MiniNameServer name_server_;
  ClientManager manager_;
  int instances_ = 0;
};

TEST_F(ClientInstanceTest, FindBrokerAddressInSubscribeVectors) {
  name_server_.routes["TopicTest"] = vector_route();
  auto ci = instance();
  RouteUpdate u = update(*ci, "TopicTest");
  EXPECT_TRUE(u.changed);
  ASSERT_FALSE(u.escaped.has_value()) << u.escaped->message;
  ASSERT_EQ(ci->broker_addr_table().size(), 2u);

  // BrokerA, brokerId 1: the exact slave.
  auto a1 = ci->find_broker_address_in_subscribe("BrokerA", 1, false);
  ASSERT_TRUE(a1.has_value());
  EXPECT_EQ(a1->address, "127.0.0.1:10912");
  EXPECT_TRUE(a1->slave);
  // BrokerB has no id 1: the "id + 1" rule gives id 2, a slave.
  auto b1 = ci->find_broker_address_in_subscribe("BrokerB", 1, false);
  ASSERT_TRUE(b1.has_value());
  EXPECT_EQ(b1->address, "127.0.0.1:10912");
  EXPECT_TRUE(b1->slave);
  // The rule applies even with onlyThisBroker.
  auto b1_only = ci->find_broker_address_in_subscribe("BrokerB", 1, true);
  ASSERT_TRUE(b1_only.has_value());
  EXPECT_EQ(b1_only->address, "127.0.0.1:10912");

  // The master; a missing id without onlyThisBroker: the first entry of the map (id 0, so not a slave).
  auto a0 = ci->find_broker_address_in_subscribe("BrokerA", 0, false);
  ASSERT_TRUE(a0.has_value());
  EXPECT_EQ(a0->address, "127.0.0.1:10911");
  EXPECT_FALSE(a0->slave);
  auto b7 = ci->find_broker_address_in_subscribe("BrokerB", 7, false);
  ASSERT_TRUE(b7.has_value());
  EXPECT_EQ(b7->address, "127.0.0.1:10911");
  EXPECT_FALSE(b7->slave);
  EXPECT_FALSE(ci->find_broker_address_in_subscribe("BrokerB", 7, true).has_value());
  EXPECT_FALSE(ci->find_broker_address_in_subscribe("BrokerC", 0, false).has_value());

  EXPECT_EQ(ci->find_broker_address_in_publish("BrokerB"), std::optional<std::string>("127.0.0.1:10911"));
  EXPECT_FALSE(ci->find_broker_address_in_publish("BrokerC").has_value());
}

// registerProducer / registerConsumer: a group registers once per instance; after unregistering it can again.
TEST_F(ClientInstanceTest, RegisterAndUnregisterProducerAndConsumer) {
  auto ci = instance();
  RecordingProducer p1, p2;
  EXPECT_TRUE(ci->register_producer("PG", &p1));
  EXPECT_FALSE(ci->register_producer("PG", &p2));
  EXPECT_EQ(ci->find_producer("PG"), &p1);
  bool done = false;
  ci->unregister_producer("PG", [&] { done = true; });
  ASSERT_TRUE(rt_.run_until([&] { return done; }, kWait));
  EXPECT_EQ(ci->find_producer("PG"), nullptr);
  EXPECT_TRUE(ci->register_producer("PG", &p2));
  EXPECT_EQ(ci->producer_count(), 1u);

  RecordingConsumer c1, c2;
  EXPECT_TRUE(ci->register_consumer("CG", &c1));
  EXPECT_FALSE(ci->register_consumer("CG", &c2));
  done = false;
  ci->unregister_consumer("CG", [&] { done = true; });
  ASSERT_TRUE(rt_.run_until([&] { return done; }, kWait));
  EXPECT_TRUE(ci->register_consumer("CG", &c2));
  EXPECT_EQ(ci->find_consumer("CG"), &c2);
  // Producer and consumer groups are separate tables.
  EXPECT_TRUE(ci->register_producer("CG", &p1));
}

// A route gives every producer a new publish info (writeQueueNums queues per writable broker), marked
// haveTopicRouterInfo by the updater, and every consumer its subscribe set (readQueueNums).
TEST_F(ClientInstanceTest, RouteUpdateFeedsProducersAndConsumers) {
  name_server_.routes["TopicTest"] = vector_route();
  auto ci = instance();
  RecordingProducer producer;
  RecordingConsumer consumer;
  ASSERT_TRUE(ci->register_producer("PG", &producer));
  ASSERT_TRUE(ci->register_consumer("CG", &consumer));
  EXPECT_TRUE(update(*ci, "TopicTest").changed);
  ASSERT_TRUE(producer.infos.contains("TopicTest"));
  const auto& info = *producer.infos.at("TopicTest");
  EXPECT_TRUE(info.have_topic_router_info);
  EXPECT_FALSE(info.order_topic);
  ASSERT_EQ(info.queues.size(), 8u);
  EXPECT_EQ(info.queues.front(), (MessageQueue{"TopicTest", "BrokerA", 0}));
  EXPECT_EQ(info.queues.back(), (MessageQueue{"TopicTest", "BrokerB", 3}));
  EXPECT_EQ(consumer.subscribe_infos.at("TopicTest").size(), 6u);
  ASSERT_TRUE(ci->topic_route_table().contains("TopicTest"));
  EXPECT_EQ(name_server_.asked, (std::vector<std::string>{"TopicTest"}));
  EXPECT_EQ(name_server_.versions, (std::vector<int32_t>{409}));
}

// topicRouteDataIsChange: the same route (in any list order) changes nothing and the producers keep their
// publish info — the same object, so the same send index; a changed queue count makes a new one.
TEST_F(ClientInstanceTest, RouteChangeDetection) {
  name_server_.routes["TopicTest"] = vector_route();
  auto ci = instance();
  RecordingProducer producer;
  ASSERT_TRUE(ci->register_producer("PG", &producer));
  ASSERT_TRUE(update(*ci, "TopicTest").changed);
  auto first = producer.infos.at("TopicTest");

  EXPECT_FALSE(update(*ci, "TopicTest").changed);
  EXPECT_EQ(producer.updates, 1);
  EXPECT_EQ(producer.infos.at("TopicTest"), first);

  TopicRouteData reordered = vector_route();
  std::swap(reordered.queue_datas[0], reordered.queue_datas[1]);
  std::swap(reordered.broker_datas[0], reordered.broker_datas[1]);
  reordered.broker_datas[0].cluster = "OtherCluster";  // not part of BrokerData.equals
  name_server_.routes["TopicTest"] = reordered;
  EXPECT_FALSE(update(*ci, "TopicTest").changed);
  EXPECT_EQ(producer.infos.at("TopicTest"), first);

  TopicRouteData more = vector_route();
  more.queue_datas[0].write_queue_nums = 8;
  name_server_.routes["TopicTest"] = more;
  EXPECT_TRUE(update(*ci, "TopicTest").changed);
  EXPECT_EQ(producer.updates, 2);
  auto second = producer.infos.at("TopicTest");
  EXPECT_NE(second, first);
  EXPECT_EQ(second->queues.size(), 12u);
  EXPECT_EQ(first->queues.size(), 8u) << "the old info is left as it was";

  // Same route, but a producer lacks a usable publish info: isNeedUpdateTopicRouteInfo makes it a change.
  producer.infos.erase("TopicTest");
  EXPECT_TRUE(update(*ci, "TopicTest").changed);
  EXPECT_EQ(producer.infos.at("TopicTest")->queues.size(), 12u);

  // A new broker address is a change too.
  TopicRouteData moved = more;
  moved.broker_datas[1].broker_addrs[0].second = "127.0.0.1:20911";
  name_server_.routes["TopicTest"] = moved;
  EXPECT_TRUE(update(*ci, "TopicTest").changed);
  EXPECT_EQ(ci->find_broker_address_in_publish("BrokerB"), std::optional<std::string>("127.0.0.1:20911"));
}

// isDefault: the createTopicKey's route (4.9.8; v5 always TBW102), every QueueData clamped to
// min(defaultTopicQueueNums, readQueueNums), stored under the user's topic.
TEST_F(ClientInstanceTest, DefaultRouteIsClampedAndStoredUnderTheTopic) {
  TopicRouteData tbw;
  tbw.queue_datas = {QueueData{"BrokerA", 8, 8, 7, 0}, QueueData{"BrokerB", 3, 8, 7, 0}};
  tbw.broker_datas = {BrokerData{"DefaultCluster", "BrokerA", {{0, "127.0.0.1:10911"}}},
                      BrokerData{"DefaultCluster", "BrokerB", {{0, "127.0.0.1:10921"}}}};
  name_server_.routes["TBW102"] = tbw;
  name_server_.routes["MyKey"] = tbw;
  name_server_.routes["MyKey"].queue_datas.pop_back();

  auto ci = instance();
  RecordingProducer producer;
  ASSERT_TRUE(ci->register_producer("PG", &producer));
  EXPECT_TRUE(update(*ci, "NewTopic", DefaultRouteSource{"TBW102", 4}).changed);
  const auto& info = *producer.infos.at("NewTopic");
  EXPECT_EQ(info.queues.size(), 4u + 3u);  // BrokerA min(4, 8), BrokerB min(4, 3)
  EXPECT_EQ(info.queues.front().topic, "NewTopic");
  const auto& stored = ci->topic_route_table().at("NewTopic");
  for (const auto& qd : stored.queue_datas) EXPECT_EQ(qd.read_queue_nums, qd.write_queue_nums);
  EXPECT_FALSE(ci->topic_route_table().contains("TBW102"));

  EXPECT_TRUE(update(*ci, "Other", DefaultRouteSource{"MyKey", 2}).changed);
  EXPECT_EQ(producer.infos.at("Other")->queues.size(), 2u);
  EXPECT_EQ(name_server_.asked, (std::vector<std::string>{"TBW102", "MyKey"}));

  // 5.1.3+: always TBW102, whatever the createTopicKey.
  auto v5 = instance(Profile::kV5);
  RecordingProducer p5;
  ASSERT_TRUE(v5->register_producer("PG", &p5));
  EXPECT_TRUE(update(*v5, "Other", DefaultRouteSource{"MyKey", 2}).changed);
  EXPECT_EQ(p5.infos.at("Other")->queues.size(), 4u);
  EXPECT_EQ(name_server_.asked.back(), "TBW102");
  EXPECT_EQ(name_server_.versions.back(), 479);
}

// TOPIC_NOT_EXIST (an MQClientException) is swallowed: no change, nothing escapes, nothing stored.
TEST_F(ClientInstanceTest, UnknownTopicIsNoChange) {
  auto ci = instance();
  RecordingProducer producer;
  ASSERT_TRUE(ci->register_producer("PG", &producer));
  RouteUpdate u = update(*ci, "NoSuchTopic");
  EXPECT_FALSE(u.changed);
  EXPECT_FALSE(u.escaped.has_value());
  EXPECT_TRUE(producer.infos.empty());
  EXPECT_TRUE(ci->topic_route_table().empty());
  EXPECT_TRUE(ci->broker_addr_table().empty());
}

// A RemotingException from the name-server call escapes as IllegalStateException(cause): its message is the
// cause's toString().
TEST_F(ClientInstanceTest, UnreachableNameServerEscapesAsIllegalState) {
  auto ci = instance(Profile::kV4_9_8, "127.0.0.1:1");
  RouteUpdate u = update(*ci, "TopicTest");
  EXPECT_FALSE(u.changed);
  ASSERT_TRUE(u.escaped.has_value());
  EXPECT_EQ(u.escaped->exception, JavaException::kIllegalStateException);
  EXPECT_EQ(u.escaped->message,
            "org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to <[127.0.0.1:1]> failed");
}

// lockNamesrv: concurrent updates run one after another; both complete.
TEST_F(ClientInstanceTest, ConcurrentUpdatesAreSerializedByTheNameServerLock) {
  name_server_.routes["A"] = vector_route();
  name_server_.routes["B"] = vector_route();
  auto ci = instance();
  RecordingProducer producer;
  ASSERT_TRUE(ci->register_producer("PG", &producer));
  std::vector<std::string> finished;
  ci->update_topic_route("A", std::nullopt, [&](RouteUpdate u) {
    EXPECT_TRUE(u.changed);
    finished.push_back("A");
  });
  ci->update_topic_route("B", std::nullopt, [&](RouteUpdate u) {
    EXPECT_TRUE(u.changed);
    finished.push_back("B");
  });
  ASSERT_TRUE(rt_.run_until([&] { return finished.size() == 2; }, kWait));
  EXPECT_EQ(finished, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(name_server_.asked, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(producer.updates, 2);
}

}  // namespace
}  // namespace rmq::client
