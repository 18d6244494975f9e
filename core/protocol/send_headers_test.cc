#include "core/protocol/send_headers.h"

#include <map>

#include <gtest/gtest.h>

#include "core/protocol/header_test_util.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

// Requests the corpus driver sent without a required field or with a bad number, and Java's text for them.
const std::map<std::string, Error>& bad_send_requests() {
  static const std::map<std::string, Error> bad = {
      {"send_310_missing_topic_b", missing_field_error("b")},
      {"send_310_missing_queue_e", missing_field_error("e")},
      {"send_310_no_ext", missing_field_error("a")},
      {"send_10_missing_topic", missing_field_error("topic")},
      {"send_10_missing_bornTimestamp", missing_field_error("bornTimestamp")},
      {"send_10_bad_number", bad_number_error("queueId", "abc")},
  };
  return bad;
}

TEST(SendHeadersGolden, EveryCapturedSendRequestParsesAndWritesTheSameFields) {
  std::map<std::string, SendMessageRequestHeader> v1s;      // by "<name>/<serialize>"
  std::map<std::string, SendMessageRequestHeaderV2> v2s;
  int bad = 0;
  for (const auto& c : test::captures()) {
    int64_t code = test::request_code(c.line);
    if (code != 10 && code != 310 && code != 320) continue;
    std::string key = testutil::string_field(c.line, "name") + "/" + testutil::string_field(c.line, "serialize");
    ExtFields ext = test::request_ext(c.line);
    if (auto it = bad_send_requests().find(testutil::string_field(c.line, "name")); it != bad_send_requests().end()) {
      Error error = code == 10 ? SendMessageRequestHeader::from_ext(ext).error()
                               : SendMessageRequestHeaderV2::from_ext(ext).error();
      EXPECT_EQ(error, it->second) << test::describe(c);
      ++bad;
    } else if (code == 10) {
      auto v1 = test::expect_request_round_trip<SendMessageRequestHeader>(test::describe(c), ext, {});
      if (v1) v1s.emplace(key, *v1);
    } else {
      auto v2 = test::expect_request_round_trip<SendMessageRequestHeaderV2>(test::describe(c), ext, {"k", "m"});
      if (!v2) continue;
      // What the broker does with it: V1 and back again changes nothing.
      EXPECT_EQ(SendMessageRequestHeaderV2::from_v1(v2->to_v1()), *v2) << test::describe(c);
      v2s.emplace(key, *v2);
    }
  }
  EXPECT_EQ(bad, 12);  // six requests in two serializations
  EXPECT_EQ(v1s.size(), 8u);
  EXPECT_GE(v2s.size(), 50u);

  EXPECT_EQ(v1s.at("send_10_existing/JSON"),
            (SendMessageRequestHeader{.producerGroup = "PG_CORPUS", .topic = "TopicJA", .defaultTopic = "TBW102",
                                      .defaultTopicQueueNums = 4, .queueId = 0, .sysFlag = 0,
                                      .bornTimestamp = 1700000000000, .flag = 0, .properties = "TAGS\x01TagA\x02",
                                      .reconsumeTimes = 0, .unitMode = false, .batch = false,
                                      .maxReconsumeTimes = std::nullopt, .bname = std::nullopt}));
  const SendMessageRequestHeaderV2& numeric = v2s.at("send_310_numeric_ext/JSON");  // JSON numbers, no m
  EXPECT_EQ(numeric.d, 4);
  EXPECT_EQ(numeric.e, 3);
  EXPECT_EQ(numeric.g, 1700000000000);
  EXPECT_FALSE(numeric.k);
  EXPECT_FALSE(numeric.m);
  EXPECT_EQ(numeric.i, "TAGS\x01TagN\x02");
  EXPECT_EQ(v2s.at("send_310_queue_negative/ROCKETMQ").e, -1);
  EXPECT_EQ(v2s.at("send_310_compressed/JSON").f, 1);
  EXPECT_EQ(v2s.at("send_310_no_properties/JSON").i, std::nullopt);
  EXPECT_TRUE(v2s.at("send_batch_320/JSON").m);
  EXPECT_EQ(v2s.at("send_310_autocreate/JSON").c, "TBW102");
}

TEST(SendHeadersGolden, BrokerSendAnswersParseAndComeInJavasOrder) {
  int json = 0, rocketmq = 0;
  for (const auto& c : test::captures()) {
    int64_t code = test::request_code(c.line);
    if ((code != 10 && code != 310 && code != 320) || test::response_code(c.line) != 0) continue;
    std::optional<ExtFields> actual = test::response_ext(c.line);
    ASSERT_TRUE(actual.has_value()) << test::describe(c);
    Result<SendMessageResponseHeader> header = SendMessageResponseHeader::from_ext(*actual);
    ASSERT_TRUE(header.ok()) << test::describe(c) << ": " << header.error().message;
    ExtFields added = test::broker_added_send_fields(*actual);
    EXPECT_EQ(added.size(), 2u) << test::describe(c);
    std::string serialize = test::response_serialize(c.line);
    EXPECT_EQ(test::java_response_order(*header, added, serialize), *actual) << test::describe(c);
    (serialize == "JSON" ? json : rocketmq)++;
  }
  EXPECT_GE(json, 20);
  EXPECT_GE(rocketmq, 20);
}

TEST(SendHeadersGolden, ResponseValues) {
  for (const auto& c : test::captures()) {
    if (testutil::string_field(c.line, "name") != "send_10_existing" ||
        testutil::string_field(c.line, "serialize") != "JSON") {
      continue;
    }
    auto header = SendMessageResponseHeader::from_ext(*test::response_ext(c.line));
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(*header, (SendMessageResponseHeader{"7F000001000051AF0000000000000000", 0, 0, std::nullopt}));
    return;
  }
  FAIL() << "send_10_existing not found";
}

TEST(SendHeadersClients, JavaClientSendIsV2InJavasOrder) {
  int seen = 0;
  for (const auto& r : test::logged_requests("java-requests.log")) {
    if (r.code != 310) continue;
    Result<SendMessageRequestHeaderV2> v2 = SendMessageRequestHeaderV2::from_ext(r.ext);
    ASSERT_TRUE(v2.ok()) << r.text << ": " << v2.error().message;
    EXPECT_EQ(v2->to_ext(), r.ext) << r.text;  // a Java peer's HashMap order, exactly
    EXPECT_EQ(v2->a, "PG_JAVA");
    EXPECT_EQ(v2->c, "TBW102");
    EXPECT_EQ(v2->d, 4);
    EXPECT_EQ(v2->n, "broker-a");
    EXPECT_EQ(v2->l, std::nullopt);
    EXPECT_EQ(v2->to_v1().bname, "broker-a");
    ++seen;
  }
  EXPECT_EQ(seen, 3);
}

TEST(SendHeadersClients, AliOnsAndCppSendsParse) {
  int seen = 0;
  for (const char* log : {"alions-requests.log", "cpp-requests.log"}) {
    for (const auto& r : test::logged_requests(log)) {
      if (r.code != 310) continue;
      Result<SendMessageRequestHeaderV2> v2 = SendMessageRequestHeaderV2::from_ext(r.ext);
      ASSERT_TRUE(v2.ok()) << r.text << ": " << v2.error().message;
      EXPECT_FALSE(v2->m) << r.text;
      ++seen;
    }
  }
  EXPECT_GE(seen, 2);
}

SendMessageRequestHeader full_v1() {
  return SendMessageRequestHeader{.producerGroup = "PG", .topic = "T", .defaultTopic = "TBW102",
                                  .defaultTopicQueueNums = 4, .queueId = 3, .sysFlag = 0x301,
                                  .bornTimestamp = 1700000000123, .flag = 7, .properties = "KEYS\x01k\x02",
                                  .reconsumeTimes = 2, .unitMode = true, .batch = true, .maxReconsumeTimes = 16,
                                  .bname = "broker-b"};
}

TEST(SendHeaderV1V2, MappingIsJavas) {
  SendMessageRequestHeader v1 = full_v1();
  SendMessageRequestHeaderV2 v2 = SendMessageRequestHeaderV2::from_v1(v1);
  EXPECT_EQ(v2.to_v1(), v1);
  // Letter by letter, as createSendMessageRequestHeaderV2 assigns them.
  const std::pair<const char*, const char*> mapping[] = {
      {"a", "producerGroup"}, {"b", "topic"},          {"c", "defaultTopic"}, {"d", "defaultTopicQueueNums"},
      {"e", "queueId"},       {"f", "sysFlag"},        {"g", "bornTimestamp"}, {"h", "flag"},
      {"i", "properties"},    {"j", "reconsumeTimes"}, {"k", "unitMode"},     {"l", "maxReconsumeTimes"},
      {"m", "batch"},         {"n", "bname"}};
  ExtFields short_ext = v2.to_ext();
  ExtFields long_ext = v1.to_ext();
  ASSERT_EQ(short_ext.size(), 14u);
  ASSERT_EQ(long_ext.size(), 14u);
  for (const auto& [letter, name] : mapping) EXPECT_EQ(short_ext.get(letter), long_ext.get(name)) << letter;
  EXPECT_EQ(SendMessageRequestHeaderV2::from_ext(short_ext)->to_v1(), v1);
}

TEST(SendHeaderV1V2, NullablesStayNullBothWays) {
  SendMessageRequestHeader v1 = full_v1();
  v1.properties.reset();
  v1.reconsumeTimes.reset();
  v1.maxReconsumeTimes.reset();
  v1.bname.reset();
  SendMessageRequestHeaderV2 v2 = SendMessageRequestHeaderV2::from_v1(v1);
  EXPECT_EQ(v2.i, std::nullopt);
  EXPECT_EQ(v2.j, std::nullopt);
  EXPECT_EQ(v2.l, std::nullopt);
  EXPECT_EQ(v2.n, std::nullopt);
  // Java primitives are always written, nulls never.
  EXPECT_EQ(test::keys_of(v2.to_ext()),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "k", "m"}));
  EXPECT_EQ(v2.to_v1(), v1);
}

TEST(SendHeaderV1V2, FastOrderIsDeclarationOrder) {
  SendMessageRequestHeaderV2 v2 = SendMessageRequestHeaderV2::from_v1(full_v1());
  EXPECT_EQ(test::keys_of(v2.to_fast_ext()),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"}));
  SendMessageResponseHeader response{"ID", 1, 5, "tx"};
  EXPECT_EQ(test::keys_of(response.to_fast_ext()),
            (std::vector<std::string>{"msgId", "queueId", "queueOffset", "transactionId"}));
  EXPECT_EQ(test::keys_of(response.to_ext()),
            (std::vector<std::string>{"queueId", "msgId", "queueOffset", "transactionId"}));
}

TEST(SendHeaderErrors, MissingAndBadFieldsGiveJavasTexts) {
  ExtFields ext = full_v1().to_ext();
  ext.erase("bornTimestamp");
  EXPECT_EQ(SendMessageRequestHeader::from_ext(ext).error().message, "the custom field <bornTimestamp> is null");
  ext = full_v1().to_ext();
  ext.set("sysFlag", "1.5");
  EXPECT_EQ(SendMessageRequestHeader::from_ext(ext).error(), bad_number_error("sysFlag", "1.5"));
  ext = full_v1().to_ext();
  ext.set("reconsumeTimes", "x");  // nullable, but present: still parsed
  EXPECT_EQ(SendMessageRequestHeader::from_ext(ext).error().code, 1);
  ext = SendMessageRequestHeaderV2::from_v1(full_v1()).to_ext();
  ext.set("g", "99999999999999999999");
  EXPECT_EQ(SendMessageRequestHeaderV2::from_ext(ext).error().message,
            "Failed field [g] decoding: java.lang.NumberFormatException: For input string: \"99999999999999999999\"");
  EXPECT_EQ(SendMessageResponseHeader::from_ext(ExtFields{{"queueId", "1"}, {"queueOffset", "2"}}).error().message,
            "the custom field <msgId> is null");
}

TEST(SendHeaderVectors, MQClientAPIImplTestResponse) {
  // spec §10, MQClientAPIImplTest: a SUCCESS response with ext msgId "123", queueId 1, queueOffset 123.
  auto header =
      SendMessageResponseHeader::from_ext(ExtFields{{"msgId", "123"}, {"queueId", "1"}, {"queueOffset", "123"}});
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->msgId, "123");
  EXPECT_EQ(header->queueId, 1);
  EXPECT_EQ(header->queueOffset, 123);
  EXPECT_EQ(header->transactionId, std::nullopt);
}

TEST(SendHeaderValues, JavaToStringOfEveryKind) {
  SendMessageRequestHeader v1 = full_v1();
  v1.queueId = -1;
  v1.bornTimestamp = INT64_MIN;
  v1.unitMode = false;
  ExtFields ext = v1.to_ext();
  EXPECT_EQ(ext.get("queueId"), "-1");
  EXPECT_EQ(ext.get("bornTimestamp"), "-9223372036854775808");
  EXPECT_EQ(ext.get("sysFlag"), "769");
  EXPECT_EQ(ext.get("unitMode"), "false");
  EXPECT_EQ(ext.get("batch"), "true");
  EXPECT_EQ(SendMessageRequestHeader::from_ext(ext).value(), v1);
}

}  // namespace
}  // namespace rmq::protocol
