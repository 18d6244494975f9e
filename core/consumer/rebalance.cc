#include "core/consumer/rebalance.h"

#include <algorithm>

#include "core/common/java_compat.h"
#include "core/consumer/consume_service.h"
#include "core/consumer/push_consumer.h"
#include "core/consumer/allocate/java_order.h"

namespace rmq::consumer {

namespace {

// Java HashSet<MessageQueue> iteration order.
std::vector<client::MessageQueue> java_set_order(const std::set<client::MessageQueue>& queues) {
  std::vector<client::MessageQueue> ordered(queues.begin(), queues.end());
  sort_java_hash_order(ordered, [](const client::MessageQueue& mq) { return mq.java_hash_code(); });
  return ordered;
}

}  // namespace

std::set<client::MessageQueue> Rebalance::owned_queues() const {
  std::set<client::MessageQueue> owned;
  for (const auto& [mq, pq] : process_queue_table_) owned.insert(mq);
  return owned;
}

void Rebalance::drop_all() {
  for (auto& [mq, pq] : process_queue_table_) pq->dropped = true;
}

void Rebalance::do_rebalance(std::function<void()> done) {
  std::vector<std::string> names;
  for (const auto& [topic, sub] : subscription_inner_) names.push_back(topic);
  auto topics = std::make_shared<std::vector<std::string>>();
  for (size_t i : java_hash_map_order(names)) topics->push_back(names[i]);
  std::weak_ptr<int> alive = consumer_.alive_token();
  rebalance_topics_from(std::move(topics), 0, [this, alive, done = std::move(done)] {
    if (alive.expired()) return;
    truncate_message_queue_not_my_topic();
    done();
  });
}

void Rebalance::rebalance_topics_from(std::shared_ptr<std::vector<std::string>> topics, size_t index,
                                      std::function<void()> done) {
  if (index >= topics->size()) return done();
  std::string topic = (*topics)[index];
  std::weak_ptr<int> alive = consumer_.alive_token();
  rebalance_by_topic(topic, [this, alive, topics = std::move(topics), index, done = std::move(done)]() mutable {
    if (alive.expired()) return;
    rebalance_topics_from(std::move(topics), index + 1, std::move(done));
  });
}

void Rebalance::rebalance_by_topic(const std::string& topic, std::function<void()> done) {
  auto mq_set = topic_subscribe_info_.find(topic);
  if (consumer_.options().message_model == protocol::MessageModel::kBroadcasting) {
    if (mq_set == topic_subscribe_info_.end()) return done();
    auto all = mq_set->second;
    std::weak_ptr<int> alive = consumer_.alive_token();
    return update_process_queue_table(topic, all, [this, alive, topic, all, done = std::move(done)](bool changed) {
      if (alive.expired()) return;
      if (changed) message_queue_changed(topic, all);
      done();
    });
  }
  auto* instance = consumer_.instance();
  std::weak_ptr<int> alive = consumer_.alive_token();
  auto with_cids = [this, alive, topic, done](std::optional<std::vector<std::string>> cids) mutable {
    if (alive.expired()) return;
    auto queues = topic_subscribe_info_.find(topic);
    if (queues == topic_subscribe_info_.end() || !cids) return done();  // logged by Java; nothing changes
    std::vector<client::MessageQueue> mq_all(queues->second.begin(), queues->second.end());
    sort_for_allocation(mq_all, *cids);
    allocate_and_update(topic, std::move(mq_all), std::move(*cids), std::move(done));
  };
  auto ask = [this, alive, with_cids](const std::string& addr) mutable {
    consumer_.api().get_consumer_id_list(addr, consumer_.options().group,
                                         consumer_.instance()->config().mq_client_api_timeout_ms,
                                         [alive, with_cids](ApiOutcome<std::vector<std::string>> outcome) mutable {
                                           if (alive.expired()) return;
                                           if (auto* ids = std::get_if<std::vector<std::string>>(&outcome))
                                             return with_cids(std::move(*ids));
                                           with_cids(std::nullopt);
                                         });
  };
  if (auto addr = instance->find_broker_addr_by_topic(topic)) return ask(*addr);
  instance->update_topic_route(topic, std::nullopt, [this, alive, topic, ask, with_cids](client::RouteUpdate) mutable {
    if (alive.expired()) return;
    if (auto addr = consumer_.instance()->find_broker_addr_by_topic(topic)) return ask(*addr);
    with_cids(std::nullopt);
  });
}

void Rebalance::allocate_and_update(const std::string& topic, std::vector<client::MessageQueue> mq_all,
                                    std::vector<std::string> cid_all, std::function<void()> done) {
  const auto& strategy = *consumer_.options().allocate_strategy;
  AllocateResult result =
      strategy.allocate(consumer_.options().group, consumer_.instance()->client_id(), mq_all, cid_all);
  if (std::holds_alternative<client::ClientError>(result)) return done();  // logged by Java; no change
  const auto& allocated = std::get<std::vector<client::MessageQueue>>(result);
  std::set<client::MessageQueue> allocated_set(allocated.begin(), allocated.end());
  std::weak_ptr<int> alive = consumer_.alive_token();
  update_process_queue_table(topic, allocated_set,
                             [this, alive, topic, allocated_set, done = std::move(done)](bool changed) {
                               if (alive.expired()) return;
                               if (changed) message_queue_changed(topic, allocated_set);
                               done();
                             });
}

void Rebalance::update_process_queue_table(const std::string& topic, const std::set<client::MessageQueue>& mq_set,
                                           std::function<void(bool changed)> done) {
  bool changed = false;
  int64_t now = consumer_.now_ms();
  for (auto it = process_queue_table_.begin(); it != process_queue_table_.end();) {
    const auto& [mq, pq] = *it;
    bool remove = false;
    if (mq.topic == topic && (!mq_set.contains(mq) || pq->is_pull_expired(now))) {
      pq->dropped = true;  // a queue not pulled for 120 s: "[BUG] ... because pull is pause, so try to fixed it"
      remove = remove_unnecessary_message_queue(mq, *pq);
    }
    if (remove) {
      it = process_queue_table_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  auto added = std::make_shared<std::vector<client::MessageQueue>>();
  for (const auto& mq : java_set_order(mq_set))
    if (!process_queue_table_.contains(mq)) added->push_back(mq);
  auto requests = std::make_shared<std::vector<std::shared_ptr<PullRequest>>>();
  std::weak_ptr<int> alive = consumer_.alive_token();
  add_queues_from(added, 0, requests, [this, alive, requests, changed, done = std::move(done)] {
    if (alive.expired()) return;
    for (auto& request : *requests) consumer_.execute_pull_request_immediately(request);  // dispatchPullRequest
    done(changed || !requests->empty());
  });
}

void Rebalance::add_queues_from(std::shared_ptr<std::vector<client::MessageQueue>> queues, size_t index,
                                std::shared_ptr<std::vector<std::shared_ptr<PullRequest>>> requests,
                                std::function<void()> done) {
  if (index >= queues->size()) return done();
  client::MessageQueue mq = (*queues)[index];
  std::weak_ptr<int> alive = consumer_.alive_token();
  auto next = [this, alive, queues, index, requests, done]() mutable {
    if (alive.expired()) return;
    add_queues_from(std::move(queues), index + 1, std::move(requests), std::move(done));
  };
  auto add = [this, alive, mq, requests, next]() mutable {
    consumer_.offset_store()->remove_offset(mq);  // removeDirtyOffset
    compute_pull_from_where(mq, [this, alive, mq, requests, next](std::optional<int64_t> offset) mutable {
      if (alive.expired()) return;
      if (offset && *offset >= 0 && !process_queue_table_.contains(mq)) {
        auto pq = std::make_shared<ProcessQueue>();
        pq->last_pull_timestamp_ms = consumer_.now_ms();
        pq->last_consume_timestamp_ms = consumer_.now_ms();
        pq->last_lock_timestamp_ms = consumer_.now_ms();
        pq->locked = consumer_.orderly();  // an orderly queue is added only once its broker lock was taken
        process_queue_table_.emplace(mq, pq);
        requests->push_back(std::make_shared<PullRequest>(PullRequest{mq, pq, *offset, false}));
      }
      next();
    });
  };
  if (!consumer_.orderly()) return add();
  consumer_.consume_service().lock(mq, [add, next](bool locked) mutable {
    if (locked) return add();
    next();  // "doRebalance, ..., add a new mq failed, ..., because lock failed"
  });
}

bool Rebalance::remove_unnecessary_message_queue(const client::MessageQueue& mq, ProcessQueue& pq) {
  consumer_.offset_store()->persist(mq);
  consumer_.offset_store()->remove_offset(mq);
  if (consumer_.orderly() && consumer_.options().message_model == protocol::MessageModel::kClustering)
    return consumer_.consume_service().unlock_on_removal(mq, pq);
  return true;
}

void Rebalance::remove_process_queue(const client::MessageQueue& mq) {
  auto it = process_queue_table_.find(mq);
  if (it == process_queue_table_.end()) return;
  it->second->dropped = true;
  remove_unnecessary_message_queue(mq, *it->second);
  process_queue_table_.erase(it);
}

void Rebalance::message_queue_changed(const std::string& topic, const std::set<client::MessageQueue>& allocated) {
  auto sub = subscription_inner_.find(topic);
  if (sub != subscription_inner_.end()) sub->second.sub_version = consumer_.runtime().wall_clock_ms();
  auto& options = consumer_.mutable_options();
  auto count = static_cast<int>(process_queue_table_.size());
  if (count != 0) {
    if (options.pull_threshold_for_topic != -1)
      options.pull_threshold_for_queue = std::max(1, options.pull_threshold_for_topic / count);
    if (options.pull_threshold_size_for_topic != -1)
      options.pull_threshold_size_for_queue = std::max(1, options.pull_threshold_size_for_topic / count);
  }
  ConsumerEvent event;
  event.type = ConsumerEventType::kRebalance;
  event.queue = client::MessageQueue{topic, "", 0};
  event.allocated.assign(allocated.begin(), allocated.end());
  consumer_.emit(std::move(event));
  consumer_.instance()->send_heartbeat_to_all_brokers_with_lock([] {});  // the broker learns the new subVersion
}

void Rebalance::truncate_message_queue_not_my_topic() {
  for (auto it = process_queue_table_.begin(); it != process_queue_table_.end();) {
    if (subscription_inner_.contains(it->first.topic)) {
      ++it;
      continue;
    }
    it->second->dropped = true;
    it = process_queue_table_.erase(it);
  }
}

}  // namespace rmq::consumer
