// JavaHashMap<V>: a String-keyed map that remembers what a java.util.HashMap<String, V> with the same history
// would iterate, so that the nameserver's JSON bodies list brokers in the real server's order (broker-b before
// broker-a in the captures).
//
// Contract. A HashMap iterates bucket by bucket, buckets ascending by spread(hash) & (capacity - 1); inside a
// bucket, entries keep their relative insertion order (a removal keeps the others' order, a re-put of a removed
// key goes last, a put on a present key keeps its place). The capacity starts at the constructor's initial
// capacity (rounded up to a power of two, as tableSizeFor does) and doubles whenever the size passes 3/4 of it;
// it never shrinks, so the order depends on the largest size the map ever had, which this class tracks.
// Treeified buckets (8+ collisions in one bucket of a table of 64+) are not modelled. HashSet<String> is a
// JavaHashMap<bool>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/java_compat.h"

namespace rmq::fake {

template <class V>
class JavaHashMap {
 public:
  using Entry = std::pair<std::string, V>;

  explicit JavaHashMap(size_t initial_capacity = 16) : initial_capacity_(initial_capacity) {}

  V* find(std::string_view key) {
    for (Entry& e : entries_) {
      if (e.first == key) return &e.second;
    }
    return nullptr;
  }
  const V* find(std::string_view key) const { return const_cast<JavaHashMap*>(this)->find(key); }

  // Map.put: replaces the value of a present key in place, or appends a new entry. The reference is valid
  // until the next insertion or removal.
  V& put(const std::string& key, V value) {
    if (V* present = find(key)) {
      *present = std::move(value);
      return *present;
    }
    entries_.emplace_back(key, std::move(value));
    if (entries_.size() > peak_) peak_ = entries_.size();
    return entries_.back().second;
  }
  // computeIfAbsent with a default-made value.
  V& get_or_add(const std::string& key, V fresh = V{}) {
    if (V* present = find(key)) return *present;
    return put(key, std::move(fresh));
  }
  bool erase(std::string_view key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
      if (it->first == key) {
        entries_.erase(it);
        return true;
      }
    }
    return false;
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // Entries in insertion order (for lookups and edits where Java's order does not matter).
  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }
  // Keys in the order Java would iterate them.
  std::vector<std::string> java_keys() const;

 private:
  size_t initial_capacity_;
  size_t peak_ = 0;
  std::vector<Entry> entries_;
};

template <class V>
std::vector<std::string> JavaHashMap<V>::java_keys() const {
  std::vector<int32_t> hashes;
  hashes.reserve(entries_.size());
  for (const Entry& e : entries_) hashes.push_back(java_string_hash(e.first));
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (size_t i : java_hash_order(hashes, initial_capacity_, peak_)) keys.push_back(entries_[i].first);
  return keys;
}

}  // namespace rmq::fake
