#include "testutil/run_command.h"

#include <sys/wait.h>

#include <cstdio>

namespace rmq::testutil {

std::pair<int, std::string> run_command(const std::string& command, bool with_stderr) {
  std::string full = command + (with_stderr ? " 2>&1" : " 2>/dev/null");
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace rmq::testutil
