// Failures of a remote invocation, classified as the Java remoting client classifies them (spec §2.3, §5.9),
// with Java's message texts. They are values: the caller decides what to retry.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "core/remoting/remoting_command.h"

namespace rmq::remoting {

enum class RemotingErrorKind : uint8_t {
  kConnect,         // RemotingConnectException: "connect to <addr> failed" (angle brackets are literal)
  kSendRequest,     // RemotingSendRequestException: "send request to <addr> failed"
  kTimeout,         // RemotingTimeoutException: "wait response on the channel <addr> timeout, <t>(ms)", ...
  kTooMuchRequest,  // RemotingTooMuchRequestException: "invokeAsync call the addr[<addr>] timeout", ...
};

const char* remoting_error_kind_name(RemotingErrorKind kind);
// The Java exception class of each kind, e.g. "RemotingConnectException".
const char* remoting_exception_name(RemotingErrorKind kind);

struct RemotingError {
  RemotingErrorKind kind;
  std::string message;
  std::string address;
  // An async invocation whose ResponseFuture completed without a response (Java calls the callback instead of
  // throwing): kind kSendRequest = the write failed or the channel was closed under it ("send request failed"
  // at the API layer), kind kTimeout = found expired by the response-table scan ("wait response timeout <t>ms").
  bool from_future = false;
  int64_t timeout_ms = 0;  // the invocation's timeout, for the texts above

  friend bool operator==(const RemotingError&, const RemotingError&) = default;
};

RemotingError connect_failed(const std::string& address);
RemotingError send_request_failed(const std::string& address);

// A response, or why there is none.
using InvokeResult = std::variant<RemotingCommand, RemotingError>;

inline bool invoke_ok(const InvokeResult& r) { return std::holds_alternative<RemotingCommand>(r); }

}  // namespace rmq::remoting
