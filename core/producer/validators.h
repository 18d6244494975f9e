// Java Validators and TopicValidator of the 4.9.8 client (spec §1.3, §2.1): names of groups and topics, and the
// message checks sendDefaultImpl runs before anything else.
//
// Errors reproduce the MQClientException Java throws: Error.code is its responseCode (-1 for the name checks,
// 13 MESSAGE_ILLEGAL for the body checks) and Error.message its getMessage() without FAQUrl's suffix.
// Lengths are Java String lengths (UTF-16 code units) and "blank" is Java's Character.isWhitespace on every
// unit, so non-ASCII names are judged as Java judges them (the character check rejects them anyway).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/client/client_error.h"
#include "core/common/status.h"
#include "core/producer/message.h"

namespace rmq::producer {

inline constexpr size_t kGroupMaxLength = 255;  // Validators.CHARACTER_MAX_LENGTH (4.x … 5.3.3)
inline constexpr size_t kTopicMaxLength = 127;  // Validators.TOPIC_MAX_LENGTH
inline constexpr int32_t kDefaultMaxMessageSize = 4 * 1024 * 1024;  // DefaultMQProducer.maxMessageSize

// Validators.checkGroup: blank, then longer than 255, then characters outside ^[%|a-zA-Z0-9_-]+$.
Status check_group(std::string_view group);

// DefaultMQProducerImpl.checkConfig: check_group, then the group must not be DEFAULT_PRODUCER.
Status check_producer_group(std::string_view group);

// Validators.checkTopic (4.9.3+ order): blank, then longer than 127, then illegal characters.
Status check_topic(std::string_view topic);

// TopicValidator.isSystemTopic (4.9.8): TBW102, SCHEDULE_TOPIC_XXXX, BenchmarkTest, RMQ_SYS_TRANS_HALF_TOPIC,
// RMQ_SYS_TRACE_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC, SELF_TEST_TOPIC,
// OFFSET_MOVED_EVENT, or any topic starting with "rmq_sys_".
bool is_system_topic(std::string_view topic);

// TopicValidator.isNotAllowedSendTopic (4.9.8): SCHEDULE_TOPIC_XXXX, RMQ_SYS_TRANS_HALF_TOPIC,
// RMQ_SYS_TRANS_OP_HALF_TOPIC, TRANS_CHECK_MAX_TIME_TOPIC, SELF_TEST_TOPIC, OFFSET_MOVED_EVENT.
bool is_not_allowed_send_topic(std::string_view topic);

// Validators.isSystemTopic: "The topic[<t>] is conflict with system topic." (code -1). Used by topic admin
// paths; checkMessage does not call it (4.9.8 sends to TBW102 or RMQ_SYS_TRACE_TOPIC pass validation).
Status check_not_system_topic(std::string_view topic);

// Validators.isNotAllowedSendTopic: "Sending message to topic[<t>] is forbidden." (code -1).
Status check_send_allowed_topic(std::string_view topic);

// Validators.checkMessage(msg, producer) (4.9.8), in Java's order: checkTopic, isNotAllowedSendTopic, body null,
// body empty, body longer than max_message_size. nullopt when the message passes.
std::optional<client::ClientError> check_message(const Message& msg, int32_t max_message_size);

// The Status of a name check as the MQClientException the Java client throws.
client::ClientError to_client_error(const Error& error);

}  // namespace rmq::producer
