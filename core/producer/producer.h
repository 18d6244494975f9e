// Producer: Java's DefaultMQProducer / DefaultMQProducerImpl (spec §1.3, §2, §3.1), event-driven on a runtime.
//
// start() and shutdown() follow the Java state machine (CREATE_JUST, RUNNING, START_FAILED, SHUTDOWN_ALREADY)
// with its error texts. The three send modes reproduce sendDefaultImpl: SYNC runs the retry loop with one
// shared timeout budget; ASYNC makes one attempt and retries transport failures in the response path; ONEWAY
// writes once. Results are values delivered to a callback on the runtime's thread, never inside the call.
// A blocking facade for real sockets is BlockingProducer (blocking_producer.h).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/client/client_instance.h"
#include "core/client/client_manager.h"
#include "core/producer/fault_strategy.h"
#include "core/producer/message.h"
#include "core/producer/producer_options.h"
#include "core/producer/send_events.h"
#include "core/producer/topic_publish_info.h"
#include "core/producer/unique_id.h"

namespace rmq::producer {

using SendOutcome = std::variant<SendResult, client::ClientError>;
using SendCallback = std::function<void(SendOutcome)>;
using OnewayCallback = std::function<void(std::optional<client::ClientError>)>;

class SendOperation;
class AsyncSendChain;

class Producer : public client::ProducerInner {
 public:
  Producer(runtime::Runtime& runtime, client::ClientManager& manager, ProducerOptions options);
  ~Producer() override;
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // DefaultMQProducerImpl.start(): validation, the shared client instance, registration, RUNNING.
  std::optional<client::ClientError> start();
  // shutdown(): unregisters from every broker, shuts the instance down when it was the last user; `done` after.
  void shutdown(std::function<void()> done = nullptr);

  // SYNC send with the producer's sendMsgTimeout, or with `timeout_ms`.
  void send(Message msg, SendCallback done);
  void send(Message msg, int64_t timeout_ms, SendCallback done);
  // ASYNC send: one attempt, transport failures retried by the response path (spec §2.5).
  void send_async(Message msg, SendCallback callback);
  void send_async(Message msg, int64_t timeout_ms, SendCallback callback);
  // ONEWAY send: written once, no response.
  void send_oneway(Message msg, OnewayCallback done);

  void set_observer(SendObserver observer) { observer_ = std::move(observer); }

  client::ServiceState state() const { return state_; }
  const ProducerOptions& options() const { return options_; }
  ProducerOptions& mutable_options() { return options_; }
  FaultStrategy& fault_strategy() { return fault_strategy_; }
  client::ClientInstance* instance() { return instance_raw_; }
  const std::map<std::string, std::shared_ptr<TopicPublishInfo>>& topic_publish_info_table() const {
    return topic_publish_info_table_;
  }
  const std::set<int32_t>& retry_response_codes() const { return retry_codes_; }

  // ProducerInner
  std::vector<std::string> publish_topic_list() const override;
  bool is_publish_topic_need_update(const std::string& topic) const override;
  void update_topic_publish_info(const std::string& topic, std::shared_ptr<TopicPublishInfo> info) override;

  // The instance's inner producer (CLIENT_INNER_PRODUCER): start(false) and shutdown(false).
  std::optional<client::ClientError> start_with_instance(client::ClientInstance* instance);
  void shutdown_without_instance(std::function<void()> done);

  // --- used by the send machinery (send_operation.cc, async_send.cc) ---
  runtime::Runtime& runtime() { return runtime_; }
  int64_t now_ms() const { return runtime_.now() / runtime::kMicrosPerMilli; }
  // makeSureStateOK.
  std::optional<client::ClientError> state_error() const;
  // tryToFindTopicPublishInfo (spec §3.1): the info, or the exception escaping the route lookup.
  void find_topic_publish_info(const std::string& topic,
                               std::function<void(std::shared_ptr<TopicPublishInfo>,
                                                  std::optional<client::ClientError>)> done);
  std::optional<client::MessageQueue> select_one_message_queue(TopicPublishInfo& info,
                                                               const std::optional<std::string>& last_broker,
                                                               bool reset_index);
  void update_fault_item(uint64_t send_id, const std::string& broker, int64_t latency_ms, bool isolation,
                         bool reachable);
  UniqueIdGenerator& unique_ids() { return unique_ids_; }
  uint64_t next_send_id() { return ++last_send_id_; }
  void emit(SendEvent event);
  // Expires when this producer is destroyed; operations check it in every callback.
  std::weak_ptr<int> alive_token() const { return alive_; }
  // Keeps an in-flight operation alive until it finishes.
  void track(std::shared_ptr<void> operation);
  void untrack(const void* operation);

 private:
  void start_operation(CommunicationMode mode, Message msg, int64_t timeout_ms, SendCallback done);
  void finish_shutdown(std::function<void()> done);

  runtime::Runtime& runtime_;
  client::ClientManager& manager_;
  ProducerOptions options_;
  std::set<int32_t> retry_codes_;
  client::ServiceState state_ = client::ServiceState::kCreateJust;
  std::shared_ptr<client::ClientInstance> instance_;  // null for the inner producer (its instance owns it)
  client::ClientInstance* instance_raw_ = nullptr;
  FaultStrategy fault_strategy_;
  UniqueIdGenerator unique_ids_;
  std::map<std::string, std::shared_ptr<TopicPublishInfo>> topic_publish_info_table_;
  std::map<const void*, std::shared_ptr<void>> in_flight_;
  SendObserver observer_;
  uint64_t last_send_id_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rmq::producer
