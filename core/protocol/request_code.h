// Request codes (spec §5.6; Java RequestCode, numbers unchanged in 5.x). Request and response codes overlap
// numerically (10 is SEND_MESSAGE and FLUSH_DISK_TIMEOUT), so they live in separate tables: response_code.h.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rmq::protocol {
namespace request_code {

inline constexpr int32_t kSendMessage = 10;
inline constexpr int32_t kPullMessage = 11;
inline constexpr int32_t kQueryMessage = 12;
inline constexpr int32_t kQueryConsumerOffset = 14;
inline constexpr int32_t kUpdateConsumerOffset = 15;
inline constexpr int32_t kUpdateAndCreateTopic = 17;
inline constexpr int32_t kSearchOffsetByTimestamp = 29;
inline constexpr int32_t kGetMaxOffset = 30;
inline constexpr int32_t kGetMinOffset = 31;
inline constexpr int32_t kGetEarliestMsgStoretime = 32;
inline constexpr int32_t kViewMessageById = 33;
inline constexpr int32_t kHeartBeat = 34;
inline constexpr int32_t kUnregisterClient = 35;
inline constexpr int32_t kConsumerSendMsgBack = 36;
inline constexpr int32_t kEndTransaction = 37;
inline constexpr int32_t kGetConsumerListByGroup = 38;
inline constexpr int32_t kCheckTransactionState = 39;       // broker -> client
inline constexpr int32_t kNotifyConsumerIdsChanged = 40;    // broker -> client, oneway
inline constexpr int32_t kLockBatchMq = 41;
inline constexpr int32_t kUnlockBatchMq = 42;
inline constexpr int32_t kCheckClientConfig = 46;
inline constexpr int32_t kRegisterBroker = 103;             // broker -> name server
inline constexpr int32_t kUnregisterBroker = 104;           // broker -> name server
inline constexpr int32_t kGetRouteinfoByTopic = 105;        // client -> name server
inline constexpr int32_t kGetBrokerClusterInfo = 106;       // client -> name server
inline constexpr int32_t kResetConsumerClientOffset = 220;  // broker -> client
inline constexpr int32_t kGetConsumerStatusFromClient = 221;
inline constexpr int32_t kGetConsumerRunningInfo = 307;     // broker -> client
inline constexpr int32_t kConsumeMessageDirectly = 309;     // broker -> client
inline constexpr int32_t kSendMessageV2 = 310;
inline constexpr int32_t kSendBatchMessage = 320;
inline constexpr int32_t kSendReplyMessage = 324;
inline constexpr int32_t kSendReplyMessageV2 = 325;
inline constexpr int32_t kPushReplyMessageToClient = 326;   // broker -> client
inline constexpr int32_t kLitePullMessage = 361;
// 5.x pop mode only; a 4.9.8 broker answers them with REQUEST_CODE_NOT_SUPPORTED.
inline constexpr int32_t kPopMessage = 200050;
inline constexpr int32_t kAckMessage = 200051;
inline constexpr int32_t kPeekMessage = 200052;
inline constexpr int32_t kChangeMessageInvisibletime = 200053;
inline constexpr int32_t kNotification = 200054;
inline constexpr int32_t kPollingInfo = 200055;

}  // namespace request_code

struct CodeName {
  int32_t code;
  std::string_view name;
};

// Every code above with its Java constant name, ascending by code.
std::span<const CodeName> request_codes();
// The Java constant name (310 -> "SEND_MESSAGE_V2"); nullopt for a code not listed above.
std::optional<std::string_view> request_code_name(int32_t code);

}  // namespace rmq::protocol
