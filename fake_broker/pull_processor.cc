// PULL_MESSAGE (11): PullMessageProcessor.processRequest and PullRequestHoldService of 4.9.8 (broker-pull.jsonl).
// Long polling: a pull whose result is PULL_NOT_FOUND (19) with the SUSPEND flag is held; a message arriving on
// its queue that passes its filter wakes it at once; otherwise it is answered exactly when its suspend time has
// passed (the real broker checks every 5 s: a deliberate deviation). Re-executed pulls answer in JSON, as Java's
// wakeup path writes a fresh command with the default serialization.
#include <algorithm>

#include "fake_broker/broker_impl.h"

#include "core/protocol/perm.h"
#include "core/protocol/pull_headers.h"
#include "core/protocol/response_code.h"
#include "core/protocol/sys_flags.h"

namespace rmq::fake {
namespace {

namespace resp = protocol::response_code;
namespace psf = protocol::pull_sys_flag;

constexpr std::string_view kHeaderClass = "PullMessageRequestHeader";
constexpr std::string_view kFrame = "PullMessageProcessor.processRequest(PullMessageProcessor.java)";

int32_t pull_code(GetStatus status, int64_t requested_offset) {
  switch (status) {
    case GetStatus::kFound: return resp::kSuccess;
    case GetStatus::kNoMatchedMessage: return resp::kPullRetryImmediately;
    case GetStatus::kNoMessageInQueue: return requested_offset != 0 ? resp::kPullOffsetMoved : resp::kPullNotFound;
    case GetStatus::kOffsetOverflowBadly: return resp::kPullOffsetMoved;
    case GetStatus::kOffsetOverflowOne: return resp::kPullNotFound;
    case GetStatus::kOffsetTooSmall: return resp::kPullOffsetMoved;
  }
  return resp::kSystemError;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

void FakeBroker::Impl::handle_pull(const RequestContext& ctx, RemotingCommand request, Responder respond) {
  process_pull(ctx.channel, request, /*allow_suspend=*/true, /*wakeup=*/false, std::move(respond));
}

// PullMessageRequestHeader as Java holds it after decoding: null = missing or unparsable.
struct PullFields {
  std::optional<std::string> group, topic;
  std::optional<int32_t> queue_id, max_nums, sys_flag;
  std::optional<int64_t> offset, sub_version;
};

void FakeBroker::Impl::process_pull(const ChannelPtr& channel, const RemotingCommand& request, bool allow_suspend,
                                    bool wakeup, Responder respond) {
  PullFields f{ext_string(request, "consumerGroup"), ext_string(request, "topic"), ext_int(request, "queueId"),
               ext_int(request, "maxMsgNums"),     ext_int(request, "sysFlag"),    ext_long(request, "queueOffset"),
               ext_long(request, "subVersion")};
  auto npe = [&](std::string_view box, std::string_view field, std::string_view frame = kFrame) {
    respond(exception_response(request, npe_unbox(box, kHeaderClass, field, frame)));
  };
  // The fields Java unboxes before reaching the store, in the order it does (group and topic are map keys).
  if (!f.group) return respond(exception_response(request, npe_null_key()));
  if (!f.sys_flag) return npe("Integer", "sysFlag");
  if (!f.topic) return respond(exception_response(request, npe_null_key()));
  if (!f.queue_id) return npe("Integer", "queueId");
  if (!f.offset) return npe("Long", "queueOffset", "PullMessageProcessor.processRequest(PullMessageProcessor.java:241)");
  if (!f.max_nums) return npe("Integer", "maxMsgNums");

  RemotingCommand response = remoting::make_response(request, resp::kSystemError);
  if (wakeup) response.header_serialize = remoting::SerializeType::kJson;
  auto fail = [&](int32_t code, std::string remark) {
    response.code = code;
    response.remark = std::move(remark);
    response.ext_fields = remoting::ExtFields{};  // the header was created, its fields stayed null
    respond(std::move(response));
  };
  const TopicConfig* config = topics.find(*f.topic);
  if (config == nullptr) {
    return fail(resp::kTopicNotExist, "topic[" + *f.topic + "] not exist, apply first please! " + std::string(kFaqSuffix));
  }
  if (!protocol::is_readable(config->perm)) return fail(resp::kNoPermission, "the topic[" + *f.topic + "] pulling message is forbidden");
  if (*f.queue_id < 0 || *f.queue_id >= config->read_queue_nums) {
    return fail(resp::kSystemError, "queueId[" + std::to_string(*f.queue_id) + "] is illegal, topic:[" + *f.topic +
                                        "] topicConfig.readQueueNums:[" + std::to_string(config->read_queue_nums) +
                                        "] consumer:[/" + channel->remote_address() + "]");
  }
  protocol::SubscriptionData subscription;
  if (auto error = pull_subscription(request, f, subscription)) {
    if (error->first < 0) return npe("Long", "subVersion");
    return fail(error->first, std::move(error->second));
  }
  answer_pull(channel, request, f, subscription, allow_suspend, std::move(response), std::move(respond));
}

// The subscription a pull filters with: from the request (SUBSCRIPTION flag) or the group's heartbeat. An error is
// (code, remark); code -1 = the request's subVersion is null.
std::optional<std::pair<int32_t, std::string>> FakeBroker::Impl::pull_subscription(
    const RemotingCommand& request, const PullFields& f, protocol::SubscriptionData& out) const {
  using Error = std::pair<int32_t, std::string>;
  if (psf::has_subscription(*f.sys_flag)) {
    auto built = protocol::build_subscription_data(*f.topic, ext_string(request, "subscription").value_or("*"),
                                                   ext_string(request, "expressionType").value_or("TAG"),
                                                   f.sub_version.value_or(0));
    if (!built.ok()) return Error{resp::kSubscriptionParseFailed, "parse the consumer's subscription failed"};
    out = std::move(built.value());
  } else {
    const ConsumerGroupInfo* info = consumers.find(*f.group);
    if (info == nullptr) return Error{resp::kSubscriptionNotExist, "the consumer's group info not exist" + std::string(kFaqSuffix)};
    auto it = info->subscriptions.find(*f.topic);
    if (it == info->subscriptions.end()) {
      return Error{resp::kSubscriptionNotExist, "the consumer's subscription not exist" + std::string(kFaqSuffix)};
    }
    if (!f.sub_version) return Error{-1, ""};
    if (it->second.sub_version < *f.sub_version) return Error{resp::kSubscriptionNotLatest, "the consumer's subscription not latest"};
    out = it->second;
  }
  if (out.effective_expression_type() != protocol::kExpressionTypeTag) {
    return Error{resp::kSystemError,
                 "The broker does not support consumer to filter message by " + std::string(out.effective_expression_type())};
  }
  return std::nullopt;
}

// The store lookup and its answer: status -> code, suspend, OFFSET_MOVED_EVENT, commit-offset piggyback.
void FakeBroker::Impl::answer_pull(const ChannelPtr& channel, const RemotingCommand& request, const PullFields& f,
                                   const protocol::SubscriptionData& subscription, bool allow_suspend,
                                   RemotingCommand response, Responder respond) {
  GetResult got = store.get(*f.topic, *f.queue_id, *f.offset, *f.max_nums, &subscription);
  protocol::PullMessageResponseHeader header{0, got.next_begin_offset, got.min_offset, got.max_offset};
  response.code = pull_code(got.status, *f.offset);
  response.remark = get_status_name(got.status);
  response.ext_fields =
      response.header_serialize == remoting::SerializeType::kJson ? header.to_ext() : header.to_fast_ext();
  if (response.code == resp::kSuccess) response.body = std::move(got.body);
  bool held_now = false;
  if (response.code == resp::kPullNotFound && allow_suspend && psf::has_suspend(*f.sys_flag)) {
    int64_t timeout = std::min(ext_long(request, "suspendTimeoutMillis").value_or(0), options.long_polling_suspend_max_ms);
    hold_pull(channel, request, timeout, subscription, respond);
    held_now = true;
  }
  if (response.code == resp::kPullOffsetMoved) {
    store_offset_moved_event(*f.group, *f.topic, *f.queue_id, *f.offset, got.next_begin_offset);
  }
  if (allow_suspend && psf::has_commit_offset(*f.sys_flag)) {
    if (auto commit = ext_long(request, "commitOffset")) commit_offset(*f.group, *f.topic, *f.queue_id, *commit);
  }
  if (!held_now) respond(std::move(response));
}

void FakeBroker::Impl::hold_pull(const ChannelPtr& channel, const RemotingCommand& request, int64_t timeout_ms,
                                 std::optional<protocol::SubscriptionData> filter, Responder respond) {
  uint64_t id = next_hold_id++;
  HeldPull h;
  h.channel = channel;
  h.request = request;
  h.topic = std::string(*request.ext("topic"));
  h.queue_id = *ext_int(request, "queueId");
  h.offset = *ext_long(request, "queueOffset");
  h.filter = std::move(filter);
  h.respond = std::move(respond);
  std::weak_ptr<int> token = alive;
  h.timer = runtime.after(runtime::millis(std::max<int64_t>(timeout_ms, 0)), [this, token, id] {
    if (!token.expired()) wake_held_pull(id);
  });
  held.emplace(id, std::move(h));
}

void FakeBroker::Impl::wake_held_pulls(const std::string& topic, int32_t queue_id, int64_t tags_code) {
  std::vector<uint64_t> ready;
  for (const auto& [id, h] : held) {
    if (h.topic != topic || h.queue_id != queue_id) continue;
    // PullRequestHoldService.notifyMessageArriving: newer than the pull's offset and passing its filter.
    if (store.max_offset(topic, queue_id) > h.offset && tags_code_matches(h.filter ? &*h.filter : nullptr, tags_code)) {
      ready.push_back(id);
    }
  }
  for (uint64_t id : ready) wake_held_pull(id);
}

void FakeBroker::Impl::wake_held_pull(uint64_t id) {
  auto it = held.find(id);
  if (it == held.end()) return;
  HeldPull h = std::move(it->second);
  held.erase(it);
  runtime.cancel(h.timer);
  auto channel = h.channel.lock();
  if (!channel || !channel->is_open()) return;
  process_pull(channel, h.request, /*allow_suspend=*/false, /*wakeup=*/true, std::move(h.respond));
}

void FakeBroker::Impl::store_offset_moved_event(const std::string& group, const std::string& topic,
                                                int32_t queue_id, int64_t requested, int64_t next) {
  // PullMessageProcessor.generateOffsetMovedEvent: a system message whose size moves the commit log as on a real
  // broker (the msgIds of later sends depend on it).
  protocol::StoredMessage m;
  m.topic = std::string(kOffsetMovedEventTopic);
  m.queue_id = 0;
  m.body = "{\"consumerGroup\":" + json_string(group) + ",\"messageQueue\":{\"brokerName\":" +
           json_string(options.broker_name) + ",\"queueId\":" + std::to_string(queue_id) +
           ",\"topic\":" + json_string(topic) + "},\"offsetNew\":" + std::to_string(next) +
           ",\"offsetRequest\":" + std::to_string(requested) + "}";
  m.properties = {{std::string(protocol::property::kTags), group},
                  {std::string(protocol::property::kDelayTimeLevel), "0"},
                  {std::string(protocol::property::kKeys), group}};
  protocol::sort_properties_java_order(m.properties);
  m.properties_raw = protocol::encode_properties(m.properties);
  m.born_timestamp = runtime.wall_clock_ms();
  m.born_host = store_host;
  m.store_host = store_host;
  PutResult put = store.put(std::move(m), runtime.wall_clock_ms());
  if (put.status == PutStatus::kOk) message_stored(put);
}

}  // namespace rmq::fake
