// ConsumeOrderlyService (spec §6.4 step 7, §7.3; Java ConsumeMessageOrderlyService 4.9.8).
#include <algorithm>

#include "core/consumer/consume_service.h"
#include "core/consumer/push_consumer.h"
#include "core/consumer/rebalance.h"

namespace rmq::consumer {

namespace {
inline constexpr int64_t kLockIntervalMs = 20'000;     // REBALANCE_LOCK_INTERVAL
inline constexpr int64_t kLockMaxLiveTimeMs = 30'000;  // REBALANCE_LOCK_MAX_LIVE_TIME
inline constexpr int64_t kMaxTimeConsumeContinuouslyMs = 60'000;
inline constexpr int64_t kLockTimeoutMs = 1000;
inline constexpr int64_t kUnlockDelayMs = 20'000;  // rocketmq.client.unlockDelayTimeMills
bool clustering(const PushConsumer& c) { return c.options().message_model == protocol::MessageModel::kClustering; }
}  // namespace

void ConsumeOrderlyService::start() {
  if (clustering(consumer_)) arm_lock_all(1000);
}

// lockMQPeriodically: 1 s after start, then every 20 s for the consumer's life.
void ConsumeOrderlyService::arm_lock_all(int64_t delay_ms) {
  std::weak_ptr<int> alive = consumer_.alive_token();
  lock_timer_ = consumer_.runtime().after(runtime::millis(delay_ms), [this, alive] {
    if (alive.expired() || stopped_) return;
    lock_all();
    arm_lock_all(kLockIntervalMs);
  });
}

void ConsumeOrderlyService::shutdown() {
  stopped_ = true;
  if (lock_timer_ != runtime::kNoTimer) consumer_.runtime().cancel(lock_timer_);
  if (!clustering(consumer_)) return;
  for (const auto& mq : consumer_.rebalance().owned_queues()) unlock(mq, false);  // unlockAll
}

bool ConsumeOrderlyService::is_lock_expired(const ProcessQueue& pq) const {
  return consumer_.now_ms() - pq.last_lock_timestamp_ms > kLockMaxLiveTimeMs;
}

void ConsumeOrderlyService::lock(const client::MessageQueue& mq, std::function<void(bool)> done) {
  auto found = consumer_.instance()->find_broker_address_in_subscribe(mq.broker_name, 0, true);
  if (!found) return consumer_.runtime().after(0, [done] { done(false); }), void();
  std::weak_ptr<int> alive = consumer_.alive_token();
  consumer_.api().lock_batch_mq(found->address, consumer_.options().group, {mq}, kLockTimeoutMs,
                                [this, alive, mq, done](ApiOutcome<std::set<client::MessageQueue>> outcome) {
                                  if (alive.expired()) return;
                                  auto* locked = std::get_if<std::set<client::MessageQueue>>(&outcome);
                                  if (!locked) return done(false);
                                  const auto& table = consumer_.rebalance().process_queue_table();
                                  for (const auto& q : *locked) {
                                    auto it = table.find(q);
                                    if (it == table.end()) continue;
                                    it->second->locked = true;
                                    it->second->last_lock_timestamp_ms = consumer_.now_ms();
                                  }
                                  done(locked->contains(mq));
                                });
}

void ConsumeOrderlyService::lock_all() {
  std::map<std::string, std::vector<client::MessageQueue>> by_broker;
  for (const auto& mq : consumer_.rebalance().owned_queues()) by_broker[mq.broker_name].push_back(mq);
  for (const auto& entry : by_broker) {
    const std::string& broker = entry.first;
    const auto& mqs = entry.second;  // a named reference: lambdas may not capture structured bindings (clang 14)
    auto found = consumer_.instance()->find_broker_address_in_subscribe(broker, 0, true);
    if (!found) continue;
    std::weak_ptr<int> alive = consumer_.alive_token();
    consumer_.api().lock_batch_mq(found->address, consumer_.options().group, mqs, kLockTimeoutMs,
                                  [this, alive, mqs](ApiOutcome<std::set<client::MessageQueue>> outcome) {
                                    if (alive.expired()) return;
                                    auto* locked = std::get_if<std::set<client::MessageQueue>>(&outcome);
                                    if (!locked) return;
                                    const auto& table = consumer_.rebalance().process_queue_table();
                                    for (const auto& mq : mqs) {
                                      auto it = table.find(mq);
                                      if (it == table.end()) continue;
                                      it->second->locked = locked->contains(mq);
                                      if (it->second->locked) it->second->last_lock_timestamp_ms = consumer_.now_ms();
                                    }
                                  });
  }
}

void ConsumeOrderlyService::unlock(const client::MessageQueue& mq, bool oneway) {
  auto found = consumer_.instance()->find_broker_address_in_subscribe(mq.broker_name, 0, true);
  if (found) consumer_.api().unlock_batch_mq(found->address, consumer_.options().group, {mq}, kLockTimeoutMs, oneway);
}

// removeUnnecessaryMessageQueue for orderly clustering: refused while a batch of this queue is being consumed
// (Java cannot take the consume lock within 1 s); otherwise unlocked now, or 20 s later if messages remain.
bool ConsumeOrderlyService::unlock_on_removal(const client::MessageQueue& mq, ProcessQueue& pq) {
  if (in_listener_.contains(mq)) return false;
  if (!pq.empty()) {
    consumer_.execute_task_later([this, mq] { unlock(mq, true); }, kUnlockDelayMs);
  } else {
    unlock(mq, true);
  }
  return true;
}

void ConsumeOrderlyService::submit(const std::vector<MessageExt>&, std::shared_ptr<ProcessQueue> pq,
                                   const client::MessageQueue& mq, bool dispatch) {
  if (!dispatch) return;
  run_in_pool(consumer_, [this, pq, mq](std::function<void()> finished) { consume(pq, mq, std::move(finished)); });
}

void ConsumeOrderlyService::consume(std::shared_ptr<ProcessQueue> pq, client::MessageQueue mq,
                                    std::function<void()> finished) {
  if (pq->dropped) return finished();
  if (consuming_queues_.contains(mq)) {  // Java serializes on the queue's lock object: wait for the running one
    waiting_requests_[mq].push_back([this, pq, mq, finished] { consume(pq, mq, finished); });
    return;
  }
  if (clustering(consumer_) && (!pq->locked || is_lock_expired(*pq))) {
    try_lock_later_and_reconsume(pq, mq, 100);
    return finished();
  }
  consuming_queues_.insert(mq);
  consume_batch(pq, mq, consumer_.now_ms(), [this, mq, finished] {
    consuming_queues_.erase(mq);
    finished();
    auto waiting = waiting_requests_.find(mq);
    if (waiting == waiting_requests_.end()) return;
    auto next = std::move(waiting->second.front());
    waiting->second.erase(waiting->second.begin());
    if (waiting->second.empty()) waiting_requests_.erase(waiting);
    next();
  });
}

void ConsumeOrderlyService::consume_batch(std::shared_ptr<ProcessQueue> pq, client::MessageQueue mq, int64_t begin_ms,
                                          std::function<void()> finished) {
  if (pq->dropped) return finished();
  if (clustering(consumer_) && (!pq->locked || is_lock_expired(*pq))) {
    try_lock_later_and_reconsume(pq, mq, 10);
    return finished();
  }
  if (consumer_.now_ms() - begin_ms > kMaxTimeConsumeContinuouslyMs) {
    submit_later(pq, mq, 10);
    return finished();
  }
  std::vector<MessageExt> msgs = pq->take_messages(consumer_.options().consume_message_batch_max_size, consumer_.now_ms());
  if (msgs.empty()) return finished();
  prepare_for_listener(msgs, consumer_.options().group, consumer_.runtime().wall_clock_ms());
  auto context = std::make_shared<ConsumeOrderlyContext>();
  context->queue = mq;
  ConsumerEvent event;
  event.type = ConsumerEventType::kConsume;
  event.queue = mq;
  for (const auto& msg : msgs) event.offsets.push_back(msg.queue_offset());
  consumer_.emit(std::move(event));
  std::weak_ptr<int> alive = consumer_.alive_token();
  auto answered = std::make_shared<bool>(false);
  listener_(msgs, *context,
            [this, alive, pq, mq, msgs, context, begin_ms, finished, answered](ConsumeOrderlyStatus status) {
              if (alive.expired() || *answered) return;
              *answered = true;
              ConsumerEvent result;
              result.type = ConsumerEventType::kConsumeResult;
              result.queue = mq;
              result.status = status == ConsumeOrderlyStatus::kSuccess ? "SUCCESS" : "SUSPEND_CURRENT_QUEUE_A_MOMENT";
              for (const auto& msg : msgs) result.offsets.push_back(msg.queue_offset());
              consumer_.emit(std::move(result));
              if (pq->dropped) return finished();
              on_result(pq, mq, msgs, status, *context, [this, alive, pq, mq, begin_ms, finished](bool go_on) {
                if (alive.expired()) return;
                if (!go_on) return finished();
                consume_batch(pq, mq, begin_ms, finished);
              });
            });
}

// processConsumeResult with autoCommit: SUCCESS commits; SUSPEND puts the batch back for later unless it has
// been reconsumed maxReconsumeTimes (then it is sent back and committed).
void ConsumeOrderlyService::on_result(std::shared_ptr<ProcessQueue> pq, client::MessageQueue mq,
                                      std::vector<MessageExt> msgs, ConsumeOrderlyStatus status,
                                      ConsumeOrderlyContext context, std::function<void(bool)> next) {
  auto commit = [this, pq, mq](int64_t offset) {
    if (offset < 0 || pq->dropped) return;
    consumer_.offset_store()->update_offset(mq, offset, false);
    ConsumerEvent event;
    event.type = ConsumerEventType::kOffsetUpdate;
    event.queue = mq;
    event.offset = offset;
    consumer_.emit(std::move(event));
  };
  if (status == ConsumeOrderlyStatus::kSuccess) {
    commit(pq->commit());
    return next(true);
  }
  int32_t max = consumer_.options().max_reconsume_times == -1 ? INT32_MAX : consumer_.options().max_reconsume_times;
  bool suspend = std::any_of(msgs.begin(), msgs.end(), [&](const MessageExt& m) { return m.reconsume_times() < max; });
  if (!suspend) {  // every message exhausted its reconsumes: to the retry topic (the broker moves it to the DLQ)
    for (const auto& msg : msgs) consumer_.send_message_back(msg, 0, mq, [](bool) {});
    commit(pq->commit());
    return next(true);
  }
  for (auto& msg : msgs) msg.stored.reconsume_times += 1;
  pq->make_message_to_consume_again(msgs);
  submit_later(pq, mq, context.suspend_current_queue_time_millis);
  next(false);
}

void ConsumeOrderlyService::submit_later(std::shared_ptr<ProcessQueue> pq, const client::MessageQueue& mq,
                                         int64_t suspend_ms) {
  int64_t delay = suspend_ms == -1 ? consumer_.options().suspend_current_queue_time_millis : suspend_ms;
  delay = std::clamp<int64_t>(delay, 10, 30'000);
  consumer_.execute_task_later([this, pq, mq] { submit({}, pq, mq, true); }, delay);
}

void ConsumeOrderlyService::try_lock_later_and_reconsume(std::shared_ptr<ProcessQueue> pq,
                                                         const client::MessageQueue& mq, int64_t delay_ms) {
  consumer_.execute_task_later(
      [this, pq, mq] {
        if (stopped_) return;
        lock(mq, [this, pq, mq](bool locked) { submit_later(pq, mq, locked ? 10 : 3000); });
      },
      delay_ms);
}

}  // namespace rmq::consumer
