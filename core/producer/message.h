// Message, SendStatus and SendResult: the producer's values (spec §2.1, §2.6). A Message is what a user hands
// to send(); its properties are kept in insertion order and written in Java HashMap order on the wire.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/client/message_queue.h"
#include "core/protocol/message_properties.h"

namespace rmq::producer {

struct Message {
  std::string topic;
  int32_t flag = 0;
  protocol::PropertyList properties;
  std::optional<std::string> body;  // nullopt: Java's null body (rejected by validation)

  // Java new Message(topic, tags, keys, body): TAGS and KEYS only when non-empty, then WAIT=true.
  static Message make(std::string topic, std::string body, std::string_view tags = {}, std::string_view keys = {});

  std::optional<std::string_view> property(std::string_view name) const {
    return protocol::find_property(properties, name);
  }
  void set_property(std::string_view name, std::string value) {
    protocol::set_property(properties, name, std::move(value));
  }
};

enum class SendStatus : uint8_t { kSendOk, kFlushDiskTimeout, kFlushSlaveTimeout, kSlaveNotAvailable };

// "SEND_OK", "FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE".
std::string_view send_status_name(SendStatus status);

struct SendResult {
  SendStatus status = SendStatus::kSendOk;
  std::string msg_id;         // the client's unique id (UNIQ_KEY)
  std::string offset_msg_id;  // the broker's msgId: store host + commit-log offset
  client::MessageQueue queue; // (topic, broker used, queueId the broker answered)
  int64_t queue_offset = 0;
  std::optional<std::string> transaction_id;
  std::string region_id = "DefaultRegion";
  bool trace_on = true;

  friend bool operator==(const SendResult&, const SendResult&) = default;
};

}  // namespace rmq::producer
