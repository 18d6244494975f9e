#include "core/protocol/offset_headers.h"

#include "core/protocol/header_fields.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

constexpr std::string_view kQueryRequestClass =
    "org.apache.rocketmq.common.protocol.header.QueryConsumerOffsetRequestHeader";
constexpr HeaderField<QueryConsumerOffsetRequestHeader> kQueryRequestFields[] = {
    {"consumerGroup", &QueryConsumerOffsetRequestHeader::consumerGroup, kQueryRequestClass},
    {"topic", &QueryConsumerOffsetRequestHeader::topic, kQueryRequestClass},
    {"queueId", &QueryConsumerOffsetRequestHeader::queueId, kQueryRequestClass},
    {"bname", &QueryConsumerOffsetRequestHeader::bname, kRpcRequestHeaderClass},
};

constexpr std::string_view kUpdateRequestClass =
    "org.apache.rocketmq.common.protocol.header.UpdateConsumerOffsetRequestHeader";
constexpr HeaderField<UpdateConsumerOffsetRequestHeader> kUpdateRequestFields[] = {
    {"consumerGroup", &UpdateConsumerOffsetRequestHeader::consumerGroup, kUpdateRequestClass},
    {"topic", &UpdateConsumerOffsetRequestHeader::topic, kUpdateRequestClass},
    {"queueId", &UpdateConsumerOffsetRequestHeader::queueId, kUpdateRequestClass},
    {"commitOffset", &UpdateConsumerOffsetRequestHeader::commitOffset, kUpdateRequestClass},
    {"bname", &UpdateConsumerOffsetRequestHeader::bname, kRpcRequestHeaderClass},
};

constexpr std::string_view kMaxRequestClass = "org.apache.rocketmq.common.protocol.header.GetMaxOffsetRequestHeader";
constexpr HeaderField<GetMaxOffsetRequestHeader> kMaxRequestFields[] = {
    {"topic", &GetMaxOffsetRequestHeader::topic, kMaxRequestClass},
    {"queueId", &GetMaxOffsetRequestHeader::queueId, kMaxRequestClass},
    {"bname", &GetMaxOffsetRequestHeader::bname, kRpcRequestHeaderClass},
};

constexpr std::string_view kMinRequestClass = "org.apache.rocketmq.common.protocol.header.GetMinOffsetRequestHeader";
constexpr HeaderField<GetMinOffsetRequestHeader> kMinRequestFields[] = {
    {"topic", &GetMinOffsetRequestHeader::topic, kMinRequestClass},
    {"queueId", &GetMinOffsetRequestHeader::queueId, kMinRequestClass},
    {"bname", &GetMinOffsetRequestHeader::bname, kRpcRequestHeaderClass},
};

constexpr std::string_view kSearchRequestClass =
    "org.apache.rocketmq.common.protocol.header.SearchOffsetRequestHeader";
constexpr HeaderField<SearchOffsetRequestHeader> kSearchRequestFields[] = {
    {"topic", &SearchOffsetRequestHeader::topic, kSearchRequestClass},
    {"queueId", &SearchOffsetRequestHeader::queueId, kSearchRequestClass},
    {"timestamp", &SearchOffsetRequestHeader::timestamp, kSearchRequestClass},
    {"bname", &SearchOffsetRequestHeader::bname, kRpcRequestHeaderClass},
};

// The four answers hold one field each, so their class names cannot change any order; named anyway for
// completeness of the Field hashes.
constexpr HeaderField<QueryConsumerOffsetResponseHeader> kQueryResponseFields[] = {
    {"offset", &QueryConsumerOffsetResponseHeader::offset,
     "org.apache.rocketmq.common.protocol.header.QueryConsumerOffsetResponseHeader"},
};
constexpr HeaderField<GetMaxOffsetResponseHeader> kMaxResponseFields[] = {
    {"offset", &GetMaxOffsetResponseHeader::offset,
     "org.apache.rocketmq.common.protocol.header.GetMaxOffsetResponseHeader"},
};
constexpr HeaderField<GetMinOffsetResponseHeader> kMinResponseFields[] = {
    {"offset", &GetMinOffsetResponseHeader::offset,
     "org.apache.rocketmq.common.protocol.header.GetMinOffsetResponseHeader"},
};
constexpr HeaderField<SearchOffsetResponseHeader> kSearchResponseFields[] = {
    {"offset", &SearchOffsetResponseHeader::offset,
     "org.apache.rocketmq.common.protocol.header.SearchOffsetResponseHeader"},
};

}  // namespace

ExtFields QueryConsumerOffsetRequestHeader::to_ext() const {
  return write_java_header<QueryConsumerOffsetRequestHeader>(*this, kQueryRequestFields);
}
Result<QueryConsumerOffsetRequestHeader> QueryConsumerOffsetRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<QueryConsumerOffsetRequestHeader>(ext, kQueryRequestFields);
}

ExtFields QueryConsumerOffsetResponseHeader::to_ext() const {
  return write_java_header<QueryConsumerOffsetResponseHeader>(*this, kQueryResponseFields);
}
Result<QueryConsumerOffsetResponseHeader> QueryConsumerOffsetResponseHeader::from_ext(const ExtFields& ext) {
  return read_java_header<QueryConsumerOffsetResponseHeader>(ext, kQueryResponseFields);
}

ExtFields UpdateConsumerOffsetRequestHeader::to_ext() const {
  return write_java_header<UpdateConsumerOffsetRequestHeader>(*this, kUpdateRequestFields);
}
Result<UpdateConsumerOffsetRequestHeader> UpdateConsumerOffsetRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<UpdateConsumerOffsetRequestHeader>(ext, kUpdateRequestFields);
}

ExtFields GetMaxOffsetRequestHeader::to_ext() const {
  return write_java_header<GetMaxOffsetRequestHeader>(*this, kMaxRequestFields);
}
Result<GetMaxOffsetRequestHeader> GetMaxOffsetRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<GetMaxOffsetRequestHeader>(ext, kMaxRequestFields);
}

ExtFields GetMaxOffsetResponseHeader::to_ext() const {
  return write_java_header<GetMaxOffsetResponseHeader>(*this, kMaxResponseFields);
}
Result<GetMaxOffsetResponseHeader> GetMaxOffsetResponseHeader::from_ext(const ExtFields& ext) {
  return read_java_header<GetMaxOffsetResponseHeader>(ext, kMaxResponseFields);
}

ExtFields GetMinOffsetRequestHeader::to_ext() const {
  return write_java_header<GetMinOffsetRequestHeader>(*this, kMinRequestFields);
}
Result<GetMinOffsetRequestHeader> GetMinOffsetRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<GetMinOffsetRequestHeader>(ext, kMinRequestFields);
}

ExtFields GetMinOffsetResponseHeader::to_ext() const {
  return write_java_header<GetMinOffsetResponseHeader>(*this, kMinResponseFields);
}
Result<GetMinOffsetResponseHeader> GetMinOffsetResponseHeader::from_ext(const ExtFields& ext) {
  return read_java_header<GetMinOffsetResponseHeader>(ext, kMinResponseFields);
}

ExtFields SearchOffsetRequestHeader::to_ext() const {
  return write_java_header<SearchOffsetRequestHeader>(*this, kSearchRequestFields);
}
Result<SearchOffsetRequestHeader> SearchOffsetRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<SearchOffsetRequestHeader>(ext, kSearchRequestFields);
}

ExtFields SearchOffsetResponseHeader::to_ext() const {
  return write_java_header<SearchOffsetResponseHeader>(*this, kSearchResponseFields);
}
Result<SearchOffsetResponseHeader> SearchOffsetResponseHeader::from_ext(const ExtFields& ext) {
  return read_java_header<SearchOffsetResponseHeader>(ext, kSearchResponseFields);
}

}  // namespace rmq::protocol
