// JSON views of decoded commands and bodies for the command-line tools (standard JSON, for jq and people).
#pragma once

#include <cstdint>
#include <optional>

#include <boost/json.hpp>

#include "core/remoting/remoting_command.h"

namespace rmq::cli {

// The header of `cmd`: offset, serialize, type, code and its name, language, version, opaque, flag, remark,
// extFields, serializeTypeCurrentRPC, bodyLength. `request_code` is the code of the request a response answers
// (matched by opaque in the same stream), when known.
boost::json::object command_to_json(const remoting::RemotingCommand& cmd, uint64_t offset,
                                    std::optional<int32_t> request_code);

// The decoded body where the code says what it holds (route, heartbeat, consumer list, pulled or stored
// messages, lock bodies, message properties of sends); otherwise the body as text (valid UTF-8) or hex.
boost::json::value body_to_json(const remoting::RemotingCommand& cmd, std::optional<int32_t> request_code);

// Text as a JSON string when it is valid UTF-8, else {"hex": "..."}.
boost::json::value bytes_to_json(std::string_view bytes);

}  // namespace rmq::cli
