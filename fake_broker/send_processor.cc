// SEND_MESSAGE (10) and SEND_MESSAGE_V2 (310): SendMessageProcessor / AbstractSendMessageProcessor.msgCheck of
// 4.9.8, in their order of checks, with the answers the captures show (broker-send.jsonl).
#include <algorithm>

#include "fake_broker/broker_impl.h"

#include "core/protocol/header_fields.h"
#include "core/protocol/message_properties.h"
#include "core/protocol/perm.h"
#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"
#include "core/protocol/send_headers.h"

namespace rmq::fake {

// SendMessageRequestHeader as Java holds it after decoding (V2 converted field for field): null = missing or
// unparsable.
struct SendFields {
  std::optional<std::string> topic, default_topic, properties;
  std::optional<int32_t> default_queue_nums, queue_id, sys_flag, flag, reconsume_times, max_reconsume_times;
  std::optional<int64_t> born_timestamp;
};

namespace {

namespace resp = protocol::response_code;
namespace property = protocol::property;
using protocol::PropertyList;

constexpr std::string_view kHeaderClass = "SendMessageRequestHeader";
constexpr std::string_view kSendFrame = "SendMessageProcessor.asyncSendMessage(SendMessageProcessor.java)";

SendFields read_send_fields(const RemotingCommand& r) {
  const bool v2 = r.code != protocol::request_code::kSendMessage;
  auto key = [v2](std::string_view v1, std::string_view v2_key) { return v2 ? v2_key : v1; };
  SendFields f;
  f.topic = ext_string(r, key("topic", "b"));
  f.default_topic = ext_string(r, key("defaultTopic", "c"));
  f.default_queue_nums = ext_int(r, key("defaultTopicQueueNums", "d"));
  f.queue_id = ext_int(r, key("queueId", "e"));
  f.sys_flag = ext_int(r, key("sysFlag", "f"));
  f.born_timestamp = ext_long(r, key("bornTimestamp", "g"));
  f.flag = ext_int(r, key("flag", "h"));
  f.properties = ext_string(r, key("properties", "i"));
  f.reconsume_times = ext_int(r, key("reconsumeTimes", "j"));
  f.max_reconsume_times = ext_int(r, key("maxReconsumeTimes", "l"));
  return f;
}

remoting::ExtFields added_ext() {
  return remoting::ExtFields{{std::string(protocol::kMsgRegionKey), "DefaultRegion"},
                             {std::string(protocol::kTraceOnKey), "true"}};
}

// A failure from the send path: MSG_REGION and TRACE_ON stay, the header's fields are null.
RemotingCommand send_failure(const RemotingCommand& request, int32_t code, std::string remark) {
  RemotingCommand response = remoting::make_response(request, code, std::move(remark));
  response.ext_fields = request.header_serialize == remoting::SerializeType::kJson
                            ? protocol::merge_java_ext(added_ext(), {})
                            : protocol::merge_java_ext_fast(added_ext(), {});
  return response;
}

// The broker's stored properties: CLUSTER added, WAIT dropped, Java HashMap order (the WAIT entry is removed
// after ordering, as Java removes it from the filled map).
PropertyList stored_properties(const std::optional<std::string>& wire, const std::string& cluster) {
  PropertyList props = protocol::decode_properties(wire.value_or(""));
  protocol::set_property(props, property::kCluster, cluster);
  protocol::sort_properties_java_order(props);
  return props;
}

}  // namespace

void FakeBroker::Impl::handle_send(const RequestContext& ctx, RemotingCommand request, Responder respond) {
  const SendFields f = read_send_fields(request);
  const std::string topic = f.topic.value_or("");
  if (!protocol::is_writeable(broker_perm())) {
    const TopicConfig* existing = topics.find(topic);
    if (faults.reject_every_send || (existing != nullptr && existing->order)) {
      return respond(send_failure(request, resp::kNoPermission,
                                  "the broker[" + broker_ip + "] sending message is forbidden"));
    }
  }
  if (auto bad = validate_topic_name(topic)) return respond(send_failure(request, resp::kSystemError, *bad));
  if (is_not_allowed_send_topic(topic)) {
    return respond(send_failure(request, resp::kNoPermission, "Sending message to topic[" + topic + "] is forbidden."));
  }
  const TopicConfig* config = topics.find(topic);
  if (config == nullptr) {
    if (!f.default_topic) return respond(exception_response(request, npe_null_key()));
    if (!f.default_queue_nums) {
      return respond(exception_response(
          request, npe_unbox("Integer", kHeaderClass, "defaultTopicQueueNums",
                             "AbstractSendMessageProcessor.msgCheck(AbstractSendMessageProcessor.java)")));
    }
    bool created = false;
    config = topics.create_for_send(topic, *f.default_topic, *f.default_queue_nums, 0, &created);
    if (config == nullptr && is_retry_topic(topic)) {
      config = topics.create_for_send_back(topic, 1, protocol::kPermReadWrite, 0, &created);
    }
    if (created) register_with_name_server();
    if (config == nullptr) {
      return respond(send_failure(request, resp::kTopicNotExist,
                                  "topic[" + topic + "] not exist, apply first please!" + std::string(kFaqSuffix)));
    }
  }
  if (!f.queue_id) {
    return respond(exception_response(
        request, npe_unbox("Integer", kHeaderClass, "queueId",
                           "AbstractSendMessageProcessor.msgCheck(AbstractSendMessageProcessor.java:218)")));
  }
  if (*f.queue_id >= std::max(config->write_queue_nums, config->read_queue_nums)) {
    return respond(send_failure(request, resp::kSystemError,
                                "request queueId[" + std::to_string(*f.queue_id) + "] is illegal, " +
                                    config->to_java_string() + " Producer: " + ctx.channel->remote_address()));
  }
  int32_t queue_id = *f.queue_id;
  if (queue_id < 0) {
    // randomQueueId: nextInt(99999999) % writeQueueNums.
    auto n = static_cast<uint64_t>(std::max(config->write_queue_nums, 1));
    queue_id = static_cast<int32_t>(runtime::random_below(runtime, n));
  }
  std::string store_topic = topic;
  if (is_retry_topic(topic)) {
    // handleRetryAndDLQ: a retry message past its maximum goes to the group's DLQ.
    int32_t max_times = f.max_reconsume_times.value_or(16);
    if (f.reconsume_times.value_or(0) >= max_times) {
      store_topic = std::string(kDlqPrefix) + topic.substr(kRetryPrefix.size());
      queue_id = 0;
      create_send_back_topic(store_topic, 1, protocol::kPermWrite, 0);
    }
  }
  store_send(ctx, std::move(request), f, store_topic, queue_id, std::move(respond));
}

// asyncSendMessage after msgCheck: the remaining header fields, the message as stored, the answer.
void FakeBroker::Impl::store_send(const RequestContext& ctx, RemotingCommand request, const SendFields& f,
                                  const std::string& store_topic, int32_t queue_id, Responder respond) {
  if (!f.sys_flag) return respond(exception_response(request, npe_unbox("Integer", kHeaderClass, "sysFlag", kSendFrame)));
  if (!f.flag) return respond(exception_response(request, npe_unbox("Integer", kHeaderClass, "flag", kSendFrame)));
  if (!f.born_timestamp) {
    return respond(exception_response(
        request, npe_unbox("Long", kHeaderClass, "bornTimestamp",
                           "SendMessageProcessor.asyncSendMessage(SendMessageProcessor.java:297)")));
  }

  protocol::StoredMessage m;
  m.topic = store_topic;
  m.queue_id = queue_id;
  m.flag = *f.flag;
  m.sys_flag = *f.sys_flag;
  m.body = std::move(request.body);
  m.born_timestamp = *f.born_timestamp;
  m.born_host = host_address_of(ctx.channel->remote_address());
  m.store_host = store_host;
  m.reconsume_times = f.reconsume_times.value_or(0);
  m.properties = stored_properties(f.properties, options.cluster);
  auto wait = protocol::find_property(m.properties, property::kWaitStoreMsgOk);
  std::optional<std::string> wait_value = wait ? std::optional<std::string>(std::string(*wait)) : std::nullopt;
  protocol::erase_property(m.properties, property::kWaitStoreMsgOk);
  m.properties_raw = protocol::encode_properties(m.properties);
  if (wait_value) m.properties.emplace_back(std::string(property::kWaitStoreMsgOk), *wait_value);  // re-put

  PutResult put = store.put(std::move(m), runtime.wall_clock_ms());
  if (put.status != PutStatus::kOk) {
    return respond(send_failure(request, resp::kMessageIllegal,
                                "the message is illegal, maybe msg body or properties length not matched. msg body "
                                "length limit " + std::to_string(options.max_message_size) +
                                    "B, msg properties length limit 32KB."));
  }
  protocol::SendMessageResponseHeader header{put.msg_id, queue_id, put.queue_offset, std::nullopt};
  RemotingCommand response = remoting::make_response(request, resp::kSuccess);
  response.ext_fields = request.header_serialize == remoting::SerializeType::kJson
                            ? protocol::merge_java_ext(added_ext(), header.to_ext())
                            : protocol::merge_java_ext_fast(added_ext(), header.to_fast_ext());
  respond(std::move(response));
  message_stored(put);
}

void FakeBroker::Impl::message_stored(const PutResult& put) {
  ++stats.messages_stored;
  if (put.delay_level > 0) schedule_delivery(put.commit_offset, store.delay_ms(put.delay_level));
  wake_held_pulls(put.topic, put.queue_id, put.tags_code);
}

bool FakeBroker::Impl::create_send_back_topic(const std::string& topic, int32_t queue_nums, int32_t perm,
                                              int32_t sys_flag) {
  bool created = false;
  const TopicConfig* config = topics.create_for_send_back(topic, queue_nums, perm, sys_flag, &created);
  if (created) register_with_name_server();
  return config != nullptr;
}

}  // namespace rmq::fake
