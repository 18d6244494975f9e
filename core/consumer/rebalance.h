// Rebalance: Java's RebalanceImpl + RebalancePushImpl (spec §7.2, §7.3, §6.8) for one push consumer. A round
// walks the subscribed topics one after another: clustering asks a random broker for the group's consumer ids,
// sorts queues and ids, allocates with the strategy, then drops the queues no longer owned (offsets persisted and
// forgotten) and adds the new ones at the offset computePullFromWhere gives, each with its pull request.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/consumer/process_queue.h"
#include "core/protocol/subscription_data.h"

namespace rmq::consumer {

class PushConsumer;
struct PullRequest;

class Rebalance {
 public:
  explicit Rebalance(PushConsumer& consumer) : consumer_(consumer) {}

  std::map<std::string, protocol::SubscriptionData>& subscription_inner() { return subscription_inner_; }
  std::map<std::string, std::set<client::MessageQueue>>& topic_subscribe_info_table() { return topic_subscribe_info_; }
  const std::map<client::MessageQueue, std::shared_ptr<ProcessQueue>>& process_queue_table() const {
    return process_queue_table_;
  }

  // doRebalance(isOrder): every subscribed topic, then truncateMessageQueueNotMyTopic.
  void do_rebalance(std::function<void()> done);
  // removeProcessQueue: drop the queue now (OFFSET_ILLEGAL's delayed task).
  void remove_process_queue(const client::MessageQueue& mq);
  // computePullFromWhereWithException: the offset to start `mq` at, or nullopt when it must not be added now.
  void compute_pull_from_where(const client::MessageQueue& mq, std::function<void(std::optional<int64_t>)> done);
  // The queues currently owned (for persistAll).
  std::set<client::MessageQueue> owned_queues() const;
  // Marks every process queue dropped (shutdown).
  void drop_all();

 private:
  void rebalance_topics_from(std::shared_ptr<std::vector<std::string>> topics, size_t index,
                             std::function<void()> done);
  void rebalance_by_topic(const std::string& topic, std::function<void()> done);
  void allocate_and_update(const std::string& topic, std::vector<client::MessageQueue> mq_all,
                           std::vector<std::string> cid_all, std::function<void()> done);
  void update_process_queue_table(const std::string& topic, const std::set<client::MessageQueue>& mq_set,
                                  std::function<void(bool changed)> done);
  void add_queues_from(std::shared_ptr<std::vector<client::MessageQueue>> queues, size_t index,
                       std::shared_ptr<std::vector<std::shared_ptr<PullRequest>>> requests, std::function<void()> done);
  bool remove_unnecessary_message_queue(const client::MessageQueue& mq, ProcessQueue& pq);
  void message_queue_changed(const std::string& topic, const std::set<client::MessageQueue>& allocated);
  void truncate_message_queue_not_my_topic();

  PushConsumer& consumer_;
  std::map<std::string, protocol::SubscriptionData> subscription_inner_;
  std::map<std::string, std::set<client::MessageQueue>> topic_subscribe_info_;
  std::map<client::MessageQueue, std::shared_ptr<ProcessQueue>> process_queue_table_;
};

}  // namespace rmq::consumer
