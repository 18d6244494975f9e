#include "core/protocol/route_data.h"

#include <gtest/gtest.h>

#include "core/protocol/body_error.h"
#include "core/protocol/capture_test_util.h"
#include "core/protocol/perm.h"

namespace rmq::protocol {
namespace {

// The key style the real nameserver chose for this request (version >= 401 or acceptStandardJsonOnly).
BrokerAddrKeys style_of_request(const boost::json::object& line) {
  const boost::json::object* h = test::object_field(line, "request_header");
  int32_t version = static_cast<int32_t>(h->at("version").as_int64());
  const boost::json::object* ext = test::object_field(*h, "extFields");
  bool standard = ext != nullptr && ext->if_contains("acceptStandardJsonOnly") != nullptr &&
                  ext->at("acceptStandardJsonOnly") == "true";
  return route_key_style_for(version, standard);
}

TEST(RouteDataGolden, EveryCapturedRouteParsesAndReencodesIdentically) {
  int quoted = 0, unquoted = 0;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != 105 || test::response_code(c.line) != 0) continue;
    std::string body = testutil::string_field(c.line, "response_body_text");
    ASSERT_FALSE(body.empty()) << test::describe(c);
    Result<TopicRouteData> route = parse_topic_route_data(body);
    ASSERT_TRUE(route.ok()) << test::describe(c) << ": " << route.error().message;
    BrokerAddrKeys keys = style_of_request(c.line);
    (keys == BrokerAddrKeys::kQuoted ? quoted : unquoted)++;
    EXPECT_EQ(encode_topic_route_data(*route, keys), body) << test::describe(c);
    // The response bytes carry the same body.
    EXPECT_EQ(test::frame_body(testutil::hex_field(c.line, "response_hex")), body) << test::describe(c);
  }
  EXPECT_GE(quoted, 20);
  EXPECT_EQ(unquoted, 8);  // versions 400, 333, 121 (two-broker topic, TBW102) in both serializations
}

TEST(RouteDataGolden, BothKeyFormsOfTheSameRouteParseToTheSameValue) {
  const boost::json::object* v409 = nullptr;
  const boost::json::object* v121 = nullptr;
  for (const auto& c : test::captures()) {
    if (c.file != "namesrv.jsonl" || testutil::string_field(c.line, "serialize") != "JSON") continue;
    std::string name = testutil::string_field(c.line, "name");
    if (name == "route_105_two_brokers_v409") v409 = &c.line;
    if (name == "route_105_two_brokers_v121") v121 = &c.line;
  }
  ASSERT_TRUE(v409 && v121);
  std::string quoted = testutil::string_field(*v409, "response_body_text");
  std::string legacy = testutil::string_field(*v121, "response_body_text");
  ASSERT_NE(legacy.find("{0:\""), std::string::npos);
  Result<TopicRouteData> a = parse_topic_route_data(quoted);
  Result<TopicRouteData> b = parse_topic_route_data(legacy);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  ASSERT_EQ(a->broker_datas.size(), 2u);
  EXPECT_EQ(a->broker_datas[0].broker_name, "broker-b");
  EXPECT_EQ(a->broker_datas[0].cluster, "DefaultCluster");
  EXPECT_EQ(a->broker_datas[0].address(kMasterBrokerId), "127.0.0.1:21911");
  EXPECT_EQ(a->broker_datas[1].address(0), "127.0.0.1:20911");
  EXPECT_EQ(a->broker_datas[1].address(1), std::nullopt);
  ASSERT_EQ(a->queue_datas.size(), 2u);
  EXPECT_EQ(a->queue_datas[1], (QueueData{"broker-a", 4, 4, 6, 0}));
  EXPECT_TRUE(a->filter_server_table.empty());
  EXPECT_FALSE(a->order_topic_conf.has_value());
  EXPECT_EQ(encode_topic_route_data(*b, BrokerAddrKeys::kQuoted), quoted);
  EXPECT_EQ(encode_topic_route_data(*a, BrokerAddrKeys::kUnquoted), legacy);
}

TEST(RouteDataGolden, GoldenTextFilesRoutes) {
  std::string text = testutil::read_file(testutil::spec_path("captures/golden_real_4.9.8_oneshot.txt"));
  int seen = 0;
  for (size_t at = text.find("{\"brokerDatas\""); at != std::string::npos; at = text.find("{\"brokerDatas\"", at + 1)) {
    std::string body = text.substr(at, text.find('\n', at) - at);
    Result<TopicRouteData> route = parse_topic_route_data(body);
    ASSERT_TRUE(route.ok()) << route.error().message;
    EXPECT_EQ(encode_topic_route_data(*route, BrokerAddrKeys::kQuoted), body);
    ++seen;
  }
  EXPECT_EQ(seen, 2);
}

// spec §10: DefaultMQProducerTest.createTopicRoute() and RemotingSerializableTest.testEncode (a strict parser
// rejects the legacy form; ours reads both).
TEST(RouteData, JavaUnitTestRoute) {
  TopicRouteData route;
  route.broker_datas.push_back({"DefaultCluster", "BrokerA", {{0, "127.0.0.1:10911"}}});
  route.queue_datas.push_back({"BrokerA", 3, 4, 6, 0});
  std::string legacy = encode_topic_route_data(route, BrokerAddrKeys::kUnquoted);
  EXPECT_EQ(legacy,
            R"({"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"BrokerA",)"
            R"("cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"BrokerA","perm":6,)"
            R"("readQueueNums":3,"topicSysFlag":0,"writeQueueNums":4}]})");
  boost::json::error_code ec;
  (void)boost::json::parse(legacy, ec);
  EXPECT_TRUE(ec.failed());
  for (BrokerAddrKeys keys : {BrokerAddrKeys::kQuoted, BrokerAddrKeys::kUnquoted}) {
    Result<TopicRouteData> back = parse_topic_route_data(encode_topic_route_data(route, keys));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, route);
  }
}

TEST(RouteData, KeyStyleFollowsVersionAndFlag) {
  EXPECT_EQ(route_key_style_for(409, false), BrokerAddrKeys::kQuoted);
  EXPECT_EQ(route_key_style_for(401, false), BrokerAddrKeys::kQuoted);
  EXPECT_EQ(route_key_style_for(400, false), BrokerAddrKeys::kUnquoted);
  EXPECT_EQ(route_key_style_for(333, false), BrokerAddrKeys::kUnquoted);
  EXPECT_EQ(route_key_style_for(121, true), BrokerAddrKeys::kQuoted);
}

TEST(RouteData, AcceptsOldFlagNameAndIgnoresFiveXFields) {
  std::string old_form =
      R"({"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"b","cluster":"c",)"
      R"("enableActingMaster":false,"zoneName":"z"}],"filterServerTable":{},"orderTopicConf":"b:4",)"
      R"("queueDatas":[{"brokerName":"b","perm":7,"readQueueNums":2,"topicSynFlag":3,"writeQueueNums":1}],)"
      R"("topicQueueMappingByBroker":{"b":{"x":[1,2,{"y":null}]}}})";
  Result<TopicRouteData> route = parse_topic_route_data(old_form);
  ASSERT_TRUE(route.ok()) << route.error().message;
  EXPECT_EQ(route->queue_datas[0], (QueueData{"b", 2, 1, 7, 3}));
  EXPECT_EQ(route->order_topic_conf, "b:4");
  EXPECT_EQ(route->broker_datas[0].address(1), "10.0.0.2:10911");
  EXPECT_EQ(encode_topic_route_data(*route, BrokerAddrKeys::kUnquoted),
            R"({"brokerDatas":[{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911"},"brokerName":"b",)"
            R"("cluster":"c"}],"filterServerTable":{},"orderTopicConf":"b:4","queueDatas":[{"brokerName":"b",)"
            R"("perm":7,"readQueueNums":2,"topicSysFlag":3,"writeQueueNums":1}]})");
}

TEST(RouteData, EncoderOrdersMapsAsTheJavaNameserverDoes) {
  TopicRouteData route;
  route.broker_datas.push_back({"c", "b", {{17, "h17"}, {1, "h1"}, {16, "h16"}, {0, "h0"}}});
  route.filter_server_table = {{"zz", {"f1", "f2"}}, {"aa", {}}};
  // Quoted: TreeMap order. Unquoted: HashMap<Long> buckets (16 shares bucket 0 with 0, 17 bucket 1 with 1;
  // a bucket keeps insertion order) and HashMap<String> order of the filter table ("aa" 3104 and "zz" 3904
  // share bucket 0, so insertion order).
  EXPECT_EQ(encode_topic_route_data(route, BrokerAddrKeys::kQuoted),
            R"({"brokerDatas":[{"brokerAddrs":{"0":"h0","1":"h1","16":"h16","17":"h17"},"brokerName":"b",)"
            R"("cluster":"c"}],"filterServerTable":{"aa":[],"zz":["f1","f2"]},"queueDatas":[]})");
  EXPECT_EQ(encode_topic_route_data(route, BrokerAddrKeys::kUnquoted),
            R"({"brokerDatas":[{"brokerAddrs":{16:"h16",0:"h0",17:"h17",1:"h1"},"brokerName":"b",)"
            R"("cluster":"c"}],"filterServerTable":{"zz":["f1","f2"],"aa":[]},"queueDatas":[]})");
}

TEST(RouteData, QuotedFormEscapesLikeBrowserCompatible) {
  TopicRouteData route;
  route.broker_datas.push_back({"c/1", "br\xC3\xA9\"k", {{0, "h"}}});
  std::string quoted = encode_topic_route_data(route, BrokerAddrKeys::kQuoted);
  EXPECT_NE(quoted.find(R"("brokerName":"br\u00E9\"k")"), std::string::npos) << quoted;
  EXPECT_NE(quoted.find(R"("cluster":"c\/1")"), std::string::npos) << quoted;
  std::string legacy = encode_topic_route_data(route, BrokerAddrKeys::kUnquoted);
  EXPECT_NE(legacy.find("\"brokerName\":\"br\xC3\xA9\\\"k\""), std::string::npos) << legacy;
  for (const std::string& text : {quoted, legacy}) {
    Result<TopicRouteData> back = parse_topic_route_data(text);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, route);
  }
}

TEST(RouteData, QuoteBareIntegerKeysTouchesOnlyKeys) {
  EXPECT_EQ(quote_bare_integer_keys(R"({0:"a", -1 :"b",12:{3:[4,5]}})"), R"({"0":"a", "-1" :"b","12":{"3":[4,5]}})");
  // Text inside strings stays, including escaped quotes, braces and colons.
  EXPECT_EQ(quote_bare_integer_keys(R"({"k":"{0:\"x\",1:2}",2:"\\",3:"}"})"),
            R"({"k":"{0:\"x\",1:2}","2":"\\","3":"}"})");
  // Values and array elements are not keys.
  EXPECT_EQ(quote_bare_integer_keys(R"({"a":1,"b":[1,2:3]})"), R"({"a":1,"b":[1,2:3]})");
  EXPECT_EQ(quote_bare_integer_keys("{1x:2}"), "{1x:2}");
  EXPECT_EQ(quote_bare_integer_keys(""), "");
  EXPECT_EQ(quote_bare_integer_keys("{\"unterminated"), "{\"unterminated");
}

TEST(RouteData, BadInputIsAnErrorNamingThePlace) {
  struct Case { std::string body; std::string expect; };
  std::vector<Case> cases = {
      {"", "invalid JSON at byte 0"},
      {"not json", "invalid JSON at byte "},
      {R"({"brokerDatas":[})", "invalid JSON at byte 16"},
      {R"({0:"a",)", "invalid JSON at byte 7"},  // position in the caller's text, not the quoted one
      {"[]", "top level: expected an object, got array"},
      {R"({"brokerDatas":{}})", "brokerDatas: expected an array, got object"},
      {R"({"queueDatas":[{"brokerName":"b","perm":"x","readQueueNums":1,"writeQueueNums":1}]})",
       "queueDatas[0].perm: expected an integer, got string"},
      {R"({"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1}]})", "queueDatas[0].writeQueueNums: missing"},
      {R"({"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1,"writeQueueNums":9999999999}]})",
       "out of int32 range"},
      {R"({"brokerDatas":[{"brokerName":"b","brokerAddrs":{"master":"h"}}]})",
       "brokerDatas[0].brokerAddrs: key \"master\" is not a broker id"},
      {R"({"brokerDatas":[{"brokerName":"b","brokerAddrs":{0:7}}]})",
       "brokerDatas[0].brokerAddrs.0: expected a string"},
      {R"({"brokerDatas":[7]})", "brokerDatas[0]: expected an object, got integer"},
      {R"({"filterServerTable":{"a":[1]}})", "filterServerTable.a[0]: expected a string"},
      {R"({"a":1} x)", "unexpected text after the JSON value"},
      {std::string(100, '['), "invalid JSON"},
  };
  for (const Case& c : cases) {
    Result<TopicRouteData> r = parse_topic_route_data(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().code, kMalformedBody);
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << c.body << " -> " << r.error().message;
    EXPECT_EQ(r.error().message.rfind("route body: ", 0), 0u) << r.error().message;
  }
}

TEST(Perm, BitsAndJavaString) {
  EXPECT_TRUE(is_readable(6) && is_writeable(6) && !is_inherited(6) && !is_priority(6));
  EXPECT_TRUE(is_inherited(7) && is_priority(8) && !is_readable(2) && !is_writeable(4));
  EXPECT_EQ(perm_to_string(6), "RW-");
  EXPECT_EQ(perm_to_string(7), "RWX");
  EXPECT_EQ(perm_to_string(0), "---");
  EXPECT_EQ(perm_to_string(kPermRead), "R--");
  EXPECT_EQ(kPermReadWrite, 6);
}

}  // namespace
}  // namespace rmq::protocol
