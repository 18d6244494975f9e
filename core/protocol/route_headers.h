// Custom header of GET_ROUTEINFO_BY_TOPIC (105, client -> name server; spec §3.2, §5.10). Field kinds, write
// order and read errors follow header_fields.h.
#pragma once

#include <optional>
#include <string>

#include "core/common/status.h"
#include "core/remoting/remoting_command.h"

namespace rmq::protocol {

struct GetRouteInfoRequestHeader {
  std::string topic;
  // 4.9.4+: true asks for quoted broker-id keys in the route body whatever the request version; the Java client
  // leaves it null (omitted). A missing topic is answered by the name server with TOPIC_NOT_EXIST for "null".
  std::optional<bool> acceptStandardJsonOnly;

  remoting::ExtFields to_ext() const;
  static Result<GetRouteInfoRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const GetRouteInfoRequestHeader&, const GetRouteInfoRequestHeader&) = default;
};

}  // namespace rmq::protocol
