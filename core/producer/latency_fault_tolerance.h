// LatencyFaultTolerance: Java's LatencyFaultToleranceImpl for both profiles (spec §4.3 for 4.x, §4.4 for 5.x) —
// one FaultItem per broker name remembering its last send latency and until when it is not available.
//
// Profile differences:
//   update:      kV4_9_8 always sets start = now + duration (a fast success makes a broker available again);
//                kV5 only extends: start = now + duration iff duration > 0 && now + duration > start.
//   available:   kV4_9_8 now - start >= 0; kV5 now >= start (the same for int64 ms).
//   pick:        kV4_9_8 sorts the items (available first, then lower latency, then earlier start) and takes
//                item[whichItemWorst.increment_and_get() % (size/2)], or the first when size/2 is 0;
//                kV5 shuffles them and takes the first reachable one.
//
// Time is passed in (ms, the clock Java reads with System.currentTimeMillis()); nothing here reads a clock.
//
// Iteration order: items are kept in a std::map for lookups; where Java's order leaks (pickOneAtLeast copies a
// ConcurrentHashMap before a *stable* sort, so ties keep the table's order, and 5.x shuffles that copy), the
// table order is rebuilt from java_string_hash and the insertion order: `new ConcurrentHashMap(16)` has 32
// bins (initial capacity 16 * 1.5 + 1 rounded up), doubles when its size reaches 3/4 of the bins, appends new
// keys at the tail of their bin and keeps bin order on removal. Exact as long as the table never held 24 or
// more brokers; past that a resize may reverse part of a bin (ConcurrentHashMap.transfer), not modelled.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/client/profile.h"
#include "core/producer/send_queue_index.h"

namespace rmq::producer {

struct FaultItem {
  std::string name;
  int64_t current_latency = 0;
  int64_t start_timestamp = 0;  // not available before this (ms)
  int64_t check_stamp = 0;      // 5.x detector: next probe not before this (ms)
  bool reachable = true;        // 5.x only; 4.x never consults it
  uint64_t insertion_seq = 0;   // when the name entered the table (its place in its hash bin)

  bool is_available(int64_t now_ms) const { return now_ms >= start_timestamp; }
  friend bool operator==(const FaultItem&, const FaultItem&) = default;
};

class LatencyFaultTolerance {
 public:
  // `which_item_worst_draw` seeds the 4.x whichItemWorst index (a ThreadLocalIndex of its own).
  LatencyFaultTolerance(client::Profile profile, uint32_t which_item_worst_draw);

  // updateFaultItem(name, currentLatency, notAvailableDuration[, reachable]) at `now_ms`. kV4_9_8 stores
  // `reachable` but never reads it (callers pass true).
  void update_fault_item(const std::string& name, int64_t latency_ms, int64_t not_available_duration_ms,
                         bool reachable, int64_t now_ms);

  // Unknown names are available and reachable.
  bool is_available(const std::string& name, int64_t now_ms) const;
  bool is_reachable(const std::string& name) const;
  void remove(const std::string& name);

  // pickOneAtLeast. kV4_9_8 ignores `random_below`; kV5 needs it: random_below(bound) is a uniform value in
  // [0, bound), used for Collections.shuffle's swaps. nullopt when there is no item (or, kV5, none reachable).
  std::optional<std::string> pick_one_at_least(int64_t now_ms,
                                               const std::function<uint32_t(uint32_t)>& random_below = {});

  // 5.x detectByOneRound bookkeeping: the names, in table order, whose check_stamp <= now_ms; each gets
  // check_stamp = now_ms + detect_interval_ms. The caller probes them and calls mark_reachable on success (or
  // remove when the broker has no master address any more).
  std::vector<std::string> take_due_for_detection(int64_t now_ms, int64_t detect_interval_ms);
  void mark_reachable(const std::string& name);

  const std::map<std::string, FaultItem>& items() const { return items_; }
  // The items in Java's ConcurrentHashMap iteration order (see the header comment).
  std::vector<const FaultItem*> java_table_order() const;
  SendQueueIndex& which_item_worst() { return which_item_worst_; }
  client::Profile profile() const { return profile_; }

 private:
  std::optional<std::string> pick_sorted(int64_t now_ms);
  std::optional<std::string> pick_shuffled(const std::function<uint32_t(uint32_t)>& random_below) const;

  client::Profile profile_;
  SendQueueIndex which_item_worst_;
  std::map<std::string, FaultItem> items_;
  uint64_t next_insertion_seq_ = 0;
  size_t peak_size_ = 0;  // the Java table never shrinks
};

}  // namespace rmq::producer
