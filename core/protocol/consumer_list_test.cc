#include "core/protocol/consumer_list.h"

#include <gtest/gtest.h>

#include "core/protocol/body_error.h"
#include "core/protocol/capture_test_util.h"

namespace rmq::protocol {
namespace {

TEST(ConsumerListGolden, CapturedAnswersParseAndReencodeIdentically) {
  int seen = 0;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != 38 || test::response_code(c.line) != 0) continue;
    std::string body = testutil::string_field(c.line, "response_body_text");
    Result<std::vector<std::string>> ids = parse_consumer_id_list(body);
    ASSERT_TRUE(ids.ok()) << test::describe(c) << ": " << ids.error().message;
    ASSERT_FALSE(ids->empty());
    for (const std::string& id : *ids) EXPECT_EQ(id.rfind("127.0.0.1@", 0), 0u) << id;
    EXPECT_EQ(encode_consumer_id_list(*ids), body);
    ++seen;
  }
  EXPECT_EQ(seen, 8);
  // The session golden file carries one too.
  std::string session = testutil::read_file(testutil::spec_path("captures/golden_real_4.9.8_session.txt"));
  size_t at = session.find("{\"consumerIdList\"");
  ASSERT_NE(at, std::string::npos);
  std::string body = session.substr(at, session.find('\n', at) - at);
  Result<std::vector<std::string>> ids = parse_consumer_id_list(body);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, (std::vector<std::string>{"127.0.0.1@probe3"}));
  EXPECT_EQ(encode_consumer_id_list(*ids), body);
}

TEST(ConsumerList, EmptyAndBadInput) {
  EXPECT_EQ(encode_consumer_id_list({}), R"({"consumerIdList":[]})");
  EXPECT_TRUE(parse_consumer_id_list("{}")->empty());  // Java: a null list
  for (std::string bad :
       {"", "[]", R"({"consumerIdList":"a"})", R"({"consumerIdList":[1]})", "{\"consumerIdList\":["}) {
    Result<std::vector<std::string>> r = parse_consumer_id_list(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, kMalformedBody);
    EXPECT_EQ(r.error().message.rfind("consumer list body: ", 0), 0u) << r.error().message;
  }
  EXPECT_NE(parse_consumer_id_list(R"({"consumerIdList":["a",2]})").error().message.find("consumerIdList[1]"),
            std::string::npos);
}

TEST(LockBatchGolden, CapturedBodiesParseAndReencodeIdentically) {
  int requests = 0, responses = 0;
  for (const auto& c : test::captures()) {
    int64_t code = test::request_code(c.line);
    if (code != 41 && code != 42) continue;
    std::string request = testutil::string_field(c.line, "request_body_text");
    Result<LockBatchRequestBody> body = parse_lock_batch_request(request);
    if (testutil::string_field(c.line, "name") == "lock_41_invalid_body") {
      ASSERT_FALSE(body.ok());
      EXPECT_NE(body.error().message.find("lock batch request body: invalid JSON"), std::string::npos);
      continue;
    }
    ASSERT_TRUE(body.ok()) << test::describe(c) << ": " << body.error().message;
    EXPECT_EQ(body->consumer_group.rfind("CG_EXTRA", 0), 0u);
    EXPECT_EQ(encode_lock_batch_request(*body), request);
    ++requests;
    if (code != 41) continue;
    std::string response = testutil::string_field(c.line, "response_body_text");
    Result<std::vector<MessageQueueRef>> locked = parse_lock_batch_response(response);
    ASSERT_TRUE(locked.ok()) << test::describe(c) << ": " << locked.error().message;
    EXPECT_EQ(encode_lock_batch_response(*locked), response);
    // The broker writes its HashSet<MessageQueue>: our Java order agrees.
    std::vector<MessageQueueRef> sorted = *locked;
    sort_queues_java_order(sorted);
    EXPECT_EQ(sorted, *locked);
    ++responses;
  }
  EXPECT_EQ(requests, 12);
  EXPECT_EQ(responses, 8);
}

TEST(LockBatch, ValuesAndJavaOrder) {
  Result<std::vector<MessageQueueRef>> locked = parse_lock_batch_response(
      R"({"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"ExtraJ"},)"
      R"({"brokerName":"broker-a","queueId":1,"topic":"ExtraJ"}]})");
  ASSERT_TRUE(locked.ok());
  EXPECT_EQ(*locked, (std::vector<MessageQueueRef>{{"ExtraJ", "broker-a", 0}, {"ExtraJ", "broker-a", 1}}));
  std::vector<MessageQueueRef> three = {
      {"ExtraJ", "broker-a", 0}, {"ExtraJ", "broker-a", 1}, {"ExtraJ", "broker-a", 2}};
  sort_queues_java_order(three);
  EXPECT_EQ(three[1].queue_id, 2);  // HashSet<MessageQueue> iterates q0, q2, q1 here
  LockBatchRequestBody body{"G", "C", three};
  EXPECT_EQ(*parse_lock_batch_request(encode_lock_batch_request(body)), body);
  EXPECT_TRUE(parse_lock_batch_response("{}")->empty());
  Result<LockBatchRequestBody> bad = parse_lock_batch_request(
      R"({"clientId":"c","consumerGroup":"g","mqSet":[{"brokerName":"b","topic":"t"}]})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("mqSet[0].queueId: missing"), std::string::npos) << bad.error().message;
  EXPECT_FALSE(parse_lock_batch_request(R"({"clientId":"c","mqSet":[]})").ok());  // consumerGroup missing
}

}  // namespace
}  // namespace rmq::protocol
