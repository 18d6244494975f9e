#include "core/protocol/heartbeat_data.h"

#include <gtest/gtest.h>

#include "core/common/java_compat.h"
#include "core/protocol/body_error.h"
#include "core/protocol/capture_test_util.h"

namespace rmq::protocol {
namespace {

// Heartbeats the capture driver wrote in the Java client's form (every captured 34 except the two below).
bool is_java_form(const std::string& name) {
  return name != "heartbeat_34_cpp_style" && name != "heartbeat_34_invalid_body";
}

TEST(HeartbeatGolden, EveryCapturedHeartbeatParsesAndJavaFormReencodesIdentically) {
  int java_form = 0, cpp_form = 0;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != 34) continue;
    std::string body = testutil::string_field(c.line, "request_body_text");
    std::string name = testutil::string_field(c.line, "name");
    Result<HeartbeatData> hb = parse_heartbeat_data(body);
    if (name == "heartbeat_34_invalid_body") {
      ASSERT_FALSE(hb.ok());
      EXPECT_NE(hb.error().message.find("heartbeat body: invalid JSON at byte"), std::string::npos);
      continue;
    }
    ASSERT_TRUE(hb.ok()) << test::describe(c) << ": " << hb.error().message;
    EXPECT_EQ(hb->client_id.rfind("127.0.0.1@", 0), 0u);
    if (is_java_form(name)) {
      EXPECT_EQ(encode_heartbeat_data(*hb), body) << test::describe(c);
      ++java_form;
    } else {
      ++cpp_form;
    }
  }
  EXPECT_EQ(java_form, 14);  // 7 per serialization run
  EXPECT_EQ(cpp_form, 2);
}

TEST(HeartbeatGolden, JavaStyleValues) {
  for (const auto& c : test::captures()) {
    if (testutil::string_field(c.line, "name") != "heartbeat_34_member2_more_topics") continue;
    bool json_run = testutil::string_field(c.line, "serialize") == "JSON";
    std::string s = json_run ? "J" : "R";
    Result<HeartbeatData> hb = parse_heartbeat_data(testutil::string_field(c.line, "request_body_text"));
    ASSERT_TRUE(hb.ok());
    EXPECT_EQ(hb->client_id, "127.0.0.1@m2" + s);
    EXPECT_TRUE(hb->producer_data_set.empty());
    ASSERT_EQ(hb->consumer_data_set.size(), 1u);
    const ConsumerData& cd = hb->consumer_data_set[0];
    EXPECT_EQ(cd.group_name, "CG_GRP" + s);
    EXPECT_EQ(cd.consume_type, ConsumeType::kConsumePassively);
    EXPECT_EQ(cd.message_model, MessageModel::kClustering);
    EXPECT_EQ(cd.consume_from_where, ConsumeFromWhere::kConsumeFromFirstOffset);
    EXPECT_FALSE(cd.unit_mode);
    ASSERT_EQ(cd.subscription_data_set.size(), 2u);
    EXPECT_EQ(cd.subscription_data_set[1].topic, "%RETRY%CG_GRP" + s);
    EXPECT_EQ(cd.subscription_data_set[0], build_subscription_data("Topic" + s + "A", "*", 1));
  }
}

TEST(HeartbeatGolden, CppStyleHeartbeatUsesOrdinalsAndStringSubVersion) {
  int seen = 0;
  for (const auto& c : test::captures()) {
    if (testutil::string_field(c.line, "name") != "heartbeat_34_cpp_style") continue;
    Result<HeartbeatData> hb = parse_heartbeat_data(testutil::string_field(c.line, "request_body_text"));
    ASSERT_TRUE(hb.ok()) << hb.error().message;
    ASSERT_EQ(hb->consumer_data_set.size(), 1u);
    const ConsumerData& cd = hb->consumer_data_set[0];
    EXPECT_EQ(cd.consume_from_where, ConsumeFromWhere::kConsumeFromLastOffset);
    EXPECT_EQ(cd.consume_type, ConsumeType::kConsumePassively);
    EXPECT_EQ(cd.message_model, MessageModel::kClustering);
    ASSERT_EQ(cd.subscription_data_set.size(), 1u);
    const SubscriptionData& sd = cd.subscription_data_set[0];
    EXPECT_EQ(sd.sub_version, 1700000000000);
    EXPECT_EQ(sd.expression_type, std::nullopt);
    EXPECT_EQ(sd.effective_expression_type(), "TAG");
    EXPECT_EQ(sd.sub_string, "*");
    EXPECT_TRUE(hb->producer_data_set.empty());
    ++seen;
  }
  EXPECT_EQ(seen, 2);
}

TEST(HeartbeatClients, JavaClientHeartbeatsReencodeIdentically) {
  std::vector<std::string> bodies = test::client_log_values("java-requests.log", "hb=");
  ASSERT_EQ(bodies.size(), 5u);
  for (const std::string& body : bodies) {
    Result<HeartbeatData> hb = parse_heartbeat_data(body);
    ASSERT_TRUE(hb.ok()) << hb.error().message;
    EXPECT_EQ(encode_heartbeat_data(*hb), body);
    for (const ConsumerData& cd : hb->consumer_data_set) {
      // The real Java client lists subscriptions in HashSet<SubscriptionData> order.
      std::vector<SubscriptionData> sorted = cd.subscription_data_set;
      sort_subscriptions_java_order(sorted);
      EXPECT_EQ(sorted, cd.subscription_data_set) << body;
    }
  }
  Result<HeartbeatData> consumer = parse_heartbeat_data(bodies[0]);
  EXPECT_EQ(consumer->client_id, "192.0.2.2@8637#3003401906527");
  EXPECT_EQ(consumer->consumer_data_set[0].subscription_data_set[0].sub_version, 1795567162274);
  EXPECT_EQ(consumer->producer_data_set, (std::vector<ProducerData>{{"CLIENT_INNER_PRODUCER"}}));
}

TEST(HeartbeatClients, AliOnsHeartbeatsParse) {
  std::vector<std::string> bodies = test::client_log_values("alions-requests.log", "hb=");
  ASSERT_EQ(bodies.size(), 2u);
  for (const std::string& body : bodies) {
    Result<HeartbeatData> hb = parse_heartbeat_data(body);
    ASSERT_TRUE(hb.ok()) << hb.error().message;
    EXPECT_EQ(hb->client_id, "192.0.2.2@8286");
    ASSERT_EQ(hb->consumer_data_set.size(), 1u);
    const ConsumerData& cd = hb->consumer_data_set[0];
    EXPECT_EQ(cd.group_name, "CG_NODE");
    EXPECT_EQ(cd.consume_from_where, ConsumeFromWhere::kConsumeFromFirstOffset);
    ASSERT_EQ(cd.subscription_data_set.size(), 2u);
    EXPECT_EQ(cd.subscription_data_set[0].topic, "TopicTest");
    EXPECT_EQ(cd.subscription_data_set[1].sub_version, 1795567130772);
    EXPECT_EQ(cd.subscription_data_set[1].expression_type, std::nullopt);
    EXPECT_EQ(hb->producer_data_set, (std::vector<ProducerData>{{"PG_NODE"}}));
    // Re-encoded in the Java form: keys alphabetical, no expressionType (it was absent).
    std::string java = encode_heartbeat_data(*hb);
    EXPECT_EQ(java.rfind(R"({"clientID":"192.0.2.2@8286","consumerDataSet":[{"consumeFromWhere":)", 0), 0u) << java;
    EXPECT_EQ(java.find("expressionType"), std::string::npos);
    EXPECT_EQ(*parse_heartbeat_data(java), *hb);
  }
}

TEST(HeartbeatClients, CppClientHeartbeatsParse) {
  std::vector<std::string> bodies = test::client_log_values("cpp-requests.log", "hb=");
  ASSERT_EQ(bodies.size(), 3u);
  Result<HeartbeatData> producer = parse_heartbeat_data(bodies[0]);
  ASSERT_TRUE(producer.ok()) << producer.error().message;
  EXPECT_EQ(producer->client_id, "127.0.0.1@10140#PG_CPP");
  EXPECT_EQ(producer->producer_data_set, (std::vector<ProducerData>{{"PG_CPP"}}));
  EXPECT_TRUE(producer->consumer_data_set.empty());
  Result<HeartbeatData> consumer = parse_heartbeat_data(bodies[1]);
  ASSERT_TRUE(consumer.ok()) << consumer.error().message;
  const ConsumerData& cd = consumer->consumer_data_set[0];
  EXPECT_EQ(cd.consume_type, ConsumeType::kConsumePassively);
  EXPECT_EQ(cd.message_model, MessageModel::kClustering);
  EXPECT_EQ(cd.consume_from_where, ConsumeFromWhere::kConsumeFromLastOffset);
  EXPECT_FALSE(cd.unit_mode);
  ASSERT_EQ(cd.subscription_data_set.size(), 2u);
  EXPECT_EQ(cd.subscription_data_set[0].topic, "%RETRY%CG_CPP");
  EXPECT_EQ(cd.subscription_data_set[1].sub_version, 1795567221381);
  EXPECT_TRUE(cd.subscription_data_set[1].tags_set.empty());
  EXPECT_TRUE(cd.subscription_data_set[1].code_set.empty());
}

TEST(Subscription, BuildFromTagExpressionLikeFilterApi) {
  for (std::string_view all : {"*", ""}) {
    SubscriptionData s = build_subscription_data("T", all, 5);
    EXPECT_EQ(s.sub_string, "*");
    EXPECT_TRUE(s.tags_set.empty() && s.code_set.empty());
    EXPECT_EQ(s.expression_type, "TAG");
    EXPECT_EQ(s.sub_version, 5);
  }
  SubscriptionData two = build_subscription_data("T", "TagB || TagA", 1);
  EXPECT_EQ(two.sub_string, "TagB || TagA");  // kept as given
  EXPECT_EQ(two.tags_set, (std::vector<std::string>{"TagA", "TagB"}));  // HashSet order
  EXPECT_EQ(two.code_set, (std::vector<int32_t>{2598919, 2598920}));
  EXPECT_EQ(encode_subscription_data(two),
            R"({"classFilterMode":false,"codeSet":[2598919,2598920],"expressionType":"TAG",)"
            R"("subString":"TagB || TagA","subVersion":1,"tagsSet":["TagA","TagB"],"topic":"T"})");
  // Five tags spill over buckets: Java's HashSet order, not sorted order.
  SubscriptionData five = build_subscription_data("T", "TagA||TagB||TagC||TagD||TagE", 1);
  EXPECT_EQ(five.tags_set, (std::vector<std::string>{"TagA", "TagE", "TagD", "TagC", "TagB"}));
  EXPECT_EQ(five.code_set, (std::vector<int32_t>{2598919, 2598923, 2598922, 2598921, 2598920}));
  // Trimming, empty parts, duplicates, and split's left-to-right "||" matching.
  SubscriptionData odd = build_subscription_data("T", " a ||  || a||\tb|||c ", 1);
  EXPECT_EQ(odd.tags_set, (std::vector<std::string>{"a", "b", "|c"}));
  ASSERT_EQ(odd.code_set.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(odd.code_set[i], java_string_hash(odd.tags_set[i]));
}

TEST(Subscription, BuildSql92AndErrors) {
  Result<SubscriptionData> sql = build_subscription_data("T", "a > 1", kExpressionTypeSql92, 3);
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->sub_string, "a > 1");
  EXPECT_EQ(sql->expression_type, "SQL92");
  EXPECT_TRUE(sql->tags_set.empty());
  EXPECT_FALSE(build_subscription_data("T", "", kExpressionTypeSql92, 3).ok());
  Result<SubscriptionData> tag = build_subscription_data("T", "x", kExpressionTypeTag, 3);
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(tag->tags_set, (std::vector<std::string>{"x"}));
}

TEST(CheckClientConfig, CapturedBodiesParseAndReencodeIdentically) {
  int seen = 0;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != 46) continue;
    std::string body = testutil::string_field(c.line, "request_body_text");
    Result<CheckClientConfigBody> parsed = parse_check_client_config_body(body);
    ASSERT_TRUE(parsed.ok()) << test::describe(c) << ": " << parsed.error().message;
    EXPECT_EQ(parsed->group.rfind("CG_EXTRA", 0), 0u);
    EXPECT_EQ(encode_check_client_config_body(*parsed), body);
    Result<SubscriptionData> alone = parse_subscription_data(encode_subscription_data(parsed->subscription_data));
    ASSERT_TRUE(alone.ok());
    EXPECT_EQ(*alone, parsed->subscription_data);
    ++seen;
  }
  EXPECT_EQ(seen, 4);
}

TEST(HeartbeatEnums, NamesAndOrdinalsRoundTrip) {
  for (int i = 0; i <= 5; ++i) {
    auto v = static_cast<ConsumeFromWhere>(i);
    EXPECT_EQ(consume_from_where_from_name(java_name(v)), v);
  }
  EXPECT_EQ(java_name(ConsumeFromWhere::kConsumeFromTimestamp), "CONSUME_FROM_TIMESTAMP");
  EXPECT_EQ(java_name(ConsumeFromWhere::kConsumeFromMinOffset), "CONSUME_FROM_MIN_OFFSET");
  EXPECT_EQ(java_name(ConsumeType::kConsumeActively), "CONSUME_ACTIVELY");
  EXPECT_EQ(java_name(MessageModel::kBroadcasting), "BROADCASTING");
  EXPECT_EQ(message_model_from_name("CLUSTERING"), MessageModel::kClustering);
  EXPECT_EQ(consume_type_from_name("PUSH"), std::nullopt);
}

TEST(HeartbeatBadInput, IsAnErrorNamingThePlace) {
  auto consumer = [](const std::string& fields) {
    return R"({"clientID":"c","consumerDataSet":[{"groupName":"g",)" + fields + "}]}";
  };
  std::string enums = R"("consumeType":1,"messageModel":1,"consumeFromWhere":0)";
  struct Case { std::string body; std::string expect; };
  std::vector<Case> cases = {
      {"", "invalid JSON at byte 0"},
      {"[1]", "top level: expected an object, got array"},
      {R"({"consumerDataSet":[]})", "clientID: missing"},
      {R"({"clientID":5})", "clientID: expected a string, got integer"},
      {R"({"clientID":"c","producerDataSet":{}})", "producerDataSet: expected an array"},
      {R"({"clientID":"c","producerDataSet":[{}]})", "producerDataSet[0].groupName: missing"},
      {consumer(R"("consumeType":"PULL","messageModel":1,"consumeFromWhere":0)"),
       "consumerDataSet[0].consumeType: unknown name \"PULL\""},
      {consumer(R"("consumeType":1,"messageModel":2,"consumeFromWhere":0)"),
       "consumerDataSet[0].messageModel: ordinal out of range 0..1"},
      {consumer(R"("consumeType":1,"messageModel":1,"consumeFromWhere":true)"),
       "consumerDataSet[0].consumeFromWhere: expected an enum name or ordinal, got boolean"},
      {consumer(R"("consumeType":1,"messageModel":1)"), "consumerDataSet[0].consumeFromWhere: missing"},
      {consumer(enums + R"(,"subscriptionDataSet":[{"topic":"t","subString":"*","subVersion":"x"}])"),
       "consumerDataSet[0].subscriptionDataSet[0].subVersion: expected an integer, got string"},
      {consumer(enums + R"(,"subscriptionDataSet":[{"topic":"t","subString":"*","tagsSet":[1]}])"),
       "consumerDataSet[0].subscriptionDataSet[0].tagsSet[0]: expected a string"},
      {consumer(enums + R"(,"subscriptionDataSet":[{"topic":"t","subString":"*","codeSet":[1.5]}])"),
       "subscriptionDataSet[0].codeSet[0]: expected an int32"},
      {consumer(enums + R"(,"subscriptionDataSet":[{"subString":"*"}])"), "subscriptionDataSet[0].topic: missing"},
      {consumer(enums + R"(,"unitMode":"maybe")"), "consumerDataSet[0].unitMode: expected a boolean"},
  };
  for (const Case& c : cases) {
    Result<HeartbeatData> r = parse_heartbeat_data(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_EQ(r.error().code, kMalformedBody);
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << c.body << " -> " << r.error().message;
  }
  // Lenient where fastjson is: null is absent, 0/1 and "true" are booleans, unknown (5.x) keys are ignored.
  Result<HeartbeatData> ok = parse_heartbeat_data(
      R"({"clientID":"c","heartbeatFingerprint":0,"withoutSub":false,"producerDataSet":null,)"
      R"("consumerDataSet":[{"groupName":"g",)" +
      enums + R"(,"unitMode":1,"subscriptionDataSet":null,"extra":{"x":[]}}]})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok->consumer_data_set[0].unit_mode);
  EXPECT_TRUE(ok->consumer_data_set[0].subscription_data_set.empty());
  EXPECT_FALSE(parse_check_client_config_body(R"({"clientId":"c","group":"g"})").ok());
  EXPECT_FALSE(parse_subscription_data("{").ok());
}

}  // namespace
}  // namespace rmq::protocol
