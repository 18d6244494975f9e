// Custom headers of the send path (spec §2.7, §5.10): SEND_MESSAGE (10) with Java's field names,
// SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE / SEND_REPLY_MESSAGE_V2 (310/320/325) with one-letter names, and the
// broker's answer. Field kinds, write order and read errors follow header_fields.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/common/status.h"
#include "core/remoting/remoting_command.h"

namespace rmq::protocol {

// Java SendMessageRequestHeader (4.9.8): what the client sends with code 10 (sendSmartMsg=false) and what the
// broker works with after converting a V2 header.
struct SendMessageRequestHeader {
  std::string producerGroup;
  std::string topic;
  std::string defaultTopic;  // the auto-create template, "TBW102"
  int32_t defaultTopicQueueNums = 0;
  int32_t queueId = 0;
  int32_t sysFlag = 0;       // MessageSysFlag bits (sys_flags.h)
  int64_t bornTimestamp = 0;
  int32_t flag = 0;          // Message.flag
  std::optional<std::string> properties;
  std::optional<int32_t> reconsumeTimes;
  bool unitMode = false;
  bool batch = false;
  std::optional<int32_t> maxReconsumeTimes;
  std::optional<std::string> bname;  // inherited from RpcRequestHeader, 4.9.5+

  remoting::ExtFields to_ext() const;
  static Result<SendMessageRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const SendMessageRequestHeader&, const SendMessageRequestHeader&) = default;
};

// Java SendMessageRequestHeaderV2: the same fields under one-letter keys, to keep the JSON short. The Java
// client sends this by default (sysprop sendSmartMsg = true). A FastCodesHeader: to_fast_ext() is its ROCKETMQ
// order.
struct SendMessageRequestHeaderV2 {
  std::string a;                  // producerGroup
  std::string b;                  // topic
  std::string c;                  // defaultTopic
  int32_t d = 0;                  // defaultTopicQueueNums
  int32_t e = 0;                  // queueId
  int32_t f = 0;                  // sysFlag
  int64_t g = 0;                  // bornTimestamp
  int32_t h = 0;                  // flag
  std::optional<std::string> i;   // properties
  std::optional<int32_t> j;       // reconsumeTimes
  bool k = false;                 // unitMode
  std::optional<int32_t> l;       // maxReconsumeTimes ("consumeRetryTimes")
  bool m = false;                 // batch
  std::optional<std::string> n;   // brokerName (= V1 bname), 4.9.5+

  // Java's createSendMessageRequestHeaderV1 / createSendMessageRequestHeaderV2: field for field, n <-> bname.
  SendMessageRequestHeader to_v1() const;
  static SendMessageRequestHeaderV2 from_v1(const SendMessageRequestHeader& v1);

  remoting::ExtFields to_ext() const;
  remoting::ExtFields to_fast_ext() const;
  static Result<SendMessageRequestHeaderV2> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const SendMessageRequestHeaderV2&, const SendMessageRequestHeaderV2&) = default;
};

// The broker's ext keys for the fields it adds to every send response (SendMessageProcessor puts MSG_REGION then
// TRACE_ON with addExtField, before the header is written): merge them with merge_java_ext / _fast.
inline constexpr std::string_view kMsgRegionKey = "MSG_REGION";
inline constexpr std::string_view kTraceOnKey = "TRACE_ON";

// Java SendMessageResponseHeader (4.9.8; 5.x adds batchUniqId, recallHandle). For SEND_BATCH_MESSAGE msgId is
// the batch's offset ids joined by ',' and queueOffset that of the first message. A FastCodesHeader.
struct SendMessageResponseHeader {
  std::string msgId;  // offset message id: store host + commit-log offset, upper-case hex
  int32_t queueId = 0;
  int64_t queueOffset = 0;
  std::optional<std::string> transactionId;

  remoting::ExtFields to_ext() const;
  remoting::ExtFields to_fast_ext() const;
  static Result<SendMessageResponseHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const SendMessageResponseHeader&, const SendMessageResponseHeader&) = default;
};

}  // namespace rmq::protocol
