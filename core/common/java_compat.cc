#include "core/common/java_compat.h"

#include <algorithm>
#include <numeric>

namespace rmq {

uint32_t next_utf8_code_point(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t lead = byte(i);
  size_t extra = lead < 0x80 ? 0 : (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : (lead >> 3) == 0x1E ? 3 : 4;
  if (extra == 0) { ++i; return lead; }
  if (extra == 4 || i + extra >= s.size()) { ++i; return 0xFFFD; }
  uint32_t cp = lead & (0x3Fu >> extra);
  for (size_t k = 1; k <= extra; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) { ++i; return 0xFFFD; }
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  i += extra + 1;
  return cp;
}

int32_t java_string_hash(std::string_view utf8) {
  uint32_t h = 0;
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = next_utf8_code_point(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      h = 31 * h + (0xD800 + (cp >> 10));
      h = 31 * h + (0xDC00 + (cp & 0x3FF));
    } else {
      h = 31 * h + cp;
    }
  }
  return static_cast<int32_t>(h);
}

std::vector<size_t> java_hash_order(const std::vector<int32_t>& hashes, size_t initial_capacity, size_t peak_size) {
  size_t capacity = 1;
  while (capacity < initial_capacity) capacity <<= 1;
  size_t peak = std::max(peak_size, hashes.size());
  while (peak > capacity / 4 * 3) capacity <<= 1;  // resize() runs when ++size > threshold
  std::vector<uint32_t> bucket(hashes.size());
  for (size_t k = 0; k < hashes.size(); ++k) {
    auto h = static_cast<uint32_t>(hashes[k]);
    bucket[k] = (h ^ (h >> 16)) & static_cast<uint32_t>(capacity - 1);
  }
  std::vector<size_t> order(hashes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // Resizing splits buckets without reordering their entries, so the final order is a stable sort by bucket.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return bucket[a] < bucket[b]; });
  return order;
}

std::vector<size_t> java_hash_map_order(const std::vector<std::string>& keys) {
  std::vector<int32_t> hashes;
  hashes.reserve(keys.size());
  for (const auto& key : keys) hashes.push_back(java_string_hash(key));
  return java_hash_order(hashes);
}

}  // namespace rmq
