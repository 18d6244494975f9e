#include "core/protocol/route_data.h"

#include <algorithm>
#include <charconv>

#include "core/common/fastjson_writer.h"
#include "core/common/java_compat.h"
#include "core/protocol/body_error.h"
#include "core/common/java_compat.h"
#include "core/protocol/json_body.h"

namespace rmq::protocol {
namespace json = boost::json;
using detail::FieldReader;

namespace {

constexpr std::string_view kWhat = "route body";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Copies a string literal starting at text[i] (a '"') to out, honouring backslash escapes; advances i past it.
void copy_string_literal(std::string_view text, size_t& i, std::string& out) {
  out.push_back(text[i++]);
  while (i < text.size()) {
    char c = text[i++];
    out.push_back(c);
    if (c == '\\' && i < text.size()) {
      out.push_back(text[i++]);
    } else if (c == '"') {
      return;
    }
  }
}

// Length of a bare integer key at text[i] (optional '-', digits, then optional spaces and ':'), or 0.
size_t bare_integer_key_length(std::string_view text, size_t i) {
  size_t j = i;
  if (j < text.size() && text[j] == '-') ++j;
  size_t digits = j;
  while (j < text.size() && is_digit(text[j])) ++j;
  if (j == digits) return 0;
  size_t k = j;
  while (k < text.size() && is_space(text[k])) ++k;
  return k < text.size() && text[k] == ':' ? j - i : 0;
}

// quote_bare_integer_keys, also recording where in the output the added quotes are (for error positions).
std::string quote_keys(std::string_view text, std::vector<size_t>* inserted) {
  std::string out;
  out.reserve(text.size() + 16);
  std::vector<char> containers;  // '{' or '[' per open container: a key can only follow '{' or ',' in an object
  bool expect_key = false;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      copy_string_literal(text, i, out);
      expect_key = false;
      continue;
    }
    if (expect_key && (c == '-' || is_digit(c))) {
      if (size_t len = bare_integer_key_length(text, i); len > 0) {
        if (inserted) inserted->push_back(out.size());
        out.push_back('"');
        out.append(text.substr(i, len));
        if (inserted) inserted->push_back(out.size());
        out.push_back('"');
        i += len;
        expect_key = false;
        continue;
      }
    }
    if (c == '{' || c == '[') {
      containers.push_back(c);
      expect_key = c == '{';
    } else if (c == ',') {
      expect_key = !containers.empty() && containers.back() == '{';
    } else if (c == '}' || c == ']') {
      if (!containers.empty()) containers.pop_back();
      expect_key = false;
    } else if (!is_space(c)) {
      expect_key = false;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

Result<QueueData> parse_queue_data(const json::value& v, const std::string& path) {
  if (!v.is_object()) return detail::shape_error(kWhat, path, "an object", v);
  FieldReader r(v.get_object(), kWhat, path);
  QueueData q;
  r.string("brokerName", q.broker_name);
  r.int32("readQueueNums", q.read_queue_nums);
  r.int32("writeQueueNums", q.write_queue_nums);
  r.int32("perm", q.perm);
  // 4.9.0 renamed topicSynFlag to topicSysFlag; older servers still write the old name.
  if (r.value("topicSysFlag", false) != nullptr) {
    r.int32("topicSysFlag", q.topic_sys_flag, false);
  } else {
    r.int32("topicSynFlag", q.topic_sys_flag, false);
  }
  if (!r.ok()) return r.error();
  return q;
}

Status parse_broker_addrs(const json::object& addrs, const std::string& path, BrokerData& out) {
  for (const auto& [key, addr] : addrs) {
    int64_t id = 0;
    auto [end, ec] = std::from_chars(key.data(), key.data() + key.size(), id);
    if (key.empty() || ec != std::errc() || end != key.data() + key.size()) {
      return malformed_body(std::string(kWhat) + ": " + path + ": key \"" + std::string(key) +
                            "\" is not a broker id (an integer)");
    }
    if (!addr.is_string()) {
      return detail::shape_error(kWhat, path + "." + std::string(key), "a string (ip:port)", addr);
    }
    out.broker_addrs.emplace_back(id, std::string(addr.get_string()));
  }
  return Status::Ok();
}

Result<BrokerData> parse_broker_data(const json::value& v, const std::string& path) {
  if (!v.is_object()) return detail::shape_error(kWhat, path, "an object", v);
  FieldReader r(v.get_object(), kWhat, path);
  BrokerData b;
  r.string("cluster", b.cluster, false);
  r.string("brokerName", b.broker_name);
  const json::object* addrs = r.object("brokerAddrs", false);
  if (!r.ok()) return r.error();
  if (addrs != nullptr) {
    if (Status s = parse_broker_addrs(*addrs, r.path_of("brokerAddrs"), b); !s.ok()) return s.error();
  }
  return b;
}

Status parse_filter_server_table(const json::object& table, TopicRouteData& out) {
  for (const auto& [key, servers] : table) {
    std::string path = "filterServerTable." + std::string(key);
    if (!servers.is_array()) return detail::shape_error(kWhat, path, "an array", servers);
    std::vector<std::string> list;
    for (size_t i = 0; i < servers.get_array().size(); ++i) {
      const json::value& s = servers.get_array()[i];
      if (!s.is_string()) return detail::shape_error(kWhat, path + "[" + std::to_string(i) + "]", "a string", s);
      list.emplace_back(s.get_string());
    }
    out.filter_server_table.emplace_back(std::string(key), std::move(list));
  }
  return Status::Ok();
}

void append_string(std::string& out, std::string_view s, BrokerAddrKeys keys) {
  if (keys == BrokerAddrKeys::kQuoted) {
    detail::append_browser_compatible_string(out, s);
  } else {
    append_json_string(out, s);
  }
}

void append_broker_data(std::string& out, const BrokerData& b, BrokerAddrKeys keys) {
  std::vector<std::pair<int64_t, std::string>> addrs = b.broker_addrs;
  if (keys == BrokerAddrKeys::kQuoted) {  // MapSortField: a TreeMap<Long, String>
    std::stable_sort(addrs.begin(), addrs.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  } else {  // the HashMap<Long, String> itself
    sort_java_hash_order(addrs, [](const auto& e) { return java_long_hash(e.first); });
  }
  out += "{\"brokerAddrs\":{";
  for (size_t i = 0; i < addrs.size(); ++i) {
    if (i > 0) out.push_back(',');
    std::string id = std::to_string(addrs[i].first);
    out += keys == BrokerAddrKeys::kQuoted ? "\"" + id + "\":" : id + ":";
    append_string(out, addrs[i].second, keys);
  }
  out += "},\"brokerName\":";
  append_string(out, b.broker_name, keys);
  out += ",\"cluster\":";
  append_string(out, b.cluster, keys);
  out.push_back('}');
}

void append_filter_server_table(std::string& out, const TopicRouteData& route, BrokerAddrKeys keys) {
  auto table = route.filter_server_table;
  if (keys == BrokerAddrKeys::kQuoted) {  // TreeMap order (byte order equals Java's for BMP text)
    std::stable_sort(table.begin(), table.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  } else {
    sort_java_hash_order(table, [](const auto& e) { return java_string_hash(e.first); });
  }
  out.push_back('{');
  for (size_t i = 0; i < table.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_string(out, table[i].first, keys);
    out += ":[";
    for (size_t k = 0; k < table[i].second.size(); ++k) {
      if (k > 0) out.push_back(',');
      append_string(out, table[i].second[k], keys);
    }
    out.push_back(']');
  }
  out.push_back('}');
}

void append_queue_data(std::string& out, const QueueData& q, BrokerAddrKeys keys) {
  out += "{\"brokerName\":";
  append_string(out, q.broker_name, keys);
  out += ",\"perm\":" + std::to_string(q.perm);
  out += ",\"readQueueNums\":" + std::to_string(q.read_queue_nums);
  out += ",\"topicSysFlag\":" + std::to_string(q.topic_sys_flag);
  out += ",\"writeQueueNums\":" + std::to_string(q.write_queue_nums);
  out.push_back('}');
}

}  // namespace

std::optional<std::string> BrokerData::address(int64_t broker_id) const {
  for (const auto& [id, addr] : broker_addrs) {
    if (id == broker_id) return addr;
  }
  return std::nullopt;
}

BrokerAddrKeys route_key_style_for(int32_t request_version, bool accept_standard_json_only) {
  constexpr int32_t kV494 = 401;  // MQVersion.Version.V4_9_4.ordinal()
  return request_version >= kV494 || accept_standard_json_only ? BrokerAddrKeys::kQuoted : BrokerAddrKeys::kUnquoted;
}

std::string quote_bare_integer_keys(std::string_view text) { return quote_keys(text, nullptr); }

Result<TopicRouteData> parse_topic_route_data(std::string_view body) {
  std::vector<size_t> inserted;
  std::string text = quote_keys(body, &inserted);
  Result<json::value> parsed = detail::parse_json(text, kWhat, inserted);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_object()) return detail::shape_error(kWhat, "", "an object", *parsed);
  FieldReader r(parsed->get_object(), kWhat, "");
  TopicRouteData route;
  r.optional_string("orderTopicConf", route.order_topic_conf);
  const json::array* queues = r.array("queueDatas");
  const json::array* brokers = r.array("brokerDatas");
  const json::object* filters = r.object("filterServerTable");
  if (!r.ok()) return r.error();
  for (size_t i = 0; queues != nullptr && i < queues->size(); ++i) {
    Result<QueueData> q = parse_queue_data((*queues)[i], detail::element_path("", "queueDatas", i));
    if (!q.ok()) return q.error();
    route.queue_datas.push_back(std::move(q).value());
  }
  for (size_t i = 0; brokers != nullptr && i < brokers->size(); ++i) {
    Result<BrokerData> b = parse_broker_data((*brokers)[i], detail::element_path("", "brokerDatas", i));
    if (!b.ok()) return b.error();
    route.broker_datas.push_back(std::move(b).value());
  }
  if (filters != nullptr) {
    if (Status s = parse_filter_server_table(*filters, route); !s.ok()) return s.error();
  }
  return route;
}

std::string encode_topic_route_data(const TopicRouteData& route, BrokerAddrKeys keys) {
  std::string out = "{\"brokerDatas\":[";
  for (size_t i = 0; i < route.broker_datas.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_broker_data(out, route.broker_datas[i], keys);
  }
  out += "],\"filterServerTable\":";
  append_filter_server_table(out, route, keys);
  if (route.order_topic_conf) {
    out += ",\"orderTopicConf\":";
    append_string(out, *route.order_topic_conf, keys);
  }
  out += ",\"queueDatas\":[";
  for (size_t i = 0; i < route.queue_datas.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_queue_data(out, route.queue_datas[i], keys);
  }
  out += "]}";
  return out;
}

}  // namespace rmq::protocol
