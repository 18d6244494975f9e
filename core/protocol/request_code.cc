#include "core/protocol/request_code.h"

#include <algorithm>

namespace rmq::protocol {
namespace {

namespace rc = request_code;

constexpr CodeName kRequestCodes[] = {
    {rc::kSendMessage, "SEND_MESSAGE"},
    {rc::kPullMessage, "PULL_MESSAGE"},
    {rc::kQueryMessage, "QUERY_MESSAGE"},
    {rc::kQueryConsumerOffset, "QUERY_CONSUMER_OFFSET"},
    {rc::kUpdateConsumerOffset, "UPDATE_CONSUMER_OFFSET"},
    {rc::kUpdateAndCreateTopic, "UPDATE_AND_CREATE_TOPIC"},
    {rc::kSearchOffsetByTimestamp, "SEARCH_OFFSET_BY_TIMESTAMP"},
    {rc::kGetMaxOffset, "GET_MAX_OFFSET"},
    {rc::kGetMinOffset, "GET_MIN_OFFSET"},
    {rc::kGetEarliestMsgStoretime, "GET_EARLIEST_MSG_STORETIME"},
    {rc::kViewMessageById, "VIEW_MESSAGE_BY_ID"},
    {rc::kHeartBeat, "HEART_BEAT"},
    {rc::kUnregisterClient, "UNREGISTER_CLIENT"},
    {rc::kConsumerSendMsgBack, "CONSUMER_SEND_MSG_BACK"},
    {rc::kEndTransaction, "END_TRANSACTION"},
    {rc::kGetConsumerListByGroup, "GET_CONSUMER_LIST_BY_GROUP"},
    {rc::kCheckTransactionState, "CHECK_TRANSACTION_STATE"},
    {rc::kNotifyConsumerIdsChanged, "NOTIFY_CONSUMER_IDS_CHANGED"},
    {rc::kLockBatchMq, "LOCK_BATCH_MQ"},
    {rc::kUnlockBatchMq, "UNLOCK_BATCH_MQ"},
    {rc::kCheckClientConfig, "CHECK_CLIENT_CONFIG"},
    {rc::kRegisterBroker, "REGISTER_BROKER"},
    {rc::kUnregisterBroker, "UNREGISTER_BROKER"},
    {rc::kGetRouteinfoByTopic, "GET_ROUTEINFO_BY_TOPIC"},
    {rc::kGetBrokerClusterInfo, "GET_BROKER_CLUSTER_INFO"},
    {rc::kResetConsumerClientOffset, "RESET_CONSUMER_CLIENT_OFFSET"},
    {rc::kGetConsumerStatusFromClient, "GET_CONSUMER_STATUS_FROM_CLIENT"},
    {rc::kGetConsumerRunningInfo, "GET_CONSUMER_RUNNING_INFO"},
    {rc::kConsumeMessageDirectly, "CONSUME_MESSAGE_DIRECTLY"},
    {rc::kSendMessageV2, "SEND_MESSAGE_V2"},
    {rc::kSendBatchMessage, "SEND_BATCH_MESSAGE"},
    {rc::kSendReplyMessage, "SEND_REPLY_MESSAGE"},
    {rc::kSendReplyMessageV2, "SEND_REPLY_MESSAGE_V2"},
    {rc::kPushReplyMessageToClient, "PUSH_REPLY_MESSAGE_TO_CLIENT"},
    {rc::kLitePullMessage, "LITE_PULL_MESSAGE"},
    {rc::kPopMessage, "POP_MESSAGE"},
    {rc::kAckMessage, "ACK_MESSAGE"},
    {rc::kPeekMessage, "PEEK_MESSAGE"},
    {rc::kChangeMessageInvisibletime, "CHANGE_MESSAGE_INVISIBLETIME"},
    {rc::kNotification, "NOTIFICATION"},
    {rc::kPollingInfo, "POLLING_INFO"},
};

static_assert(std::ranges::is_sorted(kRequestCodes, {}, &CodeName::code), "binary search needs ascending codes");

}  // namespace

std::span<const CodeName> request_codes() { return kRequestCodes; }

std::optional<std::string_view> request_code_name(int32_t code) {
  const auto* it = std::ranges::lower_bound(kRequestCodes, code, {}, &CodeName::code);
  if (it == std::end(kRequestCodes) || it->code != code) return std::nullopt;
  return it->name;
}

}  // namespace rmq::protocol
