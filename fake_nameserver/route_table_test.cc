// RouteTable, JavaHashMap and the registration codec without any network: the RouteInfoManager rules of
// route_table.h, the HashMap orders, and the bodies a 4.9.8 broker sends.
#include <gtest/gtest.h>

#include "core/common/java_compat.h"
#include "fake_nameserver/java_hash_map.h"
#include "fake_nameserver/register_codec.h"
#include "fake_nameserver/route_table.h"

namespace rmq::fake {
namespace {

using protocol::BrokerAddrKeys;
using protocol::encode_topic_route_data;

RegisterInput broker(const std::string& name, int64_t id, const std::string& addr,
                     std::vector<TopicQueueConfig> topics, std::optional<DataVersion> version = std::nullopt) {
  RegisterInput input;
  input.broker = BrokerRegistration{"DefaultCluster", name, id, addr, std::move(topics), "", true};
  input.ha_server_addr = addr + "-ha";
  input.data_version = version;
  return input;
}

TopicQueueConfig topic(const std::string& name, int32_t queues = 4, int32_t perm = 6) {
  return TopicQueueConfig{name, queues, queues, perm, 0};
}

std::vector<std::string> route_broker_names(const RouteTable& table, const std::string& topic_name) {
  std::vector<std::string> names;
  auto route = table.route(topic_name);
  if (!route) return names;
  for (const auto& b : route->broker_datas) names.push_back(b.broker_name);
  for (const auto& q : route->queue_datas) names.push_back("q:" + q.broker_name);
  return names;
}

TEST(JavaBucketOrder, MatchesJavaHashOrderAtDefaultCapacity) {
  std::vector<std::string> keys = {"broker-a", "broker-b", "broker-c", "x", "DefaultCluster", "TopicJAB"};
  std::vector<int32_t> hashes;
  for (const auto& k : keys) hashes.push_back(java_string_hash(k));
  EXPECT_EQ(java_hash_order(hashes, 16, keys.size()), java_hash_order(hashes));
}

TEST(JavaBucketOrder, CapacityFollowsThePeakSizeAndNeverShrinks) {
  // Hashes 16 and 0 share bucket 0 of a 16-slot table (insertion order) but not of a 32-slot one.
  EXPECT_EQ(java_hash_order({16, 0}, 16, 2), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(java_hash_order({16, 0}, 16, 13), (std::vector<size_t>{1, 0}));  // once held 13 > 12 entries
  EXPECT_EQ(java_hash_order({16, 0}, 32, 2), (std::vector<size_t>{1, 0}));
  EXPECT_EQ(java_hash_order({16, 0}, 128, 2), (std::vector<size_t>{1, 0}));
}

TEST(JavaHashMap, PutKeepsPlaceAndReinsertGoesLast) {
  JavaHashMap<int> map;
  // Three keys that share one bucket of a 16-slot table, so that only insertion order separates them.
  std::vector<std::string> same_bucket;
  int32_t bucket0 = -1;
  for (int i = 0; same_bucket.size() < 3; ++i) {
    std::string key = "k" + std::to_string(i);
    auto u = static_cast<uint32_t>(java_string_hash(key));
    int32_t bucket = static_cast<int32_t>((u ^ (u >> 16)) & 15u);
    if (bucket0 < 0) bucket0 = bucket;
    if (bucket == bucket0) same_bucket.push_back(key);
  }
  for (const auto& k : same_bucket) map.put(k, 1);
  map.put(same_bucket[0], 2);  // in place
  EXPECT_EQ(map.java_keys(), same_bucket);
  map.erase(same_bucket[0]);
  map.put(same_bucket[0], 3);  // goes last
  EXPECT_EQ(map.java_keys(), (std::vector<std::string>{same_bucket[1], same_bucket[2], same_bucket[0]}));
}

TEST(RouteTable, BrokerBBeforeBrokerAWhateverTheRegistrationOrder) {
  for (bool a_first : {true, false}) {
    RouteTable table;
    auto a = broker("broker-a", 0, "127.0.0.1:20911", {topic("T")});
    auto b = broker("broker-b", 0, "127.0.0.1:21911", {topic("T")});
    table.register_broker(a_first ? a : b, 0);
    table.register_broker(a_first ? b : a, 0);
    EXPECT_EQ(route_broker_names(table, "T"),
              (std::vector<std::string>{"broker-b", "broker-a", "q:broker-b", "q:broker-a"}));
  }
}

TEST(RouteTable, QueueDataComesFromTheMasterOnlyAndSlavesGetTheMasterAddress) {
  RouteTable table;
  RegisterOutput master = table.register_broker(broker("broker-a", 0, "m:1", {topic("T", 4, 6)}), 0);
  EXPECT_FALSE(master.master_addr.has_value());
  EXPECT_FALSE(master.ha_server_addr.has_value());
  RegisterOutput slave = table.register_broker(broker("broker-a", 1, "s:1", {topic("T", 2, 4), topic("S")}), 0);
  EXPECT_EQ(slave.master_addr, "m:1");
  EXPECT_EQ(slave.ha_server_addr, "m:1-ha");
  auto route = table.route("T");
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(encode_topic_route_data(*route, BrokerAddrKeys::kUnquoted),
            R"({"brokerDatas":[{"brokerAddrs":{0:"m:1",1:"s:1"},"brokerName":"broker-a","cluster":"DefaultCluster"}],)"
            R"("filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,)"
            R"("topicSysFlag":0,"writeQueueNums":4}]})");
  EXPECT_FALSE(table.route("S").has_value());  // a slave's own topics never make queue data
}

TEST(RouteTable, SlaveRegisteredBeforeItsMasterGetsNoMasterAddress) {
  RouteTable table;
  RegisterOutput slave = table.register_broker(broker("broker-a", 1, "s:1", {}), 0);
  EXPECT_FALSE(slave.master_addr.has_value());
}

TEST(RouteTable, UnchangedDataVersionKeepsQueueDataAChangedOneRewritesIt) {
  RouteTable table;
  table.register_broker(broker("broker-a", 0, "m:1", {topic("T", 4)}, DataVersion{1, 1}), 0);
  table.register_broker(broker("broker-a", 0, "m:1", {topic("T", 8)}, DataVersion{1, 1}), 1000);
  EXPECT_EQ(table.route("T")->queue_datas[0].read_queue_nums, 4);
  table.register_broker(broker("broker-a", 0, "m:1", {topic("T", 8)}, DataVersion{1, 2}), 2000);
  EXPECT_EQ(table.route("T")->queue_datas[0].read_queue_nums, 8);
  // Topics missing from a later registration stay (4.9.8 only adds and updates).
  table.register_broker(broker("broker-a", 0, "m:1", {topic("U")}, DataVersion{1, 3}), 3000);
  EXPECT_TRUE(table.route("T").has_value());
  EXPECT_TRUE(table.route("U").has_value());
}

TEST(RouteTable, UnregisteringTheMasterKeepsTheBrokerWhileASlaveLives) {
  RouteTable table;
  table.register_broker(broker("broker-a", 0, "m:1", {topic("T")}), 0);
  table.register_broker(broker("broker-a", 1, "s:1", {}), 0);
  EXPECT_TRUE(table.unregister_broker("DefaultCluster", "m:1", "broker-a", 0));
  auto route = table.route("T");
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->broker_datas[0].broker_addrs, (std::vector<std::pair<int64_t, std::string>>{{1, "s:1"}}));
  table.unregister_broker("DefaultCluster", "s:1", "broker-a", 1);
  EXPECT_FALSE(table.route("T").has_value());
  EXPECT_EQ(table.encode_cluster_info(), R"({"brokerAddrTable":{},"clusterAddrTable":{}})");
}

TEST(RouteTable, SlaveTurnedMasterKeepsOneRecordPerAddress) {
  RouteTable table;
  table.register_broker(broker("broker-a", 1, "x:1", {}), 0);
  table.register_broker(broker("broker-a", 0, "x:1", {topic("T")}), 0);
  EXPECT_EQ(table.route("T")->broker_datas[0].broker_addrs,
            (std::vector<std::pair<int64_t, std::string>>{{0, "x:1"}}));
}

TEST(RouteTable, DropByChannelAndExpiry) {
  RouteTable table;
  auto a = broker("broker-a", 0, "a:1", {topic("T")});
  a.channel_id = 7;
  table.register_broker(a, 0);
  table.register_broker(broker("broker-b", 0, "b:1", {topic("T")}), 50'000);
  EXPECT_FALSE(table.drop_channel(8).has_value());
  EXPECT_EQ(table.drop_channel(7), "a:1");
  EXPECT_EQ(route_broker_names(table, "T"), (std::vector<std::string>{"broker-b", "q:broker-b"}));
  EXPECT_TRUE(table.expire(170'000, 120'000).empty());  // last + expiry == now: not yet (strict)
  auto dropped = table.expire(170'001, 120'000);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].broker_addr, "b:1");
  EXPECT_FALSE(table.route("T").has_value());
}

TEST(RouteTable, StaticRegistrationsNeverExpire) {
  RouteTable table;
  auto a = broker("broker-a", 0, "a:1", {topic("T")});
  a.expires = false;
  table.register_broker(a, 0);
  EXPECT_TRUE(table.expire(10'000'000, 120'000).empty());
  EXPECT_TRUE(table.route("T").has_value());
}

TEST(RouteTable, ClusterInfoListsBrokersAndClustersInHashMapOrder) {
  RouteTable table;
  table.register_broker(broker("broker-a", 0, "127.0.0.1:20911", {}), 0);
  table.register_broker(broker("broker-b", 0, "127.0.0.1:21911", {}), 0);
  EXPECT_EQ(table.encode_cluster_info(),
            R"({"brokerAddrTable":{"broker-b":{"brokerAddrs":{0:"127.0.0.1:21911"},"brokerName":"broker-b",)"
            R"("cluster":"DefaultCluster"},"broker-a":{"brokerAddrs":{0:"127.0.0.1:20911"},"brokerName":"broker-a",)"
            R"("cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-b","broker-a"]}})");
}

TEST(RegisterCodec, ReadsWhatA498BrokerSends) {
  // RegisterBrokerBody as fastjson writes it (keys alphabetical; counter an AtomicLong, written as a number).
  const std::string body =
      R"({"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{"counter":3,"timestamp":1700000000123},)"
      R"("topicConfigTable":{"TBW102":{"order":false,"perm":7,"readQueueNums":8,"topicFilterType":"SINGLE_TAG",)"
      R"("topicName":"TBW102","topicSysFlag":0,"writeQueueNums":8},"%RETRY%G":{"order":false,"perm":6,)"
      R"("readQueueNums":1,"topicFilterType":"SINGLE_TAG","topicName":"%RETRY%G","topicSysFlag":0,"writeQueueNums":1}}}})";
  auto parsed = parse_register_broker_body(body);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->data_version, (DataVersion{1700000000123, 3}));
  ASSERT_EQ(parsed->topics.size(), 2u);
  EXPECT_EQ(parsed->topics[0].topic, "TBW102");
  EXPECT_EQ(parsed->topics[0].perm, 7);
  EXPECT_EQ(parsed->topics[0].read_queue_nums, 8);
  EXPECT_EQ(parsed->topics[1].topic, "%RETRY%G");
  EXPECT_EQ(parsed->topics[1].write_queue_nums, 1);
  auto round = parse_register_broker_body(encode_register_broker_body(*parsed));
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->data_version, parsed->data_version);
  EXPECT_EQ(round->topics.size(), 2u);
}

TEST(RegisterCodec, RejectsNonJsonAndWrongTypes) {
  EXPECT_FALSE(parse_register_broker_body("\x78\x9c garbage").ok());
  EXPECT_FALSE(parse_register_broker_body(R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{"perm":"x"}}}})").ok());
  auto defaults = parse_register_broker_body(R"({"topicConfigSerializeWrapper":{"topicConfigTable":{"T":{}}}})");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->topics[0].topic, "T");  // no topicName: the table key
  EXPECT_EQ(defaults->topics[0].read_queue_nums, 16);
  EXPECT_EQ(defaults->topics[0].perm, 6);
}

TEST(RegisterCodec, HeadersRoundTripAndReportMissingFields) {
  RegisterBrokerRequestHeader h{"broker-a", "127.0.0.1:10911", "DefaultCluster", "127.0.0.1:10912", 0, false, 12345};
  auto ext = h.to_ext();
  auto back = RegisterBrokerRequestHeader::from_ext(ext);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->brokerName, "broker-a");
  EXPECT_EQ(back->bodyCrc32, 12345);
  EXPECT_EQ(RegisterBrokerRequestHeader{}.to_ext().get("bodyCrc32"), "0");  // Java's initializer: always written
  remoting::ExtFields missing = ext;
  missing.erase("brokerAddr");
  auto bad = RegisterBrokerRequestHeader::from_ext(missing);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("brokerAddr"), std::string::npos);
  EXPECT_TRUE(RegisterBrokerResponseHeader{}.to_ext().empty());
  auto un = UnRegisterBrokerRequestHeader::from_ext(UnRegisterBrokerRequestHeader{"b", "a:1", "c", 2}.to_ext());
  ASSERT_TRUE(un.ok());
  EXPECT_EQ(un->brokerId, 2);
}

}  // namespace
}  // namespace rmq::fake
