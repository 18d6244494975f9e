// Client membership: HEART_BEAT (34), UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38) — ClientManageProcessor
// and ConsumerManageProcessor of 4.9.8 — and the NOTIFY_CONSUMER_IDS_CHANGED (40) pushes (broker-consumer.jsonl): a
// oneway JSON frame with ext consumerGroup to every channel of a group whose member set or topic set changed, sent
// right after the answer that changed it.
#include "fake_broker/broker_impl.h"

#include "core/protocol/consumer_list.h"
#include "core/protocol/heartbeat_data.h"
#include "core/protocol/perm.h"
#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"

namespace rmq::fake {
namespace {

namespace resp = protocol::response_code;

// HeartbeatData.decode is fastjson; the remark is its exception. The captured text is fastjson's for a body
// starting with 'n' (it tries the literal "new"); other malformed bodies get a generic fastjson-shaped text
// (documented deviation: fastjson's message depends on where and how the text breaks).
std::string fastjson_error(ByteView body) {
  if (!body.empty() && body.front() == 'n') {
    return "com.alibaba.fastjson.JSONException: error parse new, "
           "com.alibaba.fastjson.parser.JSONLexerBase.scanNullOrNew(JSONLexerBase.java:4703)";
  }
  if (body.empty()) return "java.lang.NullPointerException, java.base/java.lang.String.<init>(String.java)";
  return "com.alibaba.fastjson.JSONException: syntax error, "
         "com.alibaba.fastjson.parser.DefaultJSONParser.parse(DefaultJSONParser.java)";
}

RemotingCommand empty_header_response(const RemotingCommand& request, int32_t code,
                                      std::optional<std::string> remark = std::nullopt) {
  RemotingCommand response = remoting::make_response(request, code, std::move(remark));
  response.ext_fields = remoting::ExtFields{};  // a response header class with no (or only null) fields
  return response;
}

}  // namespace

void FakeBroker::Impl::handle_heartbeat(const RequestContext& ctx, RemotingCommand request, Responder respond) {
  auto parsed = protocol::parse_heartbeat_data(request.body);
  if (!parsed.ok()) return respond(exception_response(request, fastjson_error(request.body)));
  const protocol::HeartbeatData& heartbeat = parsed.value();
  ClientChannelInfo client{ctx.channel->id(), heartbeat.client_id};
  std::vector<GroupNotice> notices;
  for (const protocol::ConsumerData& data : heartbeat.consumer_data_set) {
    // The subscription group is auto-created (autoCreateSubscriptionGroup) and with it %RETRY%<group>.
    int32_t sys_flag = data.unit_mode ? 2 : 0;  // TopicSysFlag.buildSysFlag(false, true)
    create_send_back_topic(std::string(kRetryPrefix) + data.group_name, 1, protocol::kPermReadWrite, sys_flag);
    if (consumers.register_consumer(client, data)) {
      notices.push_back(GroupNotice{data.group_name, consumers.find(data.group_name)->channel_ids()});
    }
  }
  for (const protocol::ProducerData& data : heartbeat.producer_data_set) {
    consumers.register_producer(data.group_name, client);
  }
  respond(remoting::make_response(request, resp::kSuccess));
  for (const GroupNotice& notice : notices) notify_group(notice);
}

void FakeBroker::Impl::handle_unregister(const RequestContext& ctx, RemotingCommand request, Responder respond) {
  std::optional<GroupNotice> notice;
  if (auto group = ext_string(request, "producerGroup")) consumers.unregister_producer(*group, ctx.channel->id());
  if (auto group = ext_string(request, "consumerGroup")) notice = consumers.unregister_consumer(*group, ctx.channel->id());
  respond(empty_header_response(request, resp::kSuccess));
  if (notice) notify_group(*notice);
}

void FakeBroker::Impl::handle_consumer_list(const RequestContext&, RemotingCommand request, Responder respond) {
  auto group = ext_string(request, "consumerGroup");
  if (!group) return respond(exception_response(request, npe_null_key()));
  const ConsumerGroupInfo* info = consumers.find(*group);
  if (info == nullptr || info->channels.empty()) {
    return respond(empty_header_response(request, resp::kSystemError, "no consumer for this group, " + *group));
  }
  RemotingCommand response = empty_header_response(request, resp::kSuccess);
  response.body = protocol::encode_consumer_id_list(info->client_ids());
  respond(std::move(response));
}

void FakeBroker::Impl::notify_group(const GroupNotice& notice) {
  for (uint64_t channel_id : notice.channels) {
    RemotingCommand push = remoting::make_request(protocol::request_code::kNotifyConsumerIdsChanged,
                                                  next_push_opaque++, {{"consumerGroup", notice.group}});
    push.mark_oneway();
    if (server && server->send_to(channel_id, push)) ++stats.notifications;
  }
}

}  // namespace rmq::fake
