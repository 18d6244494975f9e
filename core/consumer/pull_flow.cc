// PushConsumer's pull path: DefaultMQPushConsumerImpl.pullMessage and its PullCallback (spec §6.4, 4.9.8).
#include "core/consumer/consume_service.h"
#include "core/consumer/push_consumer.h"
#include "core/consumer/rebalance.h"
#include "core/protocol/response_code.h"

namespace rmq::consumer {

namespace {
inline constexpr int64_t kFlowControlDelayMs = 50;        // PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL
inline constexpr int64_t kSuspendDelayMs = 1000;          // PULL_TIME_DELAY_MILLS_WHEN_SUSPEND
inline constexpr int64_t kBrokerFlowControlDelayMs = 20;  // PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL (4.9.5+)
inline constexpr int64_t kOffsetIllegalDelayMs = 10'000;
inline constexpr int32_t kFlagCommitOffset = 1;
inline constexpr int32_t kFlagSuspend = 2;
inline constexpr int32_t kFlagSubscription = 4;
inline constexpr int32_t kFlagClassFilter = 8;
}  // namespace

void PushConsumer::pull_message(std::shared_ptr<PullRequest> request) {
  auto& pq = *request->process_queue;
  if (pq.dropped) return;
  pq.last_pull_timestamp_ms = now_ms();
  int64_t exception_delay = options_.client.pull_time_delay_mills_when_exception;
  if (state_ != client::ServiceState::kRunning) return execute_pull_request_later(request, exception_delay);
  if (pq.msg_count() > options_.pull_threshold_for_queue)
    return execute_pull_request_later(request, kFlowControlDelayMs);
  if (pq.msg_size() / (1024 * 1024) > options_.pull_threshold_size_for_queue)
    return execute_pull_request_later(request, kFlowControlDelayMs);
  if (!orderly()) {
    if (pq.max_span() > options_.consume_concurrently_max_span)
      return execute_pull_request_later(request, kFlowControlDelayMs);
  } else if (!pq.locked) {
    return execute_pull_request_later(request, exception_delay);
  } else if (!request->previously_locked) {
    std::weak_ptr<int> alive = alive_;
    return rebalance_->compute_pull_from_where(request->queue, [this, alive, request](std::optional<int64_t> offset) {
      if (alive.expired()) return;
      if (!offset || *offset < 0)
        return execute_pull_request_later(request, options_.client.pull_time_delay_mills_when_exception);
      request->next_offset = *offset;
      request->previously_locked = true;
      pull_message(request);
    });
  }
  auto sub = rebalance_->subscription_inner().find(request->queue.topic);
  if (sub == rebalance_->subscription_inner().end()) return execute_pull_request_later(request, exception_delay);
  int64_t commit_offset = 0;
  bool commit = false;
  if (options_.message_model == protocol::MessageModel::kClustering) {
    commit_offset = offset_store_->read_offset_from_memory(request->queue);
    commit = commit_offset > 0;
  }
  bool class_filter = sub->second.class_filter_mode;
  int32_t sys_flag = (commit ? kFlagCommitOffset : 0) | kFlagSuspend |
                     (options_.post_subscription_when_pull && !class_filter ? kFlagSubscription : 0) |
                     (class_filter ? kFlagClassFilter : 0);
  pull_kernel(request, sub->second, sys_flag, commit_offset);
}

// pullKernelImpl: the node the last answer suggested (master unless told otherwise), the route refreshed once
// when the broker is unknown.
void PushConsumer::pull_kernel(std::shared_ptr<PullRequest> request, const protocol::SubscriptionData& subscription,
                               int32_t sys_flag, int64_t commit_offset) {
  const auto& mq = request->queue;
  auto send = [this, request, subscription, sys_flag, commit_offset](const client::ClientInstance::FoundBroker& found) {
    protocol::PullMessageRequestHeader header;
    header.consumerGroup = options_.group;
    header.topic = request->queue.topic;
    header.queueId = request->queue.queue_id;
    header.queueOffset = request->next_offset;
    header.maxMsgNums = options_.pull_batch_size;
    header.sysFlag = found.slave ? (sys_flag & ~kFlagCommitOffset) : sys_flag;
    header.commitOffset = commit_offset;
    header.suspendTimeoutMillis = options_.broker_suspend_max_time_millis;
    if (options_.post_subscription_when_pull && !subscription.class_filter_mode)
      header.subscription = subscription.sub_string;
    header.subVersion = subscription.sub_version;
    header.expressionType = std::string(subscription.effective_expression_type());
    header.bname = request->queue.broker_name;
    ConsumerEvent event;
    event.type = ConsumerEventType::kPull;
    event.queue = request->queue;
    event.offset = request->next_offset;
    emit(std::move(event));
    std::weak_ptr<int> alive = alive_;
    api_->pull_message(found.address, header, options_.consumer_timeout_millis_when_suspend,
                       [this, alive, request, subscription](ApiOutcome<PullResult> outcome) {
                         if (alive.expired()) return;
                         on_pull_result(request, subscription, std::move(outcome));
                       });
  };
  int64_t node = pull_from_which_node(mq);
  if (auto found = instance_->find_broker_address_in_subscribe(mq.broker_name, node, false)) return send(*found);
  std::weak_ptr<int> alive = alive_;
  instance_->update_topic_route(mq.topic, std::nullopt, [this, alive, request, node, send](client::RouteUpdate) {
    if (alive.expired()) return;
    auto found = instance_->find_broker_address_in_subscribe(request->queue.broker_name, node, false);
    if (found) return send(*found);
    // MQClientException("The broker[<name>] not exist"): pullMessage's catch re-queues the request.
    execute_pull_request_later(request, options_.client.pull_time_delay_mills_when_exception);
  });
}

int64_t PushConsumer::pull_from_which_node(const client::MessageQueue& mq) const {
  auto it = pull_from_which_node_.find(mq);
  return it == pull_from_which_node_.end() ? 0 : it->second;
}

void PushConsumer::on_pull_result(std::shared_ptr<PullRequest> request, const protocol::SubscriptionData& subscription,
                                  ApiOutcome<PullResult> outcome) {
  ConsumerEvent event;
  event.type = ConsumerEventType::kPullResult;
  event.queue = request->queue;
  if (auto* error = std::get_if<client::ClientError>(&outcome)) {
    event.error = *error;
    emit(std::move(event));
    bool flow_control = error->exception == client::JavaException::kMQBrokerException &&
                        error->code == protocol::response_code::kFlowControl;
    return execute_pull_request_later(
        request, flow_control ? kBrokerFlowControlDelayMs : options_.client.pull_time_delay_mills_when_exception);
  }
  auto& result = std::get<PullResult>(outcome);
  process_pull_result(result, request->queue, subscription);
  pull_from_which_node_[request->queue] = result.suggest_which_broker_id;
  event.status = std::string(pull_status_name(result.status));
  event.offset = result.next_begin_offset;
  for (const auto& msg : result.messages) event.offsets.push_back(msg.queue_offset());
  emit(std::move(event));
  switch (result.status) {
    case PullStatus::kFound:
      return on_found(request, result);
    case PullStatus::kNoNewMsg:
    case PullStatus::kNoMatchedMsg:
      request->next_offset = result.next_begin_offset;
      if (request->process_queue->msg_count() == 0)  // correctTagsOffset
        offset_store_->update_offset(request->queue, request->next_offset, true);
      return execute_pull_request_immediately(request);
    case PullStatus::kOffsetIllegal:
      return on_offset_illegal(request, result);
  }
}

void PushConsumer::on_found(std::shared_ptr<PullRequest> request, PullResult& result) {
  request->next_offset = result.next_begin_offset;
  if (result.messages.empty()) return execute_pull_request_immediately(request);
  bool dispatch = request->process_queue->put_messages(result.messages);
  consume_service_->submit(result.messages, request->process_queue, request->queue, dispatch);
  if (options_.pull_interval_ms > 0) return execute_pull_request_later(request, options_.pull_interval_ms);
  execute_pull_request_immediately(request);
}

// 4.9.8: the queue is dropped now; 10 s later the offset the broker gave is stored, persisted, and the queue
// removed, so the next rebalance adds it again from there.
void PushConsumer::on_offset_illegal(std::shared_ptr<PullRequest> request, const PullResult& result) {
  request->next_offset = result.next_begin_offset;
  request->process_queue->dropped = true;
  execute_task_later(
      [this, request] {
        offset_store_->update_offset(request->queue, request->next_offset, false);
        offset_store_->persist(request->queue);
        rebalance_->remove_process_queue(request->queue);
      },
      kOffsetIllegalDelayMs);
}

}  // namespace rmq::consumer
