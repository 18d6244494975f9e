// Test-only helpers for the custom-header tests: extFields of capture lines and client logs as ExtFields, and the
// golden checks every header test runs against the real-4.9.8 captures.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "core/protocol/capture_test_util.h"
#include "core/protocol/header_fields.h"
#include "core/remoting/remoting_command.h"

namespace rmq::protocol::test {

using remoting::ExtFields;

// A JSON extFields object as the frame decoder hands it over: every value as Java text (ali-ons and the
// corpus's send_310_numeric_ext send JSON numbers and booleans); null values are absent keys.
inline ExtFields ext_from_json(const boost::json::object& object) {
  ExtFields ext;
  for (const auto& [key, value] : object) {
    std::string text;
    if (value.is_string()) {
      text = std::string(value.as_string());
    } else if (value.is_int64()) {
      text = std::to_string(value.as_int64());
    } else if (value.is_uint64()) {
      text = std::to_string(value.as_uint64());
    } else if (value.is_bool()) {
      text = value.as_bool() ? "true" : "false";
    } else if (value.is_null()) {
      continue;
    } else {
      text = boost::json::serialize(value);
    }
    ext.append(std::string(key), std::move(text));
  }
  return ext;
}

// The request's extFields; an empty map when the request has none (Java then finds every field null).
inline ExtFields request_ext(const boost::json::object& line) {
  const boost::json::object* header = object_field(line, "request_header");
  const boost::json::object* ext = header != nullptr ? object_field(*header, "extFields") : nullptr;
  return ext != nullptr ? ext_from_json(*ext) : ExtFields{};
}

inline std::string response_serialize(const boost::json::object& line) {
  return testutil::string_field(line, "response_serialize");
}

// The response's extFields in wire order. A JSON header is re-read from response_hex, so the order is the
// bytes' order whatever the capture's decoded copy did with it; a ROCKETMQ header is decoded in wire order.
inline std::optional<ExtFields> response_ext(const boost::json::object& line) {
  if (response_serialize(line) == "JSON") {
    Bytes frame = testutil::hex_field(line, "response_hex");
    if (frame.size() < 8) return std::nullopt;
    auto word = [&](size_t at) {
      return (uint32_t{static_cast<uint8_t>(frame[at])} << 24) | (uint32_t{static_cast<uint8_t>(frame[at + 1])} << 16) |
             (uint32_t{static_cast<uint8_t>(frame[at + 2])} << 8) | uint32_t{static_cast<uint8_t>(frame[at + 3])};
    };
    size_t header_len = word(4) & 0xFFFFFF;
    boost::json::object header = boost::json::parse(std::string_view(frame).substr(8, header_len)).as_object();
    const boost::json::object* ext = object_field(header, "extFields");
    return ext != nullptr ? std::optional(ext_from_json(*ext)) : std::nullopt;
  }
  const boost::json::object* header = object_field(line, "response_header");
  const boost::json::object* ext = header != nullptr ? object_field(*header, "extFields") : nullptr;
  return ext != nullptr ? std::optional(ext_from_json(*ext)) : std::nullopt;
}

inline std::map<std::string, std::string> as_map(const ExtFields& ext) {
  return {ext.entries().begin(), ext.entries().end()};
}

inline std::vector<std::string> keys_of(const ExtFields& ext) {
  std::vector<std::string> keys;
  for (const auto& entry : ext.entries()) keys.push_back(entry.first);
  return keys;
}

// A request the captures hold: parsing succeeds and to_ext() gives the same key/value set, plus "false" for the
// Java primitive booleans the request left out (Java writes them whatever was received).
template <class H>
std::optional<H> expect_request_round_trip(const std::string& where, const ExtFields& ext,
                                           const std::set<std::string>& primitive_booleans) {
  Result<H> header = H::from_ext(ext);
  EXPECT_TRUE(header.ok()) << where << ": " << (header.ok() ? "" : header.error().message);
  if (!header.ok()) return std::nullopt;
  std::map<std::string, std::string> expected = as_map(ext);
  for (const std::string& key : primitive_booleans) expected.emplace(key, "false");
  EXPECT_EQ(as_map(header->to_ext()), expected) << where;
  return std::move(header).value();
}

// One line of a client log (captures/clients/*.log) that carries a request: code and extFields in log order.
struct LoggedRequest {
  int32_t code = 0;
  ExtFields ext;
  std::string text;
};

inline std::vector<LoggedRequest> logged_requests(const std::string& log_name) {
  std::vector<LoggedRequest> out;
  for (const std::string& rest : client_log_values(log_name, " code=")) {
    size_t ext_at = rest.find(" ext=");
    size_t body_at = rest.find(" body=", ext_at);
    if (ext_at == std::string::npos || body_at == std::string::npos) continue;
    std::string json = rest.substr(ext_at + 5, body_at - ext_at - 5);
    out.push_back({std::stoi(rest), ext_from_json(boost::json::parse(json).as_object()), rest});
  }
  return out;
}

// The fields the broker put with addExtField before writing a send response's header, in its insertion order.
inline ExtFields broker_added_send_fields(const ExtFields& response) {
  ExtFields added;
  for (std::string_view key : {std::string_view("MSG_REGION"), std::string_view("TRACE_ON")}) {
    if (auto value = response.get(key)) added.append(std::string(key), std::string(*value));
  }
  return added;
}

// The order a 4.9.8 Java peer writes `header` plus `added` in the response's serialization: FastCodesHeaders
// (the headers with to_fast_ext) have their own ROCKETMQ layout.
template <class H>
ExtFields java_response_order(const H& header, const ExtFields& added, const std::string& serialize) {
  if constexpr (requires { header.to_fast_ext(); }) {
    if (serialize == "ROCKETMQ") return merge_java_ext_fast(added, header.to_fast_ext());
  }
  return merge_java_ext(added, header.to_ext());
}

}  // namespace rmq::protocol::test
