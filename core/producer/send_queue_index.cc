#include "core/producer/send_queue_index.h"

#include <cassert>

namespace rmq::producer {

namespace {

constexpr uint32_t kPositiveMask = 0x7FFFFFFFU;

}  // namespace

SendQueueIndex::SendQueueIndex(client::Profile profile, uint32_t random_draw)
    : profile_(profile), value_(static_cast<int32_t>(random_draw)) {
  if (profile_ == client::Profile::kV4_9_8) value_ = java_int_abs(value_);
}

int32_t SendQueueIndex::increment_and_get() {
  value_ = java_int_increment(value_);
  return static_cast<int32_t>(static_cast<uint32_t>(value_) & kPositiveMask);
}

void SendQueueIndex::reset(uint32_t bounded_draw) {
  assert(profile_ == client::Profile::kV5 && "ThreadLocalIndex.reset() exists only in 5.1.4+");
  assert(bounded_draw < kPositiveMask && "reset draws random.nextInt(Integer.MAX_VALUE)");
  value_ = static_cast<int32_t>(bounded_draw);
}

}  // namespace rmq::producer
