// Message properties (spec §5.13): the string form "name\1value\2name\1value" that send requests carry and
// stored messages keep, and the property names RocketMQ uses (Java MessageConst).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rmq::protocol {

inline constexpr char kNameValueSeparator = '\x01';
inline constexpr char kPropertySeparator = '\x02';

// Properties in wire order. Names are unique (Java holds them in a HashMap).
using Property = std::pair<std::string, std::string>;
using PropertyList = std::vector<Property>;

// 4.9.1+ form: pairs joined by char 2, no trailing separator (<= 4.9.0 wrote one). Names and values are
// written as given: one containing char 1 or 2 corrupts the string, as it does in Java.
std::string encode_properties(const PropertyList& properties);

// Java 4.9.1+ string2messageProperties: split on char 2; keep a segment only when it has a char 1 with a
// non-empty name before it and a non-empty value after it (name = up to the first char 1, value = the rest).
// Accepts the <= 4.9.0 trailing char 2. Never fails: malformed segments are skipped, as Java skips them.
// A repeated name keeps its first position and takes the last value (HashMap.put).
PropertyList decode_properties(std::string_view text);

std::optional<std::string_view> find_property(const PropertyList& properties, std::string_view name);
// Replaces the value in place, or appends.
void set_property(PropertyList& properties, std::string_view name, std::string value);
bool erase_property(PropertyList& properties, std::string_view name);

// Reorders into the iteration order of a Java HashMap<String,String> holding these names: the order in which
// a Java client (and the broker, re-encoding on store) writes them.
void sort_properties_java_order(PropertyList& properties);

// Property names (Java MessageConst.PROPERTY_*).
namespace property {
inline constexpr std::string_view kKeys = "KEYS";
inline constexpr std::string_view kTags = "TAGS";
inline constexpr std::string_view kWaitStoreMsgOk = "WAIT";
inline constexpr std::string_view kDelayTimeLevel = "DELAY";
inline constexpr std::string_view kRetryTopic = "RETRY_TOPIC";
inline constexpr std::string_view kRealTopic = "REAL_TOPIC";
inline constexpr std::string_view kRealQueueId = "REAL_QID";
inline constexpr std::string_view kTransactionPrepared = "TRAN_MSG";
inline constexpr std::string_view kProducerGroup = "PGROUP";
inline constexpr std::string_view kMinOffset = "MIN_OFFSET";
inline constexpr std::string_view kMaxOffset = "MAX_OFFSET";
inline constexpr std::string_view kBuyerId = "BUYER_ID";
inline constexpr std::string_view kOriginMessageId = "ORIGIN_MESSAGE_ID";
inline constexpr std::string_view kTransferFlag = "TRANSFER_FLAG";
inline constexpr std::string_view kCorrectionFlag = "CORRECTION_FLAG";
inline constexpr std::string_view kMq2Flag = "MQ2_FLAG";
inline constexpr std::string_view kReconsumeTime = "RECONSUME_TIME";
inline constexpr std::string_view kMsgRegion = "MSG_REGION";
inline constexpr std::string_view kTraceSwitch = "TRACE_ON";
inline constexpr std::string_view kUniqClientMessageIdKeyIdx = "UNIQ_KEY";
inline constexpr std::string_view kMaxReconsumeTimes = "MAX_RECONSUME_TIMES";
inline constexpr std::string_view kConsumeStartTimestamp = "CONSUME_START_TIME";
inline constexpr std::string_view kTransactionPreparedQueueOffset = "TRAN_PREPARED_QUEUE_OFFSET";
inline constexpr std::string_view kTransactionCheckTimes = "TRANSACTION_CHECK_TIMES";
inline constexpr std::string_view kCheckImmunityTimeInSeconds = "CHECK_IMMUNITY_TIME_IN_SECONDS";
inline constexpr std::string_view kInstanceId = "INSTANCE_ID";
inline constexpr std::string_view kCorrelationId = "CORRELATION_ID";
inline constexpr std::string_view kMessageReplyToClient = "REPLY_TO_CLIENT";
inline constexpr std::string_view kMessageTtl = "TTL";
inline constexpr std::string_view kReplyMessageArriveTime = "ARRIVE_TIME";
inline constexpr std::string_view kPushReplyTime = "PUSH_REPLY_TIME";
inline constexpr std::string_view kCluster = "CLUSTER";  // added by the broker when it stores a message
inline constexpr std::string_view kMessageType = "MSG_TYPE";
// KEYS holds several keys separated by this.
inline constexpr std::string_view kKeySeparator = " ";
}  // namespace property

}  // namespace rmq::protocol
