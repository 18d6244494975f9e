// The broker's RebalanceLockManager (orderly consumption, spec §5.6 codes 41/42): a queue of a group is locked
// to one client id; a lock not renewed for 60 s (rocketmq.broker.rebalance.lockMaxLiveTime) may be taken over.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/consumer_list.h"

namespace rmq::fake {

extern const char* const kLockBodyJsonError;

class RebalanceLockManager {
 public:
  static constexpr int64_t kLockMaxLiveTimeMs = 60'000;

  // tryLockBatch: the queues of `mqs` now held by `client_id` (renewed or newly taken), in `mqs` order.
  std::vector<protocol::MessageQueueRef> try_lock_batch(const std::string& group,
                                                        const std::vector<protocol::MessageQueueRef>& mqs,
                                                        const std::string& client_id, int64_t now_ms);
  // unlockBatch: releases the queues `client_id` holds.
  void unlock_batch(const std::string& group, const std::vector<protocol::MessageQueueRef>& mqs,
                    const std::string& client_id);
  // The holder of a queue's live lock, if any.
  std::optional<std::string> holder(const std::string& group, const protocol::MessageQueueRef& mq,
                                    int64_t now_ms) const;
  void clear() { locks_.clear(); }

 private:
  struct Entry {
    std::string client_id;
    int64_t last_update_ms = 0;
  };
  std::map<std::string, std::map<protocol::MessageQueueRef, Entry>> locks_;
};

}  // namespace rmq::fake
