#include "core/client/client_instance.h"

#include <algorithm>

#include "core/client/client_manager.h"
#include "core/common/java_compat.h"
#include "core/producer/producer.h"
#include "core/protocol/request_code.h"

namespace rmq::client {

namespace {

remoting::RemotingClientOptions remoting_options_for(const ClientConfig& config) {
  remoting::RemotingClientOptions options;
  options.fail_pending_on_peer_close = config.profile == Profile::kV5;  // DESIGN §6.9
  return options;
}

template <typename T>
std::vector<std::string> groups_in_java_order(const std::vector<std::pair<std::string, T>>& table) {
  std::vector<std::string> names;
  for (const auto& [group, ptr] : table) names.push_back(group);
  std::vector<std::string> ordered;
  for (size_t i : java_hash_map_order(names)) ordered.push_back(names[i]);
  return ordered;
}

}  // namespace

std::string_view service_state_name(ServiceState state) {
  switch (state) {
    case ServiceState::kCreateJust: return "CREATE_JUST";
    case ServiceState::kRunning: return "RUNNING";
    case ServiceState::kShutdownAlready: return "SHUTDOWN_ALREADY";
    case ServiceState::kStartFailed: return "START_FAILED";
  }
  return "UNKNOWN";
}

ClientInstance::ClientInstance(runtime::Runtime& runtime, ClientManager* manager, ClientConfig config,
                               std::string client_id)
    : runtime_(runtime),
      manager_(manager),
      config_(std::move(config)),
      client_id_(std::move(client_id)),
      remoting_(runtime, remoting_options_for(config_)),
      api_(runtime, remoting_, config_),
      scheduler_(runtime),
      lock_namesrv_(runtime),
      lock_heartbeat_(runtime) {}

ClientInstance::~ClientInstance() {
  scheduler_.stop();
  remoting_.shutdown();
}

std::optional<ClientError> ClientInstance::start() {
  switch (state_) {
    case ServiceState::kCreateJust: {
      state_ = ServiceState::kStartFailed;
      remoting_.start();
      start_scheduled_tasks();
      remoting_.dispatcher().register_handler(
          protocol::request_code::kNotifyConsumerIdsChanged,
          [this](const remoting::RequestContext&, remoting::RemotingCommand, remoting::Responder) {
            rebalance_immediately();  // answered with nothing, as Java's processor returns null
          });
      arm_rebalance_wait();
      producer::ProducerOptions inner;
      inner.group = std::string(kClientInnerProducerGroup);
      inner.client = config_;
      inner_producer_ = std::make_unique<producer::Producer>(runtime_, *manager_, std::move(inner));
      if (auto error = inner_producer_->start_with_instance(this)) return error;
      state_ = ServiceState::kRunning;
      return std::nullopt;
    }
    case ServiceState::kStartFailed:
      return mq_client_error_plain("The Factory object[" + client_id_ + "] has been created before, and failed.");
    default:
      return std::nullopt;
  }
}

void ClientInstance::start_scheduled_tasks() {
  std::weak_ptr<int> alive = alive_;
  scheduler_.schedule_at_fixed_rate("updateTopicRouteInfoFromNameServer", 10, config_.poll_name_server_interval_ms,
                                    [this](std::function<void()> done) { update_all_topic_routes(std::move(done)); });
  scheduler_.schedule_at_fixed_rate(
      "cleanOfflineBrokerAndHeartbeat", 1000, config_.heartbeat_broker_interval_ms,
      [this, alive](std::function<void()> done) {
        clean_offline_broker([this, alive, done = std::move(done)]() mutable {
          if (alive.expired()) return;
          send_heartbeat_to_all_brokers_with_lock(std::move(done));
        });
      });
  scheduler_.schedule_at_fixed_rate("persistAllConsumerOffset", 10000, config_.persist_consumer_offset_interval_ms,
                                    [this](std::function<void()> done) {
                                      for (const auto& group : consumer_groups()) find_consumer(group)->persist_consumer_offset();
                                      done();
                                    });
}

void ClientInstance::shutdown(std::function<void()> done) {
  if (!consumers_.empty() || producers_.size() > 1 || state_ != ServiceState::kRunning) {
    if (done) runtime_.after(0, std::move(done));
    return;
  }
  std::weak_ptr<int> alive = alive_;
  inner_producer_->shutdown_without_instance([this, alive, done = std::move(done)]() mutable {
    if (alive.expired()) return;
    state_ = ServiceState::kShutdownAlready;
    scheduler_.stop();
    if (rebalance_timer_ != runtime::kNoTimer) runtime_.cancel(rebalance_timer_);
    rebalance_timer_ = runtime::kNoTimer;
    // Finish from a fresh event: leaving the manager may destroy this instance, which must not happen while
    // its own code is on the stack.
    std::shared_ptr<ClientInstance> self = manager_ ? manager_->find(client_id_) : nullptr;
    runtime_.after(0, [this, self, alive, done = std::move(done)] {
      if (alive.expired()) return;
      remoting_.shutdown();
      if (manager_) manager_->remove(client_id_);
      if (done) done();
    });
  });
}

void ClientInstance::forget_producer(const std::string& group) {
  std::erase_if(producers_, [&](const auto& entry) { return entry.first == group; });
}

void ClientInstance::forget_consumer(const std::string& group) {
  std::erase_if(consumers_, [&](const auto& entry) { return entry.first == group; });
}

bool ClientInstance::register_producer(const std::string& group, ProducerInner* producer) {
  if (find_producer(group)) return false;
  producers_.emplace_back(group, producer);
  return true;
}

void ClientInstance::unregister_producer(const std::string& group, std::function<void()> done) {
  std::erase_if(producers_, [&](const auto& entry) { return entry.first == group; });
  unregister_client_with_lock(group, std::nullopt, std::move(done));
}

bool ClientInstance::register_consumer(const std::string& group, ConsumerInner* consumer) {
  if (find_consumer(group)) return false;
  consumers_.emplace_back(group, consumer);
  return true;
}

void ClientInstance::unregister_consumer(const std::string& group, std::function<void()> done) {
  std::erase_if(consumers_, [&](const auto& entry) { return entry.first == group; });
  unregister_client_with_lock(std::nullopt, group, std::move(done));
}

ProducerInner* ClientInstance::find_producer(const std::string& group) const {
  for (const auto& [name, producer] : producers_)
    if (name == group) return producer;
  return nullptr;
}

ConsumerInner* ClientInstance::find_consumer(const std::string& group) const {
  for (const auto& [name, consumer] : consumers_)
    if (name == group) return consumer;
  return nullptr;
}

std::vector<std::string> ClientInstance::producer_groups() const { return groups_in_java_order(producers_); }
std::vector<std::string> ClientInstance::consumer_groups() const { return groups_in_java_order(consumers_); }

std::optional<std::string> ClientInstance::find_broker_address_in_publish(const std::string& broker_name) const {
  auto it = broker_addr_table_.find(broker_name);
  if (it == broker_addr_table_.end()) return std::nullopt;
  auto master = it->second.find(0);
  if (master == it->second.end()) return std::nullopt;
  return master->second;
}

// 4.9.8: the exact id; for a slave id also id + 1; then, unless onlyThisBroker, the first address listed.
std::optional<ClientInstance::FoundBroker> ClientInstance::find_broker_address_in_subscribe(
    const std::string& broker_name, int64_t broker_id, bool only_this_broker) const {
  auto it = broker_addr_table_.find(broker_name);
  if (it == broker_addr_table_.end() || it->second.empty()) return std::nullopt;
  const auto& addrs = it->second;
  bool slave = broker_id != 0;
  auto found = addrs.find(broker_id);
  if (found == addrs.end() && slave) found = addrs.find(broker_id + 1);
  if (found != addrs.end()) return FoundBroker{found->second, slave};
  if (only_this_broker) return std::nullopt;
  const auto& [id, addr] = *addrs.begin();  // HashMap<Long,..> iterates small ids ascending
  return FoundBroker{addr, id != 0};
}

std::optional<int32_t> ClientInstance::broker_version(const std::string& broker_name,
                                                      const std::string& addr) const {
  auto it = broker_version_table_.find(broker_name);
  if (it == broker_version_table_.end()) return std::nullopt;
  auto v = it->second.find(addr);
  if (v == it->second.end()) return std::nullopt;
  return v->second;
}

// RebalanceService: wait rebalance_wait_interval (or until woken), run every consumer's round, wait again.
void ClientInstance::arm_rebalance_wait() {
  std::weak_ptr<int> alive = alive_;
  rebalance_timer_ = runtime_.after(runtime::millis(config_.rebalance_wait_interval_ms), [this, alive] {
    if (alive.expired()) return;
    rebalance_timer_ = runtime::kNoTimer;
    run_rebalance_round();
  });
}

void ClientInstance::rebalance_immediately() {
  if (state_ == ServiceState::kShutdownAlready) return;
  if (rebalance_running_) {
    rebalance_pending_ = true;  // ServiceThread.hasNotified: the next wait returns at once
    return;
  }
  if (rebalance_timer_ != runtime::kNoTimer) runtime_.cancel(rebalance_timer_);
  std::weak_ptr<int> alive = alive_;
  rebalance_timer_ = runtime_.after(0, [this, alive] {
    if (alive.expired()) return;
    rebalance_timer_ = runtime::kNoTimer;
    run_rebalance_round();
  });
}

void ClientInstance::run_rebalance_round() {
  rebalance_running_ = true;
  ++rebalance_rounds_;
  auto groups = std::make_shared<std::vector<std::string>>(consumer_groups());
  std::weak_ptr<int> alive = alive_;
  rebalance_consumers_from(std::move(groups), 0, [this, alive] {
    if (alive.expired()) return;
    rebalance_running_ = false;
    if (state_ == ServiceState::kShutdownAlready) return;
    if (rebalance_pending_) {
      rebalance_pending_ = false;
      return rebalance_immediately();
    }
    arm_rebalance_wait();
  });
}

void ClientInstance::rebalance_consumers_from(std::shared_ptr<std::vector<std::string>> groups, size_t index,
                                              std::function<void()> done) {
  while (index < groups->size() && !find_consumer((*groups)[index])) ++index;  // left meanwhile
  if (index >= groups->size()) return done();
  std::weak_ptr<int> alive = alive_;
  find_consumer((*groups)[index])->do_rebalance([this, alive, groups, index, done = std::move(done)]() mutable {
    if (alive.expired()) return;
    rebalance_consumers_from(std::move(groups), index + 1, std::move(done));
  });
}

std::optional<std::string> ClientInstance::find_broker_addr_by_topic(const std::string& topic) {
  auto it = topic_route_table_.find(topic);
  if (it == topic_route_table_.end() || it->second.broker_datas.empty()) return std::nullopt;
  const auto& brokers = it->second.broker_datas;
  const auto& bd = brokers[static_cast<size_t>(runtime::random_below(runtime_, brokers.size()))];
  if (auto master = bd.address(0)) return master;
  if (bd.broker_addrs.empty()) return std::nullopt;
  return bd.broker_addrs[static_cast<size_t>(runtime::random_below(runtime_, bd.broker_addrs.size()))].second;
}

}  // namespace rmq::client
