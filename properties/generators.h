// RapidCheck generators for protocol values, kept in one place so every property draws from the same shapes.
#pragma once

#include <rapidcheck.h>

#include <string>
#include <vector>

#include "core/remoting/remoting_command.h"

namespace rmq::gen {

// Valid UTF-8 text (Java strings are always Unicode): ASCII-heavy, with control characters, the RocketMQ
// property separators \x01/\x02, two- to four-byte code points, and never a lone surrogate.
rc::Gen<std::string> utf8_text(int max_length = 40);

// Arbitrary bytes (bodies).
rc::Gen<std::string> bytes(int max_length = 256);

// A RemotingCommand that the given header serialization can carry exactly:
// JSON: any int32 fields, a known language, optional remark / extFields / serializeTypeCurrentRPC.
// ROCKETMQ: code and version within int16, remark non-empty when present, extFields non-empty when present,
// no serializeTypeCurrentRPC (the binary header has no such field).
rc::Gen<remoting::RemotingCommand> command_for(remoting::SerializeType type);

// A command in either serialization.
rc::Gen<remoting::RemotingCommand> command();

}  // namespace rmq::gen
