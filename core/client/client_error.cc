#include "core/client/client_error.h"

namespace rmq::client {

std::string_view java_exception_name(JavaException e) {
  switch (e) {
    case JavaException::kMQClientException: return "MQClientException";
    case JavaException::kMQBrokerException: return "MQBrokerException";
    case JavaException::kRemotingConnectException: return "RemotingConnectException";
    case JavaException::kRemotingTimeoutException: return "RemotingTimeoutException";
    case JavaException::kRemotingSendRequestException: return "RemotingSendRequestException";
    case JavaException::kRemotingTooMuchRequestException: return "RemotingTooMuchRequestException";
    case JavaException::kRemotingCommandException: return "RemotingCommandException";
    case JavaException::kIllegalStateException: return "IllegalStateException";
    case JavaException::kIllegalArgumentException: return "IllegalArgumentException";
    case JavaException::kNullPointerException: return "NullPointerException";
  }
  return "Exception";
}

std::string_view java_exception_class(JavaException e) {
  switch (e) {
    case JavaException::kMQClientException: return "org.apache.rocketmq.client.exception.MQClientException";
    case JavaException::kMQBrokerException: return "org.apache.rocketmq.client.exception.MQBrokerException";
    case JavaException::kRemotingConnectException:
      return "org.apache.rocketmq.remoting.exception.RemotingConnectException";
    case JavaException::kRemotingTimeoutException:
      return "org.apache.rocketmq.remoting.exception.RemotingTimeoutException";
    case JavaException::kRemotingSendRequestException:
      return "org.apache.rocketmq.remoting.exception.RemotingSendRequestException";
    case JavaException::kRemotingTooMuchRequestException:
      return "org.apache.rocketmq.remoting.exception.RemotingTooMuchRequestException";
    case JavaException::kRemotingCommandException:
      return "org.apache.rocketmq.remoting.exception.RemotingCommandException";
    case JavaException::kIllegalStateException: return "java.lang.IllegalStateException";
    case JavaException::kIllegalArgumentException: return "java.lang.IllegalArgumentException";
    case JavaException::kNullPointerException: return "java.lang.NullPointerException";
  }
  return "java.lang.Exception";
}

bool ClientError::is_remoting() const {
  switch (exception) {
    case JavaException::kRemotingConnectException:
    case JavaException::kRemotingTimeoutException:
    case JavaException::kRemotingSendRequestException:
    case JavaException::kRemotingTooMuchRequestException:
    case JavaException::kRemotingCommandException:
      return true;
    default:
      return false;
  }
}

ClientError mq_client_error(int code, std::string_view desc) {
  return {JavaException::kMQClientException, code,
          "CODE: " + std::to_string(code) + "  DESC: " + std::string(desc), {}};
}

ClientError mq_client_error_plain(std::string message) {
  return {JavaException::kMQClientException, -1, std::move(message), {}};
}

ClientError mq_broker_error(int code, std::string_view remark, std::string_view broker_addr) {
  std::string message = "CODE: " + std::to_string(code) + "  DESC: " + std::string(remark);
  if (!broker_addr.empty()) message += " BROKER: " + std::string(broker_addr);
  return {JavaException::kMQBrokerException, code, std::move(message), std::string(broker_addr)};
}

ClientError from_remoting(const remoting::RemotingError& error) {
  JavaException e = JavaException::kRemotingSendRequestException;
  switch (error.kind) {
    case remoting::RemotingErrorKind::kConnect: e = JavaException::kRemotingConnectException; break;
    case remoting::RemotingErrorKind::kSendRequest: e = JavaException::kRemotingSendRequestException; break;
    case remoting::RemotingErrorKind::kTimeout: e = JavaException::kRemotingTimeoutException; break;
    case remoting::RemotingErrorKind::kTooMuchRequest: e = JavaException::kRemotingTooMuchRequestException; break;
  }
  return {e, -1, error.message, {}};
}

ClientError illegal_state_from(const ClientError& cause) {
  return {JavaException::kIllegalStateException, -1,
          std::string(java_exception_class(cause.exception)) + ": " + cause.message, {}};
}

}  // namespace rmq::client
