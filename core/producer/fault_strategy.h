// FaultStrategy: Java's MQFaultStrategy — which queue a send uses, and how send latencies and failures mark
// brokers not available (spec §4.3 for 4.9.8, §4.4 for 5.1.4+ as in 5.3.3).
//
// Selection, latency fault tolerance disabled (the default):
//   kV4_9_8: info.select_one_avoiding(last_broker).
//   kV5:     info.select_v5(broker filter), else the unfiltered info.select_one(). reset_index is ignored.
// Selection, enabled:
//   kV4_9_8: one increment, then positions abs(index++) % n, the first available queue (last_broker is ignored);
//            else pickOneAtLeast's broker with writeQueueNums w > 0 gives a *new* queue
//            (topic, broker, increment_and_get() % w) after one select_one(); else that broker is forgotten;
//            finally select_one(). Java's exception paths (pickOneAtLeast null -> remove(null) NPE, no route ->
//            NPE) end in the same final select_one() and are reproduced by their observable result.
//   kV5:     reset_index -> the index is reset to a fresh draw; then select_v5(available && not last broker),
//            select_v5(reachable && not last broker), then select_one().
// update_fault_item is a no-op unless enabled; isolation looks up 30000 ms (4.x -> 600000 ms) or 10000 ms
// (5.x -> 10000 ms) in the profile's tables.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

#include "core/client/message_queue.h"
#include "core/client/profile.h"
#include "core/producer/latency_fault_tolerance.h"
#include "core/producer/topic_publish_info.h"

namespace rmq::producer {

struct FaultStrategyOptions {
  bool send_latency_fault_enable = false;
  client::Profile profile = client::Profile::kV4_9_8;
};

class FaultStrategy {
 public:
  // `which_item_worst_draw` seeds the 4.x tolerance's whichItemWorst index.
  FaultStrategy(client::Profile profile, bool enabled, uint32_t which_item_worst_draw);
  FaultStrategy(const FaultStrategyOptions& options, uint32_t which_item_worst_draw)
      : FaultStrategy(options.profile, options.send_latency_fault_enable, which_item_worst_draw) {}

  // The queue for the next attempt, by value (4.9.8 may build a queue that is not in the list). nullopt only
  // when `info` has no queues. `random_draw` is called only for a v5 index reset and must then return a value
  // in [0, INT32_MAX) (runtime::random_below(rt, INT32_MAX)); it may be empty otherwise.
  std::optional<client::MessageQueue> select_one_message_queue(TopicPublishInfo& info,
                                                              const std::optional<std::string>& last_broker,
                                                              bool reset_index, int64_t now_ms,
                                                              const std::function<uint32_t()>& random_draw);

  // updateFaultItem(broker, currentLatency, isolation[, reachable]) at `now_ms`.
  void update_fault_item(const std::string& broker, int64_t current_latency_ms, bool isolation, bool reachable,
                         int64_t now_ms);

  // computeNotAvailableDuration: the duration of the largest latencyMax[i] <= latency, else 0.
  int64_t compute_not_available_duration(int64_t latency_ms) const;

  bool enabled() const { return enabled_; }
  void set_enabled(bool enabled) { enabled_ = enabled; }
  client::Profile profile() const { return profile_; }
  LatencyFaultTolerance& tolerance() { return tolerance_; }
  const LatencyFaultTolerance& tolerance() const { return tolerance_; }

  // The tables of a profile (index 0..6).
  static std::span<const int64_t> latency_max(client::Profile profile);
  static std::span<const int64_t> not_available_duration(client::Profile profile);
  // The latency an isolating failure is looked up as: 30000 (4.x) or 10000 (5.x).
  static int64_t isolation_latency(client::Profile profile);

 private:
  client::MessageQueue select_v4_with_latency(TopicPublishInfo& info, int64_t now_ms);
  client::MessageQueue select_v5(TopicPublishInfo& info, const std::optional<std::string>& last_broker,
                                 bool reset_index, int64_t now_ms, const std::function<uint32_t()>& random_draw);

  client::Profile profile_;
  bool enabled_;
  LatencyFaultTolerance tolerance_;
};

}  // namespace rmq::producer
