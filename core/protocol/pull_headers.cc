#include "core/protocol/pull_headers.h"

#include "core/protocol/header_fields.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

using Request = PullMessageRequestHeader;
constexpr std::string_view kRequestClass = "org.apache.rocketmq.common.protocol.header.PullMessageRequestHeader";
constexpr HeaderField<Request> kRequestFields[] = {
    {"consumerGroup", &Request::consumerGroup, kRequestClass},
    {"topic", &Request::topic, kRequestClass},
    {"queueId", &Request::queueId, kRequestClass},
    {"queueOffset", &Request::queueOffset, kRequestClass},
    {"maxMsgNums", &Request::maxMsgNums, kRequestClass},
    {"sysFlag", &Request::sysFlag, kRequestClass},
    {"commitOffset", &Request::commitOffset, kRequestClass},
    {"suspendTimeoutMillis", &Request::suspendTimeoutMillis, kRequestClass},
    {"subscription", &Request::subscription, kRequestClass},
    {"subVersion", &Request::subVersion, kRequestClass},
    {"expressionType", &Request::expressionType, kRequestClass},
    {"bname", &Request::bname, kRpcRequestHeaderClass},
};

using Response = PullMessageResponseHeader;
constexpr std::string_view kResponseClass = "org.apache.rocketmq.common.protocol.header.PullMessageResponseHeader";
constexpr HeaderField<Response> kResponseFields[] = {
    {"suggestWhichBrokerId", &Response::suggestWhichBrokerId, kResponseClass},
    {"nextBeginOffset", &Response::nextBeginOffset, kResponseClass},
    {"minOffset", &Response::minOffset, kResponseClass},
    {"maxOffset", &Response::maxOffset, kResponseClass},
};

}  // namespace

ExtFields PullMessageRequestHeader::to_ext() const { return write_java_header<Request>(*this, kRequestFields); }
ExtFields PullMessageRequestHeader::to_fast_ext() const {
  return write_fast_header<Request>(*this, kRequestFields);
}

Result<PullMessageRequestHeader> PullMessageRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<Request>(ext, kRequestFields);
}

ExtFields PullMessageResponseHeader::to_ext() const { return write_java_header<Response>(*this, kResponseFields); }
ExtFields PullMessageResponseHeader::to_fast_ext() const {
  return write_fast_header<Response>(*this, kResponseFields);
}

Result<PullMessageResponseHeader> PullMessageResponseHeader::from_ext(const ExtFields& ext) {
  return read_java_header<Response>(ext, kResponseFields);
}

}  // namespace rmq::protocol
