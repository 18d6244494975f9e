#include "core/protocol/response_code.h"

#include <algorithm>

namespace rmq::protocol {
namespace {

namespace rc = response_code;

constexpr CodeName kResponseCodes[] = {
    {rc::kSuccess, "SUCCESS"},
    {rc::kSystemError, "SYSTEM_ERROR"},
    {rc::kSystemBusy, "SYSTEM_BUSY"},
    {rc::kRequestCodeNotSupported, "REQUEST_CODE_NOT_SUPPORTED"},
    {rc::kTransactionFailed, "TRANSACTION_FAILED"},
    {rc::kFlushDiskTimeout, "FLUSH_DISK_TIMEOUT"},
    {rc::kSlaveNotAvailable, "SLAVE_NOT_AVAILABLE"},
    {rc::kFlushSlaveTimeout, "FLUSH_SLAVE_TIMEOUT"},
    {rc::kMessageIllegal, "MESSAGE_ILLEGAL"},
    {rc::kServiceNotAvailable, "SERVICE_NOT_AVAILABLE"},
    {rc::kVersionNotSupported, "VERSION_NOT_SUPPORTED"},
    {rc::kNoPermission, "NO_PERMISSION"},
    {rc::kTopicNotExist, "TOPIC_NOT_EXIST"},
    {rc::kTopicExistAlready, "TOPIC_EXIST_ALREADY"},
    {rc::kPullNotFound, "PULL_NOT_FOUND"},
    {rc::kPullRetryImmediately, "PULL_RETRY_IMMEDIATELY"},
    {rc::kPullOffsetMoved, "PULL_OFFSET_MOVED"},
    {rc::kQueryNotFound, "QUERY_NOT_FOUND"},
    {rc::kSubscriptionParseFailed, "SUBSCRIPTION_PARSE_FAILED"},
    {rc::kSubscriptionNotExist, "SUBSCRIPTION_NOT_EXIST"},
    {rc::kSubscriptionNotLatest, "SUBSCRIPTION_NOT_LATEST"},
    {rc::kSubscriptionGroupNotExist, "SUBSCRIPTION_GROUP_NOT_EXIST"},
    {rc::kFilterDataNotExist, "FILTER_DATA_NOT_EXIST"},
    {rc::kFilterDataNotLatest, "FILTER_DATA_NOT_LATEST"},
    {rc::kInvalidParameter, "INVALID_PARAMETER"},
    {rc::kTransactionShouldCommit, "TRANSACTION_SHOULD_COMMIT"},
    {rc::kTransactionShouldRollback, "TRANSACTION_SHOULD_ROLLBACK"},
    {rc::kTransactionStateUnknow, "TRANSACTION_STATE_UNKNOW"},
    {rc::kTransactionStateGroupWrong, "TRANSACTION_STATE_GROUP_WRONG"},
    {rc::kNoBuyerId, "NO_BUYER_ID"},
    {rc::kNotInCurrentUnit, "NOT_IN_CURRENT_UNIT"},
    {rc::kConsumerNotOnline, "CONSUMER_NOT_ONLINE"},
    {rc::kConsumeMsgTimeout, "CONSUME_MSG_TIMEOUT"},
    {rc::kNoMessage, "NO_MESSAGE"},
    {rc::kUpdateAndCreateAclConfigFailed, "UPDATE_AND_CREATE_ACL_CONFIG_FAILED"},
    {rc::kDeleteAclConfigFailed, "DELETE_ACL_CONFIG_FAILED"},
    {rc::kUpdateGlobalWhiteAddrsConfigFailed, "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED"},
    {rc::kFlowControl, "FLOW_CONTROL"},
    {rc::kNotLeaderForQueue, "NOT_LEADER_FOR_QUEUE"},
    {rc::kGoAway, "GO_AWAY"},
};

static_assert(std::ranges::is_sorted(kResponseCodes, {}, &CodeName::code), "binary search needs ascending codes");

}  // namespace

std::span<const CodeName> response_codes() { return kResponseCodes; }

std::optional<std::string_view> response_code_name(int32_t code) {
  const auto* it = std::ranges::lower_bound(kResponseCodes, code, {}, &CodeName::code);
  if (it == std::end(kResponseCodes) || it->code != code) return std::nullopt;
  return it->name;
}

}  // namespace rmq::protocol
