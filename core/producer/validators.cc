#include "core/producer/validators.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/client/client_config.h"
#include "core/common/java_compat.h"
#include "core/protocol/response_code.h"

namespace rmq::producer {

namespace {

constexpr int kNameErrorCode = -1;  // MQClientException(String, Throwable) carries responseCode -1
constexpr std::string_view kValidNamePattern = "^[%|a-zA-Z0-9_-]+$";
constexpr std::string_view kSystemTopicPrefix = "rmq_sys_";

constexpr std::array<std::string_view, 9> kSystemTopics = {
    "TBW102",
    "SCHEDULE_TOPIC_XXXX",
    "BenchmarkTest",
    "RMQ_SYS_TRANS_HALF_TOPIC",
    "RMQ_SYS_TRACE_TOPIC",
    "RMQ_SYS_TRANS_OP_HALF_TOPIC",
    "TRANS_CHECK_MAX_TIME_TOPIC",
    "SELF_TEST_TOPIC",
    "OFFSET_MOVED_EVENT",
};

constexpr std::array<std::string_view, 6> kNotAllowedSendTopics = {
    "SCHEDULE_TOPIC_XXXX",        "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC",
    "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC",          "OFFSET_MOVED_EVENT",
};

Error name_error(std::string message) { return Error{kNameErrorCode, std::move(message)}; }

// Java Character.isWhitespace for a BMP code unit.
bool is_java_whitespace(uint32_t unit) {
  if ((unit >= 0x09 && unit <= 0x0D) || (unit >= 0x1C && unit <= 0x20)) return true;
  if (unit == 0x1680 || unit == 0x2028 || unit == 0x2029 || unit == 0x205F || unit == 0x3000) return true;
  // U+2000..U+200A are space separators; U+2007 (figure space) is excluded as non-breaking.
  return unit >= 0x2000 && unit <= 0x200A && unit != 0x2007;
}

struct JavaStringShape {
  size_t utf16_length = 0;
  bool blank = true;  // empty, or every unit is whitespace
};

// What Java sees of a UTF-8 name: its String length and whether UtilAll.isBlank holds.
JavaStringShape java_shape(std::string_view utf8) {
  JavaStringShape shape;
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = next_utf8_code_point(utf8, i);
    bool supplementary = cp >= 0x10000;  // two surrogate units, neither whitespace
    shape.utf16_length += supplementary ? 2 : 1;
    if (supplementary || !is_java_whitespace(cp)) shape.blank = false;
  }
  return shape;
}

// TopicValidator.isTopicOrGroupIllegal: every unit must be in the 128-entry bitmap of [%|a-zA-Z0-9_-]. Any
// non-ASCII character is illegal, and its UTF-8 bytes are all >= 0x80, so a bytewise check is exact.
bool has_illegal_characters(std::string_view name) {
  return !std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '%' || c == '|' ||
           c == '-' || c == '_';
  });
}

template <size_t N>
bool contains(const std::array<std::string_view, N>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

}  // namespace

Status check_group(std::string_view group) {
  JavaStringShape shape = java_shape(group);
  if (shape.blank) return name_error("the specified group is blank");
  if (shape.utf16_length > kGroupMaxLength) {
    return name_error("the specified group is longer than group max length 255.");
  }
  if (has_illegal_characters(group)) {
    return name_error("the specified group[" + std::string(group) + "] contains illegal characters, allowing only " +
                      std::string(kValidNamePattern));
  }
  return Status::Ok();
}

Status check_producer_group(std::string_view group) {
  if (Status status = check_group(group); !status.ok()) return status;
  if (group == client::kDefaultProducerGroup) {
    return name_error("producerGroup can not equal " + std::string(client::kDefaultProducerGroup) +
                      ", please specify another one.");
  }
  return Status::Ok();
}

Status check_topic(std::string_view topic) {
  JavaStringShape shape = java_shape(topic);
  if (shape.blank) return name_error("The specified topic is blank");
  if (shape.utf16_length > kTopicMaxLength) {
    return name_error("The specified topic is longer than topic max length " + std::to_string(kTopicMaxLength) + ".");
  }
  if (has_illegal_characters(topic)) {
    return name_error("The specified topic[" + std::string(topic) + "] contains illegal characters, allowing only " +
                      std::string(kValidNamePattern));
  }
  return Status::Ok();
}

bool is_system_topic(std::string_view topic) {
  return contains(kSystemTopics, topic) || topic.starts_with(kSystemTopicPrefix);
}

bool is_not_allowed_send_topic(std::string_view topic) { return contains(kNotAllowedSendTopics, topic); }

Status check_not_system_topic(std::string_view topic) {
  if (is_system_topic(topic)) return name_error("The topic[" + std::string(topic) + "] is conflict with system topic.");
  return Status::Ok();
}

Status check_send_allowed_topic(std::string_view topic) {
  if (is_not_allowed_send_topic(topic)) {
    return name_error("Sending message to topic[" + std::string(topic) + "] is forbidden.");
  }
  return Status::Ok();
}

std::optional<client::ClientError> check_message(const Message& msg, int32_t max_message_size) {
  if (Status status = check_topic(msg.topic); !status.ok()) return to_client_error(status.error());
  if (Status status = check_send_allowed_topic(msg.topic); !status.ok()) return to_client_error(status.error());

  constexpr int kIllegal = protocol::response_code::kMessageIllegal;
  if (!msg.body) return client::mq_client_error(kIllegal, "the message body is null");
  if (msg.body->empty()) return client::mq_client_error(kIllegal, "the message body length is zero");
  if (max_message_size < 0 || msg.body->size() > static_cast<size_t>(max_message_size)) {
    return client::mq_client_error(kIllegal,
                                   "the message body size over max value, MAX: " + std::to_string(max_message_size));
  }
  return std::nullopt;
}

client::ClientError to_client_error(const Error& error) {
  if (error.code == kNameErrorCode) return client::mq_client_error_plain(error.message);
  return client::ClientError{client::JavaException::kMQClientException, error.code, error.message, {}};
}

}  // namespace rmq::producer
