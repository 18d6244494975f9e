// MessageExt: a message as a consumer receives it (Java MessageExt / MessageClientExt): the stored record plus
// the broker it came from. msg_id() is what Java's MessageClientExt.getMsgId() returns: the client's UNIQ_KEY
// when the producer set one, else the offset msgId.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/client/message_queue.h"
#include "core/protocol/message_codec.h"

namespace rmq::consumer {

struct MessageExt {
  protocol::StoredMessage stored;  // body already inflated when it was compressed
  std::string broker_name;
  // MessageExt.transactionId: set by processPullResult to UNIQ_KEY when the TRAN_MSG property is "true".
  std::optional<std::string> transaction_id;

  const std::string& topic() const { return stored.topic; }
  int32_t queue_id() const { return stored.queue_id; }
  int64_t queue_offset() const { return stored.queue_offset; }
  int32_t reconsume_times() const { return stored.reconsume_times; }
  const std::string& body() const { return stored.body; }
  std::optional<std::string_view> property(std::string_view name) const {
    return protocol::find_property(stored.properties, name);
  }
  void set_property(std::string_view name, std::string value) {
    protocol::set_property(stored.properties, name, std::move(value));
  }
  std::string offset_msg_id() const { return stored.msg_id(); }
  std::string msg_id() const {
    auto uniq = property(protocol::property::kUniqClientMessageIdKeyIdx);
    return uniq ? std::string(*uniq) : offset_msg_id();
  }
  client::MessageQueue queue() const { return {stored.topic, broker_name, stored.queue_id}; }
};

}  // namespace rmq::consumer
