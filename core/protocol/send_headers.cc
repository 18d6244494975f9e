#include "core/protocol/send_headers.h"

#include "core/protocol/header_fields.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

using V1 = SendMessageRequestHeader;
constexpr std::string_view kV1Class = "org.apache.rocketmq.common.protocol.header.SendMessageRequestHeader";
constexpr HeaderField<V1> kV1Fields[] = {
    {"producerGroup", &V1::producerGroup, kV1Class},
    {"topic", &V1::topic, kV1Class},
    {"defaultTopic", &V1::defaultTopic, kV1Class},
    {"defaultTopicQueueNums", &V1::defaultTopicQueueNums, kV1Class},
    {"queueId", &V1::queueId, kV1Class},
    {"sysFlag", &V1::sysFlag, kV1Class},
    {"bornTimestamp", &V1::bornTimestamp, kV1Class},
    {"flag", &V1::flag, kV1Class},
    {"properties", &V1::properties, kV1Class},
    {"reconsumeTimes", &V1::reconsumeTimes, kV1Class},
    {"unitMode", &V1::unitMode, kV1Class},
    {"batch", &V1::batch, kV1Class},
    {"maxReconsumeTimes", &V1::maxReconsumeTimes, kV1Class},
    {"bname", &V1::bname, kRpcRequestHeaderClass},
};

using V2 = SendMessageRequestHeaderV2;
constexpr std::string_view kV2Class = "org.apache.rocketmq.common.protocol.header.SendMessageRequestHeaderV2";
constexpr HeaderField<V2> kV2Fields[] = {
    {"a", &V2::a, kV2Class}, {"b", &V2::b, kV2Class}, {"c", &V2::c, kV2Class}, {"d", &V2::d, kV2Class},
    {"e", &V2::e, kV2Class}, {"f", &V2::f, kV2Class}, {"g", &V2::g, kV2Class}, {"h", &V2::h, kV2Class},
    {"i", &V2::i, kV2Class}, {"j", &V2::j, kV2Class}, {"k", &V2::k, kV2Class}, {"l", &V2::l, kV2Class},
    {"m", &V2::m, kV2Class}, {"n", &V2::n, kV2Class},
};

using Response = SendMessageResponseHeader;
constexpr std::string_view kResponseClass = "org.apache.rocketmq.common.protocol.header.SendMessageResponseHeader";
constexpr HeaderField<Response> kResponseFields[] = {
    {"msgId", &Response::msgId, kResponseClass},
    {"queueId", &Response::queueId, kResponseClass},
    {"queueOffset", &Response::queueOffset, kResponseClass},
    {"transactionId", &Response::transactionId, kResponseClass},
};

}  // namespace

ExtFields SendMessageRequestHeader::to_ext() const { return write_java_header<V1>(*this, kV1Fields); }

Result<SendMessageRequestHeader> SendMessageRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<V1>(ext, kV1Fields);
}

SendMessageRequestHeader SendMessageRequestHeaderV2::to_v1() const {
  return SendMessageRequestHeader{
      .producerGroup = a,
      .topic = b,
      .defaultTopic = c,
      .defaultTopicQueueNums = d,
      .queueId = e,
      .sysFlag = f,
      .bornTimestamp = g,
      .flag = h,
      .properties = i,
      .reconsumeTimes = j,
      .unitMode = k,
      .batch = m,
      .maxReconsumeTimes = l,
      .bname = n,
  };
}

SendMessageRequestHeaderV2 SendMessageRequestHeaderV2::from_v1(const SendMessageRequestHeader& v1) {
  return SendMessageRequestHeaderV2{
      .a = v1.producerGroup,
      .b = v1.topic,
      .c = v1.defaultTopic,
      .d = v1.defaultTopicQueueNums,
      .e = v1.queueId,
      .f = v1.sysFlag,
      .g = v1.bornTimestamp,
      .h = v1.flag,
      .i = v1.properties,
      .j = v1.reconsumeTimes,
      .k = v1.unitMode,
      .l = v1.maxReconsumeTimes,
      .m = v1.batch,
      .n = v1.bname,
  };
}

ExtFields SendMessageRequestHeaderV2::to_ext() const { return write_java_header<V2>(*this, kV2Fields); }
ExtFields SendMessageRequestHeaderV2::to_fast_ext() const { return write_fast_header<V2>(*this, kV2Fields); }

Result<SendMessageRequestHeaderV2> SendMessageRequestHeaderV2::from_ext(const ExtFields& ext) {
  return read_java_header<V2>(ext, kV2Fields);
}

ExtFields SendMessageResponseHeader::to_ext() const { return write_java_header<Response>(*this, kResponseFields); }
ExtFields SendMessageResponseHeader::to_fast_ext() const {
  return write_fast_header<Response>(*this, kResponseFields);
}

Result<SendMessageResponseHeader> SendMessageResponseHeader::from_ext(const ExtFields& ext) {
  return read_java_header<Response>(ext, kResponseFields);
}

}  // namespace rmq::protocol
