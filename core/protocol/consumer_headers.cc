#include "core/protocol/consumer_headers.h"

#include "core/protocol/header_fields.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

constexpr HeaderField<GetConsumerListByGroupRequestHeader> kListFields[] = {
    {"consumerGroup", &GetConsumerListByGroupRequestHeader::consumerGroup,
     "org.apache.rocketmq.common.protocol.header.GetConsumerListByGroupRequestHeader"},
};

using Unregister = UnregisterClientRequestHeader;
constexpr std::string_view kUnregisterClass =
    "org.apache.rocketmq.common.protocol.header.UnregisterClientRequestHeader";
constexpr HeaderField<Unregister> kUnregisterFields[] = {
    {"clientID", &Unregister::clientID, kUnregisterClass},
    {"producerGroup", &Unregister::producerGroup, kUnregisterClass},
    {"consumerGroup", &Unregister::consumerGroup, kUnregisterClass},
};

using SendBack = ConsumerSendMsgBackRequestHeader;
constexpr std::string_view kSendBackClass =
    "org.apache.rocketmq.common.protocol.header.ConsumerSendMsgBackRequestHeader";
constexpr HeaderField<SendBack> kSendBackFields[] = {
    {"offset", &SendBack::offset, kSendBackClass},
    {"group", &SendBack::group, kSendBackClass},
    {"delayLevel", &SendBack::delayLevel, kSendBackClass},
    {"originMsgId", &SendBack::originMsgId, kSendBackClass},
    {"originTopic", &SendBack::originTopic, kSendBackClass},
    {"unitMode", &SendBack::unitMode, kSendBackClass},
    {"maxReconsumeTimes", &SendBack::maxReconsumeTimes, kSendBackClass},
    {"bname", &SendBack::bname, kRpcRequestHeaderClass},
};

constexpr HeaderField<NotifyConsumerIdsChangedRequestHeader> kNotifyFields[] = {
    {"consumerGroup", &NotifyConsumerIdsChangedRequestHeader::consumerGroup,
     "org.apache.rocketmq.common.protocol.header.NotifyConsumerIdsChangedRequestHeader"},
};

}  // namespace

ExtFields GetConsumerListByGroupRequestHeader::to_ext() const {
  return write_java_header<GetConsumerListByGroupRequestHeader>(*this, kListFields);
}
Result<GetConsumerListByGroupRequestHeader> GetConsumerListByGroupRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<GetConsumerListByGroupRequestHeader>(ext, kListFields);
}

ExtFields UnregisterClientRequestHeader::to_ext() const {
  return write_java_header<Unregister>(*this, kUnregisterFields);
}
Result<UnregisterClientRequestHeader> UnregisterClientRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<Unregister>(ext, kUnregisterFields);
}

ExtFields ConsumerSendMsgBackRequestHeader::to_ext() const {
  return write_java_header<SendBack>(*this, kSendBackFields);
}
Result<ConsumerSendMsgBackRequestHeader> ConsumerSendMsgBackRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<SendBack>(ext, kSendBackFields);
}

ExtFields NotifyConsumerIdsChangedRequestHeader::to_ext() const {
  return write_java_header<NotifyConsumerIdsChangedRequestHeader>(*this, kNotifyFields);
}
Result<NotifyConsumerIdsChangedRequestHeader> NotifyConsumerIdsChangedRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<NotifyConsumerIdsChangedRequestHeader>(ext, kNotifyFields);
}

}  // namespace rmq::protocol
