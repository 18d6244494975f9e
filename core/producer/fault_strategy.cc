#include "core/producer/fault_strategy.h"

#include <array>
#include <cassert>
#include <limits>

namespace rmq::producer {

namespace {

constexpr std::array<int64_t, 7> kV4LatencyMax = {50, 100, 550, 1000, 2000, 3000, 15000};
constexpr std::array<int64_t, 7> kV4NotAvailableDuration = {0, 0, 30000, 60000, 120000, 180000, 600000};
constexpr std::array<int64_t, 7> kV5LatencyMax = {50, 100, 550, 1800, 3000, 5000, 15000};
constexpr std::array<int64_t, 7> kV5NotAvailableDuration = {0, 0, 2000, 5000, 6000, 10000, 30000};

bool is_v5(client::Profile profile) { return profile == client::Profile::kV5; }

}  // namespace

FaultStrategy::FaultStrategy(client::Profile profile, bool enabled, uint32_t which_item_worst_draw)
    : profile_(profile), enabled_(enabled), tolerance_(profile, which_item_worst_draw) {}

std::span<const int64_t> FaultStrategy::latency_max(client::Profile profile) {
  return is_v5(profile) ? std::span<const int64_t>(kV5LatencyMax) : std::span<const int64_t>(kV4LatencyMax);
}

std::span<const int64_t> FaultStrategy::not_available_duration(client::Profile profile) {
  return is_v5(profile) ? std::span<const int64_t>(kV5NotAvailableDuration)
                        : std::span<const int64_t>(kV4NotAvailableDuration);
}

int64_t FaultStrategy::isolation_latency(client::Profile profile) { return is_v5(profile) ? 10000 : 30000; }

int64_t FaultStrategy::compute_not_available_duration(int64_t latency_ms) const {
  std::span<const int64_t> max = latency_max(profile_);
  std::span<const int64_t> duration = not_available_duration(profile_);
  for (size_t i = max.size(); i-- > 0;) {
    if (latency_ms >= max[i]) return duration[i];
  }
  return 0;
}

void FaultStrategy::update_fault_item(const std::string& broker, int64_t current_latency_ms, bool isolation,
                                      bool reachable, int64_t now_ms) {
  if (!enabled_) return;
  int64_t duration = compute_not_available_duration(isolation ? isolation_latency(profile_) : current_latency_ms);
  tolerance_.update_fault_item(broker, current_latency_ms, duration, reachable, now_ms);
}

std::optional<client::MessageQueue> FaultStrategy::select_one_message_queue(
    TopicPublishInfo& info, const std::optional<std::string>& last_broker, bool reset_index, int64_t now_ms,
    const std::function<uint32_t()>& random_draw) {
  if (!info.ok()) return std::nullopt;  // Java would divide by zero; callers check ok() first
  if (is_v5(profile_)) return select_v5(info, last_broker, reset_index, now_ms, random_draw);
  if (!enabled_) return info.select_one_avoiding(last_broker);
  return select_v4_with_latency(info, now_ms);
}

client::MessageQueue FaultStrategy::select_v4_with_latency(TopicPublishInfo& info, int64_t now_ms) {
  const auto n = static_cast<int32_t>(info.queues.size());
  int32_t index = info.send_which_queue.increment_and_get();
  for (int32_t attempt = 0; attempt < n; ++attempt) {
    int32_t pos = java_int_abs(index) % n;  // Java: abs(index++) — index may wrap to MIN_VALUE here
    index = java_int_increment(index);
    if (pos < 0) pos = 0;
    const client::MessageQueue& mq = info.queues[static_cast<size_t>(pos)];
    if (tolerance_.is_available(mq.broker_name, now_ms)) return mq;
  }

  std::optional<std::string> not_best = tolerance_.pick_one_at_least(now_ms);
  // Java: getQueueIdByBroker on a publish info without a route throws a NullPointerException, and with no
  // broker picked it returns -1 and remove(null) throws one; both are caught and end in the final fallback.
  if (!info.route || !not_best) return info.select_one();
  int32_t write_queue_nums = info.write_queue_nums_of(*not_best);
  if (write_queue_nums > 0) {
    client::MessageQueue mq = info.select_one();
    // 4.9.8 returns a new MessageQueue (older releases overwrote the shared list entry).
    return client::MessageQueue{mq.topic, *not_best, info.send_which_queue.increment_and_get() % write_queue_nums};
  }
  tolerance_.remove(*not_best);
  return info.select_one();
}

client::MessageQueue FaultStrategy::select_v5(TopicPublishInfo& info, const std::optional<std::string>& last_broker,
                                              bool reset_index, int64_t now_ms,
                                              const std::function<uint32_t()>& random_draw) {
  auto not_last_broker = [&last_broker](const client::MessageQueue& mq) {
    return !last_broker || mq.broker_name != *last_broker;
  };
  if (!enabled_) {
    if (const client::MessageQueue* mq = info.select_v5(not_last_broker)) return *mq;
    return info.select_one();
  }
  if (reset_index) {
    assert(random_draw && "a v5 index reset needs a random draw");
    info.send_which_queue.reset(random_draw());
  }
  const client::MessageQueue* mq = info.select_v5([&](const client::MessageQueue& q) {
    return tolerance_.is_available(q.broker_name, now_ms) && not_last_broker(q);
  });
  if (mq) return *mq;
  mq = info.select_v5([&](const client::MessageQueue& q) {
    return tolerance_.is_reachable(q.broker_name) && not_last_broker(q);
  });
  if (mq) return *mq;
  return info.select_one();
}

}  // namespace rmq::producer
