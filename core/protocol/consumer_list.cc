#include "core/protocol/consumer_list.h"

#include <boost/json.hpp>

#include "core/common/fastjson_writer.h"
#include "core/common/java_compat.h"
#include "core/common/java_compat.h"
#include "core/protocol/json_body.h"

namespace rmq::protocol {
namespace json = boost::json;
using detail::FieldReader;

namespace {

// The top-level object of a body, or an error naming what it is instead.
Result<json::value> parse_object(std::string_view text, std::string_view what) {
  Result<json::value> parsed = detail::parse_json(text, what);
  if (!parsed.ok()) return parsed.error();
  if (!parsed->is_object()) return detail::shape_error(what, "", "an object", *parsed);
  return parsed;
}

Result<std::vector<MessageQueueRef>> parse_queue_list(const json::array& items, std::string_view what,
                                                      std::string_view key) {
  std::vector<MessageQueueRef> queues;
  for (size_t i = 0; i < items.size(); ++i) {
    std::string path = detail::element_path("", key, i);
    if (!items[i].is_object()) return detail::shape_error(what, path, "an object", items[i]);
    FieldReader r(items[i].get_object(), what, path);
    MessageQueueRef q;
    r.string("topic", q.topic);
    r.string("brokerName", q.broker_name);
    r.int32("queueId", q.queue_id);
    if (!r.ok()) return r.error();
    queues.push_back(std::move(q));
  }
  return queues;
}

void write_queue_list(JsonWriter& w, const std::vector<MessageQueueRef>& queues) {
  w.begin_array();
  for (const MessageQueueRef& q : queues) {
    w.begin_object();
    w.key("brokerName").string(q.broker_name);
    w.key("queueId").number(q.queue_id);
    w.key("topic").string(q.topic);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

int32_t MessageQueueRef::java_hash_code() const {
  uint32_t h = 1;
  h = 31 * h + static_cast<uint32_t>(java_string_hash(broker_name));
  h = 31 * h + static_cast<uint32_t>(queue_id);
  h = 31 * h + static_cast<uint32_t>(java_string_hash(topic));
  return static_cast<int32_t>(h);
}

void sort_queues_java_order(std::vector<MessageQueueRef>& queues) {
  sort_java_hash_order(queues, [](const MessageQueueRef& q) { return q.java_hash_code(); });
}

Result<std::vector<std::string>> parse_consumer_id_list(std::string_view text) {
  constexpr std::string_view kWhat = "consumer list body";
  Result<json::value> parsed = parse_object(text, kWhat);
  if (!parsed.ok()) return parsed.error();
  FieldReader r(parsed->get_object(), kWhat, "");
  const json::array* ids = r.array("consumerIdList");
  if (!r.ok()) return r.error();
  std::vector<std::string> out;
  for (size_t i = 0; ids != nullptr && i < ids->size(); ++i) {
    if (!(*ids)[i].is_string()) {
      return detail::shape_error(kWhat, detail::element_path("", "consumerIdList", i), "a string", (*ids)[i]);
    }
    out.emplace_back((*ids)[i].get_string());
  }
  return out;
}

std::string encode_consumer_id_list(const std::vector<std::string>& consumer_ids) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("consumerIdList").begin_array();
  for (const std::string& id : consumer_ids) w.string(id);
  w.end_array().end_object();
  return out;
}

Result<LockBatchRequestBody> parse_lock_batch_request(std::string_view text) {
  constexpr std::string_view kWhat = "lock batch request body";
  Result<json::value> parsed = parse_object(text, kWhat);
  if (!parsed.ok()) return parsed.error();
  FieldReader r(parsed->get_object(), kWhat, "");
  LockBatchRequestBody body;
  r.string("consumerGroup", body.consumer_group);
  r.string("clientId", body.client_id);
  const json::array* mqs = r.array("mqSet");
  if (!r.ok()) return r.error();
  if (mqs != nullptr) {
    Result<std::vector<MessageQueueRef>> queues = parse_queue_list(*mqs, kWhat, "mqSet");
    if (!queues.ok()) return queues.error();
    body.mq_set = std::move(queues).value();
  }
  return body;
}

std::string encode_lock_batch_request(const LockBatchRequestBody& body) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("clientId").string(body.client_id);
  w.key("consumerGroup").string(body.consumer_group);
  w.key("mqSet");
  write_queue_list(w, body.mq_set);
  w.end_object();
  return out;
}

Result<std::vector<MessageQueueRef>> parse_lock_batch_response(std::string_view text) {
  constexpr std::string_view kWhat = "lock batch response body";
  Result<json::value> parsed = parse_object(text, kWhat);
  if (!parsed.ok()) return parsed.error();
  FieldReader r(parsed->get_object(), kWhat, "");
  const json::array* mqs = r.array("lockOKMQSet");
  if (!r.ok()) return r.error();
  if (mqs == nullptr) return std::vector<MessageQueueRef>{};
  return parse_queue_list(*mqs, kWhat, "lockOKMQSet");
}

std::string encode_lock_batch_response(const std::vector<MessageQueueRef>& lock_ok_mq_set) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("lockOKMQSet");
  write_queue_list(w, lock_ok_mq_set);
  w.end_object();
  return out;
}

}  // namespace rmq::protocol
