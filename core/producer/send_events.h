// What a producer reports about each send, step by step, for checkers and traces (DESIGN §5, §7). Checkers
// consume these events; they never reach into the send loop. Times are the runtime's, in milliseconds.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/client/client_error.h"
#include "core/client/message_queue.h"
#include "core/producer/message.h"

namespace rmq::producer {

enum class CommunicationMode : uint8_t { kSync, kAsync, kOneway };
std::string_view communication_mode_name(CommunicationMode mode);  // "SYNC", "ASYNC", "ONEWAY"

enum class SendEventType : uint8_t {
  kSendBegin,      // the user called send: mode, topic, timeout_ms
  kAttempt,        // a request is about to go out: attempt index, queue, broker address, timeout_ms (its budget)
  kAttemptResult,  // that attempt's outcome: result or error, latency_ms
  kFaultUpdate,    // updateFaultItem(broker, latency_ms, isolation, reachable) while tolerance is on
  kSendEnd,        // the user sees the outcome: result or error
};
std::string_view send_event_type_name(SendEventType type);

struct SendEvent {
  SendEventType type = SendEventType::kSendBegin;
  uint64_t send_id = 0;  // per producer, from 1
  int64_t now_ms = 0;
  CommunicationMode mode = CommunicationMode::kSync;
  std::string topic;
  int attempt = 0;                  // 0-based, across the sync loop and the async retry chain
  std::optional<client::MessageQueue> queue;
  std::string broker_addr;
  int64_t timeout_ms = 0;
  int64_t latency_ms = 0;
  bool isolation = false;
  bool reachable = true;
  std::optional<SendResult> result;
  std::optional<client::ClientError> error;
  bool response_code_known = false;  // kAttemptResult: the broker answered (result or MQBrokerException)
  int32_t response_code = 0;
};

using SendObserver = std::function<void(const SendEvent&)>;

}  // namespace rmq::producer
