#include "sim/event_queue.h"

#include <algorithm>
#include <string>

#include "sim/sim_check.h"

namespace rmq::sim {
namespace {

// std::push_heap builds a max-heap; "greater" puts the earliest (time, seq) on top.
struct Later {
  template <typename E>
  bool operator()(const E& a, const E& b) const {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
};

}  // namespace

EventQueue::EventQueue(size_t max_pending) : max_pending_(max_pending) {
  RMQSIM_CHECK(max_pending > 0 && max_pending <= kMaxPendingCeiling,
               "SimOptions.max_pending_events must be in [1, 2^24 - 1]");
}

TimerId EventQueue::schedule(Micros at, std::function<void()> fn) {
  if (live_ >= max_pending_) {
    fatal("pending simulator events exceed SimOptions.max_pending_events = " + std::to_string(max_pending_) +
              " (runaway scheduling, or raise the limit)",
          __FILE__, __LINE__);
  }
  uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  ++s.generation;  // starts at 1, so an id is never kNoTimer
  s.id = (s.generation << kSlotBits) | slot;
  s.fn = std::move(fn);
  heap_.push_back(Entry{at, next_seq_++, s.id});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  ++live_;
  return s.id;
}

void EventQueue::release(uint32_t slot) {
  slots_[slot].id = 0;
  free_slots_.push_back(slot);
  --live_;
}

bool EventQueue::cancel(TimerId id) {
  const uint64_t slot = id & kSlotMask;
  if (id == runtime::kNoTimer || slot >= slots_.size() || slots_[slot].id != id) return false;
  // Destroy the callback now: what it captured (connections, buffers) is released at cancel time, not when the
  // stale heap entry surfaces. Move it out first, in case its destructor cancels other events.
  std::function<void()> dropped = std::move(slots_[slot].fn);
  slots_[slot].fn = nullptr;
  release(static_cast<uint32_t>(slot));
  if (heap_.size() > 64 && heap_.size() > 2 * live_) compact();
  return true;
}

void EventQueue::drop_stale_top() {
  while (!heap_.empty() && !is_live(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }
}

void EventQueue::compact() {
  // Rebuilding keeps (time, seq) of the live entries, so the order of events is unchanged.
  std::erase_if(heap_, [this](const Entry& e) { return !is_live(e); });
  std::make_heap(heap_.begin(), heap_.end(), Later{});
  ++compactions_;
}

std::optional<Micros> EventQueue::next_time() {
  drop_stale_top();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().at;
}

Micros EventQueue::pop(std::function<void()>& fn) {
  drop_stale_top();
  RMQSIM_CHECK(!heap_.empty(), "EventQueue::pop on an empty queue");
  const Entry top = heap_.front();
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  heap_.pop_back();
  const auto slot = static_cast<uint32_t>(top.id & kSlotMask);
  fn = std::move(slots_[slot].fn);
  slots_[slot].fn = nullptr;
  release(slot);
  return top.at;
}

}  // namespace rmq::sim
