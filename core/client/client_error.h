// What a failed client call reports: the Java exception the 4.9.8 client would throw, as a value (spec §2.2,
// §2.6, §2.8). `message` is Java's getMessage() without the FAQ link FAQUrl appends; `code` is what the
// exception carries (MQBrokerException: the broker's response code; MQClientException: its responseCode, a
// ClientErrorCode or a validation code; -1 where the Java exception has none).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/remoting/remoting_error.h"

namespace rmq::client {

// ClientErrorCode (spec §2.8).
namespace client_error_code {
inline constexpr int kConnectBrokerException = 10001;
inline constexpr int kAccessBrokerTimeout = 10002;
inline constexpr int kBrokerNotExistException = 10003;
inline constexpr int kNoNameServerException = 10004;
inline constexpr int kNotFoundTopicException = 10005;
inline constexpr int kRequestTimeoutException = 10006;
inline constexpr int kCreateReplyMessageException = 10007;
}  // namespace client_error_code

enum class JavaException : uint8_t {
  kMQClientException,
  kMQBrokerException,
  kRemotingConnectException,
  kRemotingTimeoutException,
  kRemotingSendRequestException,
  kRemotingTooMuchRequestException,
  kRemotingCommandException,  // a response whose header cannot be decoded
  kIllegalStateException,     // e.g. the route lookup's RemotingException, rethrown unchecked (spec §3.2)
  kIllegalArgumentException,
  kNullPointerException,  // a response Java dereferences without a null check (message "null")
};

// "MQClientException", "RemotingConnectException", ... (the simple class name).
std::string_view java_exception_name(JavaException e);
// The fully qualified class name, e.g. "org.apache.rocketmq.remoting.exception.RemotingConnectException".
std::string_view java_exception_class(JavaException e);

struct ClientError {
  JavaException exception = JavaException::kMQClientException;
  int code = -1;
  std::string message;
  std::string broker_addr;  // MQBrokerException only

  bool is_remoting() const;
  friend bool operator==(const ClientError&, const ClientError&) = default;
};

// new MQClientException(code, desc): message "CODE: <code>  DESC: <desc>" (two spaces).
ClientError mq_client_error(int code, std::string_view desc);
// new MQClientException(message, cause): code -1, message as given.
ClientError mq_client_error_plain(std::string message);
// new MQBrokerException(code, remark, addr): "CODE: <code>  DESC: <remark> BROKER: <addr>".
ClientError mq_broker_error(int code, std::string_view remark, std::string_view broker_addr);
// A RemotingError as the Java RemotingException it stands for.
ClientError from_remoting(const remoting::RemotingError& error);
// new IllegalStateException(cause): message = cause.toString() = "<qualified class>: <message>".
ClientError illegal_state_from(const ClientError& cause);

}  // namespace rmq::client
