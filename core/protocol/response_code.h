// Response codes (spec §5.7; Java RemotingSysResponseCode 0-4 + ResponseCode). Separate from request codes,
// which reuse the same numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/protocol/request_code.h"

namespace rmq::protocol {
namespace response_code {

// RemotingSysResponseCode
inline constexpr int32_t kSuccess = 0;
inline constexpr int32_t kSystemError = 1;
inline constexpr int32_t kSystemBusy = 2;
inline constexpr int32_t kRequestCodeNotSupported = 3;
inline constexpr int32_t kTransactionFailed = 4;
// ResponseCode
inline constexpr int32_t kFlushDiskTimeout = 10;
inline constexpr int32_t kSlaveNotAvailable = 11;
inline constexpr int32_t kFlushSlaveTimeout = 12;
inline constexpr int32_t kMessageIllegal = 13;
inline constexpr int32_t kServiceNotAvailable = 14;
inline constexpr int32_t kVersionNotSupported = 15;
inline constexpr int32_t kNoPermission = 16;
inline constexpr int32_t kTopicNotExist = 17;
inline constexpr int32_t kTopicExistAlready = 18;
inline constexpr int32_t kPullNotFound = 19;
inline constexpr int32_t kPullRetryImmediately = 20;
inline constexpr int32_t kPullOffsetMoved = 21;
inline constexpr int32_t kQueryNotFound = 22;
inline constexpr int32_t kSubscriptionParseFailed = 23;
inline constexpr int32_t kSubscriptionNotExist = 24;
inline constexpr int32_t kSubscriptionNotLatest = 25;
inline constexpr int32_t kSubscriptionGroupNotExist = 26;
inline constexpr int32_t kFilterDataNotExist = 27;
inline constexpr int32_t kFilterDataNotLatest = 28;
inline constexpr int32_t kInvalidParameter = 29;  // 5.x only
inline constexpr int32_t kTransactionShouldCommit = 200;
inline constexpr int32_t kTransactionShouldRollback = 201;
inline constexpr int32_t kTransactionStateUnknow = 202;  // sic, Java's spelling
inline constexpr int32_t kTransactionStateGroupWrong = 203;
inline constexpr int32_t kNoBuyerId = 204;
inline constexpr int32_t kNotInCurrentUnit = 205;
inline constexpr int32_t kConsumerNotOnline = 206;
inline constexpr int32_t kConsumeMsgTimeout = 207;
inline constexpr int32_t kNoMessage = 208;
// 209-211 mean different things in 4.9.8 (ACL administration) and 5.x (pop long polling, proxy).
inline constexpr int32_t kUpdateAndCreateAclConfigFailed = 209;      // 4.9.8
inline constexpr int32_t kDeleteAclConfigFailed = 210;               // 4.9.8
inline constexpr int32_t kUpdateGlobalWhiteAddrsConfigFailed = 211;  // 4.9.8
inline constexpr int32_t kPollingFull = 209;                         // 5.x
inline constexpr int32_t kPollingTimeout = 210;                      // 5.x
inline constexpr int32_t kBrokerNotExist = 211;                      // 5.x
inline constexpr int32_t kFlowControl = 215;                         // 5.x
inline constexpr int32_t kNotLeaderForQueue = 501;                   // 5.x
inline constexpr int32_t kGoAway = 1500;                             // 5.x

}  // namespace response_code

// Every code above with its Java constant name, ascending by code; 209-211 with their 4.9.8 names.
std::span<const CodeName> response_codes();
// The Java constant name (17 -> "TOPIC_NOT_EXIST"): 4.9.8's name where 4.9.8 defines the code (so 209 ->
// "UPDATE_AND_CREATE_ACL_CONFIG_FAILED"), 5.x's for the codes only 5.x has (29, 215, 501, 1500); nullopt for a
// code not listed above.
std::optional<std::string_view> response_code_name(int32_t code);

}  // namespace rmq::protocol
