#include "sim/cli/command_json.h"

#include "core/common/hex.h"
#include "core/protocol/consumer_list.h"
#include "core/protocol/heartbeat_data.h"
#include "core/protocol/message_codec.h"
#include "core/protocol/message_properties.h"
#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"
#include "core/protocol/route_data.h"
#include "sim/cli/utf8.h"

namespace rmq::cli {
namespace {

namespace json = boost::json;
namespace protocol = rmq::protocol;
using remoting::RemotingCommand;

json::object properties_to_json(const protocol::PropertyList& properties) {
  json::object out;
  for (const auto& [name, value] : properties) out[name] = value;
  return out;
}

json::object message_to_json(const protocol::StoredMessage& m) {
  json::object out;
  out["msgId"] = m.msg_id();
  out["topic"] = m.topic;
  out["queueId"] = m.queue_id;
  out["queueOffset"] = m.queue_offset;
  out["commitLogOffset"] = m.commit_log_offset;
  out["totalSize"] = m.total_size;
  out["magicCode"] = to_hex_lower(Bytes{static_cast<char>(m.magic_code >> 24), static_cast<char>(m.magic_code >> 16),
                                        static_cast<char>(m.magic_code >> 8), static_cast<char>(m.magic_code)});
  out["bodyCRC"] = m.body_crc;
  out["flag"] = m.flag;
  out["sysFlag"] = m.sys_flag;
  out["bornTimestamp"] = m.born_timestamp;
  out["bornHost"] = m.born_host.to_string();
  out["storeTimestamp"] = m.store_timestamp;
  out["storeHost"] = m.store_host.to_string();
  out["reconsumeTimes"] = m.reconsume_times;
  out["preparedTransactionOffset"] = m.prepared_transaction_offset;
  out["bodyLength"] = m.body.size();
  out["body"] = bytes_to_json(m.body);
  if (m.body_compressed()) {
    auto inflated = protocol::inflate_body(m.body);
    if (inflated) out["bodyInflated"] = bytes_to_json(*inflated);
    else out["bodyInflateError"] = inflated.error().message;
  }
  out["properties"] = properties_to_json(m.properties);
  return out;
}

json::value messages_to_json(ByteView body) {
  auto decoded = protocol::decode_stored_messages_report(body);
  json::array messages;
  for (const auto& m : decoded.messages) messages.push_back(message_to_json(m));
  json::object out;
  out["kind"] = "messages";
  out["messages"] = std::move(messages);
  if (decoded.stop) {
    out["decodeStoppedAt"] = decoded.stop->offset;
    out["decodeStopReason"] = decoded.stop->reason;
  }
  return out;
}

json::value route_to_json(const protocol::TopicRouteData& route) {
  json::array brokers;
  for (const auto& b : route.broker_datas) {
    json::object addrs;
    for (const auto& [id, addr] : b.broker_addrs) addrs[std::to_string(id)] = addr;
    brokers.push_back(json::object{{"brokerName", b.broker_name}, {"cluster", b.cluster}, {"brokerAddrs", addrs}});
  }
  json::array queues;
  for (const auto& q : route.queue_datas) {
    queues.push_back(json::object{{"brokerName", q.broker_name}, {"perm", q.perm},
                                  {"readQueueNums", q.read_queue_nums}, {"writeQueueNums", q.write_queue_nums},
                                  {"topicSysFlag", q.topic_sys_flag}});
  }
  json::object out{{"kind", "route"}, {"brokerDatas", brokers}, {"queueDatas", queues}};
  if (route.order_topic_conf) out["orderTopicConf"] = *route.order_topic_conf;
  return out;
}

json::value heartbeat_to_json(const protocol::HeartbeatData& hb) {
  json::array producers;
  for (const auto& p : hb.producer_data_set) producers.push_back(json::value(p.group_name));
  json::array consumers;
  for (const auto& c : hb.consumer_data_set) {
    json::array subscriptions;
    for (const auto& s : c.subscription_data_set) {
      json::array tags;
      for (const auto& t : s.tags_set) tags.push_back(json::value(t));
      subscriptions.push_back(json::object{{"topic", s.topic}, {"subString", s.sub_string}, {"tagsSet", tags},
                                           {"subVersion", s.sub_version},
                                           {"expressionType", s.effective_expression_type()}});
    }
    consumers.push_back(json::object{{"groupName", c.group_name},
                                     {"consumeType", protocol::java_name(c.consume_type)},
                                     {"messageModel", protocol::java_name(c.message_model)},
                                     {"consumeFromWhere", protocol::java_name(c.consume_from_where)},
                                     {"subscriptions", subscriptions}, {"unitMode", c.unit_mode}});
  }
  return json::object{{"kind", "heartbeat"}, {"clientID", hb.client_id}, {"producerGroups", producers},
                      {"consumers", consumers}};
}

json::array queues_to_json(const std::vector<protocol::MessageQueueRef>& queues) {
  json::array out;
  for (const auto& q : queues) {
    out.push_back(json::object{{"topic", q.topic}, {"brokerName", q.broker_name}, {"queueId", q.queue_id}});
  }
  return out;
}

// A typed body view, or the parse error next to the raw body.
template <typename T, typename ToJson>
json::value typed_or_error(const Result<T>& parsed, ByteView body, ToJson to_json) {
  if (parsed) return to_json(*parsed);
  return json::object{{"kind", "undecodable"}, {"error", parsed.error().message}, {"raw", bytes_to_json(body)}};
}

bool looks_like_messages(ByteView body) {
  if (body.size() < 8) return false;
  uint32_t magic = 0;
  for (size_t i = 4; i < 8; ++i) magic = (magic << 8) | static_cast<uint8_t>(body[i]);
  return magic == protocol::kMagicCodeV1 || magic == protocol::kMagicCodeV2;
}

json::value request_body_to_json(const RemotingCommand& cmd) {
  const ByteView body(cmd.body);
  switch (cmd.code) {
    case protocol::request_code::kHeartBeat:
      return typed_or_error(protocol::parse_heartbeat_data(body), body, heartbeat_to_json);
    case protocol::request_code::kLockBatchMq:
    case protocol::request_code::kUnlockBatchMq:
      return typed_or_error(protocol::parse_lock_batch_request(body), body, [](const auto& lock) {
        return json::value(json::object{{"kind", "lockBatch"}, {"consumerGroup", lock.consumer_group},
                                        {"clientId", lock.client_id}, {"mqSet", queues_to_json(lock.mq_set)}});
      });
    case protocol::request_code::kSendMessage:
    case protocol::request_code::kSendMessageV2: {
      auto properties = cmd.ext(cmd.code == protocol::request_code::kSendMessage ? "properties" : "i");
      json::object out{{"kind", "message"}, {"body", bytes_to_json(body)}};
      if (properties) out["properties"] = properties_to_json(protocol::decode_properties(*properties));
      return out;
    }
    default:
      return body.empty() ? json::value(nullptr) : bytes_to_json(body);
  }
}

json::value response_body_to_json(const RemotingCommand& cmd, std::optional<int32_t> request_code) {
  const ByteView body(cmd.body);
  if (body.empty()) return nullptr;
  int32_t asked = request_code.value_or(-1);
  bool route = asked == protocol::request_code::kGetRouteinfoByTopic ||
               (asked < 0 && body.find("\"brokerDatas\"") != ByteView::npos);
  if (route) return typed_or_error(protocol::parse_topic_route_data(body), body, route_to_json);
  bool consumers = asked == protocol::request_code::kGetConsumerListByGroup ||
                   (asked < 0 && body.find("\"consumerIdList\"") != ByteView::npos);
  if (consumers) {
    return typed_or_error(protocol::parse_consumer_id_list(body), body, [](const auto& ids) {
      json::array list;
      for (const auto& id : ids) list.push_back(json::value(id));
      return json::value(json::object{{"kind", "consumerIdList"}, {"consumerIdList", list}});
    });
  }
  if (asked == protocol::request_code::kLockBatchMq) {
    return typed_or_error(protocol::parse_lock_batch_response(body), body, [](const auto& queues) {
      return json::value(json::object{{"kind", "lockOKMQSet"}, {"lockOKMQSet", queues_to_json(queues)}});
    });
  }
  if (looks_like_messages(body)) return messages_to_json(body);
  return bytes_to_json(body);
}

}  // namespace

json::value bytes_to_json(std::string_view bytes) {
  if (is_valid_utf8(bytes)) return json::value(json::string(bytes));
  return json::object{{"hex", to_hex_lower(bytes)}};
}

json::object command_to_json(const RemotingCommand& cmd, uint64_t offset, std::optional<int32_t> request_code) {
  json::object out;
  out["offset"] = offset;
  out["serialize"] = remoting::serialize_type_name(cmd.header_serialize);
  out["type"] = cmd.is_response() ? "response" : cmd.is_oneway() ? "oneway" : "request";
  out["code"] = cmd.code;
  auto name = cmd.is_response() ? protocol::response_code_name(cmd.code) : protocol::request_code_name(cmd.code);
  out["name"] = name ? json::value(json::string(*name)) : json::value(nullptr);
  if (request_code) out["requestCode"] = *request_code;
  auto language = remoting::language_name(cmd.language);
  out["language"] = language ? json::value(json::string(*language)) : json::value(nullptr);
  out["version"] = cmd.version;
  out["opaque"] = cmd.opaque;
  out["flag"] = cmd.flag;
  if (cmd.remark) out["remark"] = *cmd.remark;
  if (cmd.ext_fields) {
    json::object ext;
    for (const auto& [k, v] : cmd.ext_fields->entries()) ext[k] = bytes_to_json(v);
    out["extFields"] = std::move(ext);
  }
  if (cmd.serialize_type_current_rpc) {
    out["serializeTypeCurrentRPC"] = remoting::serialize_type_name(*cmd.serialize_type_current_rpc);
  }
  out["bodyLength"] = cmd.body.size();
  return out;
}

json::value body_to_json(const RemotingCommand& cmd, std::optional<int32_t> request_code) {
  return cmd.is_response() ? response_body_to_json(cmd, request_code) : request_body_to_json(cmd);
}

}  // namespace rmq::cli
