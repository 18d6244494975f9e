#include "fake_nameserver/register_codec.h"

#include <limits>

#include <boost/json.hpp>

#include "core/common/fastjson_writer.h"
#include "core/protocol/header_fields.h"

namespace rmq::fake {
namespace {

namespace json = boost::json;
using protocol::HeaderField;
using remoting::ExtFields;

constexpr std::string_view kRegisterClass =
    "org.apache.rocketmq.common.protocol.header.namesrv.RegisterBrokerRequestHeader";
constexpr std::string_view kRegisterResponseClass =
    "org.apache.rocketmq.common.protocol.header.namesrv.RegisterBrokerResponseHeader";
constexpr std::string_view kUnregisterClass =
    "org.apache.rocketmq.common.protocol.header.namesrv.UnRegisterBrokerRequestHeader";

// Declaration order of the 4.9.8 classes (it decides the HashSet<Field> order, hence colliding keys' order).
constexpr HeaderField<RegisterBrokerRequestHeader> kRegisterFields[] = {
    {"brokerName", &RegisterBrokerRequestHeader::brokerName, kRegisterClass},
    {"brokerAddr", &RegisterBrokerRequestHeader::brokerAddr, kRegisterClass},
    {"clusterName", &RegisterBrokerRequestHeader::clusterName, kRegisterClass},
    {"haServerAddr", &RegisterBrokerRequestHeader::haServerAddr, kRegisterClass},
    {"brokerId", &RegisterBrokerRequestHeader::brokerId, kRegisterClass},
    {"compressed", &RegisterBrokerRequestHeader::compressed, kRegisterClass},
    {"bodyCrc32", &RegisterBrokerRequestHeader::bodyCrc32, kRegisterClass},
};
constexpr HeaderField<RegisterBrokerResponseHeader> kRegisterResponseFields[] = {
    {"haServerAddr", &RegisterBrokerResponseHeader::haServerAddr, kRegisterResponseClass},
    {"masterAddr", &RegisterBrokerResponseHeader::masterAddr, kRegisterResponseClass},
};
constexpr HeaderField<UnRegisterBrokerRequestHeader> kUnregisterFields[] = {
    {"brokerName", &UnRegisterBrokerRequestHeader::brokerName, kUnregisterClass},
    {"brokerAddr", &UnRegisterBrokerRequestHeader::brokerAddr, kUnregisterClass},
    {"clusterName", &UnRegisterBrokerRequestHeader::clusterName, kUnregisterClass},
    {"brokerId", &UnRegisterBrokerRequestHeader::brokerId, kUnregisterClass},
};

constexpr int kBodyError = 1;  // SYSTEM_ERROR, what Java answers when the body does not decode
constexpr std::string_view kWhat = "RegisterBrokerBody";

Error body_error(std::string_view message) {
  return Error{kBodyError, std::string(kWhat) + ": " + std::string(message)};
}

// fastjson's lenient integer: a JSON integer or a decimal string. nullopt otherwise.
std::optional<int64_t> to_int64(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_string()) return protocol::parse_java_long(std::string_view(v.get_string()));
  return std::nullopt;
}

// Reads an optional integer field into `out`; false when present but not an integer (or out of range).
template <class Int>
bool read_int(const json::object& obj, std::string_view key, Int& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->value().is_null()) return true;
  auto v = to_int64(it->value());
  if (!v || *v < std::numeric_limits<Int>::min() || *v > std::numeric_limits<Int>::max()) return false;
  out = static_cast<Int>(*v);
  return true;
}

Result<TopicQueueConfig> parse_topic_config(const std::string& key, const json::value& v) {
  if (!v.is_object()) return body_error("topicConfigTable." + key + ": expected an object");
  const json::object& obj = v.get_object();
  TopicQueueConfig config;
  config.topic = key;
  config.read_queue_nums = 16;  // TopicConfig's defaults (defaultReadQueueNums / defaultWriteQueueNums)
  config.write_queue_nums = 16;
  config.perm = 6;
  if (auto it = obj.find("topicName"); it != obj.end() && it->value().is_string()) {
    config.topic = std::string(it->value().get_string());
  }
  if (!read_int(obj, "readQueueNums", config.read_queue_nums) ||
      !read_int(obj, "writeQueueNums", config.write_queue_nums) || !read_int(obj, "perm", config.perm) ||
      !read_int(obj, "topicSysFlag", config.topic_sys_flag)) {
    return body_error("topicConfigTable." + key + ": a number field is not an int");
  }
  return config;
}

Status parse_wrapper(const json::object& wrapper, RegisterBrokerBody& body) {
  if (auto it = wrapper.find("dataVersion"); it != wrapper.end() && it->value().is_object()) {
    const json::object& dv = it->value().get_object();
    if (!read_int(dv, "timestamp", body.data_version.timestamp) || !read_int(dv, "counter", body.data_version.counter)) {
      return body_error("dataVersion: timestamp/counter is not a long");
    }
  }
  auto table = wrapper.find("topicConfigTable");
  if (table == wrapper.end() || table->value().is_null()) return Status::Ok();
  if (!table->value().is_object()) return body_error("topicConfigTable: expected an object");
  for (const auto& entry : table->value().get_object()) {
    auto config = parse_topic_config(std::string(entry.key()), entry.value());
    if (!config.ok()) return config.error();
    body.topics.push_back(std::move(config).value());
  }
  return Status::Ok();
}

}  // namespace

ExtFields RegisterBrokerRequestHeader::to_ext() const {
  RegisterBrokerRequestHeader copy = *this;
  if (!copy.bodyCrc32) copy.bodyCrc32 = 0;  // Java's field initializer: always written
  return protocol::write_java_header<RegisterBrokerRequestHeader>(copy, kRegisterFields);
}

Result<RegisterBrokerRequestHeader> RegisterBrokerRequestHeader::from_ext(const ExtFields& ext) {
  return protocol::read_java_header<RegisterBrokerRequestHeader>(ext, kRegisterFields);
}

ExtFields RegisterBrokerResponseHeader::to_ext() const {
  return protocol::write_java_header<RegisterBrokerResponseHeader>(*this, kRegisterResponseFields);
}

Result<RegisterBrokerResponseHeader> RegisterBrokerResponseHeader::from_ext(const ExtFields& ext) {
  return protocol::read_java_header<RegisterBrokerResponseHeader>(ext, kRegisterResponseFields);
}

ExtFields UnRegisterBrokerRequestHeader::to_ext() const {
  return protocol::write_java_header<UnRegisterBrokerRequestHeader>(*this, kUnregisterFields);
}

Result<UnRegisterBrokerRequestHeader> UnRegisterBrokerRequestHeader::from_ext(const ExtFields& ext) {
  return protocol::read_java_header<UnRegisterBrokerRequestHeader>(ext, kUnregisterFields);
}

Result<RegisterBrokerBody> parse_register_broker_body(std::string_view text) {
  boost::system::error_code ec;
  json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec) return body_error("not JSON (compressed bodies are not supported): " + ec.message());
  if (!root.is_object()) return body_error("expected an object");
  const json::object& obj = root.get_object();
  RegisterBrokerBody body;
  if (auto it = obj.find("topicConfigSerializeWrapper"); it != obj.end() && it->value().is_object()) {
    if (Status s = parse_wrapper(it->value().get_object(), body); !s.ok()) return s.error();
  }
  if (auto it = obj.find("filterServerList"); it != obj.end() && it->value().is_array()) {
    for (const json::value& v : it->value().get_array()) {
      if (v.is_string()) body.filter_server_list.emplace_back(v.get_string());
    }
  }
  return body;
}

std::string encode_register_broker_body(const RegisterBrokerBody& body) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("filterServerList").begin_array();
  for (const std::string& s : body.filter_server_list) w.string(s);
  w.end_array().key("topicConfigSerializeWrapper").begin_object();
  w.key("dataVersion").begin_object();
  w.key("counter").number(body.data_version.counter).key("timestamp").number(body.data_version.timestamp);
  w.end_object().key("topicConfigTable").begin_object();
  for (const TopicQueueConfig& t : body.topics) {
    w.key(t.topic).begin_object();
    w.key("order").boolean(false).key("perm").number(t.perm).key("readQueueNums").number(t.read_queue_nums);
    w.key("topicFilterType").string("SINGLE_TAG").key("topicName").string(t.topic);
    w.key("topicSysFlag").number(t.topic_sys_flag).key("writeQueueNums").number(t.write_queue_nums);
    w.end_object();
  }
  w.end_object().end_object().end_object();
  return out;
}

}  // namespace rmq::fake
