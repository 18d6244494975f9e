// Topic permission bits (spec §5.8, Java PermName): what the perm field of a route's QueueData means.
#pragma once

#include <cstdint>
#include <string>

namespace rmq::protocol {

inline constexpr int32_t kPermPriority = 8;
inline constexpr int32_t kPermRead = 4;
inline constexpr int32_t kPermWrite = 2;
inline constexpr int32_t kPermInherit = 1;

// Normal topics are created read+write; TBW102 also carries the inherit bit (auto-create templates).
inline constexpr int32_t kPermReadWrite = kPermRead | kPermWrite;

constexpr bool is_readable(int32_t perm) { return (perm & kPermRead) == kPermRead; }
constexpr bool is_writeable(int32_t perm) { return (perm & kPermWrite) == kPermWrite; }
constexpr bool is_inherited(int32_t perm) { return (perm & kPermInherit) == kPermInherit; }
constexpr bool is_priority(int32_t perm) { return (perm & kPermPriority) == kPermPriority; }

// PermName.perm2String: "R", "W", "X" (inherit) or '-' per position, e.g. 6 -> "RW-" (the broker puts it in
// remarks such as "perm=RW-").
inline std::string perm_to_string(int32_t perm) {
  std::string s = "---";
  if (is_readable(perm)) s[0] = 'R';
  if (is_writeable(perm)) s[1] = 'W';
  if (is_inherited(perm)) s[2] = 'X';
  return s;
}

}  // namespace rmq::protocol
