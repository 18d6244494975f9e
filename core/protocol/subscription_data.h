// SubscriptionData: one topic subscription of a consumer, as heartbeats (34) and CHECK_CLIENT_CONFIG (46) carry
// it (spec §5.12), and its construction from a tag expression as the Java FilterAPI does it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "core/common/status.h"

namespace rmq::protocol {

inline constexpr std::string_view kSubAll = "*";
inline constexpr std::string_view kExpressionTypeTag = "TAG";
inline constexpr std::string_view kExpressionTypeSql92 = "SQL92";

struct SubscriptionData {
  bool class_filter_mode = false;
  std::string topic;
  std::string sub_string;
  // Java HashSets, in the order the body listed them (build_subscription_data uses Java's iteration order).
  std::vector<std::string> tags_set;
  std::vector<int32_t> code_set;
  int64_t sub_version = 0;
  // Absent in C++-client and ali-ons bodies; Java reads an absent value as "TAG" (the field's initializer).
  std::optional<std::string> expression_type;

  std::string_view effective_expression_type() const {
    return expression_type ? std::string_view(*expression_type) : kExpressionTypeTag;
  }
  // SubscriptionData.hashCode() (subVersion is not part of it), which orders a Java HashSet of subscriptions.
  int32_t java_hash_code() const;
  friend bool operator==(const SubscriptionData&, const SubscriptionData&) = default;
};

// FilterAPI.buildSubscriptionData: "*", "" -> subString "*" and empty sets; otherwise subString is kept as given,
// split on "||", each part trimmed (Java trim: chars <= ' '), empty parts dropped; tagsSet = the tags and
// codeSet = their Java String.hashCode(), both deduplicated and in Java HashSet iteration order.
// expressionType is "TAG".
SubscriptionData build_subscription_data(std::string topic, std::string_view sub_expression, int64_t sub_version);

// FilterAPI.build: TAG (or empty type) as above; another type (SQL92) keeps the expression as subString with
// empty sets, and an empty expression is an error (Java: IllegalArgumentException "Expression can't be null!").
Result<SubscriptionData> build_subscription_data(std::string topic, std::string_view expression,
                                                 std::string_view expression_type, int64_t sub_version);

// Reorders subscriptions into the iteration order of a Java HashSet<SubscriptionData> (ConsumerData's
// subscriptionDataSet), which is the order a Java client's heartbeat lists them in.
void sort_subscriptions_java_order(std::vector<SubscriptionData>& subscriptions);

// A SubscriptionData JSON object on its own (fastjson form, keys alphabetical; expressionType only when set).
Result<SubscriptionData> parse_subscription_data(std::string_view json);
std::string encode_subscription_data(const SubscriptionData& subscription);

namespace detail {
// The same, inside an enclosing body: `what` names the body and `path` the object for error messages.
Result<SubscriptionData> subscription_from_json(const boost::json::value& v, std::string_view what,
                                                const std::string& path);
void append_subscription_json(std::string& out, const SubscriptionData& subscription);
}  // namespace detail

}  // namespace rmq::protocol
