// SendQueueIndex: Java's ThreadLocalIndex (spec §4.1) for one "thread". Java keeps one value per sending thread;
// the core is single-threaded, so one SendQueueIndex lives in each TopicPublishInfo (DESIGN §6.8) and one in
// the 4.x fault tolerance (whichItemWorst).
//
// Contract (both profiles): increment_and_get() increments the stored int32 with two's-complement wrap and
// returns it masked with 0x7FFFFFFF, so results are in [0, INT32_MAX] and consecutive results differ by one
// except at the wrap (INT32_MAX -> 0). Only the start differs:
//   kV4_9_8: Math.abs(random.nextInt()) — abs(INT32_MIN) stays INT32_MIN, as in Java;
//   kV5:     random.nextInt() as drawn (may be negative).
// Java draws the start lazily on the first call; drawing it at construction is equivalent because nothing reads
// the value before then.
#pragma once

#include <cstdint>
#include <limits>

#include "core/client/profile.h"

namespace rmq::producer {

// Java Math.abs(int): INT32_MIN has no positive counterpart and comes back unchanged.
constexpr int32_t java_int_abs(int32_t v) {
  if (v == std::numeric_limits<int32_t>::min()) return v;
  return v < 0 ? -v : v;
}

// Java `v + 1` on an int: wraps from INT32_MAX to INT32_MIN.
constexpr int32_t java_int_increment(int32_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(v) + 1U);
}

class SendQueueIndex {
 public:
  // An index as Java's `new ThreadLocalIndex()` whose generator would yield 0 (4.9.8 rules).
  SendQueueIndex() : SendQueueIndex(client::Profile::kV4_9_8, 0) {}
  // `random_draw`: 32 random bits, read as the int Java's random.nextInt() returns.
  SendQueueIndex(client::Profile profile, uint32_t random_draw);

  // ++index (wrapping); returns index & 0x7FFFFFFF.
  int32_t increment_and_get();

  // 5.1.4+ ThreadLocalIndex.reset(): value = random.nextInt(Integer.MAX_VALUE). `bounded_draw` must already be in
  // [0, INT32_MAX) (callers pass runtime::random_below(rt, INT32_MAX)). Only the v5 profile resets.
  void reset(uint32_t bounded_draw);

  // The stored (unmasked) value: what the next increment starts from.
  int32_t value() const { return value_; }
  void set_value_for_test(int32_t value) { value_ = value; }
  client::Profile profile() const { return profile_; }

 private:
  client::Profile profile_;
  int32_t value_;
};

}  // namespace rmq::producer
