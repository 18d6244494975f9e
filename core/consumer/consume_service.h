// The consume services (spec §6.6): ConsumeMessageConcurrentlyService and ConsumeMessageOrderlyService. They
// hand pulled messages to the user's listener — at most consume_thread_max calls in flight, the rest waiting in
// arrival order like Java's consume pool — and turn its answers into acknowledgements: committed offsets,
// messages sent back for reconsumption, or (orderly) a suspended queue.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "core/consumer/consumer_options.h"
#include "core/consumer/process_queue.h"
#include "core/runtime/runtime.h"

namespace rmq::consumer {

class PushConsumer;

class ConsumeService {
 public:
  virtual ~ConsumeService() = default;
  virtual void start() {}
  virtual void shutdown() {}
  // submitConsumeRequest: messages just added to `pq`; `dispatch` is what ProcessQueue::put_messages returned.
  virtual void submit(const std::vector<MessageExt>& msgs, std::shared_ptr<ProcessQueue> pq,
                      const client::MessageQueue& mq, bool dispatch) = 0;
  // Orderly only: lock `mq` at its broker before the rebalance adds it; unlock when it is removed (false: not
  // removable now, retried next round).
  virtual void lock(const client::MessageQueue&, std::function<void(bool)> done) { done(true); }
  virtual bool unlock_on_removal(const client::MessageQueue&, ProcessQueue&) { return true; }
  size_t in_flight() const { return in_flight_; }

 protected:
  // The consume pool: runs `task` when fewer than `limit` tasks are in flight, else queues it. A task calls its
  // argument once it has finished.
  void run_in_pool(PushConsumer& consumer, std::function<void(std::function<void()>)> task);

 private:
  void pump(PushConsumer& consumer);
  std::deque<std::function<void(std::function<void()>)>> waiting_;
  size_t in_flight_ = 0;
};

class ConsumeConcurrentlyService final : public ConsumeService {
 public:
  ConsumeConcurrentlyService(PushConsumer& consumer, ConcurrentlyListener listener)
      : consumer_(consumer), listener_(std::move(listener)) {}
  void submit(const std::vector<MessageExt>& msgs, std::shared_ptr<ProcessQueue> pq, const client::MessageQueue& mq,
              bool dispatch) override;

 private:
  struct Request;
  void consume(std::shared_ptr<Request> request, std::function<void()> finished);
  void process_result(std::shared_ptr<Request> request, ConsumeConcurrentlyStatus status,
                      ConsumeConcurrentlyContext context, std::function<void()> finished);
  void send_back_from(std::shared_ptr<Request> request, std::shared_ptr<ConsumeConcurrentlyContext> context,
                      size_t index, std::shared_ptr<std::vector<MessageExt>> failed, std::function<void()> done);
  void submit_later(std::vector<MessageExt> msgs, std::shared_ptr<ProcessQueue> pq, const client::MessageQueue& mq);

  PushConsumer& consumer_;
  ConcurrentlyListener listener_;
};

// ConsumeMessageOrderlyService (clustering): a queue is consumed only while this client holds its broker lock
// (renewed every 20 s, expired after 30 s), one batch at a time in offset order; SUSPEND_CURRENT_QUEUE_A_MOMENT
// puts the batch back and retries it after suspendCurrentQueueTimeMillis (clamped to [10, 30000] ms), until
// maxReconsumeTimes (unbounded by default) sends it to the retry topic.
class ConsumeOrderlyService final : public ConsumeService {
 public:
  ConsumeOrderlyService(PushConsumer& consumer, OrderlyListener listener)
      : consumer_(consumer), listener_(std::move(listener)) {}
  void start() override;
  void shutdown() override;
  void submit(const std::vector<MessageExt>& msgs, std::shared_ptr<ProcessQueue> pq, const client::MessageQueue& mq,
              bool dispatch) override;
  void lock(const client::MessageQueue& mq, std::function<void(bool)> done) override;
  bool unlock_on_removal(const client::MessageQueue& mq, ProcessQueue& pq) override;
  // lockAll: every owned queue, one LOCK_BATCH_MQ per broker.
  void lock_all();

 private:
  void consume(std::shared_ptr<ProcessQueue> pq, client::MessageQueue mq, std::function<void()> finished);
  void consume_batch(std::shared_ptr<ProcessQueue> pq, client::MessageQueue mq, int64_t begin_ms,
                     std::function<void()> finished);
  void on_result(std::shared_ptr<ProcessQueue> pq, client::MessageQueue mq, std::vector<MessageExt> msgs,
                 ConsumeOrderlyStatus status, ConsumeOrderlyContext context, std::function<void(bool)> next);
  void submit_later(std::shared_ptr<ProcessQueue> pq, const client::MessageQueue& mq, int64_t suspend_ms);
  void try_lock_later_and_reconsume(std::shared_ptr<ProcessQueue> pq, const client::MessageQueue& mq, int64_t delay_ms);
  void unlock(const client::MessageQueue& mq, bool oneway);
  bool is_lock_expired(const ProcessQueue& pq) const;

  PushConsumer& consumer_;
  OrderlyListener listener_;
  void arm_lock_all(int64_t delay_ms);

  std::set<client::MessageQueue> consuming_queues_;  // a consume request is running for these
  std::set<client::MessageQueue> in_listener_;       // ... and its listener has not answered yet
  std::map<client::MessageQueue, std::vector<std::function<void()>>> waiting_requests_;
  bool stopped_ = false;
  runtime::TimerId lock_timer_ = runtime::kNoTimer;
};

// Restores the original topic of messages redelivered through %RETRY%<group> (resetRetryAndNamespace) and stamps
// CONSUME_START_TIME.
void prepare_for_listener(std::vector<MessageExt>& msgs, const std::string& group, int64_t now_wall_ms);

}  // namespace rmq::consumer
