#include "core/producer/latency_fault_tolerance.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <utility>

#include "core/common/java_compat.h"

namespace rmq::producer {

namespace {

// new ConcurrentHashMap<>(16): tableSizeFor(16 + 16/2 + 1) = 32 bins.
constexpr size_t kJavaTableBins = 32;

// FaultItem.compareTo (4.x): available first, then lower currentLatency, then earlier startTimestamp.
bool fault_item_less(const FaultItem& a, const FaultItem& b, int64_t now_ms) {
  bool a_available = a.is_available(now_ms);
  if (a_available != b.is_available(now_ms)) return a_available;
  if (a.current_latency != b.current_latency) return a.current_latency < b.current_latency;
  return a.start_timestamp < b.start_timestamp;
}

}  // namespace

LatencyFaultTolerance::LatencyFaultTolerance(client::Profile profile, uint32_t which_item_worst_draw)
    : profile_(profile), which_item_worst_(profile, which_item_worst_draw) {}

void LatencyFaultTolerance::update_fault_item(const std::string& name, int64_t latency_ms,
                                              int64_t not_available_duration_ms, bool reachable, int64_t now_ms) {
  auto [it, inserted] = items_.try_emplace(name);
  FaultItem& item = it->second;
  if (inserted) {
    item.name = name;
    item.insertion_seq = next_insertion_seq_++;
    peak_size_ = std::max(peak_size_, items_.size());
  }
  item.current_latency = latency_ms;
  item.reachable = reachable;
  int64_t until = now_ms + not_available_duration_ms;
  if (profile_ == client::Profile::kV4_9_8) {
    item.start_timestamp = until;
  } else if (not_available_duration_ms > 0 && until > item.start_timestamp) {
    // 5.x never shortens an isolation; a new item starts at 0 (available) before this.
    item.start_timestamp = until;
  }
}

bool LatencyFaultTolerance::is_available(const std::string& name, int64_t now_ms) const {
  auto it = items_.find(name);
  return it == items_.end() || it->second.is_available(now_ms);
}

bool LatencyFaultTolerance::is_reachable(const std::string& name) const {
  auto it = items_.find(name);
  return it == items_.end() || it->second.reachable;
}

void LatencyFaultTolerance::remove(const std::string& name) { items_.erase(name); }

std::vector<const FaultItem*> LatencyFaultTolerance::java_table_order() const {
  std::vector<const FaultItem*> by_insertion;
  by_insertion.reserve(items_.size());
  for (const auto& entry : items_) by_insertion.push_back(&entry.second);
  std::sort(by_insertion.begin(), by_insertion.end(),
            [](const FaultItem* a, const FaultItem* b) { return a->insertion_seq < b->insertion_seq; });

  std::vector<int32_t> hashes;
  hashes.reserve(by_insertion.size());
  for (const FaultItem* item : by_insertion) hashes.push_back(java_string_hash(item->name));
  // ConcurrentHashMap resizes once its size *reaches* 3/4 of the bins, HashMap once it passes it: one more
  // element makes java_hash_order's HashMap rule give the ConcurrentHashMap's bin count.
  std::vector<size_t> order = java_hash_order(hashes, kJavaTableBins, peak_size_ + 1);

  std::vector<const FaultItem*> table;
  table.reserve(order.size());
  for (size_t index : order) table.push_back(by_insertion[index]);
  return table;
}

std::optional<std::string> LatencyFaultTolerance::pick_one_at_least(
    int64_t now_ms, const std::function<uint32_t(uint32_t)>& random_below) {
  if (profile_ == client::Profile::kV4_9_8) return pick_sorted(now_ms);
  return pick_shuffled(random_below);
}

std::optional<std::string> LatencyFaultTolerance::pick_sorted(int64_t now_ms) {
  std::vector<const FaultItem*> list = java_table_order();
  if (list.empty()) return std::nullopt;
  // Collections.sort is stable: equal items keep the table order.
  std::stable_sort(list.begin(), list.end(),
                   [now_ms](const FaultItem* a, const FaultItem* b) { return fault_item_less(*a, *b, now_ms); });
  assert(list.size() / 2 <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  auto half = static_cast<int32_t>(list.size() / 2);
  if (half <= 0) return list.front()->name;
  int32_t pos = which_item_worst_.increment_and_get() % half;
  return list[static_cast<size_t>(pos)]->name;
}

std::optional<std::string> LatencyFaultTolerance::pick_shuffled(
    const std::function<uint32_t(uint32_t)>& random_below) const {
  std::vector<const FaultItem*> list = java_table_order();
  if (list.empty()) return std::nullopt;
  assert(random_below && "5.x pickOneAtLeast shuffles: a random source is required");
  // Collections.shuffle: for i = size .. 2, swap(i - 1, nextInt(i)).
  for (size_t i = list.size(); i > 1; --i) {
    uint32_t j = random_below(static_cast<uint32_t>(i));
    assert(j < i);
    std::swap(list[i - 1], list[j]);
  }
  for (const FaultItem* item : list) {
    if (item->reachable) return item->name;
  }
  return std::nullopt;
}

std::vector<std::string> LatencyFaultTolerance::take_due_for_detection(int64_t now_ms, int64_t detect_interval_ms) {
  std::vector<std::string> due;
  for (const FaultItem* item : java_table_order()) {
    if (now_ms - item->check_stamp < 0) continue;
    items_.at(item->name).check_stamp = now_ms + detect_interval_ms;
    due.push_back(item->name);
  }
  return due;
}

void LatencyFaultTolerance::mark_reachable(const std::string& name) {
  auto it = items_.find(name);
  if (it != items_.end()) it->second.reachable = true;
}

}  // namespace rmq::producer
