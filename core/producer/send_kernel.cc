#include "core/producer/send_kernel.h"

#include "core/protocol/message_codec.h"
#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"
#include "core/protocol/send_headers.h"
#include "core/protocol/sys_flags.h"

namespace rmq::producer {

namespace {

namespace prop = protocol::property;

std::optional<int32_t> take_int_property(Message& msg, std::string_view name) {
  auto value = msg.property(name);
  if (!value) return std::nullopt;
  int32_t parsed = 0;
  try {
    parsed = std::stoi(std::string(*value));
  } catch (...) {
    return std::nullopt;  // Java's Integer.valueOf would throw NumberFormatException here
  }
  protocol::erase_property(msg.properties, name);
  return parsed;
}

}  // namespace

remoting::RemotingCommand build_send_request(const ProducerOptions& options, client::ClientApi& api,
                                             UniqueIdGenerator& ids, int64_t wall_clock_ms, Message& msg,
                                             const client::MessageQueue& mq) {
  if (!msg.property(prop::kUniqClientMessageIdKeyIdx))
    msg.set_property(prop::kUniqClientMessageIdKeyIdx, ids.create_uniq_id(wall_clock_ms));
  int32_t sys_flag = 0;
  std::string body = msg.body.value_or("");
  if (static_cast<int64_t>(body.size()) >= options.compress_msg_body_over_howmuch) {
    if (auto deflated = protocol::deflate_body(body, options.compress_level); deflated.ok()) {
      body = std::move(deflated.value());
      sys_flag |= protocol::message_sys_flag::kCompressed | protocol::message_sys_flag::kCompressionZlibType;
    }
  }
  if (auto tran = msg.property(prop::kTransactionPrepared); tran && *tran == "true")
    sys_flag |= protocol::message_sys_flag::kTransactionPreparedType;

  protocol::SendMessageRequestHeader header;
  header.producerGroup = options.group;
  header.topic = msg.topic;
  header.defaultTopic = options.create_topic_key;
  header.defaultTopicQueueNums = options.default_topic_queue_nums;
  header.queueId = mq.queue_id;
  header.sysFlag = sys_flag;
  header.bornTimestamp = wall_clock_ms;
  header.flag = msg.flag;
  protocol::PropertyList ordered = msg.properties;
  protocol::sort_properties_java_order(ordered);
  header.properties = protocol::encode_properties(ordered);
  header.reconsumeTimes = 0;
  header.unitMode = options.client.unit_mode;
  header.batch = false;
  header.bname = mq.broker_name;
  if (msg.topic.starts_with(client::kRetryGroupTopicPrefix)) {
    if (auto times = take_int_property(msg, prop::kReconsumeTime)) header.reconsumeTimes = *times;
    if (auto max = take_int_property(msg, prop::kMaxReconsumeTimes)) header.maxReconsumeTimes = *max;
  }
  auto v2 = protocol::SendMessageRequestHeaderV2::from_v1(header);
  bool binary = options.client.serialize_type == remoting::SerializeType::kRocketMq;
  auto request = api.make_request(protocol::request_code::kSendMessageV2, binary ? v2.to_fast_ext() : v2.to_ext());
  request.body = std::move(body);
  return request;
}

std::variant<SendResult, client::ClientError> process_send_response(const std::string& broker_name,
                                                                     const Message& msg,
                                                                     const remoting::RemotingCommand& response,
                                                                     const std::string& addr) {
  namespace rc = protocol::response_code;
  SendStatus status = SendStatus::kSendOk;
  switch (response.code) {
    case rc::kFlushDiskTimeout: status = SendStatus::kFlushDiskTimeout; break;
    case rc::kFlushSlaveTimeout: status = SendStatus::kFlushSlaveTimeout; break;
    case rc::kSlaveNotAvailable: status = SendStatus::kSlaveNotAvailable; break;
    case rc::kSuccess: status = SendStatus::kSendOk; break;
    default: return client::mq_broker_error(response.code, response.remark.value_or("null"), addr);
  }
  // Java decodes a header without extFields without checking it, then dereferences the null map: a
  // NullPointerException no catch of the send loop handles (not retried).
  if (!response.ext_fields)
    return client::ClientError{client::JavaException::kNullPointerException, -1, "null", std::string(addr)};
  auto header = protocol::SendMessageResponseHeader::from_ext(*response.ext_fields);
  if (!header.ok())
    return client::ClientError{client::JavaException::kRemotingCommandException, -1, header.error().message, {}};
  SendResult result;
  result.status = status;
  result.msg_id = std::string(msg.property(prop::kUniqClientMessageIdKeyIdx).value_or(""));
  result.offset_msg_id = header->msgId;
  result.queue = client::MessageQueue{msg.topic, broker_name, header->queueId};
  result.queue_offset = header->queueOffset;
  result.transaction_id = header->transactionId;
  auto region = response.ext(prop::kMsgRegion);
  result.region_id = region && !region->empty() ? std::string(*region) : "DefaultRegion";
  auto trace = response.ext(prop::kTraceSwitch);
  result.trace_on = !(trace && *trace == "false");
  return result;
}

std::string broker_vip_channel(bool enabled, const std::string& addr) {
  if (!enabled) return addr;
  auto hp = runtime::parse_host_port(addr);
  if (!hp) return addr;
  return hp->host + ":" + std::to_string(static_cast<int>(hp->port) - 2);
}

}  // namespace rmq::producer

namespace rmq::producer {

// The prefix takes the client's IPv4 address (Java: the machine's, UtilAll.getIP), the configured pid and a
// class-loader hash drawn from the runtime (an identity hash in Java).
UniqueIdGenerator make_unique_id_generator(const client::ClientConfig& config, runtime::Runtime& runtime) {
  std::string ip = ipv4_bytes(config.client_ip).value_or(std::string("\x7f\x00\x00\x01", 4));
  auto class_loader_hash = static_cast<int32_t>(static_cast<uint32_t>(runtime.random()));
  return UniqueIdGenerator(ip, config.pid, class_loader_hash, runtime.wall_clock_ms());
}

}  // namespace rmq::producer
