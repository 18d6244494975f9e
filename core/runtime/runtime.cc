#include "core/runtime/runtime.h"

#include <charconv>

namespace rmq::runtime {

const char* close_reason_name(CloseReason reason) {
  switch (reason) {
    case CloseReason::kPeerClosed: return "peer_closed";
    case CloseReason::kReset: return "reset";
    case CloseReason::kLocal: return "local";
  }
  return "unknown";
}

std::optional<HostPort> parse_host_port(std::string_view address) {
  auto colon = address.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == address.size()) return std::nullopt;
  unsigned port = 0;
  auto digits = address.substr(colon + 1);
  auto [ptr, err] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (err != std::errc() || ptr != digits.data() + digits.size() || port > 65535) return std::nullopt;
  return HostPort{std::string(address.substr(0, colon)), static_cast<uint16_t>(port)};
}

uint64_t random_below(Runtime& runtime, uint64_t bound) {
  // Rejection sampling: draw until the value falls below the largest multiple of bound, so x % bound is uniform.
  uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  for (;;) {
    uint64_t x = runtime.random();
    if (x < limit) return x % bound;
  }
}

}  // namespace rmq::runtime
