#include "core/producer/message.h"

namespace rmq::producer {

Message Message::make(std::string topic, std::string body, std::string_view tags, std::string_view keys) {
  Message msg;
  msg.topic = std::move(topic);
  msg.body = std::move(body);
  if (!tags.empty()) msg.set_property(protocol::property::kTags, std::string(tags));
  if (!keys.empty()) msg.set_property(protocol::property::kKeys, std::string(keys));
  msg.set_property(protocol::property::kWaitStoreMsgOk, "true");
  return msg;
}

std::string_view send_status_name(SendStatus status) {
  switch (status) {
    case SendStatus::kSendOk: return "SEND_OK";
    case SendStatus::kFlushDiskTimeout: return "FLUSH_DISK_TIMEOUT";
    case SendStatus::kFlushSlaveTimeout: return "FLUSH_SLAVE_TIMEOUT";
    case SendStatus::kSlaveNotAvailable: return "SLAVE_NOT_AVAILABLE";
  }
  return "UNKNOWN";
}

}  // namespace rmq::producer
