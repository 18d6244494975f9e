// ProcessQueue (spec §6.3, §6.6): the messages pulled from one assigned queue and not yet acknowledged, keyed by
// queue offset, with the counters flow control reads. One per assigned queue, owned by the rebalance; the pull
// path adds, the consume path removes. Times are ms of the runtime's clock, passed in.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "core/consumer/message_ext.h"

namespace rmq::consumer {

inline constexpr int64_t kPullMaxIdleTimeMs = 120'000;  // rocketmq.client.pull.pullMaxIdleTime

class ProcessQueue {
 public:
  // putMessage: adds the messages not already held (same offset = duplicate, ignored); returns whether the
  // orderly consume service should be dispatched (Java's "dispatchToConsume": messages present and not consuming).
  bool put_messages(const std::vector<MessageExt>& msgs);
  // removeMessage: -1 when nothing was held before; else, after removing `offsets`, the smallest offset still
  // held, or queue_offset_max + 1 when none is left (the offset safe to commit).
  int64_t remove_messages(const std::vector<int64_t>& offsets, int64_t now_ms);
  // getMaxSpan: last key - first key (0 when empty).
  int64_t max_span() const;

  // Orderly consumption (ConsumeMessageOrderlyService): takeMessages moves up to `batch` of the smallest
  // offsets to the consuming map; commit() acknowledges them all, returning the offset to commit (-1 when
  // nothing was taken); make_message_to_consume_again() puts them back.
  std::vector<MessageExt> take_messages(int batch);
  // Java's takeMessages also stamps lastConsumeTimestamp = now; this overload does.
  std::vector<MessageExt> take_messages(int batch, int64_t now_ms);
  int64_t commit();
  void make_message_to_consume_again(const std::vector<MessageExt>& msgs);

  bool is_pull_expired(int64_t now_ms) const { return now_ms - last_pull_timestamp_ms > kPullMaxIdleTimeMs; }
  bool empty() const { return messages_.empty(); }
  int64_t msg_count() const { return msg_count_; }
  int64_t msg_size() const { return msg_size_; }  // sum of body lengths
  int64_t queue_offset_max() const { return queue_offset_max_; }
  const std::map<int64_t, MessageExt>& messages() const { return messages_; }

  bool dropped = false;
  bool locked = false;
  int64_t last_lock_timestamp_ms = 0;
  int64_t last_pull_timestamp_ms = 0;
  int64_t last_consume_timestamp_ms = 0;
  bool consuming = false;

 private:
  std::map<int64_t, MessageExt> messages_;
  std::map<int64_t, MessageExt> consuming_;  // orderly: taken, not yet committed
  int64_t msg_count_ = 0;
  int64_t msg_size_ = 0;
  int64_t queue_offset_max_ = 0;
};

}  // namespace rmq::consumer
