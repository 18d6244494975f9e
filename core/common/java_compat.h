// Java behaviours the protocol leaks onto the wire: String.hashCode (tag codes in subscriptions, consistent
// hashing) and java.util.HashMap iteration order (the order of extFields a Java peer writes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rmq {

// Decodes one UTF-8 code point at utf8[i] and advances i. Ill-formed or truncated input yields U+FFFD and
// advances one byte, as Java's decoder replaces malformed input.
uint32_t next_utf8_code_point(std::string_view utf8, size_t& i);

// Java's String.hashCode() of the UTF-16 form of `utf8` (ill-formed UTF-8 bytes count as U+FFFD).
int32_t java_string_hash(std::string_view utf8);

// Order of a HashSet/HashMap into which distinct elements with these hashCode()s were added in this order:
// indexes into `hashes`. Buckets ascend by (h ^ h >>> 16) & (capacity - 1); a bucket keeps insertion order
// (removals keep the others' order). The capacity starts at `initial_capacity` rounded up to a power of two
// (HashMap.tableSizeFor; the default constructor's 16) and doubles whenever the size passes 3/4 of it; it never
// shrinks, so it follows the largest size the map ever had (`peak_size`; 0 = hashes.size()). Treeified buckets
// (8+ collisions in one bucket) are not modelled.
std::vector<size_t> java_hash_order(const std::vector<int32_t>& hashes, size_t initial_capacity = 16,
                                    size_t peak_size = 0);

// Long.hashCode / Boolean.hashCode.
inline int32_t java_long_hash(int64_t v) {
  auto u = static_cast<uint64_t>(v);
  return static_cast<int32_t>(static_cast<uint32_t>(u ^ (u >> 32)));
}
inline int32_t java_bool_hash(bool v) { return v ? 1231 : 1237; }

// Reorders `items` (distinct, in insertion order) into the order a Java HashSet of them iterates.
template <typename T, typename HashFn>
void sort_java_hash_order(std::vector<T>& items, HashFn hash_of) {
  std::vector<int32_t> hashes;
  hashes.reserve(items.size());
  for (const T& item : items) hashes.push_back(hash_of(item));
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (size_t i : java_hash_order(hashes)) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

// The iteration order of a java.util.HashMap<String, ?> built with the default constructor into which
// `keys` were put in this order (distinct keys, no removals): indexes into `keys`.
// Buckets ascend by (spread(hash) & (capacity - 1)); a bucket keeps insertion order; the capacity starts at 16
// and doubles whenever the size passes 3/4 of it. Buckets are never treeified here (that needs 8 collisions).
std::vector<size_t> java_hash_map_order(const std::vector<std::string>& keys);

}  // namespace rmq
