// Pieces of the log lines both fakes write (FakeNameServer and FakeBroker options.log, `rmqsim serve
// --log-requests`), so that the two servers describe requests and dropped connections the same way.
#pragma once

#include <cstdint>
#include <string>

#include "core/remoting/channel.h"
#include "core/remoting/decode_error.h"
#include "core/remoting/remoting_command.h"

namespace rmq::fake {

// "105 GET_ROUTEINFO_BY_TOPIC"; just "9999" for a code request_code.h does not name.
std::string request_code_label(int32_t code);
// "0 SUCCESS"; just the number for a code response_code.h does not name.
std::string response_code_label(int32_t code);
// "<code label> opaque=<n> v<version> <JSON|ROCKETMQ> from <remote address>": what identifies a request.
std::string request_summary(const remoting::RemotingCommand& request, const remoting::Channel& channel);
// "connection from <remote> closed: malformed frame at byte <offset>: <decoder message> (<kind>)". The offset
// counts from the connection's first byte, so it points into what the client wrote.
std::string malformed_frame_line(const remoting::Channel& channel, const remoting::DecodeError& error);

}  // namespace rmq::fake
