// Runs a shell command for CLI tests and returns its exit code and output (standard output, and standard error
// too when with_stderr).
#pragma once

#include <string>
#include <utility>

namespace rmq::testutil {

std::pair<int, std::string> run_command(const std::string& command, bool with_stderr = true);

}  // namespace rmq::testutil
