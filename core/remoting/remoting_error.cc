#include "core/remoting/remoting_error.h"

namespace rmq::remoting {

const char* remoting_error_kind_name(RemotingErrorKind kind) {
  switch (kind) {
    case RemotingErrorKind::kConnect: return "connect";
    case RemotingErrorKind::kSendRequest: return "send_request";
    case RemotingErrorKind::kTimeout: return "timeout";
    case RemotingErrorKind::kTooMuchRequest: return "too_much_request";
  }
  return "unknown";
}

const char* remoting_exception_name(RemotingErrorKind kind) {
  switch (kind) {
    case RemotingErrorKind::kConnect: return "RemotingConnectException";
    case RemotingErrorKind::kSendRequest: return "RemotingSendRequestException";
    case RemotingErrorKind::kTimeout: return "RemotingTimeoutException";
    case RemotingErrorKind::kTooMuchRequest: return "RemotingTooMuchRequestException";
  }
  return "RemotingException";
}

RemotingError connect_failed(const std::string& address) {
  return {RemotingErrorKind::kConnect, "connect to <" + address + "> failed", address};
}

RemotingError send_request_failed(const std::string& address) {
  return {RemotingErrorKind::kSendRequest, "send request to <" + address + "> failed", address};
}

}  // namespace rmq::remoting
