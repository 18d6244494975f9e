// Consumer offsets and queue offsets: QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15), SEARCH_OFFSET_BY_
// TIMESTAMP (29), GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32) — ConsumerManageProcessor
// and AdminBrokerProcessor of 4.9.8 as broker-offsets.jsonl shows them: unknown topics and queues answer 0, any
// committed offset is accepted, a new group reads 0 on a young queue (configurable: 22).
#include "fake_broker/broker_impl.h"

#include "core/protocol/response_code.h"

namespace rmq::fake {
namespace {

namespace resp = protocol::response_code;

std::string offset_key(const std::string& group, const std::string& topic) { return topic + "@" + group; }

// A Java String concatenation of a null field reads "null".
std::string or_null(const std::optional<std::string>& s) { return s.value_or("null"); }

RemotingCommand with_field(const RemotingCommand& request, std::string_view key, int64_t value) {
  RemotingCommand response = remoting::make_response(request, resp::kSuccess);
  response.ext_fields = remoting::ExtFields{{std::string(key), std::to_string(value)}};
  return response;
}

}  // namespace

void FakeBroker::Impl::commit_offset(const std::string& group, const std::string& topic, int32_t queue_id,
                                     int64_t offset) {
  offsets[offset_key(group, topic)][queue_id] = offset;
}

std::optional<int64_t> FakeBroker::Impl::query_offset(const std::string& group, const std::string& topic,
                                                      int32_t queue_id) const {
  auto t = offsets.find(offset_key(group, topic));
  if (t == offsets.end()) return std::nullopt;
  auto q = t->second.find(queue_id);
  return q == t->second.end() ? std::nullopt : std::optional<int64_t>(q->second);
}

void FakeBroker::Impl::handle_query_offset(const RequestContext&, RemotingCommand request, Responder respond) {
  auto queue_id = ext_int(request, "queueId");
  if (!queue_id) {
    return respond(exception_response(
        request, npe_unbox("Integer", "QueryConsumerOffsetRequestHeader", "queueId",
                           "ConsumerManageProcessor.queryConsumerOffset(ConsumerManageProcessor.java)")));
  }
  std::string group = or_null(ext_string(request, "consumerGroup"));
  std::string topic = or_null(ext_string(request, "topic"));
  if (auto offset = query_offset(group, topic, *queue_id)) return respond(with_field(request, "offset", *offset));
  // queryConsumerOffset: no committed offset -> 0 while the queue still starts at 0 and is in memory.
  if (options.new_group_offset_zero && store.min_offset(topic, *queue_id) <= 0) {
    return respond(with_field(request, "offset", 0));
  }
  RemotingCommand response = remoting::make_response(
      request, resp::kQueryNotFound, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
  response.ext_fields = remoting::ExtFields{};
  respond(std::move(response));
}

void FakeBroker::Impl::handle_update_offset(const RequestContext&, RemotingCommand request, Responder respond) {
  constexpr std::string_view kClass = "UpdateConsumerOffsetRequestHeader";
  auto queue_id = ext_int(request, "queueId");
  auto commit = ext_long(request, "commitOffset");
  if (!queue_id) {
    return respond(exception_response(
        request, npe_unbox("Integer", kClass, "queueId",
                           "ConsumerManageProcessor.updateConsumerOffset(ConsumerManageProcessor.java)")));
  }
  if (!commit) {
    return respond(exception_response(
        request, npe_unbox("Long", kClass, "commitOffset",
                           "ConsumerManageProcessor.updateConsumerOffset(ConsumerManageProcessor.java:112)")));
  }
  commit_offset(or_null(ext_string(request, "consumerGroup")), or_null(ext_string(request, "topic")), *queue_id,
                *commit);
  RemotingCommand response = remoting::make_response(request, resp::kSuccess);
  response.ext_fields = remoting::ExtFields{};  // UpdateConsumerOffsetResponseHeader has no fields
  respond(std::move(response));  // dropped for a oneway request, as Java writes nothing back
}

namespace {
// The queue lookups of AdminBrokerProcessor: a null topic is a map key, a null queueId an unboxing.
template <class Fn>
void queue_lookup(const RemotingCommand& request, std::string_view header_class, std::string_view method,
                  const Responder& respond, Fn fn) {
  auto topic = ext_string(request, "topic");
  auto queue_id = ext_int(request, "queueId");
  if (!topic) return respond(exception_response(request, npe_null_key()));
  if (!queue_id) {
    return respond(exception_response(
        request, npe_unbox("Integer", header_class, "queueId",
                           "AdminBrokerProcessor." + std::string(method) + "(AdminBrokerProcessor.java)")));
  }
  fn(*topic, *queue_id);
}
}  // namespace

void FakeBroker::Impl::handle_get_max_offset(const RequestContext&, RemotingCommand request, Responder respond) {
  queue_lookup(request, "GetMaxOffsetRequestHeader", "getMaxOffset", respond, [&](const std::string& t, int32_t q) {
    respond(with_field(request, "offset", store.max_offset(t, q)));
  });
}

void FakeBroker::Impl::handle_get_min_offset(const RequestContext&, RemotingCommand request, Responder respond) {
  queue_lookup(request, "GetMinOffsetRequestHeader", "getMinOffset", respond, [&](const std::string& t, int32_t q) {
    respond(with_field(request, "offset", store.min_offset(t, q)));
  });
}

void FakeBroker::Impl::handle_search_offset(const RequestContext&, RemotingCommand request, Responder respond) {
  queue_lookup(request, "SearchOffsetRequestHeader", "searchOffsetByTimestamp", respond,
               [&](const std::string& t, int32_t q) {
                 auto timestamp = ext_long(request, "timestamp");
                 if (!timestamp) {
                   return respond(exception_response(
                       request, npe_unbox("Long", "SearchOffsetRequestHeader", "timestamp",
                                          "AdminBrokerProcessor.searchOffsetByTimestamp(AdminBrokerProcessor.java)")));
                 }
                 respond(with_field(request, "offset", store.search_offset_by_time(t, q, *timestamp)));
               });
}

void FakeBroker::Impl::handle_earliest_time(const RequestContext&, RemotingCommand request, Responder respond) {
  queue_lookup(request, "GetEarliestMsgStoretimeRequestHeader", "getEarliestMsgStoretime", respond,
               [&](const std::string& t, int32_t q) {
                 respond(with_field(request, "timestamp", store.earliest_store_time(t, q)));
               });
}

}  // namespace rmq::fake
