#include "core/consumer/consumer_api.h"

#include <algorithm>
#include <utility>

#include "core/producer/send_kernel.h"
#include "core/protocol/consumer_headers.h"
#include "core/protocol/consumer_list.h"
#include "core/protocol/header_fields.h"
#include "core/protocol/message_codec.h"
#include "core/protocol/offset_headers.h"
#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"

namespace rmq::consumer {

using client::ClientError;
using client::JavaException;
using remoting::RemotingCommand;
namespace request_code = protocol::request_code;
namespace response_code = protocol::response_code;

namespace {

// A synchronous call's answer: the response whatever its code, or the RemotingException invokeSync threw.
using SyncAnswer = std::variant<RemotingCommand, ClientError>;

// Integer.toBinaryString: the two's-complement bits without leading zeros.
std::string java_binary_string(int32_t value) {
  auto bits = static_cast<uint32_t>(value);
  if (bits == 0) return "0";
  std::string out;
  for (; bits != 0; bits >>= 1) out.push_back((bits & 1) ? '1' : '0');
  std::reverse(out.begin(), out.end());
  return out;
}

// RemotingCommand.toString() of a request after it was written. With the ROCKETMQ serialization a
// FastCodesHeader (PULL_MESSAGE's) is written straight from the header object, so extFields stays null.
std::string java_request_string(const RemotingCommand& cmd) {
  remoting::SerializeType serialize = cmd.serialize_type_current_rpc.value_or(cmd.header_serialize);
  std::string ext = "null";
  bool fast_header = serialize == remoting::SerializeType::kRocketMq && cmd.code == request_code::kPullMessage;
  if (cmd.ext_fields && !fast_header) {
    ext = "{";
    bool first = true;
    for (const auto& [key, value] : cmd.ext_fields->entries()) {
      ext += (first ? "" : ", ") + key + "=" + value;
      first = false;
    }
    ext += "}";
  }
  return "RemotingCommand [code=" + std::to_string(cmd.code) +
         ", language=" + std::string(remoting::language_name(cmd.language).value_or("null")) +
         ", version=" + std::to_string(cmd.version) + ", opaque=" + std::to_string(cmd.opaque) +
         ", flag(B)=" + java_binary_string(cmd.flag) + ", remark=" + cmd.remark.value_or("null") +
         ", extFields=" + ext + ", serializeTypeCurrentRPC=" + std::string(remoting::serialize_type_name(serialize)) +
         "]";
}

ClientError broker_error(const RemotingCommand& response, const std::string& addr) {
  return client::mq_broker_error(response.code, response.remark.value_or("null"), addr);
}

ClientError command_error(const Error& error) {
  return ClientError{JavaException::kRemotingCommandException, -1, error.message, {}};
}

// fastjson's JSONException escaping a body decode (unchecked, as the route lookup reports it).
ClientError json_error(const Error& error) {
  return ClientError{JavaException::kIllegalStateException, -1, "com.alibaba.fastjson.JSONException: " + error.message,
                     {}};
}

const remoting::ExtFields& ext_of(const RemotingCommand& cmd) {
  static const remoting::ExtFields kEmpty;
  return cmd.ext_fields ? *cmd.ext_fields : kEmpty;
}

std::optional<PullStatus> pull_status_of(int32_t code) {
  switch (code) {
    case response_code::kSuccess: return PullStatus::kFound;
    case response_code::kPullNotFound: return PullStatus::kNoNewMsg;
    case response_code::kPullRetryImmediately: return PullStatus::kNoMatchedMsg;
    case response_code::kPullOffsetMoved: return PullStatus::kOffsetIllegal;
    default: return std::nullopt;
  }
}

// MQClientAPIImpl.processPullResponse.
ApiOutcome<PullResult> process_pull_response(RemotingCommand& response, const std::string& addr) {
  std::optional<PullStatus> status = pull_status_of(response.code);
  if (!status) return broker_error(response, addr);
  auto header = protocol::PullMessageResponseHeader::from_ext(ext_of(response));
  if (!header.ok()) return command_error(header.error());
  PullResult result;
  result.status = *status;
  result.next_begin_offset = header->nextBeginOffset;
  result.min_offset = header->minOffset;
  result.max_offset = header->maxOffset;
  result.suggest_which_broker_id = header->suggestWhichBrokerId;
  result.message_binary = std::move(response.body);
  return result;
}

// pullMessageAsync's InvokeCallback when no response came: the future's state as the MQClientException Java
// builds. A failure invokeAsync itself threw (connect, permits) reaches the caller as that RemotingException.
ClientError pull_failure(const remoting::RemotingError& error, const std::string& addr,
                         const std::string& request_text) {
  if (!error.from_future) return client::from_remoting(error);
  if (error.kind == remoting::RemotingErrorKind::kSendRequest)
    return client::mq_client_error_plain("send request failed to " + addr + ". Request: " + request_text);
  if (error.kind == remoting::RemotingErrorKind::kTimeout)
    return client::mq_client_error_plain("wait response from " + addr + " timeout :" +
                                         std::to_string(error.timeout_ms) + "ms. Request: " + request_text);
  return client::mq_client_error_plain("unknown reason. addr: " + addr + ", timeoutMillis: " +
                                       std::to_string(error.timeout_ms) + ". Request: " + request_text);
}

// The queue's offset header answer (codes 14, 29, 30): `offset` on SUCCESS, else MQBrokerException.
template <typename Header>
ApiOutcome<int64_t> offset_answer(const SyncAnswer& answer, const std::string& addr) {
  if (auto* error = std::get_if<ClientError>(&answer)) return *error;
  const auto& response = std::get<RemotingCommand>(answer);
  if (response.code != response_code::kSuccess) return broker_error(response, addr);
  auto header = Header::from_ext(ext_of(response));
  if (!header.ok()) return command_error(header.error());
  return header->offset;
}

std::optional<ClientError> status_answer(const SyncAnswer& answer, const std::string& addr) {
  if (auto* error = std::get_if<ClientError>(&answer)) return *error;
  const auto& response = std::get<RemotingCommand>(answer);
  if (response.code != response_code::kSuccess) return broker_error(response, addr);
  return std::nullopt;
}

}  // namespace

std::string_view pull_status_name(PullStatus status) {
  switch (status) {
    case PullStatus::kFound: return "FOUND";
    case PullStatus::kNoNewMsg: return "NO_NEW_MSG";
    case PullStatus::kNoMatchedMsg: return "NO_MATCHED_MSG";
    case PullStatus::kOffsetIllegal: return "OFFSET_ILLEGAL";
  }
  return "UNKNOWN";
}

void ConsumerApi::pull_message(const std::string& addr, const protocol::PullMessageRequestHeader& header,
                               int64_t timeout_ms, std::function<void(ApiOutcome<PullResult>)> done) {
  bool binary = instance_.config().serialize_type == remoting::SerializeType::kRocketMq;
  RemotingCommand request =
      instance_.api().make_request(request_code::kPullMessage, binary ? header.to_fast_ext() : header.to_ext());
  std::string request_text = java_request_string(request);
  instance_.remoting().invoke_async(
      addr, std::move(request), timeout_ms,
      [addr, request_text = std::move(request_text), done = std::move(done)](remoting::InvokeResult result) {
        if (auto* error = std::get_if<remoting::RemotingError>(&result))
          return done(pull_failure(*error, addr, request_text));
        done(process_pull_response(std::get<RemotingCommand>(result), addr));
      });
}

// Every synchronous consumer call goes to MixAll.brokerVIPChannel(addr); its errors name `addr` itself.
namespace {
void invoke_broker_sync(client::ClientInstance& instance, const std::string& addr, RemotingCommand request,
                        int64_t timeout_ms, std::function<void(SyncAnswer)> done) {
  std::string target = producer::broker_vip_channel(instance.config().vip_channel_enabled, addr);
  instance.remoting().invoke_sync(target, std::move(request), timeout_ms,
                                  [done = std::move(done)](remoting::InvokeResult result) {
                                    if (auto* error = std::get_if<remoting::RemotingError>(&result))
                                      return done(client::from_remoting(*error));
                                    done(std::get<RemotingCommand>(std::move(result)));
                                  });
}
}  // namespace

void ConsumerApi::query_consumer_offset(const std::string& addr, const std::string& group,
                                        const client::MessageQueue& mq, int64_t timeout_ms,
                                        std::function<void(ApiOutcome<int64_t>)> done) {
  protocol::QueryConsumerOffsetRequestHeader header{group, mq.topic, mq.queue_id, mq.broker_name};
  auto request = instance_.api().make_request(request_code::kQueryConsumerOffset, header.to_ext());
  invoke_broker_sync(instance_, addr, std::move(request), timeout_ms,
                     [addr, done = std::move(done)](SyncAnswer answer) {
                       done(offset_answer<protocol::QueryConsumerOffsetResponseHeader>(answer, addr));
                     });
}

void ConsumerApi::update_consumer_offset_oneway(const std::string& addr, const std::string& group,
                                                const client::MessageQueue& mq, int64_t offset, int64_t timeout_ms) {
  protocol::UpdateConsumerOffsetRequestHeader header{group, mq.topic, mq.queue_id, offset, mq.broker_name};
  auto request = instance_.api().make_request(request_code::kUpdateConsumerOffset, header.to_ext());
  std::string target = producer::broker_vip_channel(instance_.config().vip_channel_enabled, addr);
  instance_.remoting().invoke_oneway(target, std::move(request), timeout_ms);
}

void ConsumerApi::get_max_offset(const std::string& addr, const client::MessageQueue& mq, int64_t timeout_ms,
                                 std::function<void(ApiOutcome<int64_t>)> done) {
  protocol::GetMaxOffsetRequestHeader header{mq.topic, mq.queue_id, mq.broker_name};
  auto request = instance_.api().make_request(request_code::kGetMaxOffset, header.to_ext());
  invoke_broker_sync(instance_, addr, std::move(request), timeout_ms,
                     [addr, done = std::move(done)](SyncAnswer answer) {
                       done(offset_answer<protocol::GetMaxOffsetResponseHeader>(answer, addr));
                     });
}

void ConsumerApi::search_offset(const std::string& addr, const client::MessageQueue& mq, int64_t timestamp_ms,
                                int64_t timeout_ms, std::function<void(ApiOutcome<int64_t>)> done) {
  protocol::SearchOffsetRequestHeader header{mq.topic, mq.queue_id, timestamp_ms, mq.broker_name};
  auto request = instance_.api().make_request(request_code::kSearchOffsetByTimestamp, header.to_ext());
  invoke_broker_sync(instance_, addr, std::move(request), timeout_ms,
                     [addr, done = std::move(done)](SyncAnswer answer) {
                       done(offset_answer<protocol::SearchOffsetResponseHeader>(answer, addr));
                     });
}

// getConsumerIdListByGroup: SUCCESS without a body falls through to the MQBrokerException, as in Java.
void ConsumerApi::get_consumer_id_list(const std::string& addr, const std::string& group, int64_t timeout_ms,
                                       std::function<void(ApiOutcome<std::vector<std::string>>)> done) {
  protocol::GetConsumerListByGroupRequestHeader header{group};
  auto request = instance_.api().make_request(request_code::kGetConsumerListByGroup, header.to_ext());
  invoke_broker_sync(instance_, addr, std::move(request), timeout_ms,
                     [addr, done = std::move(done)](SyncAnswer answer) {
                       if (auto* error = std::get_if<ClientError>(&answer)) return done(*error);
                       const auto& response = std::get<RemotingCommand>(answer);
                       if (response.code == response_code::kSuccess && !response.body.empty()) {
                         auto ids = protocol::parse_consumer_id_list(response.body);
                         if (!ids.ok()) return done(json_error(ids.error()));
                         return done(std::move(ids).value());
                       }
                       done(broker_error(response, addr));
                     });
}

void ConsumerApi::consumer_send_message_back(const std::string& addr, const MessageExt& msg, const std::string& group,
                                             int32_t delay_level, int64_t timeout_ms, int32_t max_reconsume_times,
                                             std::function<void(std::optional<ClientError>)> done) {
  protocol::ConsumerSendMsgBackRequestHeader header;
  header.offset = msg.stored.commit_log_offset;
  header.group = group;
  header.delayLevel = delay_level;
  header.originMsgId = msg.msg_id();
  header.originTopic = msg.topic();
  header.maxReconsumeTimes = max_reconsume_times;
  if (!msg.broker_name.empty()) header.bname = msg.broker_name;
  auto request = instance_.api().make_request(request_code::kConsumerSendMsgBack, header.to_ext());
  invoke_broker_sync(instance_, addr, std::move(request), timeout_ms,
                     [addr, done = std::move(done)](SyncAnswer answer) { done(status_answer(answer, addr)); });
}

namespace {
// LockBatchRequestBody / UnlockBatchRequestBody: the queues as the Java HashSet<MessageQueue> lists them.
std::string lock_body(const std::string& group, const std::string& client_id,
                      const std::vector<client::MessageQueue>& mqs) {
  protocol::LockBatchRequestBody body;
  body.consumer_group = group;
  body.client_id = client_id;
  for (const auto& mq : mqs) {
    if (std::find(body.mq_set.begin(), body.mq_set.end(), mq) == body.mq_set.end()) body.mq_set.push_back(mq);
  }
  protocol::sort_queues_java_order(body.mq_set);
  return protocol::encode_lock_batch_request(body);
}
}  // namespace

void ConsumerApi::lock_batch_mq(const std::string& addr, const std::string& group,
                                const std::vector<client::MessageQueue>& mqs, int64_t timeout_ms,
                                std::function<void(ApiOutcome<std::set<client::MessageQueue>>)> done) {
  auto request = instance_.api().make_request(request_code::kLockBatchMq);
  request.body = lock_body(group, instance_.client_id(), mqs);
  invoke_broker_sync(instance_, addr, std::move(request), timeout_ms,
                     [addr, done = std::move(done)](SyncAnswer answer) {
                       if (auto* error = std::get_if<ClientError>(&answer)) return done(*error);
                       const auto& response = std::get<RemotingCommand>(answer);
                       if (response.code != response_code::kSuccess) return done(broker_error(response, addr));
                       auto locked = protocol::parse_lock_batch_response(response.body);
                       if (!locked.ok()) return done(json_error(locked.error()));
                       done(std::set<client::MessageQueue>(locked->begin(), locked->end()));
                     });
}

// unlockBatchMQ: oneway to `addr` itself; the sync variant through the VIP channel, its answer only logged.
void ConsumerApi::unlock_batch_mq(const std::string& addr, const std::string& group,
                                  const std::vector<client::MessageQueue>& mqs, int64_t timeout_ms, bool oneway) {
  auto request = instance_.api().make_request(request_code::kUnlockBatchMq);
  request.body = lock_body(group, instance_.client_id(), mqs);
  if (oneway) return instance_.remoting().invoke_oneway(addr, std::move(request), timeout_ms);
  invoke_broker_sync(instance_, addr, std::move(request), timeout_ms, [](SyncAnswer) {});
}

// PullAPIWrapper.processPullResult. MessageDecoder.decodes: records until the body ends or one fails to
// decode, a body that does not inflate included.
void process_pull_result(PullResult& result, const client::MessageQueue& mq,
                         const protocol::SubscriptionData& subscription) {
  if (result.status == PullStatus::kFound) {
    bool filter = !subscription.tags_set.empty() && !subscription.class_filter_mode;
    std::vector<MessageExt> kept;
    for (auto& stored : protocol::decode_stored_messages(result.message_binary)) {
      if (stored.body_compressed()) {
        auto inflated = protocol::inflate_body(stored.body);
        if (!inflated.ok()) break;
        stored.body = std::move(inflated).value();
      }
      MessageExt msg{std::move(stored), {}, std::nullopt};
      if (filter) {
        auto tags = msg.property(protocol::property::kTags);
        if (!tags || std::find(subscription.tags_set.begin(), subscription.tags_set.end(), *tags) ==
                         subscription.tags_set.end())
          continue;
      }
      kept.push_back(std::move(msg));
    }
    for (auto& msg : kept) {
      auto tran = msg.property(protocol::property::kTransactionPrepared);
      if (tran && protocol::parse_java_boolean(*tran)) {
        auto uniq = msg.property(protocol::property::kUniqClientMessageIdKeyIdx);
        msg.transaction_id = uniq ? std::optional<std::string>(std::string(*uniq)) : std::nullopt;
      }
      msg.set_property(protocol::property::kMinOffset, std::to_string(result.min_offset));
      msg.set_property(protocol::property::kMaxOffset, std::to_string(result.max_offset));
      msg.broker_name = mq.broker_name;
    }
    result.messages = std::move(kept);
  }
  result.message_binary.clear();
}

}  // namespace rmq::consumer
