#include "core/producer/producer.h"

#include <cassert>

#include "core/producer/send_kernel.h"
#include "core/producer/send_operation.h"
#include "core/producer/validators.h"

namespace rmq::producer {

using client::ClientError;
using client::ServiceState;

std::set<int32_t> default_retry_response_codes(client::Profile profile) {
  std::set<int32_t> codes{17, 14, 1, 16, 204, 205};
  if (profile == client::Profile::kV5) codes.insert({2, 1500});
  return codes;
}

std::string_view communication_mode_name(CommunicationMode mode) {
  switch (mode) {
    case CommunicationMode::kSync: return "SYNC";
    case CommunicationMode::kAsync: return "ASYNC";
    case CommunicationMode::kOneway: return "ONEWAY";
  }
  return "UNKNOWN";
}

std::string_view send_event_type_name(SendEventType type) {
  switch (type) {
    case SendEventType::kSendBegin: return "send_begin";
    case SendEventType::kAttempt: return "attempt";
    case SendEventType::kAttemptResult: return "attempt_result";
    case SendEventType::kFaultUpdate: return "fault_update";
    case SendEventType::kSendEnd: return "send_end";
  }
  return "unknown";
}

Producer::Producer(runtime::Runtime& runtime, client::ClientManager& manager, ProducerOptions options)
    : runtime_(runtime),
      manager_(manager),
      options_(std::move(options)),
      retry_codes_(options_.retry_response_codes.value_or(default_retry_response_codes(options_.client.profile))),
      fault_strategy_(options_.client.profile, options_.send_latency_fault_enable,
                      static_cast<uint32_t>(runtime.random())),
      unique_ids_(make_unique_id_generator(options_.client, runtime)) {}

Producer::~Producer() {
  // In-flight operations stop at their next callback (they check alive_token()); the instance must not keep a
  // pointer to this producer.
  if (instance_raw_ && state_ == ServiceState::kRunning) instance_raw_->forget_producer(options_.group);
}

std::optional<ClientError> Producer::start() {
  switch (state_) {
    case ServiceState::kCreateJust: break;
    default:
      return client::mq_client_error_plain("The producer service state not OK, maybe started once, " +
                                           std::string(client::service_state_name(state_)));
  }
  state_ = ServiceState::kStartFailed;
  if (Status status = check_producer_group(options_.group); !status.ok())
    return ClientError{client::JavaException::kMQClientException, status.error().code, status.error().message, {}};
  if (options_.group != client::kClientInnerProducerGroup)
    options_.client.change_instance_name_to_pid(manager_.nano_time());
  instance_ = manager_.get_or_create(options_.client);
  instance_raw_ = instance_.get();
  if (!instance_->register_producer(options_.group, this)) {
    state_ = ServiceState::kCreateJust;
    instance_.reset();
    instance_raw_ = nullptr;
    return client::mq_client_error_plain("The producer group[" + options_.group +
                                         "] has been created before, specify another name please.");
  }
  if (options_.client.profile == client::Profile::kV4_9_8)  // removed in 5.1.4
    topic_publish_info_table_.emplace(options_.create_topic_key, std::make_shared<TopicPublishInfo>());
  if (auto error = instance_->start()) return error;
  state_ = ServiceState::kRunning;
  instance_->send_heartbeat_to_all_brokers_with_lock([] {});
  return std::nullopt;
}

std::optional<ClientError> Producer::start_with_instance(client::ClientInstance* instance) {
  assert(state_ == ServiceState::kCreateJust);
  instance_raw_ = instance;
  if (!instance->register_producer(options_.group, this)) {
    return client::mq_client_error_plain("The producer group[" + options_.group +
                                         "] has been created before, specify another name please.");
  }
  if (options_.client.profile == client::Profile::kV4_9_8)
    topic_publish_info_table_.emplace(options_.create_topic_key, std::make_shared<TopicPublishInfo>());
  state_ = ServiceState::kRunning;
  return std::nullopt;
}

void Producer::shutdown(std::function<void()> done) {
  if (state_ != ServiceState::kRunning) {
    if (done) runtime_.after(0, std::move(done));
    return;
  }
  std::weak_ptr<int> alive = alive_;
  auto instance = instance_;
  instance->unregister_producer(options_.group, [this, alive, instance, done = std::move(done)]() mutable {
    if (alive.expired()) return;
    instance->shutdown([this, alive, done = std::move(done)]() mutable {
      if (alive.expired()) return;
      finish_shutdown(std::move(done));
    });
  });
}

void Producer::shutdown_without_instance(std::function<void()> done) {
  if (state_ != ServiceState::kRunning) return done();
  std::weak_ptr<int> alive = alive_;
  instance_raw_->unregister_producer(options_.group, [this, alive, done = std::move(done)]() mutable {
    if (alive.expired()) return;
    state_ = ServiceState::kShutdownAlready;
    done();
  });
}

void Producer::finish_shutdown(std::function<void()> done) {
  state_ = ServiceState::kShutdownAlready;
  instance_.reset();  // the instance lives on while others hold it
  instance_raw_ = nullptr;
  if (done) done();
}

std::optional<ClientError> Producer::state_error() const {
  if (state_ == ServiceState::kRunning) return std::nullopt;
  return client::mq_client_error_plain("The producer service state not OK, " +
                                       std::string(client::service_state_name(state_)));
}

std::vector<std::string> Producer::publish_topic_list() const {
  std::vector<std::string> topics;
  for (const auto& [topic, info] : topic_publish_info_table_) topics.push_back(topic);
  return topics;
}

bool Producer::is_publish_topic_need_update(const std::string& topic) const {
  auto it = topic_publish_info_table_.find(topic);
  return it == topic_publish_info_table_.end() || !it->second || !it->second->ok();
}

void Producer::update_topic_publish_info(const std::string& topic, std::shared_ptr<TopicPublishInfo> info) {
  if (info) topic_publish_info_table_[topic] = std::move(info);
}

// tryToFindTopicPublishInfo: the cached info; else a lookup of the topic; if that found no route either, the
// default (TBW102) route stands in.
void Producer::find_topic_publish_info(
    const std::string& topic,
    std::function<void(std::shared_ptr<TopicPublishInfo>, std::optional<ClientError>)> done) {
  std::weak_ptr<int> alive = alive_;
  auto second_step = [this, alive, topic, done](std::optional<ClientError> escaped) {
    if (alive.expired()) return;
    if (escaped) return done(nullptr, std::move(escaped));
    auto info = topic_publish_info_table_[topic];
    if (info && (info->have_topic_router_info || info->ok())) return done(info, std::nullopt);
    client::DefaultRouteSource source{options_.create_topic_key, options_.default_topic_queue_nums};
    instance_raw_->update_topic_route(topic, source, [this, alive, topic, done](client::RouteUpdate update) {
      if (alive.expired()) return;
      if (update.escaped) return done(nullptr, std::move(update.escaped));
      done(topic_publish_info_table_[topic], std::nullopt);
    });
  };
  auto it = topic_publish_info_table_.find(topic);
  if (it != topic_publish_info_table_.end() && it->second && it->second->ok()) return second_step(std::nullopt);
  if (it == topic_publish_info_table_.end() || !it->second)
    topic_publish_info_table_[topic] = std::make_shared<TopicPublishInfo>();
  instance_raw_->update_topic_route(topic, std::nullopt, [second_step](client::RouteUpdate update) {
    second_step(std::move(update.escaped));
  });
}

std::optional<client::MessageQueue> Producer::select_one_message_queue(TopicPublishInfo& info,
                                                                       const std::optional<std::string>& last_broker,
                                                                       bool reset_index) {
  return fault_strategy_.select_one_message_queue(info, last_broker, reset_index, now_ms(),
                                                  [this] {
    // ThreadLocalIndex.reset(): random.nextInt(Integer.MAX_VALUE), never negative.
    return static_cast<uint32_t>(runtime::random_below(runtime_, INT32_MAX));
  });
}

void Producer::update_fault_item(uint64_t send_id, const std::string& broker, int64_t latency_ms, bool isolation,
                                 bool reachable) {
  if (!fault_strategy_.enabled()) return;
  fault_strategy_.update_fault_item(broker, latency_ms, isolation, reachable, now_ms());
  SendEvent event;
  event.type = SendEventType::kFaultUpdate;
  event.send_id = send_id;
  event.queue = client::MessageQueue{"", broker, 0};
  event.latency_ms = latency_ms;
  event.isolation = isolation;
  event.reachable = reachable;
  emit(std::move(event));
}

void Producer::emit(SendEvent event) {
  if (!observer_) return;
  event.now_ms = now_ms();
  observer_(event);
}

void Producer::track(std::shared_ptr<void> operation) {
  const void* key = operation.get();
  in_flight_.emplace(key, std::move(operation));
}

void Producer::untrack(const void* operation) { in_flight_.erase(operation); }

void Producer::send(Message msg, SendCallback done) { send(std::move(msg), options_.send_msg_timeout_ms, std::move(done)); }

void Producer::send(Message msg, int64_t timeout_ms, SendCallback done) {
  start_operation(CommunicationMode::kSync, std::move(msg), timeout_ms, std::move(done));
}

void Producer::send_async(Message msg, SendCallback callback) {
  send_async(std::move(msg), options_.send_msg_timeout_ms, std::move(callback));
}

void Producer::send_async(Message msg, int64_t timeout_ms, SendCallback callback) {
  start_operation(CommunicationMode::kAsync, std::move(msg), timeout_ms, std::move(callback));
}

void Producer::send_oneway(Message msg, OnewayCallback done) {
  start_operation(CommunicationMode::kOneway, std::move(msg), options_.send_msg_timeout_ms,
                  [done = std::move(done)](SendOutcome outcome) {
                    if (!done) return;
                    if (auto* error = std::get_if<ClientError>(&outcome)) return done(*error);
                    done(std::nullopt);
                  });
}

void Producer::start_operation(CommunicationMode mode, Message msg, int64_t timeout_ms, SendCallback done) {
  auto operation = std::make_shared<SendOperation>(*this, mode, std::move(msg), timeout_ms, std::move(done));
  track(operation);
  std::weak_ptr<int> alive = alive_;
  // Java's sync send runs on the caller's thread and async on the sender executor; both begin after this call.
  runtime_.after(0, [alive, operation] {
    if (!alive.expired()) operation->begin();
  });
}

}  // namespace rmq::producer
