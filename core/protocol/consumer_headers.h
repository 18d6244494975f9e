// Custom headers of consumer-group management (spec §5.10, §6.6, §7): GET_CONSUMER_LIST_BY_GROUP (38),
// UNREGISTER_CLIENT (35), CONSUMER_SEND_MSG_BACK (36) and the broker's NOTIFY_CONSUMER_IDS_CHANGED push (40).
// Field kinds, write order and read errors follow header_fields.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/common/status.h"
#include "core/remoting/remoting_command.h"

namespace rmq::protocol {

// Answered with body {"consumerIdList":[...]} (consumer_list.h), or code 1 "no consumer for this group, <g>".
struct GetConsumerListByGroupRequestHeader {
  std::string consumerGroup;

  remoting::ExtFields to_ext() const;
  static Result<GetConsumerListByGroupRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const GetConsumerListByGroupRequestHeader&,
                         const GetConsumerListByGroupRequestHeader&) = default;
};

// Sent once per producer group and once per consumer group at shutdown; the other group stays null.
struct UnregisterClientRequestHeader {
  std::string clientID;
  std::optional<std::string> producerGroup;
  std::optional<std::string> consumerGroup;

  remoting::ExtFields to_ext() const;
  static Result<UnregisterClientRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const UnregisterClientRequestHeader&, const UnregisterClientRequestHeader&) = default;
};

// A message whose consumption failed goes back to the broker, which stores it in %RETRY%<group> with a delay
// level (0 = the broker picks 3 + reconsumeTimes; below 0, or reconsumeTimes at the maximum: %DLQ%<group>).
struct ConsumerSendMsgBackRequestHeader {
  int64_t offset = 0;  // the message's commit-log offset
  std::string group;
  int32_t delayLevel = 0;
  std::optional<std::string> originMsgId;
  std::optional<std::string> originTopic;
  bool unitMode = false;
  std::optional<int32_t> maxReconsumeTimes;
  std::optional<std::string> bname;  // inherited from RpcRequestHeader, 4.9.5+

  remoting::ExtFields to_ext() const;
  static Result<ConsumerSendMsgBackRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const ConsumerSendMsgBackRequestHeader&, const ConsumerSendMsgBackRequestHeader&) = default;
};

// Broker -> client, oneway, always JSON: a member joined or left the group; the client rebalances at once.
struct NotifyConsumerIdsChangedRequestHeader {
  std::string consumerGroup;

  remoting::ExtFields to_ext() const;
  static Result<NotifyConsumerIdsChangedRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const NotifyConsumerIdsChangedRequestHeader&,
                         const NotifyConsumerIdsChangedRequestHeader&) = default;
};

}  // namespace rmq::protocol
