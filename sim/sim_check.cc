#include "sim/sim_check.h"

#include <cstdio>
#include <cstdlib>

namespace rmq::sim {

void fatal(std::string_view message, const char* file, int line) {
  std::fprintf(stderr, "rmqsim fatal: %.*s (%s:%d)\n", static_cast<int>(message.size()), message.data(), file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace rmq::sim
