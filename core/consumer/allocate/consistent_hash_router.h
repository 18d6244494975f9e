// The hash ring of Java's common/consistenthash/ConsistentHashRouter with its default MD5Hash (spec §7.4), as
// AllocateMessageQueueConsistentHash builds it for every allocation: for each physical node in the given order,
// virtual nodes "<key>-<r>" for r = existing + 0 .. existing + count - 1 (existing = how many virtual nodes of
// an equal key the ring already holds, so a repeated key continues the numbering), each put at hash("<key>-<r>")
// of a sorted map (a later put at the same hash replaces the earlier virtual node). An object key routes to the
// first ring entry at or after its hash, wrapping to the smallest; an empty ring routes nowhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rmq::consumer {

// Java's HashFunction: long hash(String key).
using HashFunction = std::function<int64_t(std::string_view key)>;

// ConsistentHashRouter.MD5Hash: the MD5 digest of the key's bytes (Java: String.getBytes() in the platform
// charset; here the UTF-8 bytes, the same for ASCII and on UTF-8 platforms), bytes 0..3 read as an unsigned
// big-endian 32-bit value (0 .. 2^32 - 1).
int64_t java_md5_hash(std::string_view key);

class ConsistentHashRouter {
 public:
  // `virtual_node_count` >= 0 (Java's addNode throws IllegalArgumentException below 0; the strategy's own
  // constructor rejects it first). An empty `hash` means java_md5_hash.
  ConsistentHashRouter(const std::vector<std::string>& nodes, int virtual_node_count, HashFunction hash = {});

  // routeNode(objectKey): the physical node key, or nullptr when the ring is empty.
  const std::string* route(std::string_view object_key) const;

  size_t ring_size() const { return ring_.size(); }
  // The ring in ascending hash order: hash → physical node key.
  std::vector<std::pair<int64_t, std::string>> entries() const;

 private:
  void add_node(const std::string& key, int virtual_node_count);

  HashFunction hash_;
  std::vector<std::string> nodes_;                  // distinct physical node keys, by first appearance
  std::map<std::string, size_t> node_index_;        // key → index into nodes_
  std::vector<int> replicas_;                       // virtual nodes of nodes_[i] now in the ring
  std::map<int64_t, size_t> ring_;                  // hash → index into nodes_
};

}  // namespace rmq::consumer
