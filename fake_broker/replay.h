// Test-only (header-only): replays the real-4.9.8 broker captures against a FakeBroker and compares every answer
// with the captured bytes, masking only the values the corpus README calls run-dependent. Used by
// conformance_test.cc on both runtimes.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/protocol/consumer_list.h"
#include "core/protocol/message_codec.h"
#include "fake_broker/broker.h"
#include "fake_broker/test_env.h"
#include "testutil/corpus.h"

namespace rmq::fake::test {

using remoting::RemotingCommand;

inline std::optional<RemotingCommand> decode_frame(ByteView frame) {
  if (frame.size() < 4) return std::nullopt;
  auto decoded = remoting::decode_frame_content(frame.substr(4));
  if (!std::holds_alternative<RemotingCommand>(decoded)) return std::nullopt;
  return std::get<RemotingCommand>(std::move(decoded));
}

inline std::string describe(const RemotingCommand& c) {
  std::string s = "code=" + std::to_string(c.code) + " ser=" + std::string(remoting::serialize_type_name(c.header_serialize)) +
                  " remark=" + (c.remark ? "\"" + *c.remark + "\"" : "null") + " ext=";
  if (!c.ext_fields) {
    s += "null";
  } else {
    s += "{";
    for (const auto& [k, v] : c.ext_fields->entries()) s += k + "=" + v + ",";
    s += "}";
  }
  s += " body=" + std::to_string(c.body.size()) + "B";
  if (c.body.size() < 200) s += "[" + c.body + "]";
  return s;
}

inline const boost::json::object* object_field(const boost::json::object& line, const char* key) {
  auto it = line.find(key);
  return it != line.end() && it->value().is_object() ? &it->value().as_object() : nullptr;
}

// The README's run-dependent values, copied from the capture into the fake's answer: storeTimestamp and the
// bornHost port of pulled messages, client ports in remarks, 32's timestamp, and the order of consumerIdList (a
// Java ConcurrentHashMap's order). (The broker's pick for queueId -1 is scripted instead, and the "now" of
// search_29 requests rewritten, see conformance_test.cc.)
inline void mask_run_dependent(const std::string& name, const RemotingCommand& capture, RemotingCommand& actual) {
  static const std::regex kClientAddress(R"(127\.0\.0\.1:\d+)");
  if (capture.remark && actual.remark &&
      std::regex_replace(*capture.remark, kClientAddress, "ADDR") == std::regex_replace(*actual.remark, kClientAddress, "ADDR")) {
    actual.remark = capture.remark;
  }
  auto cap_msgs = protocol::decode_stored_messages_report(capture.body);
  auto act_msgs = protocol::decode_stored_messages_report(actual.body);
  if (!capture.body.empty() && !cap_msgs.stop && !act_msgs.stop && cap_msgs.messages.size() == act_msgs.messages.size()) {
    Bytes body;
    for (size_t i = 0; i < act_msgs.messages.size(); ++i) {
      act_msgs.messages[i].store_timestamp = cap_msgs.messages[i].store_timestamp;
      act_msgs.messages[i].born_host.port = cap_msgs.messages[i].born_host.port;
      body += protocol::encode_stored_message(act_msgs.messages[i]).value();
    }
    actual.body = body;
  }
  if (name == "earliest_32" && capture.ext("timestamp") && actual.ext("timestamp")) {
    actual.set_ext("timestamp", std::string(*capture.ext("timestamp")));
  }
  if (name.starts_with("list_38")) {
    auto a = protocol::parse_consumer_id_list(actual.body);
    auto c = protocol::parse_consumer_id_list(capture.body);
    if (a.ok() && c.ok() && std::multiset<std::string>(a->begin(), a->end()) == std::multiset<std::string>(c->begin(), c->end())) {
      actual.body = capture.body;
    }
  }
}

// Names the first differing field of each pulled record (bodies of pull answers).
inline std::string body_diff(const Bytes& capture, const Bytes& actual) {
  auto c = protocol::decode_stored_messages(capture);
  auto a = protocol::decode_stored_messages(actual);
  if (c.size() != a.size()) return " records " + std::to_string(a.size()) + " vs " + std::to_string(c.size());
  std::string out;
  for (size_t i = 0; i < c.size(); ++i) {
    const auto& x = c[i];
    const auto& y = a[i];
    auto field = [&](const char* name, auto cv, auto av) {
      if (!(cv == av)) out += std::string(" #") + std::to_string(i) + " " + name;
    };
    field("queueOffset", x.queue_offset, y.queue_offset);
    field("commitLogOffset", x.commit_log_offset, y.commit_log_offset);
    field("bornTimestamp", x.born_timestamp, y.born_timestamp);
    field("bornHost", x.born_host.to_string(), y.born_host.to_string());
    field("storeTimestamp", x.store_timestamp, y.store_timestamp);
    field("storeHost", x.store_host.to_string(), y.store_host.to_string());
    field("properties", x.properties_raw, y.properties_raw);
    field("body", x.body, y.body);
    field("topic", x.topic, y.topic);
    field("reconsumeTimes", x.reconsume_times, y.reconsume_times);
  }
  return out;
}

// "" when the fake's frame equals the captured one after masking; else both sides described.
inline std::string compare_frame(const std::string& name, const Bytes& captured, const Bytes& actual,
                                 bool* exact = nullptr) {
  if (exact) *exact = captured == actual;
  if (captured == actual) return "";
  auto cap = decode_frame(captured);
  auto act = decode_frame(actual);
  if (!cap || !act) return "undecodable frame";
  mask_run_dependent(name, *cap, *act);
  if (remoting::encode_frame(*act) == captured) return "";
  return "\n  capture: " + describe(*cap) + "\n  fake:    " + describe(*act) + body_diff(cap->body, act->body);
}

struct Outcome {
  std::string serialize;
  std::string file;
  std::string name;
  std::string diff;  // "" = matches the capture
  int64_t elapsed_ms = 0;
  bool byte_exact = false;  // equal without any masking
};

struct ReplayTiming {
  int64_t push_wait_ms = 50;          // after an answer, for pushes the capture does not expect
  int64_t waker_delay_ms = 700;       // pull_suspend_woken_by_send: the send follows the pull after this
  int64_t retry_check_ms = 2500;      // retry_max_30 / retry_pull_found, after the first send-back
  int64_t retry_after_level3_ms = 11500;  // retry_pull_after_10s
};

}  // namespace rmq::fake::test
