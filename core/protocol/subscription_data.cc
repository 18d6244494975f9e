#include "core/protocol/subscription_data.h"

#include <algorithm>
#include <limits>

#include <boost/json.hpp>

#include "core/common/fastjson_writer.h"
#include "core/common/java_compat.h"
#include "core/common/java_compat.h"
#include "core/protocol/json_body.h"

namespace rmq::protocol {
namespace json = boost::json;

namespace {

// String.trim(): strips every char <= ' ' from both ends.
std::string_view java_trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
  return s;
}

// Adds the tags of a "a || b" expression (String.split("\\|\\|"): left to right, non-overlapping).
void add_tags(std::string_view expression, SubscriptionData& out) {
  size_t start = 0;
  while (start <= expression.size()) {
    size_t bar = expression.find("||", start);
    size_t end = bar == std::string_view::npos ? expression.size() : bar;
    std::string_view tag = java_trim(expression.substr(start, end - start));
    if (!tag.empty()) {
      if (std::find(out.tags_set.begin(), out.tags_set.end(), tag) == out.tags_set.end()) {
        out.tags_set.emplace_back(tag);
      }
      int32_t code = java_string_hash(tag);
      if (std::find(out.code_set.begin(), out.code_set.end(), code) == out.code_set.end()) {
        out.code_set.push_back(code);
      }
    }
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  sort_java_hash_order(out.tags_set, [](const std::string& t) { return java_string_hash(t); });
  sort_java_hash_order(out.code_set, [](int32_t c) { return c; });  // Integer.hashCode() is the value
}

Status read_string_set(const json::array& items, detail::FieldReader& r, std::string_view key,
                       std::vector<std::string>& out) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_string()) {
      r.fail(std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
      return r.error();
    }
    out.emplace_back(items[i].get_string());
  }
  return Status::Ok();
}

Status read_code_set(const json::array& items, detail::FieldReader& r, std::vector<int32_t>& out) {
  for (size_t i = 0; i < items.size(); ++i) {
    std::optional<int64_t> n = detail::json_to_int64(items[i]);
    if (!n || *n < std::numeric_limits<int32_t>::min() || *n > std::numeric_limits<int32_t>::max()) {
      r.fail("codeSet[" + std::to_string(i) + "]", "expected an int32");
      return r.error();
    }
    out.push_back(static_cast<int32_t>(*n));
  }
  return Status::Ok();
}

}  // namespace

int32_t SubscriptionData::java_hash_code() const {
  uint32_t codes = 0;
  for (int32_t c : code_set) codes += static_cast<uint32_t>(c);  // AbstractSet.hashCode: sum of elements
  uint32_t tags = 0;
  for (const std::string& t : tags_set) tags += static_cast<uint32_t>(java_string_hash(t));
  uint32_t h = 1;
  h = 31 * h + static_cast<uint32_t>(java_bool_hash(class_filter_mode));
  h = 31 * h + codes;
  h = 31 * h + static_cast<uint32_t>(java_string_hash(sub_string));
  h = 31 * h + tags;
  h = 31 * h + static_cast<uint32_t>(java_string_hash(topic));
  h = 31 * h + (expression_type ? static_cast<uint32_t>(java_string_hash(*expression_type)) : 0u);
  return static_cast<int32_t>(h);
}

SubscriptionData build_subscription_data(std::string topic, std::string_view sub_expression, int64_t sub_version) {
  SubscriptionData s;
  s.topic = std::move(topic);
  s.sub_version = sub_version;
  s.expression_type = std::string(kExpressionTypeTag);
  if (sub_expression.empty() || sub_expression == kSubAll) {
    s.sub_string = std::string(kSubAll);
    return s;
  }
  s.sub_string = std::string(sub_expression);
  add_tags(sub_expression, s);
  return s;
}

Result<SubscriptionData> build_subscription_data(std::string topic, std::string_view expression,
                                                 std::string_view expression_type, int64_t sub_version) {
  if (expression_type.empty() || expression_type == kExpressionTypeTag) {
    return build_subscription_data(std::move(topic), expression, sub_version);
  }
  if (expression.empty()) {  // Java throws IllegalArgumentException; -1 is MQClientException's generic code
    return Error{-1, "Expression can't be null! " + std::string(expression_type)};
  }
  SubscriptionData s;
  s.topic = std::move(topic);
  s.sub_string = std::string(expression);
  s.sub_version = sub_version;
  s.expression_type = std::string(expression_type);
  return s;
}

void sort_subscriptions_java_order(std::vector<SubscriptionData>& subscriptions) {
  sort_java_hash_order(subscriptions, [](const SubscriptionData& s) { return s.java_hash_code(); });
}

namespace detail {

Result<SubscriptionData> subscription_from_json(const json::value& v, std::string_view what,
                                                const std::string& path) {
  if (!v.is_object()) return shape_error(what, path, "an object", v);
  FieldReader r(v.get_object(), what, path);
  SubscriptionData s;
  r.boolean("classFilterMode", s.class_filter_mode);
  r.string("topic", s.topic);
  r.string("subString", s.sub_string);
  r.int64("subVersion", s.sub_version, false);
  r.optional_string("expressionType", s.expression_type);
  const json::array* tags = r.array("tagsSet");
  const json::array* codes = r.array("codeSet");
  if (!r.ok()) return r.error();
  if (tags != nullptr) {
    if (Status st = read_string_set(*tags, r, "tagsSet", s.tags_set); !st.ok()) return st.error();
  }
  if (codes != nullptr) {
    if (Status st = read_code_set(*codes, r, s.code_set); !st.ok()) return st.error();
  }
  return s;
}

void append_subscription_json(std::string& out, const SubscriptionData& s) {
  JsonWriter w(out);
  w.begin_object();
  w.key("classFilterMode").boolean(s.class_filter_mode);
  w.key("codeSet").begin_array();
  for (int32_t c : s.code_set) w.number(c);
  w.end_array();
  if (s.expression_type) w.key("expressionType").string(*s.expression_type);
  w.key("subString").string(s.sub_string);
  w.key("subVersion").number(s.sub_version);
  w.key("tagsSet").begin_array();
  for (const std::string& t : s.tags_set) w.string(t);
  w.end_array();
  w.key("topic").string(s.topic);
  w.end_object();
}

}  // namespace detail

Result<SubscriptionData> parse_subscription_data(std::string_view text) {
  constexpr std::string_view kWhat = "subscription body";
  Result<json::value> parsed = detail::parse_json(text, kWhat);
  if (!parsed.ok()) return parsed.error();
  return detail::subscription_from_json(*parsed, kWhat, "");
}

std::string encode_subscription_data(const SubscriptionData& subscription) {
  std::string out;
  detail::append_subscription_json(out, subscription);
  return out;
}

}  // namespace rmq::protocol
