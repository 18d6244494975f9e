// Always-on invariant checks for the simulator. The simulator's invariants (event order, buffer limits, the
// pending-event bound) must hold in release builds too: a broken one would silently corrupt a seed's replay, so
// these abort with a message instead of compiling away like assert().
#pragma once

#include <string_view>

namespace rmq::sim {

// Prints "rmqsim fatal: <message> (<file>:<line>)" to stderr and aborts.
[[noreturn]] void fatal(std::string_view message, const char* file, int line);

}  // namespace rmq::sim

#define RMQSIM_CHECK(cond, message)                                   \
  do {                                                                \
    if (!(cond)) ::rmq::sim::fatal((message), __FILE__, __LINE__);    \
  } while (false)
