#include "core/protocol/route_headers.h"

#include "core/protocol/header_fields.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

constexpr std::string_view kRouteClass = "org.apache.rocketmq.common.protocol.header.namesrv.GetRouteInfoRequestHeader";
constexpr HeaderField<GetRouteInfoRequestHeader> kRouteFields[] = {
    {"topic", &GetRouteInfoRequestHeader::topic, kRouteClass},
    {"acceptStandardJsonOnly", &GetRouteInfoRequestHeader::acceptStandardJsonOnly, kRouteClass},
};

}  // namespace

ExtFields GetRouteInfoRequestHeader::to_ext() const {
  return write_java_header<GetRouteInfoRequestHeader>(*this, kRouteFields);
}

Result<GetRouteInfoRequestHeader> GetRouteInfoRequestHeader::from_ext(const ExtFields& ext) {
  return read_java_header<GetRouteInfoRequestHeader>(ext, kRouteFields);
}

}  // namespace rmq::protocol
