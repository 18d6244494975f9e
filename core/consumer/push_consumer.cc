#include "core/consumer/push_consumer.h"

#include "core/consumer/consume_service.h"
#include "core/consumer/rebalance.h"
#include "core/producer/producer.h"
#include "core/producer/validators.h"
#include "core/protocol/subscription_data.h"

namespace rmq::consumer {

using client::ClientError;
using client::ServiceState;

PushConsumer::PushConsumer(runtime::Runtime& runtime, client::ClientManager& manager, PushConsumerOptions options)
    : runtime_(runtime),
      manager_(manager),
      options_(std::move(options)),
      rebalance_(std::make_unique<Rebalance>(*this)) {
  if (!options_.allocate_strategy) options_.allocate_strategy = std::make_shared<AllocateAveragely>();
}

PushConsumer::~PushConsumer() {
  if (instance_ && state_ == ServiceState::kRunning) instance_->forget_consumer(options_.group);
}

void PushConsumer::register_listener(ConcurrentlyListener listener) { concurrently_listener_ = std::move(listener); }
void PushConsumer::register_listener(OrderlyListener listener) { orderly_listener_ = std::move(listener); }

// checkConfig (spec §6.1): the group, then the thresholds Java validates at start.
std::optional<ClientError> PushConsumer::check_config() const {
  if (Status status = producer::check_group(options_.group); !status.ok())
    return ClientError{client::JavaException::kMQClientException, status.error().code, status.error().message, {}};
  auto plain = [](std::string text) { return client::mq_client_error_plain(std::move(text)); };
  if (options_.group == kDefaultConsumerGroup)
    return plain("consumerGroup can not equal DEFAULT_CONSUMER, please specify another one.");
  auto out_of = [&](const char* name, int64_t v, int64_t lo, int64_t hi) -> std::optional<ClientError> {
    if (v >= lo && v <= hi) return std::nullopt;
    return plain(std::string(name) + " Out of range [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  };
  if (auto e = out_of("consumeThreadMin", options_.consume_thread_min, 1, 1000)) return e;
  if (auto e = out_of("consumeThreadMax", options_.consume_thread_max, 1, 1000)) return e;
  if (options_.consume_thread_min > options_.consume_thread_max)
    return plain("consumeThreadMin (" + std::to_string(options_.consume_thread_min) +
                 ") is larger than consumeThreadMax (" + std::to_string(options_.consume_thread_max) + ")");
  if (auto e = out_of("consumeConcurrentlyMaxSpan", options_.consume_concurrently_max_span, 1, 65535)) return e;
  if (auto e = out_of("pullThresholdForQueue", options_.pull_threshold_for_queue, 1, 65535)) return e;
  if (auto e = out_of("pullThresholdSizeForQueue", options_.pull_threshold_size_for_queue, 1, 1024)) return e;
  if (auto e = out_of("pullInterval", options_.pull_interval_ms, 0, 65535)) return e;
  if (auto e = out_of("consumeMessageBatchMaxSize", options_.consume_message_batch_max_size, 1, 1024)) return e;
  if (auto e = out_of("pullBatchSize", options_.pull_batch_size, 1, 1024)) return e;
  if (!concurrently_listener_ && !orderly_listener_) return plain("messageListener is null");
  return std::nullopt;
}

std::optional<ClientError> PushConsumer::start() {
  if (state_ != ServiceState::kCreateJust)
    return client::mq_client_error_plain("The PushConsumer service state not OK, maybe started once, " +
                                         std::string(client::service_state_name(state_)));
  state_ = ServiceState::kStartFailed;
  if (auto error = check_config()) return error;
  for (const auto& [topic, expression] : options_.subscription)
    rebalance_->subscription_inner()[topic] =
        protocol::build_subscription_data(topic, expression, runtime_.wall_clock_ms());
  bool clustering = options_.message_model == protocol::MessageModel::kClustering;
  if (clustering) {
    std::string retry = std::string(client::kRetryGroupTopicPrefix) + options_.group;
    rebalance_->subscription_inner()[retry] = protocol::build_subscription_data(retry, "*", runtime_.wall_clock_ms());
    options_.client.change_instance_name_to_pid(manager_.nano_time());
  }
  instance_ = manager_.get_or_create(options_.client);
  api_ = std::make_unique<ConsumerApi>(*instance_);
  if (clustering) {
    offset_store_ = std::make_unique<RemoteBrokerOffsetStore>(*instance_, *api_, options_.group);
  } else {
    offset_file_ = options_.local_offset_file ? options_.local_offset_file() : make_memory_offset_file();
    offset_store_ = std::make_unique<LocalFileOffsetStore>(*offset_file_, options_.offset_store_dir,
                                                           instance_->client_id(), options_.group, &runtime_);
  }
  offset_store_->load();
  consume_service_ = make_consume_service();
  consume_service_->start();
  if (!instance_->register_consumer(options_.group, this)) {
    state_ = ServiceState::kCreateJust;
    consume_service_->shutdown();
    instance_.reset();
    return client::mq_client_error_plain("The consumer group[" + options_.group +
                                         "] has been created before, specify another name please.");
  }
  if (auto error = instance_->start()) return error;
  state_ = ServiceState::kRunning;
  // What Java's start() does on the caller's thread once RUNNING, in order: the routes of every subscribed topic,
  // a heartbeat (so the brokers know this member before its first rebalance), then a rebalance at once.
  auto topics = std::make_shared<std::vector<std::string>>(subscribed_topics());
  std::weak_ptr<int> alive = alive_;
  update_routes_from(std::move(topics), 0, [this, alive] {
    if (alive.expired() || state_ != ServiceState::kRunning) return;
    instance_->send_heartbeat_to_all_brokers_with_lock([this, alive] {
      if (alive.expired() || state_ != ServiceState::kRunning) return;
      instance_->rebalance_immediately();
    });
  });
  return std::nullopt;
}

void PushConsumer::update_routes_from(std::shared_ptr<std::vector<std::string>> topics, size_t index,
                                      std::function<void()> done) {
  if (index >= topics->size()) return done();
  std::string topic = (*topics)[index];
  std::weak_ptr<int> alive = alive_;
  instance_->update_topic_route(topic, std::nullopt,
                                [this, alive, topics = std::move(topics), index, done = std::move(done)](
                                    client::RouteUpdate) mutable {
                                  if (alive.expired()) return;
                                  update_routes_from(std::move(topics), index + 1, std::move(done));
                                });
}

void PushConsumer::shutdown(std::function<void()> done) {
  if (state_ != ServiceState::kRunning) {
    if (done) runtime_.after(0, std::move(done));
    return;
  }
  consume_service_->shutdown();
  persist_consumer_offset();
  std::weak_ptr<int> alive = alive_;
  auto instance = instance_;
  instance->unregister_consumer(options_.group, [this, alive, instance, done = std::move(done)]() mutable {
    if (alive.expired()) return;
    instance->shutdown([this, alive, done = std::move(done)]() mutable {
      if (alive.expired()) return;
      finish_shutdown(std::move(done));
    });
  });
}

void PushConsumer::finish_shutdown(std::function<void()> done) {
  rebalance_->drop_all();
  state_ = ServiceState::kShutdownAlready;
  if (done) done();
}

std::unique_ptr<ConsumeService> PushConsumer::make_consume_service() {
  if (orderly_listener_) return std::make_unique<ConsumeOrderlyService>(*this, orderly_listener_);
  return std::make_unique<ConsumeConcurrentlyService>(*this, concurrently_listener_);
}

protocol::ConsumerData PushConsumer::consumer_data() const {
  protocol::ConsumerData data;
  data.group_name = options_.group;
  data.consume_type = protocol::ConsumeType::kConsumePassively;
  data.message_model = options_.message_model;
  data.consume_from_where = options_.consume_from_where;
  for (const auto& [topic, sub] : rebalance_->subscription_inner()) data.subscription_data_set.push_back(sub);
  protocol::sort_subscriptions_java_order(data.subscription_data_set);
  data.unit_mode = options_.client.unit_mode;
  return data;
}

std::vector<std::string> PushConsumer::subscribed_topics() const {
  std::vector<std::string> topics;
  for (const auto& [topic, sub] : rebalance_->subscription_inner()) topics.push_back(topic);
  return topics;
}

bool PushConsumer::is_subscribe_topic_need_update(const std::string& topic) const {
  return rebalance_->subscription_inner().contains(topic) && !rebalance_->topic_subscribe_info_table().contains(topic);
}

void PushConsumer::update_topic_subscribe_info(const std::string& topic, const std::set<client::MessageQueue>& queues) {
  if (rebalance_->subscription_inner().contains(topic)) rebalance_->topic_subscribe_info_table()[topic] = queues;
}

void PushConsumer::persist_consumer_offset() {
  if (state_ != ServiceState::kRunning || !offset_store_) return;
  offset_store_->persist_all(rebalance_->owned_queues());
}

void PushConsumer::do_rebalance(std::function<void()> done) { rebalance_->do_rebalance(std::move(done)); }

void PushConsumer::execute_pull_request_immediately(std::shared_ptr<PullRequest> request) {
  execute_pull_request_later(std::move(request), 0);
}

void PushConsumer::execute_pull_request_later(std::shared_ptr<PullRequest> request, int64_t delay_ms) {
  if (state_ == ServiceState::kShutdownAlready) return;
  std::weak_ptr<int> alive = alive_;
  runtime_.after(runtime::millis(delay_ms), [this, alive, request = std::move(request)] {
    if (!alive.expired()) pull_message(request);
  });
}

void PushConsumer::execute_task_later(std::function<void()> task, int64_t delay_ms) {
  std::weak_ptr<int> alive = alive_;
  runtime_.after(runtime::millis(delay_ms), [alive, task = std::move(task)] {
    if (!alive.expired()) task();
  });
}

void PushConsumer::emit(ConsumerEvent event) {
  if (!observer_) return;
  event.now_ms = now_ms();
  observer_(event);
}

}  // namespace rmq::consumer
