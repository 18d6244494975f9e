#include "core/consumer/allocate/consistent_hash_router.h"

#include <cassert>

#include "core/consumer/allocate/md5.h"

namespace rmq::consumer {

int64_t java_md5_hash(std::string_view key) {
  Md5Digest digest = md5(key);
  uint32_t h = 0;
  for (size_t i = 0; i < 4; ++i) h = (h << 8) | digest[i];
  return static_cast<int64_t>(h);
}

ConsistentHashRouter::ConsistentHashRouter(const std::vector<std::string>& nodes, int virtual_node_count,
                                           HashFunction hash)
    : hash_(hash ? std::move(hash) : HashFunction(java_md5_hash)) {
  assert(virtual_node_count >= 0);
  for (const std::string& key : nodes) {
    if (node_index_.find(key) == node_index_.end()) {
      nodes_.push_back(key);
      node_index_.emplace(key, nodes_.size() - 1);
      replicas_.push_back(0);
    }
  }
  for (const std::string& key : nodes) add_node(key, virtual_node_count);
}

void ConsistentHashRouter::add_node(const std::string& key, int virtual_node_count) {
  size_t index = node_index_.at(key);
  int existing = replicas_[index];
  for (int i = 0; i < virtual_node_count; ++i) {
    int64_t h = hash_(key + "-" + std::to_string(i + existing));
    auto [it, inserted] = ring_.try_emplace(h, index);
    if (!inserted) {
      --replicas_[it->second];
      it->second = index;
    }
    ++replicas_[index];
  }
}

const std::string* ConsistentHashRouter::route(std::string_view object_key) const {
  if (ring_.empty()) return nullptr;
  auto it = ring_.lower_bound(hash_(object_key));
  if (it == ring_.end()) it = ring_.begin();
  return &nodes_[it->second];
}

std::vector<std::pair<int64_t, std::string>> ConsistentHashRouter::entries() const {
  std::vector<std::pair<int64_t, std::string>> out;
  out.reserve(ring_.size());
  for (const auto& [h, index] : ring_) out.emplace_back(h, nodes_[index]);
  return out;
}

}  // namespace rmq::consumer
