// CONSUMER_SEND_MSG_BACK (36): SendMessageProcessor.asyncConsumerSendMsgBack of 4.9.8 — the message found by its
// commit-log offset goes to %RETRY%<group> with a delay level (0 = 3 + reconsumeTimes), or to %DLQ%<group> when
// the level is negative or reconsumeTimes reached the maximum — and the delayed delivery of ScheduleMessageService
// (the schedule record is re-stored in its real topic when its delay has passed; a runtime timer here, exact, where
// the real service polls every 100 ms).
#include "fake_broker/broker_impl.h"

#include "core/protocol/header_fields.h"
#include "core/protocol/message_properties.h"
#include "core/protocol/perm.h"
#include "core/protocol/response_code.h"

namespace rmq::fake {
namespace {

namespace resp = protocol::response_code;
namespace property = protocol::property;
constexpr std::string_view kHeaderClass = "ConsumerSendMsgBackRequestHeader";
constexpr std::string_view kFrame = "SendMessageProcessor.asyncConsumerSendMsgBack(SendMessageProcessor.java)";

}  // namespace

void FakeBroker::Impl::handle_send_back(const RequestContext&, RemotingCommand request, Responder respond) {
  auto group = ext_string(request, "group");
  if (!group) return respond(exception_response(request, npe_null_key()));  // subscription group lookup
  if (!protocol::is_writeable(broker_perm())) {
    return respond(remoting::make_response(request, resp::kNoPermission,
                                           "the broker[" + broker_ip + "] sending message is forbidden"));
  }
  std::string topic = std::string(kRetryPrefix) + *group;
  int32_t queue_id = 0;  // random % retryQueueNums (1)
  create_send_back_topic(topic, 1, protocol::kPermReadWrite, ext_bool(request, "unitMode") ? 2 : 0);
  auto offset = ext_long(request, "offset");
  if (!offset) return respond(exception_response(request, npe_unbox("Long", kHeaderClass, "offset", kFrame)));
  auto original = store.look_by_commit_offset(*offset);
  if (!original) {
    return respond(remoting::make_response(request, resp::kSystemError,
                                           "look message by offset failed, " + std::to_string(*offset)));
  }
  protocol::PropertyList props = original->properties;  // the stored string's order = HashMap insertion order
  if (!protocol::find_property(props, property::kRetryTopic)) {
    protocol::set_property(props, property::kRetryTopic, original->topic);
  }
  protocol::set_property(props, property::kWaitStoreMsgOk, "false");
  auto delay = ext_int(request, "delayLevel");
  if (!delay) return respond(exception_response(request, npe_unbox("Integer", kHeaderClass, "delayLevel", kFrame)));
  int32_t max_times = ext_int(request, "maxReconsumeTimes").value_or(16);  // else the group's retryMaxTimes
  int32_t level = *delay;
  if (original->reconsume_times >= max_times || level < 0) {
    topic = std::string(kDlqPrefix) + *group;
    queue_id = 0;
    create_send_back_topic(topic, 1, protocol::kPermReadWrite, 0);
    level = 0;
  } else if (level == 0) {
    level = 3 + original->reconsume_times;
  }
  protocol::set_property(props, property::kDelayTimeLevel, std::to_string(level));
  auto origin = protocol::find_property(props, property::kOriginMessageId);
  std::string origin_id = origin && !origin->empty() ? std::string(*origin) : original->msg_id();
  protocol::set_property(props, property::kOriginMessageId, origin_id);
  protocol::sort_properties_java_order(props);

  protocol::StoredMessage m;
  m.topic = topic;
  m.queue_id = queue_id;
  m.body = original->body;
  m.flag = original->flag;
  m.sys_flag = original->sys_flag;
  m.born_timestamp = original->born_timestamp;
  m.born_host = original->born_host;
  m.store_host = original->store_host;
  m.reconsume_times = original->reconsume_times + 1;
  m.properties_raw = protocol::encode_properties(props);
  m.properties = std::move(props);
  PutResult put = store.put(std::move(m), runtime.wall_clock_ms());
  if (put.status != PutStatus::kOk) {
    return respond(remoting::make_response(request, resp::kSystemError, "MESSAGE_ILLEGAL"));
  }
  respond(remoting::make_response(request, resp::kSuccess));
  message_stored(put);
}

void FakeBroker::Impl::schedule_delivery(int64_t commit_offset, int64_t delay_ms) {
  PendingDelivery& d = deliveries[commit_offset];
  d.due = runtime.now() + runtime::millis(delay_ms);
  std::weak_ptr<int> token = alive;
  d.timer = runtime.after(runtime::millis(delay_ms), [this, token, commit_offset] {
    if (!token.expired()) deliver_delayed(commit_offset);
  });
}

void FakeBroker::Impl::rearm_deliveries() {
  std::vector<std::pair<int64_t, int64_t>> due;
  for (const auto& [offset, d] : deliveries) {
    due.emplace_back(offset, std::max<int64_t>(0, (d.due - runtime.now()) / runtime::kMicrosPerMilli));
  }
  for (const auto& [offset, delay_ms] : due) schedule_delivery(offset, delay_ms);
}

void FakeBroker::Impl::deliver_delayed(int64_t commit_offset) {
  deliveries.erase(commit_offset);
  if (!running) return;
  auto scheduled = store.look_by_commit_offset(commit_offset);
  if (!scheduled) return;
  auto real_topic = protocol::find_property(scheduled->properties, property::kRealTopic);
  auto real_queue = protocol::find_property(scheduled->properties, property::kRealQueueId);
  if (!real_topic || !real_queue) return;
  // messageTimeup: the properties string is re-encoded before DELAY is cleared from the map, so it keeps DELAY,
  // REAL_TOPIC and REAL_QID; the cleared DELAY keeps the store from delaying it again.
  protocol::StoredMessage m;
  m.topic = std::string(*real_topic);
  m.queue_id = protocol::parse_java_int(*real_queue).value_or(0);
  m.body = scheduled->body;
  m.flag = scheduled->flag;
  m.sys_flag = scheduled->sys_flag;
  m.born_timestamp = scheduled->born_timestamp;
  m.born_host = scheduled->born_host;
  m.store_host = scheduled->store_host;
  m.reconsume_times = scheduled->reconsume_times;
  protocol::PropertyList props = scheduled->properties;
  protocol::sort_properties_java_order(props);
  m.properties_raw = protocol::encode_properties(props);
  protocol::erase_property(props, property::kDelayTimeLevel);
  m.properties = std::move(props);
  PutResult put = store.put(std::move(m), runtime.wall_clock_ms());
  if (put.status == PutStatus::kOk) message_stored(put);
}

}  // namespace rmq::fake
