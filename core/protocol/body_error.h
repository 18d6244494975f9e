// The error every body codec of core/protocol returns for input it cannot decode (bad JSON, wrong field types,
// truncated message records). The message names what is wrong and where (a JSON path and byte offset, or a
// record index and byte offset), so a person reading a test failure or `rmqsim decode` output can find it.
#pragma once

#include <string>
#include <utility>

#include "core/common/status.h"

namespace rmq::protocol {

// Outside RocketMQ's response codes (0-215, 501, 1500) and ClientErrorCode (10001-10005), so a caller can tell
// a body it could not read from an answer a peer gave.
inline constexpr int kMalformedBody = 20001;

inline Error malformed_body(std::string message) { return Error{kMalformedBody, std::move(message)}; }

}  // namespace rmq::protocol
