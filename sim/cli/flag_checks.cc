#include "sim/cli/flag_checks.h"

#include <charconv>

namespace rmq::cli {

bool valid_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return false;
  unsigned port = 0;
  const char* first = address.data() + colon + 1;
  const char* last = address.data() + address.size();
  auto [ptr, ec] = std::from_chars(first, last, port);
  return ec == std::errc() && ptr == last && port >= 1 && port <= 65535;
}

Error flag_error(const std::string& flag, const std::string& value, const std::string& rule) {
  return Error{2, flag + " " + value + ": " + rule};
}

std::string quoted_if_empty(const std::string& value) { return value.empty() ? "\"\"" : value; }

}  // namespace rmq::cli
