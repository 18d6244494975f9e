// Flag checks the client commands (`rmqsim produce`, `rmqsim consume`) share: one error line, exit code 2.
#pragma once

#include <string>

#include "core/common/status.h"

namespace rmq::cli {

// "host:port" with a non-empty host and a port from 1 to 65535 ("[v6]:port" passes too: the last colon counts).
bool valid_address(const std::string& address);
// Error{2, "<flag> <value>: <rule>"}.
Error flag_error(const std::string& flag, const std::string& value, const std::string& rule);
// `value`, or "" in quotes when it is empty (so the error line shows it).
std::string quoted_if_empty(const std::string& value);

}  // namespace rmq::cli
