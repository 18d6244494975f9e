#include "core/protocol/heartbeat_data.h"

#include <array>

#include <boost/json.hpp>

#include "core/common/fastjson_writer.h"
#include "core/protocol/json_body.h"

namespace rmq::protocol {
namespace json = boost::json;
using detail::FieldReader;

namespace {

constexpr std::string_view kHeartbeat = "heartbeat body";

constexpr std::array<std::string_view, 3> kConsumeTypeNames = {"CONSUME_ACTIVELY", "CONSUME_PASSIVELY",
                                                               "CONSUME_PUSH"};
constexpr std::array<std::string_view, 2> kMessageModelNames = {"BROADCASTING", "CLUSTERING"};
constexpr std::array<std::string_view, 6> kConsumeFromWhereNames = {
    "CONSUME_FROM_LAST_OFFSET", "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST", "CONSUME_FROM_MIN_OFFSET",
    "CONSUME_FROM_MAX_OFFSET",  "CONSUME_FROM_FIRST_OFFSET",                             "CONSUME_FROM_TIMESTAMP"};

template <size_t N>
std::optional<int32_t> ordinal_of(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<int32_t>(i);
  }
  return std::nullopt;
}

template <size_t N>
std::string_view name_of(const std::array<std::string_view, N>& names, int32_t ordinal) {
  return ordinal >= 0 && static_cast<size_t>(ordinal) < N ? names[static_cast<size_t>(ordinal)] : "?";
}

// An enum field sent as its Java name (Java, ali-ons) or its ordinal (the C++ client).
template <typename E, size_t N>
void read_enum(FieldReader& r, std::string_view key, const std::array<std::string_view, N>& names, E& out) {
  const json::value* v = r.value(key, true);
  if (v == nullptr) return;
  if (v->is_string()) {
    std::string_view name(v->get_string().data(), v->get_string().size());
    if (std::optional<int32_t> ordinal = ordinal_of(names, name)) {
      out = static_cast<E>(*ordinal);
    } else {
      r.fail(key, "unknown name \"" + std::string(name) + "\"");
    }
    return;
  }
  if (v->is_int64() || v->is_uint64()) {
    std::optional<int64_t> n = detail::json_to_int64(*v);
    if (n && *n >= 0 && static_cast<uint64_t>(*n) < N) {
      out = static_cast<E>(*n);
    } else {
      r.fail(key, "ordinal out of range 0.." + std::to_string(N - 1));
    }
    return;
  }
  r.fail(key, "expected an enum name or ordinal, got " + std::string(detail::json_kind_name(*v)));
}

Result<ConsumerData> parse_consumer_data(const json::value& v, const std::string& path) {
  if (!v.is_object()) return detail::shape_error(kHeartbeat, path, "an object", v);
  FieldReader r(v.get_object(), kHeartbeat, path);
  ConsumerData c;
  r.string("groupName", c.group_name);
  read_enum(r, "consumeType", kConsumeTypeNames, c.consume_type);
  read_enum(r, "messageModel", kMessageModelNames, c.message_model);
  read_enum(r, "consumeFromWhere", kConsumeFromWhereNames, c.consume_from_where);
  r.boolean("unitMode", c.unit_mode);
  const json::array* subs = r.array("subscriptionDataSet");
  if (!r.ok()) return r.error();
  for (size_t i = 0; subs != nullptr && i < subs->size(); ++i) {
    Result<SubscriptionData> s =
        detail::subscription_from_json((*subs)[i], kHeartbeat, detail::element_path(path, "subscriptionDataSet", i));
    if (!s.ok()) return s.error();
    c.subscription_data_set.push_back(std::move(s).value());
  }
  return c;
}

Result<ProducerData> parse_producer_data(const json::value& v, const std::string& path) {
  if (!v.is_object()) return detail::shape_error(kHeartbeat, path, "an object", v);
  FieldReader r(v.get_object(), kHeartbeat, path);
  ProducerData p;
  r.string("groupName", p.group_name);
  if (!r.ok()) return r.error();
  return p;
}

void write_consumer_data(JsonWriter& w, const ConsumerData& c) {
  w.begin_object();
  w.key("consumeFromWhere").string(java_name(c.consume_from_where));
  w.key("consumeType").string(java_name(c.consume_type));
  w.key("groupName").string(c.group_name);
  w.key("messageModel").string(java_name(c.message_model));
  w.key("subscriptionDataSet").begin_array();
  for (const SubscriptionData& s : c.subscription_data_set) {
    std::string sub;
    detail::append_subscription_json(sub, s);
    w.raw(sub);
  }
  w.end_array();
  w.key("unitMode").boolean(c.unit_mode);
  w.end_object();
}

}  // namespace

std::string_view java_name(ConsumeType v) { return name_of(kConsumeTypeNames, static_cast<int32_t>(v)); }
std::string_view java_name(MessageModel v) { return name_of(kMessageModelNames, static_cast<int32_t>(v)); }
std::string_view java_name(ConsumeFromWhere v) { return name_of(kConsumeFromWhereNames, static_cast<int32_t>(v)); }

std::optional<ConsumeType> consume_type_from_name(std::string_view name) {
  auto o = ordinal_of(kConsumeTypeNames, name);
  return o ? std::optional<ConsumeType>(static_cast<ConsumeType>(*o)) : std::nullopt;
}
std::optional<MessageModel> message_model_from_name(std::string_view name) {
  auto o = ordinal_of(kMessageModelNames, name);
  return o ? std::optional<MessageModel>(static_cast<MessageModel>(*o)) : std::nullopt;
}
std::optional<ConsumeFromWhere> consume_from_where_from_name(std::string_view name) {
  auto o = ordinal_of(kConsumeFromWhereNames, name);
  return o ? std::optional<ConsumeFromWhere>(static_cast<ConsumeFromWhere>(*o)) : std::nullopt;
}

Result<HeartbeatData> parse_heartbeat_data(std::string_view text) {
  Result<json::value> parsed = detail::parse_json(text, kHeartbeat);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_object()) return detail::shape_error(kHeartbeat, "", "an object", *parsed);
  FieldReader r(parsed->get_object(), kHeartbeat, "");
  HeartbeatData hb;
  r.string("clientID", hb.client_id);
  const json::array* producers = r.array("producerDataSet");
  const json::array* consumers = r.array("consumerDataSet");
  if (!r.ok()) return r.error();
  for (size_t i = 0; producers != nullptr && i < producers->size(); ++i) {
    Result<ProducerData> p = parse_producer_data((*producers)[i], detail::element_path("", "producerDataSet", i));
    if (!p.ok()) return p.error();
    hb.producer_data_set.push_back(std::move(p).value());
  }
  for (size_t i = 0; consumers != nullptr && i < consumers->size(); ++i) {
    Result<ConsumerData> c = parse_consumer_data((*consumers)[i], detail::element_path("", "consumerDataSet", i));
    if (!c.ok()) return c.error();
    hb.consumer_data_set.push_back(std::move(c).value());
  }
  return hb;
}

std::string encode_heartbeat_data(const HeartbeatData& hb) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("clientID").string(hb.client_id);
  w.key("consumerDataSet").begin_array();
  for (const ConsumerData& c : hb.consumer_data_set) write_consumer_data(w, c);
  w.end_array();
  w.key("producerDataSet").begin_array();
  for (const ProducerData& p : hb.producer_data_set) {
    w.begin_object().key("groupName").string(p.group_name).end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

Result<CheckClientConfigBody> parse_check_client_config_body(std::string_view text) {
  constexpr std::string_view kWhat = "check client config body";
  Result<json::value> parsed = detail::parse_json(text, kWhat);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_object()) return detail::shape_error(kWhat, "", "an object", *parsed);
  FieldReader r(parsed->get_object(), kWhat, "");
  CheckClientConfigBody body;
  r.string("clientId", body.client_id);
  r.string("group", body.group);
  const json::value* sub = r.value("subscriptionData", true);
  if (!r.ok()) return r.error();
  Result<SubscriptionData> s = detail::subscription_from_json(*sub, kWhat, "subscriptionData");
  if (!s.ok()) return s.error();
  body.subscription_data = std::move(s).value();
  return body;
}

std::string encode_check_client_config_body(const CheckClientConfigBody& body) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("clientId").string(body.client_id);
  w.key("group").string(body.group);
  std::string sub;
  detail::append_subscription_json(sub, body.subscription_data);
  w.key("subscriptionData").raw(sub);
  w.end_object();
  return out;
}

}  // namespace rmq::protocol
