#include "fake_nameserver/server_log.h"

#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"

namespace rmq::fake {

std::string request_code_label(int32_t code) {
  auto name = protocol::request_code_name(code);
  return std::to_string(code) + (name ? " " + std::string(*name) : std::string());
}

std::string response_code_label(int32_t code) {
  auto name = protocol::response_code_name(code);
  return std::to_string(code) + (name ? " " + std::string(*name) : std::string());
}

std::string request_summary(const remoting::RemotingCommand& request, const remoting::Channel& channel) {
  return request_code_label(request.code) + " opaque=" + std::to_string(request.opaque) + " v" +
         std::to_string(request.version) + " " + std::string(remoting::serialize_type_name(request.header_serialize)) +
         " from " + channel.remote_address();
}

std::string malformed_frame_line(const remoting::Channel& channel, const remoting::DecodeError& error) {
  return "connection from " + channel.remote_address() + " closed: malformed frame at byte " +
         std::to_string(error.offset) + ": " + error.message + " (" +
         std::string(remoting::decode_error_kind_name(error.kind)) + ")";
}

}  // namespace rmq::fake
