// PushConsumer: Java's DefaultMQPushConsumer / DefaultMQPushConsumerImpl (spec §6), event-driven on a runtime.
// Built on pull: the rebalance (rebalance.h) assigns queues; each assigned queue has one outstanding pull
// request, re-queued after every outcome with the delays of spec §6.4; pulled messages go to the consume
// service (concurrently or orderly) and the offsets that are safe to commit go to the offset store.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/client/client_instance.h"
#include "core/client/client_manager.h"
#include "core/consumer/consumer_api.h"
#include "core/consumer/consumer_options.h"
#include "core/consumer/offset_store.h"
#include "core/consumer/process_queue.h"

namespace rmq::consumer {

class Rebalance;
class ConsumeService;

// PullRequest: one per assigned queue (equality on group and queue).
struct PullRequest {
  client::MessageQueue queue;
  std::shared_ptr<ProcessQueue> process_queue;
  int64_t next_offset = 0;
  bool previously_locked = false;
};

// What the consumer reports, for checkers and traces.
enum class ConsumerEventType : uint8_t {
  kPull,           // a pull went out: queue, offset
  kPullResult,     // its outcome: status or error, next offset, messages found
  kConsume,        // messages handed to the listener
  kConsumeResult,  // the listener's answer (success / later)
  kSendBack,       // a message sent back for reconsumption (ok or failed)
  kOffsetUpdate,   // the offset store's value for a queue changed
  kRebalance,      // the allocation of a topic changed: queues now owned
};
struct ConsumerEvent {
  ConsumerEventType type = ConsumerEventType::kPull;
  int64_t now_ms = 0;
  client::MessageQueue queue;
  int64_t offset = 0;
  std::string status;
  std::vector<int64_t> offsets;                 // kPullResult / kConsume: the messages' queue offsets
  std::vector<client::MessageQueue> allocated;  // kRebalance
  std::optional<client::ClientError> error;
};
using ConsumerObserver = std::function<void(const ConsumerEvent&)>;

class PushConsumer : public client::ConsumerInner {
 public:
  PushConsumer(runtime::Runtime& runtime, client::ClientManager& manager, PushConsumerOptions options);
  ~PushConsumer() override;
  PushConsumer(const PushConsumer&) = delete;
  PushConsumer& operator=(const PushConsumer&) = delete;

  void register_listener(ConcurrentlyListener listener);
  void register_listener(OrderlyListener listener);
  // DefaultMQPushConsumerImpl.start(); the error Java throws, if any.
  std::optional<client::ClientError> start();
  // shutdown(): stop consuming, persist offsets, unregister from every broker, shut the instance down when it
  // was the last user; `done` after.
  void shutdown(std::function<void()> done = nullptr);
  void set_observer(ConsumerObserver observer) { observer_ = std::move(observer); }

  client::ServiceState state() const { return state_; }
  const PushConsumerOptions& options() const { return options_; }
  PushConsumerOptions& mutable_options() { return options_; }
  client::ClientInstance* instance() { return instance_.get(); }
  OffsetStore* offset_store() { return offset_store_.get(); }
  Rebalance& rebalance() { return *rebalance_; }
  ConsumerApi& api() { return *api_; }
  runtime::Runtime& runtime() { return runtime_; }
  int64_t now_ms() const { return runtime_.now() / runtime::kMicrosPerMilli; }
  bool orderly() const { return static_cast<bool>(orderly_listener_); }

  // ConsumerInner
  protocol::ConsumerData consumer_data() const override;
  std::vector<std::string> subscribed_topics() const override;
  bool is_subscribe_topic_need_update(const std::string& topic) const override;
  void update_topic_subscribe_info(const std::string& topic, const std::set<client::MessageQueue>& queues) override;
  void persist_consumer_offset() override;
  void do_rebalance(std::function<void()> done) override;

  // --- the pull path (pull_flow.cc), used by the rebalance and the consume services ---
  void execute_pull_request_immediately(std::shared_ptr<PullRequest> request);
  void execute_pull_request_later(std::shared_ptr<PullRequest> request, int64_t delay_ms);
  void execute_task_later(std::function<void()> task, int64_t delay_ms);
  // sendMessageBack: CONSUMER_SEND_MSG_BACK to the master of `pulled_from`'s broker, else the inner producer's
  // send to %RETRY%<group>; `done(ok)`.
  void send_message_back(const MessageExt& msg, int32_t delay_level, const client::MessageQueue& pulled_from,
                         std::function<void(bool)> done);
  int32_t max_reconsume_times() const { return options_.max_reconsume_times == -1 ? 16 : options_.max_reconsume_times; }
  void emit(ConsumerEvent event);
  std::weak_ptr<int> alive_token() const { return alive_; }
  ConsumeService& consume_service() { return *consume_service_; }

 private:
  std::optional<client::ClientError> check_config() const;
  std::unique_ptr<ConsumeService> make_consume_service();
  void pull_message(std::shared_ptr<PullRequest> request);
  void pull_kernel(std::shared_ptr<PullRequest> request, const protocol::SubscriptionData& subscription,
                   int32_t sys_flag, int64_t commit_offset);
  void on_pull_result(std::shared_ptr<PullRequest> request, const protocol::SubscriptionData& subscription,
                      ApiOutcome<PullResult> outcome);
  void on_found(std::shared_ptr<PullRequest> request, PullResult& result);
  void on_offset_illegal(std::shared_ptr<PullRequest> request, const PullResult& result);
  int64_t pull_from_which_node(const client::MessageQueue& mq) const;
  void finish_shutdown(std::function<void()> done);
  void update_routes_from(std::shared_ptr<std::vector<std::string>> topics, size_t index, std::function<void()> done);

  runtime::Runtime& runtime_;
  client::ClientManager& manager_;
  PushConsumerOptions options_;
  client::ServiceState state_ = client::ServiceState::kCreateJust;
  std::shared_ptr<client::ClientInstance> instance_;
  std::unique_ptr<ConsumerApi> api_;
  std::unique_ptr<OffsetStore> offset_store_;
  std::unique_ptr<OffsetFile> offset_file_;
  std::unique_ptr<Rebalance> rebalance_;
  std::unique_ptr<ConsumeService> consume_service_;
  ConcurrentlyListener concurrently_listener_;
  OrderlyListener orderly_listener_;
  std::map<client::MessageQueue, int64_t> pull_from_which_node_;  // suggestWhichBrokerId per queue
  ConsumerObserver observer_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rmq::consumer
