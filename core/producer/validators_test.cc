#include "core/producer/validators.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rmq::producer {
namespace {

std::string error_of(const Status& status) { return status.ok() ? "<ok>" : status.error().message; }

// ValidatorsTest.testGroupNameBlank (checkGroup(null) is the empty string here).
TEST(ValidatorsTest, GroupBlank) {
  for (std::string_view group : {"", " ", "\t\n", "\u3000"}) {
    Status status = check_group(group);
    ASSERT_FALSE(status.ok()) << group;
    EXPECT_EQ(status.error().code, -1);
    EXPECT_EQ(status.error().message, "the specified group is blank");
  }
}

TEST(ValidatorsTest, GroupLengthThenCharacters) {
  EXPECT_TRUE(check_group(std::string(255, 'g')).ok());
  EXPECT_EQ(error_of(check_group(std::string(256, 'g'))), "the specified group is longer than group max length 255.");
  // Length is checked first: 256 illegal characters report the length.
  EXPECT_EQ(error_of(check_group(std::string(256, '&'))), "the specified group is longer than group max length 255.");
  EXPECT_EQ(error_of(check_group("my group")),
            "the specified group[my group] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
  EXPECT_TRUE(check_group("%RETRY%|group_a-1").ok());
}

TEST(ValidatorsTest, ProducerGroupRejectsDefaultProducer) {
  EXPECT_TRUE(check_producer_group("PG").ok());
  Status status = check_producer_group("DEFAULT_PRODUCER");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, -1);
  EXPECT_EQ(status.error().message, "producerGroup can not equal DEFAULT_PRODUCER, please specify another one.");
  EXPECT_EQ(error_of(check_producer_group("")), "the specified group is blank");
}

// ValidatorsTest.testCheckTopic_Success.
TEST(ValidatorsTest, CheckTopicSuccess) {
  for (std::string_view topic : {"Hello", "%RETRY%Hello", "_%RETRY%Hello", "-%RETRY%Hello", "223-%RETRY%Hello"}) {
    EXPECT_TRUE(check_topic(topic).ok()) << topic;
  }
}

// ValidatorsTest.testCheckTopic_HasIllegalCharacters / _BlankTopic / _TooLongTopic.
TEST(ValidatorsTest, CheckTopicFailures) {
  EXPECT_EQ(error_of(check_topic("TOPIC&*^")),
            "The specified topic[TOPIC&*^] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
  EXPECT_EQ(error_of(check_topic("")), "The specified topic is blank");
  std::string too_long = "TooLongTopic" + std::string(128 - 12, '_');
  ASSERT_EQ(too_long.size(), 128U);
  EXPECT_EQ(error_of(check_topic(too_long)), "The specified topic is longer than topic max length 127.");
  EXPECT_TRUE(check_topic(std::string(127, 'T')).ok());
}

TEST(ValidatorsTest, TopicLengthCountsUtf16Units) {
  // 100 CJK characters are 300 UTF-8 bytes but 100 Java chars: not too long, so the character check reports.
  std::string cjk;
  for (int i = 0; i < 100; ++i) cjk += "\u4e2d";
  EXPECT_NE(error_of(check_topic(cjk)).find("contains illegal characters"), std::string::npos);
  // 64 supplementary characters are 128 Java chars: too long.
  std::string emoji;
  for (int i = 0; i < 64; ++i) emoji += "\U0001F600";
  EXPECT_EQ(error_of(check_topic(emoji)), "The specified topic is longer than topic max length 127.");
}

// ValidatorsTest.testIsSystemTopic: every system topic conflicts, code -1.
TEST(ValidatorsTest, SystemTopics) {
  std::vector<std::string_view> system = {"TBW102",
                                          "SCHEDULE_TOPIC_XXXX",
                                          "BenchmarkTest",
                                          "RMQ_SYS_TRANS_HALF_TOPIC",
                                          "RMQ_SYS_TRACE_TOPIC",
                                          "RMQ_SYS_TRANS_OP_HALF_TOPIC",
                                          "TRANS_CHECK_MAX_TIME_TOPIC",
                                          "SELF_TEST_TOPIC",
                                          "OFFSET_MOVED_EVENT",
                                          "rmq_sys_anything"};
  for (std::string_view topic : system) {
    EXPECT_TRUE(is_system_topic(topic)) << topic;
    Status status = check_not_system_topic(topic);
    ASSERT_FALSE(status.ok()) << topic;
    EXPECT_EQ(status.error().code, -1);
    EXPECT_EQ(status.error().message, "The topic[" + std::string(topic) + "] is conflict with system topic.");
  }
  EXPECT_FALSE(is_system_topic("RMQ_SYS_"));  // the prefix is lower case
  EXPECT_FALSE(is_system_topic("SCHEDULE_TOPIC_XXXX_V2"));  // not in 4.9.8
  EXPECT_TRUE(check_not_system_topic("Hello").ok());
}

// ValidatorsTest.testIsNotAllowedSendTopic.
TEST(ValidatorsTest, NotAllowedSendTopics) {
  for (std::string_view topic : {"SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC",
                                 "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT"}) {
    EXPECT_TRUE(is_not_allowed_send_topic(topic)) << topic;
    Status status = check_send_allowed_topic(topic);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, -1);
    EXPECT_EQ(status.error().message, "Sending message to topic[" + std::string(topic) + "] is forbidden.");
  }
  for (std::string_view topic : {"TBW102", "RMQ_SYS_TRACE_TOPIC", "BenchmarkTest", "Hello"}) {
    EXPECT_FALSE(is_not_allowed_send_topic(topic)) << topic;
  }
}

TEST(ValidatorsTest, CheckMessageAcceptsAValidMessage) {
  EXPECT_FALSE(check_message(Message::make("Hello", "body"), kDefaultMaxMessageSize).has_value());
  // 4.9.8 checkMessage does not run the system-topic check: TBW102 and the trace topic may be sent to.
  EXPECT_FALSE(check_message(Message::make("TBW102", "b"), kDefaultMaxMessageSize).has_value());
  EXPECT_FALSE(check_message(Message::make("RMQ_SYS_TRACE_TOPIC", "b"), kDefaultMaxMessageSize).has_value());
  EXPECT_FALSE(
      check_message(Message::make("T", std::string(kDefaultMaxMessageSize, 'x')), kDefaultMaxMessageSize).has_value());
}

TEST(ValidatorsTest, CheckMessageOrderAndErrors) {
  using client::JavaException;
  Message msg;  // no topic, no body: the topic is checked first
  auto error = check_message(msg, kDefaultMaxMessageSize);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->exception, JavaException::kMQClientException);
  EXPECT_EQ(error->code, -1);
  EXPECT_EQ(error->message, "The specified topic is blank");

  msg.topic = "SELF_TEST_TOPIC";  // forbidden before the body is looked at
  EXPECT_EQ(check_message(msg, kDefaultMaxMessageSize)->message,
            "Sending message to topic[SELF_TEST_TOPIC] is forbidden.");

  msg.topic = "Hello";
  error = check_message(msg, kDefaultMaxMessageSize);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, 13);
  EXPECT_EQ(error->message, "CODE: 13  DESC: the message body is null");

  msg.body = "";
  EXPECT_EQ(check_message(msg, kDefaultMaxMessageSize)->message, "CODE: 13  DESC: the message body length is zero");

  msg.body = std::string(kDefaultMaxMessageSize + 1, 'x');
  error = check_message(msg, kDefaultMaxMessageSize);
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, 13);
  EXPECT_EQ(error->message, "CODE: 13  DESC: the message body size over max value, MAX: 4194304");

  msg.body = "12345";
  EXPECT_EQ(check_message(msg, 4)->message, "CODE: 13  DESC: the message body size over max value, MAX: 4");
  EXPECT_FALSE(check_message(msg, 5).has_value());
}

}  // namespace
}  // namespace rmq::producer
