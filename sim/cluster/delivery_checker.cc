#include "sim/cluster/delivery_checker.h"

#include <algorithm>

#include "core/client/client_config.h"
#include "core/protocol/message_properties.h"
#include "core/protocol/subscription_data.h"

namespace rmq::sim {

namespace {

using consumer::ConsumeConcurrentlyContext;
using consumer::ConsumeConcurrentlyStatus;
using consumer::ConsumeOrderlyContext;
using consumer::ConsumeOrderlyStatus;
using consumer::ConsumerEvent;
using consumer::ConsumerEventType;
using consumer::MessageExt;

std::string offsets_text(const std::vector<int64_t>& offsets) {
  std::string out;
  for (size_t i = 0; i < offsets.size(); ++i) out += (i ? "," : "") + std::to_string(offsets[i]);
  return out;
}

}  // namespace

bool DeliveryReport::offsets_caught_up() const {
  return std::all_of(queues.begin(), queues.end(), [](const QueueSummary& q) {
    return q.low == q.max_offset && (q.max_offset == q.baseline || q.committed == q.max_offset);
  });
}

std::string queue_name(const client::MessageQueue& queue) {
  return queue.topic + "@" + queue.broker_name + "#" + std::to_string(queue.queue_id);
}

DeliveryChecker::DeliveryChecker(DeliveryCheckerOptions options)
    : options_(std::move(options)),
      subscribed_tags_(protocol::build_subscription_data("", options_.subscription, 0).tags_set) {
  std::map<std::string, int32_t> topics = options_.topics;
  topics[std::string(client::kRetryGroupTopicPrefix) + options_.group] = 1;
  for (const auto& [broker_name, broker] : options_.brokers)
    for (const auto& [topic, count] : topics)
      for (int32_t q = 0; q < count; ++q) {
        QueueState& state = queues_[client::MessageQueue{topic, broker_name, q}];
        state.baseline = broker != nullptr ? broker->max_offset(topic, q) : 0;
        state.low = state.baseline;
      }
}

DeliveryChecker::~DeliveryChecker() { stop_sampling(); }

int64_t DeliveryChecker::now_ms() const {
  return options_.clock != nullptr ? options_.clock->now() / runtime::kMicrosPerMilli : 0;
}

DeliveryChecker::QueueState& DeliveryChecker::queue_state(const client::MessageQueue& queue) {
  return queues_[queue];  // a queue first seen now: baseline 0
}

int64_t DeliveryChecker::low(const client::MessageQueue& queue) const {
  auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : it->second.low;
}

void DeliveryChecker::acknowledge(const client::MessageQueue& queue, int64_t offset) {
  QueueState& state = queue_state(queue);
  if (offset < state.low) return;
  state.acked_above_low.insert(offset);
  while (!state.acked_above_low.empty() && *state.acked_above_low.begin() == state.low) {
    state.acked_above_low.erase(state.acked_above_low.begin());
    ++state.low;
  }
}

bool DeliveryChecker::outside_subscription(const client::MessageQueue& queue,
                                           std::optional<std::string_view> tags) const {
  if (subscribed_tags_.empty() || !options_.topics.contains(queue.topic)) return false;
  return !tags || std::find(subscribed_tags_.begin(), subscribed_tags_.end(), *tags) == subscribed_tags_.end();
}

bool DeliveryChecker::filtered_at(const client::MessageQueue& queue, int64_t offset) const {
  if (subscribed_tags_.empty() || !options_.topics.contains(queue.topic)) return false;
  auto broker = options_.brokers.find(queue.broker_name);
  if (broker == options_.brokers.end() || broker->second == nullptr) return false;
  auto stored = broker->second->stored_message(queue.topic, queue.queue_id, offset);
  return stored && outside_subscription(queue, protocol::find_property(stored->properties, protocol::property::kTags));
}

void DeliveryChecker::skip_filtered(const client::MessageQueue& queue, QueueState& state) {
  while (filtered_at(queue, state.low)) acknowledge(queue, state.low);
}

void DeliveryChecker::check_committed(const std::string& source, const client::MessageQueue& queue,
                                      int64_t committed) {
  ++counters_.offset_checks;
  QueueState& state = queue_state(queue);
  if (committed <= state.low) return;
  skip_filtered(queue, state);
  if (committed <= state.low) return;
  auto key = std::make_tuple(source, queue, committed);
  if (auto it = violation_index_.find(key); it != violation_index_.end()) {
    ++counters_.offset_violations[it->second].occurrences;
    return;
  }
  OffsetViolation v;
  v.at_ms = now_ms();
  v.source = source;
  v.queue = queue;
  v.committed = committed;
  v.low = state.low;
  if (auto id = state.msg_ids.find(state.low); id != state.msg_ids.end()) v.missing_msg_id = id->second;
  violation_index_.emplace(key, counters_.offset_violations.size());
  counters_.offset_violations.push_back(std::move(v));
  ++counters_.offset_violation_count;
}

// --- producers ---

void DeliveryChecker::watch(producer::Producer& producer) { producer.set_observer(send_observer()); }

producer::SendObserver DeliveryChecker::send_observer() {
  std::weak_ptr<int> alive = alive_;
  return [this, alive](const producer::SendEvent& event) {
    if (!alive.expired()) on_send_event(event);
  };
}

void DeliveryChecker::on_send_event(const producer::SendEvent& event) {
  if (event.type != producer::SendEventType::kSendEnd) return;
  // A oneway send is never acknowledged: nothing answers it, so nothing is promised about it.
  if (event.mode == producer::CommunicationMode::kOneway) return;
  if (!event.result) {
    if (event.error) ++counters_.send_errors;
    return;
  }
  const producer::SendResult& r = *event.result;
  ++counters_.sends_acknowledged;
  if (r.status == producer::SendStatus::kSendOk) ++counters_.sends_ok;
  queue_state(r.queue).msg_ids[r.queue_offset] = r.msg_id;
  if (sent_.contains(r.msg_id)) return;  // the same UNIQ_KEY acknowledged twice: one message
  if (filtered_at(r.queue, r.queue_offset)) {
    ++counters_.filtered_sends;
    acknowledge(r.queue, r.queue_offset);
    return;
  }
  sent_[r.msg_id] = SentMessage{r.queue, r.queue_offset, std::string(producer::send_status_name(r.status)),
                                event.now_ms};
  auto it = messages_.find(r.msg_id);
  if (it == messages_.end() || it->second.consumptions == 0) ++pending_;
}

// --- consumers ---

consumer::ConcurrentlyListener DeliveryChecker::wrap(const std::string& consumer,
                                                     consumer::ConcurrentlyListener inner) {
  consumers_[consumer].orderly = false;
  std::weak_ptr<int> alive = alive_;
  return [this, alive, consumer, inner = std::move(inner)](const std::vector<MessageExt>& msgs,
                                                            ConsumeConcurrentlyContext& ctx,
                                                            std::function<void(ConsumeConcurrentlyStatus)> done) {
    if (alive.expired()) return inner(msgs, ctx, std::move(done));
    auto batch = std::make_shared<std::vector<Delivered>>(on_delivery(consumer, ctx.queue, msgs, false));
    auto answered = std::make_shared<bool>(false);
    ConsumeConcurrentlyContext* context = &ctx;  // alive while `done` is: the core's callback owns it
    inner(msgs, ctx, [this, alive, consumer, batch, answered, context, done](ConsumeConcurrentlyStatus status) {
      if (!alive.expired() && !*answered) {
        *answered = true;
        size_t count = 0;
        if (status == ConsumeConcurrentlyStatus::kConsumeSuccess && !batch->empty()) {
          int64_t ack = std::min<int64_t>(context->ack_index, static_cast<int64_t>(batch->size()) - 1);
          count = static_cast<size_t>(std::max<int64_t>(ack + 1, 0));
        }
        on_answer(consumer, *batch, count,
                  status == ConsumeConcurrentlyStatus::kConsumeSuccess ? "CONSUME_SUCCESS" : "RECONSUME_LATER",
                  false);
      }
      done(status);
    });
  };
}

consumer::OrderlyListener DeliveryChecker::wrap(const std::string& consumer, consumer::OrderlyListener inner) {
  consumers_[consumer].orderly = true;
  std::weak_ptr<int> alive = alive_;
  return [this, alive, consumer, inner = std::move(inner)](const std::vector<MessageExt>& msgs,
                                                            ConsumeOrderlyContext& ctx,
                                                            std::function<void(ConsumeOrderlyStatus)> done) {
    if (alive.expired()) return inner(msgs, ctx, std::move(done));
    auto batch = std::make_shared<std::vector<Delivered>>(on_delivery(consumer, ctx.queue, msgs, true));
    auto answered = std::make_shared<bool>(false);
    inner(msgs, ctx, [this, alive, consumer, batch, answered, done](ConsumeOrderlyStatus status) {
      if (!alive.expired() && !*answered) {
        *answered = true;
        bool success = status == ConsumeOrderlyStatus::kSuccess;
        on_answer(consumer, *batch, success ? batch->size() : 0,
                  success ? "SUCCESS" : "SUSPEND_CURRENT_QUEUE_A_MOMENT", !success);
      }
      done(status);
    });
  };
}

std::vector<DeliveryChecker::Delivered> DeliveryChecker::on_delivery(const std::string& consumer,
                                                                     const client::MessageQueue& queue,
                                                                     const std::vector<MessageExt>& msgs,
                                                                     bool orderly) {
  ConsumerState& cs = consumers_[consumer];
  std::vector<Delivered> batch;
  QueueState& qs = queue_state(queue);
  const uint64_t generation = cs.topic_generation[queue.topic];
  for (const auto& m : msgs) {
    Delivered d{queue, m.queue_offset(), m.msg_id(), m.topic(), m.reconsume_times(), generation};
    check_subscription(consumer, queue, m);
    ++counters_.deliveries;
    ++counters_.unanswered;  // until answered
    ++messages_[d.msg_id].deliveries;
    qs.msg_ids.emplace(d.offset, d.msg_id);
    // A new delivery of a message ends any send-back still pending for it.
    std::erase_if(cs.pending_send_backs, [&](const PendingSendBack& p) {
      return p.real_queue == queue && p.offset == d.offset;
    });
    batch.push_back(std::move(d));
  }
  if (!orderly || cs.retired || batch.empty()) return batch;

  // Check 4: per-queue order within an ownership epoch.
  OrderState& os = cs.order[queue];
  if (os.epoch != generation) os = OrderState{generation, std::nullopt, std::nullopt};
  auto violation = [&](int64_t offset, std::string rule, std::string detail) {
    counters_.order_violations.push_back(
        OrderViolation{now_ms(), consumer, queue, offset, std::move(rule), std::move(detail)});
  };
  std::vector<int64_t> offsets;
  for (const auto& d : batch) offsets.push_back(d.offset);
  counters_.order_checks += batch.size();
  for (size_t i = 1; i < offsets.size(); ++i)
    if (offsets[i] <= offsets[i - 1])
      violation(offsets[i], "O1", "one listener call carries offsets " + offsets_text(offsets) + " out of order");
  if (os.acked_max)
    for (int64_t o : offsets)
      if (o <= *os.acked_max)
        violation(o, "O2",
                  "delivered offset " + std::to_string(o) + " (call " + offsets_text(offsets) +
                      ") after offset " + std::to_string(*os.acked_max) + " was answered SUCCESS in the same epoch");
  if (os.suspended_first && offsets.front() != *os.suspended_first)
    violation(offsets.front(), "O3",
              "the call after SUSPEND_CURRENT_QUEUE_A_MOMENT of offset " + std::to_string(*os.suspended_first) +
                  " delivered " + offsets_text(offsets));
  os.suspended_first.reset();
  return batch;
}

void DeliveryChecker::check_subscription(const std::string& consumer, const client::MessageQueue& queue,
                                         const MessageExt& m) {
  client::MessageQueue seen{m.topic(), queue.broker_name, queue.queue_id};  // the original topic for a retry
  if (subscribed_tags_.empty() || !options_.topics.contains(seen.topic)) return;
  ++counters_.subscription_checks;
  auto tags = m.property(protocol::property::kTags);
  if (!outside_subscription(seen, tags)) return;
  counters_.subscription_violations.push_back(SubscriptionViolation{
      now_ms(), consumer, queue, m.queue_offset(), m.msg_id(), tags ? std::optional<std::string>(*tags) : std::nullopt});
}

void DeliveryChecker::on_answer(const std::string& consumer, const std::vector<Delivered>& batch,
                                size_t consumed_count, const std::string& answer, bool orderly_suspend) {
  ConsumerState& cs = consumers_[consumer];
  for (size_t i = 0; i < batch.size(); ++i) {
    const Delivered& d = batch[i];
    --counters_.unanswered;
    MessageState& ms = messages_[d.msg_id];
    if (i < consumed_count) {
      ms.last_answer = answer;
      ++counters_.consumptions;
      acknowledge(d.queue, d.offset);
      consumed(d.msg_id);
    } else {
      ms.last_answer = answer == "CONSUME_SUCCESS" ? "past ackIndex" : answer;
      ++counters_.reconsume_later;
      cs.pending_send_backs.push_back(PendingSendBack{d.topic_seen, d.queue.broker_name, d.queue.queue_id, d.offset,
                                                      d.queue});
    }
  }
  if (cs.retired || batch.empty()) return;
  // Only an answer to a delivery of the current epoch moves it (a call of a replaced process queue may answer
  // after the rebalance that replaced it).
  auto it = cs.order.find(batch.front().queue);
  if (it == cs.order.end() || it->second.epoch != batch.front().generation ||
      it->second.epoch != cs.topic_generation[batch.front().queue.topic])
    return;
  OrderState& os = it->second;
  const int32_t max = options_.orderly_max_reconsume_times;
  bool exhausted = max >= 0 && std::all_of(batch.begin(), batch.end(),
                                            [&](const Delivered& d) { return d.reconsume_times >= max; });
  if (orderly_suspend && !exhausted) {
    os.suspended_first = batch.front().offset;
  } else if (consumed_count > 0) {
    int64_t last = batch[consumed_count - 1].offset;
    if (!os.acked_max || last > *os.acked_max) os.acked_max = last;
  }
}

void DeliveryChecker::consumed(const std::string& msg_id) {
  MessageState& ms = messages_[msg_id];
  ++ms.consumptions;
  if (ms.consumptions == 1 && sent_.contains(msg_id)) --pending_;
}

void DeliveryChecker::watch(const std::string& consumer, consumer::PushConsumer& push_consumer) {
  push_consumer.set_observer(observer(consumer));
}

consumer::ConsumerObserver DeliveryChecker::observer(const std::string& consumer) {
  consumers_[consumer];
  std::weak_ptr<int> alive = alive_;
  return [this, alive, consumer](const ConsumerEvent& event) {
    if (!alive.expired()) on_consumer_event(consumer, event);
  };
}

void DeliveryChecker::on_consumer_event(const std::string& consumer, const ConsumerEvent& event) {
  ConsumerState& cs = consumers_[consumer];
  switch (event.type) {
    case ConsumerEventType::kPull:
      ++counters_.pulls;
      break;
    case ConsumerEventType::kPullResult:
      if (event.error) {
        ++counters_.pull_errors;
        ++counters_.pull_error_kinds[std::string(client::java_exception_name(event.error->exception)) + " " +
                                     std::to_string(event.error->code)];
      }
      break;
    case ConsumerEventType::kRebalance:
      ++counters_.rebalances;
      ++cs.topic_generation[event.queue.topic];
      break;
    case ConsumerEventType::kOffsetUpdate:
      check_committed("consumer " + consumer, event.queue, event.offset);
      break;
    case ConsumerEventType::kSendBack: {
      bool ok = event.status == "OK";
      ok ? ++counters_.send_backs_ok : ++counters_.send_backs_failed;
      // The event names the message's queue as MessageExt::queue() does: for a message redelivered from the
      // retry topic that is the restored original topic with the retry queue's id and offset. Match it with the
      // delivery it came from, whose real queue the listener context named.
      auto match = std::find_if(cs.pending_send_backs.begin(), cs.pending_send_backs.end(),
                                [&](const PendingSendBack& p) {
                                  return p.broker == event.queue.broker_name && p.queue_id == event.queue.queue_id &&
                                         p.offset == event.offset &&
                                         (p.topic_seen == event.queue.topic || p.real_queue.topic == event.queue.topic);
                                });
      if (match == cs.pending_send_backs.end()) {
        ++counters_.send_backs_unmatched;
        break;
      }
      if (ok) acknowledge(match->real_queue, match->offset);
      if (match->real_queue.topic != event.queue.topic) ++counters_.send_backs_misnamed;
      cs.pending_send_backs.erase(match);
      break;
    }
    default:
      break;
  }
  sample_broker_offsets();
}

void DeliveryChecker::retire(const std::string& consumer) {
  ConsumerState& cs = consumers_[consumer];
  cs.retired = true;
  cs.order.clear();
}

// --- brokers ---

void DeliveryChecker::sample_broker_offsets() {
  for (const auto& [queue, state] : queues_) {
    auto broker = options_.brokers.find(queue.broker_name);
    if (broker == options_.brokers.end() || broker->second == nullptr) continue;
    auto committed = broker->second->consumer_offset(options_.group, queue.topic, queue.queue_id);
    if (committed) check_committed("broker " + queue.broker_name, queue, *committed);
  }
}

void DeliveryChecker::start_sampling(runtime::Runtime& runtime, int64_t period_ms) {
  stop_sampling();
  sampling_runtime_ = &runtime;
  sampling_period_ms_ = std::max<int64_t>(1, period_ms);
  arm_sampling();
}

void DeliveryChecker::arm_sampling() {
  std::weak_ptr<int> alive = alive_;
  sampling_timer_ = sampling_runtime_->after(runtime::millis(sampling_period_ms_), [this, alive] {
    if (alive.expired() || sampling_runtime_ == nullptr) return;
    sample_broker_offsets();
    arm_sampling();
  });
}

void DeliveryChecker::stop_sampling() {
  if (sampling_runtime_ != nullptr && sampling_timer_ != runtime::kNoTimer) sampling_runtime_->cancel(sampling_timer_);
  sampling_timer_ = runtime::kNoTimer;
  sampling_runtime_ = nullptr;
}

// --- the report ---

DeliveryReport DeliveryChecker::report() {
  for (auto& [queue, state] : queues_) skip_filtered(queue, state);
  sample_broker_offsets();
  DeliveryReport r = counters_;
  const size_t max_listed = options_.max_listed;

  for (const auto& [id, sent] : sent_) {
    auto it = messages_.find(id);
    if (it != messages_.end() && it->second.consumptions > 0) {
      ++r.consumed;
      continue;
    }
    LostMessage lost;
    lost.msg_id = id;
    lost.queue = sent.queue;
    lost.queue_offset = sent.queue_offset;
    lost.send_status = sent.status;
    lost.sent_at_ms = sent.at_ms;
    if (it != messages_.end()) {
      lost.deliveries = it->second.deliveries;
      lost.last_answer = it->second.last_answer;
    }
    lost.queue_low = queue_state(sent.queue).low;
    if (auto broker = options_.brokers.find(sent.queue.broker_name);
        broker != options_.brokers.end() && broker->second != nullptr)
      lost.committed = broker->second->consumer_offset(options_.group, sent.queue.topic, sent.queue.queue_id);
    r.lost.push_back(std::move(lost));
  }
  for (const auto& [id, ms] : messages_) {
    if (ms.consumptions > 0 && !sent_.contains(id)) ++r.consumed_without_send_result;
    if (ms.consumptions > 1) {
      ++r.duplicate_messages;
      r.duplicate_consumptions += static_cast<uint64_t>(ms.consumptions - 1);
      r.duplicates.push_back(DuplicateMessage{id, ms.consumptions});
    }
  }
  for (const auto& [queue, state] : queues_) {
    auto broker = options_.brokers.find(queue.broker_name);
    if (broker == options_.brokers.end() || broker->second == nullptr) continue;
    QueueSummary q;
    q.queue = queue;
    q.baseline = state.baseline;
    q.low = state.low;
    q.max_offset = broker->second->max_offset(queue.topic, queue.queue_id);
    q.committed = broker->second->consumer_offset(options_.group, queue.topic, queue.queue_id);
    r.queues.push_back(q);
  }
  std::stable_sort(r.duplicates.begin(), r.duplicates.end(),
                   [](const DuplicateMessage& a, const DuplicateMessage& b) { return a.consumptions > b.consumptions; });

  r.text = describe_delivery_report(r, options_.group, max_listed);
  return r;
}

}  // namespace rmq::sim
