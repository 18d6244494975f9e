// Java behaviours the protocol leaks onto the wire: String.hashCode (tag codes in subscriptions, consistent
// hashing) and java.util.HashMap iteration order (the order of extFields a Java peer writes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rmq {

// Java's String.hashCode() of the UTF-16 form of `utf8` (ill-formed UTF-8 bytes count as U+FFFD).
int32_t java_string_hash(std::string_view utf8);

// The iteration order of a java.util.HashMap<String, ?> built with the default constructor into which
// `keys` were put in this order (distinct keys, no removals): indexes into `keys`.
// Buckets ascend by (spread(hash) & (capacity - 1)); a bucket keeps insertion order; the capacity starts at 16
// and doubles whenever the size passes 3/4 of it. Buckets are never treeified here (that needs 8 collisions).
std::vector<size_t> java_hash_map_order(const std::vector<std::string>& keys);

}  // namespace rmq
