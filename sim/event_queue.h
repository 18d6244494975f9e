// The simulator's pending events: a binary min-heap ordered by (virtual time, sequence number), with O(1)
// cancellation by lazy deletion.
//
// Ties at equal times run in scheduling order (the sequence number increases with every schedule), so the order
// never depends on pointers or hashing. Callbacks live in a slot table indexed by the low bits of the event id;
// cancel() empties the slot at once (releasing what the callback captured) and the heap entry is skipped when it
// surfaces. When stale entries outnumber live ones the heap is rebuilt, so its size stays within about twice the
// live count. The live count is bounded: exceeding `max_pending` is a fatal error naming the limit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "core/runtime/runtime.h"

namespace rmq::sim {

using runtime::Micros;
using runtime::TimerId;

class EventQueue {
 public:
  // Slot indexes use the low 24 bits of an id, so at most 2^24 - 1 events can be pending.
  static constexpr size_t kMaxPendingCeiling = (size_t{1} << 24) - 1;

  explicit EventQueue(size_t max_pending);

  // Adds an event at `at`; the id is never kNoTimer and never reused. Fatal past max_pending live events.
  TimerId schedule(Micros at, std::function<void()> fn);
  // Removes a pending event. False when it already ran, was cancelled, or never existed.
  bool cancel(TimerId id);

  // The earliest live event's time (drops cancelled entries from the top), nullopt when none is pending.
  std::optional<Micros> next_time();
  // Takes the earliest live event: its time, and its callback into `fn`. Precondition: next_time() had a value.
  Micros pop(std::function<void()>& fn);

  size_t live() const { return live_; }
  size_t heap_size() const { return heap_.size(); }
  size_t max_pending() const { return max_pending_; }
  uint64_t compactions() const { return compactions_; }

 private:
  struct Entry {
    Micros at;
    uint64_t seq;
    TimerId id;
  };
  struct Slot {
    std::function<void()> fn;
    TimerId id = 0;  // the id of the event occupying the slot; 0 when free
    uint64_t generation = 0;
  };
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kSlotMask = (uint64_t{1} << kSlotBits) - 1;

  bool is_live(const Entry& e) const { return slots_[e.id & kSlotMask].id == e.id; }
  void release(uint32_t slot);
  void drop_stale_top();
  void compact();

  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;  // LIFO, so slot reuse is deterministic
  size_t max_pending_;
  size_t live_ = 0;
  uint64_t next_seq_ = 1;
  uint64_t compactions_ = 0;
};

}  // namespace rmq::sim
