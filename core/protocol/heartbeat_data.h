// HeartbeatData: the body of HEART_BEAT (34) (spec §5.12), and CHECK_CLIENT_CONFIG (46)'s body.
//
// Parsing accepts what the three known clients send: the Java client (fastjson: keys alphabetical, enums by
// name), ali-ons (enums by name, keys in declaration order) and the C++ client (enums as Java ordinals,
// subVersion as a string, no producerDataSet/tagsSet/codeSet/unitMode/expressionType). Absent optional fields
// take Java's defaults, unknown fields (5.x heartbeatFingerprint, withoutSub) are ignored.
// Encoding writes the Java client's form byte for byte: fastjson, keys alphabetical, enums by name, sets in the
// order held (use sort_subscriptions_java_order / build_subscription_data for the Java iteration order).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/protocol/subscription_data.h"

namespace rmq::protocol {

// Java enums; the values are the Java ordinals (what the C++ client sends, and what fastjson accepts).
enum class ConsumeType : int32_t {
  kConsumeActively = 0,   // pull consumer
  kConsumePassively = 1,  // push consumer
  kConsumePush = 2,       // 5.x only (proxy "REAL_PUSH")
};
enum class MessageModel : int32_t { kBroadcasting = 0, kClustering = 1 };
enum class ConsumeFromWhere : int32_t {
  kConsumeFromLastOffset = 0,
  kConsumeFromLastOffsetAndFromMinWhenBootFirst = 1,  // deprecated, treated as LAST
  kConsumeFromMinOffset = 2,                          // deprecated, treated as LAST
  kConsumeFromMaxOffset = 3,                          // deprecated, treated as LAST
  kConsumeFromFirstOffset = 4,
  kConsumeFromTimestamp = 5,
};

// Java names ("CONSUME_PASSIVELY", "CLUSTERING", "CONSUME_FROM_FIRST_OFFSET", ...).
std::string_view java_name(ConsumeType v);
std::string_view java_name(MessageModel v);
std::string_view java_name(ConsumeFromWhere v);
std::optional<ConsumeType> consume_type_from_name(std::string_view name);
std::optional<MessageModel> message_model_from_name(std::string_view name);
std::optional<ConsumeFromWhere> consume_from_where_from_name(std::string_view name);

struct ProducerData {
  std::string group_name;
  friend bool operator==(const ProducerData&, const ProducerData&) = default;
};

struct ConsumerData {
  std::string group_name;
  ConsumeType consume_type = ConsumeType::kConsumePassively;
  MessageModel message_model = MessageModel::kClustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::kConsumeFromLastOffset;
  std::vector<SubscriptionData> subscription_data_set;
  bool unit_mode = false;
  friend bool operator==(const ConsumerData&, const ConsumerData&) = default;
};

struct HeartbeatData {
  std::string client_id;  // "clientID" on the wire
  std::vector<ProducerData> producer_data_set;
  std::vector<ConsumerData> consumer_data_set;
  friend bool operator==(const HeartbeatData&, const HeartbeatData&) = default;
};

Result<HeartbeatData> parse_heartbeat_data(std::string_view json);
std::string encode_heartbeat_data(const HeartbeatData& heartbeat);

// CHECK_CLIENT_CONFIG (46) request body: {"clientId","group","subscriptionData"}.
struct CheckClientConfigBody {
  std::string client_id;
  std::string group;
  SubscriptionData subscription_data;
  friend bool operator==(const CheckClientConfigBody&, const CheckClientConfigBody&) = default;
};

Result<CheckClientConfigBody> parse_check_client_config_body(std::string_view json);
std::string encode_check_client_config_body(const CheckClientConfigBody& body);

}  // namespace rmq::protocol
