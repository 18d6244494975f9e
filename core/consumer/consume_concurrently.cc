#include <algorithm>

#include "core/consumer/consume_service.h"
#include "core/consumer/push_consumer.h"

namespace rmq::consumer {

namespace {
inline constexpr int64_t kResubmitDelayMs = 5000;  // submitConsumeRequestLater
}  // namespace

void prepare_for_listener(std::vector<MessageExt>& msgs, const std::string& group, int64_t now_wall_ms) {
  std::string retry_topic = std::string(client::kRetryGroupTopicPrefix) + group;
  for (auto& msg : msgs) {
    auto original = msg.property(protocol::property::kRetryTopic);
    if (original && msg.topic() == retry_topic) msg.stored.topic = std::string(*original);
    msg.set_property(protocol::property::kConsumeStartTimestamp, std::to_string(now_wall_ms));
  }
}

void ConsumeService::run_in_pool(PushConsumer& consumer, std::function<void(std::function<void()>)> task) {
  waiting_.push_back(std::move(task));
  pump(consumer);
}

void ConsumeService::pump(PushConsumer& consumer) {
  auto limit = static_cast<size_t>(std::max(1, consumer.options().consume_thread_max));
  while (in_flight_ < limit && !waiting_.empty()) {
    auto task = std::move(waiting_.front());
    waiting_.pop_front();
    ++in_flight_;
    std::weak_ptr<int> alive = consumer.alive_token();
    // A pool thread picks it up: never inside the submitting call.
    consumer.runtime().after(0, [this, &consumer, alive, task = std::move(task)] {
      if (alive.expired()) return;
      auto finished = std::make_shared<bool>(false);
      task([this, &consumer, alive, finished] {
        if (alive.expired() || *finished) return;
        *finished = true;
        --in_flight_;
        pump(consumer);
      });
    });
  }
}

struct ConsumeConcurrentlyService::Request {
  std::vector<MessageExt> msgs;
  std::shared_ptr<ProcessQueue> pq;
  client::MessageQueue mq;
};

void ConsumeConcurrentlyService::submit(const std::vector<MessageExt>& msgs, std::shared_ptr<ProcessQueue> pq,
                                        const client::MessageQueue& mq, bool) {
  auto batch = static_cast<size_t>(std::max(1, consumer_.options().consume_message_batch_max_size));
  for (size_t start = 0; start < msgs.size(); start += batch) {
    auto request = std::make_shared<Request>();
    request->msgs.assign(msgs.begin() + static_cast<std::ptrdiff_t>(start),
                         msgs.begin() + static_cast<std::ptrdiff_t>(std::min(msgs.size(), start + batch)));
    request->pq = pq;
    request->mq = mq;
    run_in_pool(consumer_, [this, request](std::function<void()> finished) { consume(request, std::move(finished)); });
  }
}

void ConsumeConcurrentlyService::consume(std::shared_ptr<Request> request, std::function<void()> finished) {
  if (request->pq->dropped) return finished();  // "the message queue not be able to consume, because it's dropped"
  prepare_for_listener(request->msgs, consumer_.options().group, consumer_.runtime().wall_clock_ms());
  auto context = std::make_shared<ConsumeConcurrentlyContext>();
  context->queue = request->mq;
  ConsumerEvent event;
  event.type = ConsumerEventType::kConsume;
  event.queue = request->mq;
  for (const auto& msg : request->msgs) event.offsets.push_back(msg.queue_offset());
  consumer_.emit(std::move(event));
  std::weak_ptr<int> alive = consumer_.alive_token();
  auto answered = std::make_shared<bool>(false);
  listener_(
      request->msgs, *context, [this, alive, request, context, answered, finished](ConsumeConcurrentlyStatus status) {
        if (alive.expired() || *answered) return;
        *answered = true;
        ConsumerEvent result;
        result.type = ConsumerEventType::kConsumeResult;
        result.queue = request->mq;
        result.status = status == ConsumeConcurrentlyStatus::kConsumeSuccess ? "CONSUME_SUCCESS" : "RECONSUME_LATER";
        for (const auto& msg : request->msgs) result.offsets.push_back(msg.queue_offset());
        consumer_.emit(std::move(result));
        // The acknowledgement runs on the same consume thread, which is free only after it.
        if (request->pq->dropped) return finished();  // "processQueue is dropped without process consume result"
        process_result(request, status, *context, finished);
      });
}

// processConsumeResult: acknowledge up to ackIndex; clustering sends the rest back (those whose send-back failed
// are consumed again locally 5 s later); then commit the smallest offset still held.
void ConsumeConcurrentlyService::process_result(std::shared_ptr<Request> request, ConsumeConcurrentlyStatus status,
                                                ConsumeConcurrentlyContext context, std::function<void()> finished) {
  if (request->msgs.empty()) return finished();
  auto size = static_cast<int64_t>(request->msgs.size());
  int64_t ack_index =
      status == ConsumeConcurrentlyStatus::kConsumeSuccess ? std::min<int64_t>(context.ack_index, size - 1) : -1;
  auto ctx = std::make_shared<ConsumeConcurrentlyContext>(context);
  auto failed = std::make_shared<std::vector<MessageExt>>();
  auto finish = [this, request, failed, finished] {
    if (!failed->empty()) {
      std::erase_if(request->msgs, [&](const MessageExt& m) {
        return std::any_of(failed->begin(), failed->end(),
                           [&](const MessageExt& f) { return f.queue_offset() == m.queue_offset(); });
      });
      submit_later(*failed, request->pq, request->mq);
    }
    std::vector<int64_t> offsets;
    for (const auto& msg : request->msgs) offsets.push_back(msg.queue_offset());
    int64_t offset = request->pq->remove_messages(offsets, consumer_.now_ms());
    if (offset >= 0 && !request->pq->dropped) {
      consumer_.offset_store()->update_offset(request->mq, offset, true);
      ConsumerEvent event;
      event.type = ConsumerEventType::kOffsetUpdate;
      event.queue = request->mq;
      event.offset = consumer_.offset_store()->read_offset_from_memory(request->mq);
      consumer_.emit(std::move(event));
    }
    finished();
  };
  if (consumer_.options().message_model == protocol::MessageModel::kBroadcasting) return finish();  // dropped
  send_back_from(request, ctx, static_cast<size_t>(ack_index + 1), failed, std::move(finish));
}

void ConsumeConcurrentlyService::send_back_from(std::shared_ptr<Request> request,
                                                std::shared_ptr<ConsumeConcurrentlyContext> context, size_t index,
                                                std::shared_ptr<std::vector<MessageExt>> failed,
                                                std::function<void()> done) {
  if (index >= request->msgs.size()) return done();
  std::weak_ptr<int> alive = consumer_.alive_token();
  const MessageExt& msg = request->msgs[index];
  consumer_.send_message_back(msg, context->delay_level_when_next_consume, request->mq,
                              [this, alive, request, context, index, failed, done](bool ok) mutable {
                                if (alive.expired()) return;
                                if (!ok) {
                                  MessageExt copy = request->msgs[index];
                                  copy.stored.reconsume_times += 1;
                                  failed->push_back(std::move(copy));
                                }
                                send_back_from(request, context, index + 1, failed, std::move(done));
                              });
}

void ConsumeConcurrentlyService::submit_later(std::vector<MessageExt> msgs, std::shared_ptr<ProcessQueue> pq,
                                              const client::MessageQueue& mq) {
  consumer_.execute_task_later([this, msgs = std::move(msgs), pq, mq] { submit(msgs, pq, mq, true); },
                               kResubmitDelayMs);
}

}  // namespace rmq::consumer
