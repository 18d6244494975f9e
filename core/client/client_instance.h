// ClientInstance: Java's MQClientInstance (spec §1.4, §1.5, §3.2). One per client id; producers and consumers
// of that id share its remoting client, route cache, broker address table, heartbeats and scheduled tasks.
//
// Everything is event-driven on the runtime's thread: where the Java instance blocks a thread (a name-server
// call under lockNamesrv, the heartbeat round under lockHeartbeat, the single scheduler thread), this one
// chains callbacks and keeps the same exclusion and ordering, so timing matches the Java client's.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/client/client_api.h"
#include "core/client/client_config.h"
#include "core/client/client_error.h"
#include "core/client/message_queue.h"
#include "core/client/serial_scheduler.h"
#include "core/client/timed_lock.h"
#include "core/protocol/heartbeat_data.h"
#include "core/remoting/remoting_client.h"

namespace rmq::producer {
struct TopicPublishInfo;
class Producer;
}  // namespace rmq::producer

namespace rmq::client {

class ClientManager;

// What the instance needs of a producer (Java MQProducerInner).
class ProducerInner {
 public:
  virtual ~ProducerInner() = default;
  virtual std::vector<std::string> publish_topic_list() const = 0;
  virtual bool is_publish_topic_need_update(const std::string& topic) const = 0;
  virtual void update_topic_publish_info(const std::string& topic,
                                         std::shared_ptr<producer::TopicPublishInfo> info) = 0;
};

// What the instance needs of a consumer (Java MQConsumerInner).
class ConsumerInner {
 public:
  virtual ~ConsumerInner() = default;
  virtual protocol::ConsumerData consumer_data() const = 0;  // for heartbeats: group, model, subscriptions
  virtual std::vector<std::string> subscribed_topics() const = 0;
  virtual bool is_subscribe_topic_need_update(const std::string& topic) const = 0;
  virtual void update_topic_subscribe_info(const std::string& topic, const std::set<MessageQueue>& queues) = 0;
  virtual void persist_consumer_offset() = 0;
  // doRebalance: one rebalance round of this consumer; `done` once it finished. A consumer that does not
  // rebalance (a pull consumer) keeps the default.
  virtual void do_rebalance(std::function<void()> done) { done(); }
};

// The producer settings a TBW102 ("default") route lookup uses.
struct DefaultRouteSource {
  std::string create_topic_key;
  int32_t default_topic_queue_nums = 4;
};

// The outcome of updateTopicRouteInfoFromNameServer: whether the route changed, or the exception that escapes
// it (a RemotingException rethrown as IllegalStateException, or an undecodable route body).
struct RouteUpdate {
  bool changed = false;
  std::optional<ClientError> escaped;
};

enum class ServiceState : uint8_t { kCreateJust, kRunning, kShutdownAlready, kStartFailed };
std::string_view service_state_name(ServiceState state);  // "CREATE_JUST", ...

class ClientInstance {
 public:
  ClientInstance(runtime::Runtime& runtime, ClientManager* manager, ClientConfig config, std::string client_id);
  ~ClientInstance();
  ClientInstance(const ClientInstance&) = delete;
  ClientInstance& operator=(const ClientInstance&) = delete;

  // MQClientInstance.start(): remoting, scheduled tasks, the inner producer. Error only when a start failed.
  std::optional<ClientError> start();
  // MQClientInstance.shutdown(): does nothing while consumers or more producers than the inner one remain;
  // otherwise unregisters the inner producer, stops everything and leaves the manager. `done` runs after.
  void shutdown(std::function<void()> done);

  bool register_producer(const std::string& group, ProducerInner* producer);
  // unregisterProducer: removes it and sends UNREGISTER_CLIENT to every known broker address (under the
  // heartbeat lock), then calls `done`.
  void unregister_producer(const std::string& group, std::function<void()> done);
  // Drops a producer or consumer that goes away without shutdown (no network traffic).
  void forget_producer(const std::string& group);
  void forget_consumer(const std::string& group);
  bool register_consumer(const std::string& group, ConsumerInner* consumer);
  void unregister_consumer(const std::string& group, std::function<void()> done);

  // updateTopicRouteInfoFromNameServer(topic, isDefault, producer).
  void update_topic_route(const std::string& topic, const std::optional<DefaultRouteSource>& default_source,
                          std::function<void(RouteUpdate)> done);
  // The scheduled task's variant: every producer and consumer topic, in Java HashSet order, one after another;
  // stops at the first escaping exception as the Java task does.
  void update_all_topic_routes(std::function<void()> done);
  void send_heartbeat_to_all_brokers_with_lock(std::function<void()> done);
  // RebalanceService.wakeup(): a round now (or right after the running one), then the usual wait.
  void rebalance_immediately();
  uint64_t rebalance_rounds() const { return rebalance_rounds_; }
  // findConsumerIdList's broker: a random BrokerData of the topic's cached route, its master or a random slave.
  std::optional<std::string> find_broker_addr_by_topic(const std::string& topic);
  void clean_offline_broker(std::function<void()> done);

  // findBrokerAddressInPublish: the master's address of `broker_name`.
  std::optional<std::string> find_broker_address_in_publish(const std::string& broker_name) const;
  // findBrokerAddressInSubscribe(brokerName, brokerId, onlyThisBroker) (§10 MQClientInstanceTest).
  struct FoundBroker {
    std::string address;
    bool slave = false;
  };
  std::optional<FoundBroker> find_broker_address_in_subscribe(const std::string& broker_name, int64_t broker_id,
                                                              bool only_this_broker) const;

  const std::string& client_id() const { return client_id_; }
  const ClientConfig& config() const { return config_; }
  ServiceState state() const { return state_; }
  ClientApi& api() { return api_; }
  remoting::RemotingClient& remoting() { return remoting_; }
  runtime::Runtime& runtime() { return runtime_; }
  SerialScheduler& scheduler() { return scheduler_; }
  const std::map<std::string, protocol::TopicRouteData>& topic_route_table() const { return topic_route_table_; }
  const std::map<std::string, std::map<int64_t, std::string>>& broker_addr_table() const {
    return broker_addr_table_;
  }
  std::optional<int32_t> broker_version(const std::string& broker_name, const std::string& addr) const;
  size_t producer_count() const { return producers_.size(); }
  size_t consumer_count() const { return consumers_.size(); }
  ProducerInner* find_producer(const std::string& group) const;
  ConsumerInner* find_consumer(const std::string& group) const;
  // Producer groups / consumer groups in Java ConcurrentHashMap iteration order.
  std::vector<std::string> producer_groups() const;
  std::vector<std::string> consumer_groups() const;
  producer::Producer* inner_producer() { return inner_producer_.get(); }
  uint64_t heartbeats_sent() const { return heartbeats_sent_; }

 private:
  void start_scheduled_tasks();
  void arm_rebalance_wait();
  void run_rebalance_round();
  void rebalance_consumers_from(std::shared_ptr<std::vector<std::string>> groups, size_t index,
                                std::function<void()> done);
  void fetch_and_apply_route(const std::string& topic, const std::optional<DefaultRouteSource>& default_source,
                             std::function<void(RouteUpdate)> done);
  bool apply_route(const std::string& topic, protocol::TopicRouteData route);
  void update_routes_from(std::shared_ptr<std::vector<std::string>> topics, size_t index, std::function<void()> done);
  bool is_need_update_topic_route_info(const std::string& topic) const;
  bool is_broker_addr_in_route_table(const std::string& addr) const;
  protocol::HeartbeatData prepare_heartbeat_data() const;
  void heartbeat_each(std::shared_ptr<std::vector<std::pair<std::string, std::string>>> targets, size_t index,
                      std::shared_ptr<protocol::HeartbeatData> data, std::function<void()> done);
  void unregister_client_with_lock(std::optional<std::string> producer_group,
                                   std::optional<std::string> consumer_group, std::function<void()> done);
  std::vector<std::pair<std::string, std::string>> broker_addresses_in_java_order(bool masters_only) const;

  runtime::Runtime& runtime_;
  ClientManager* manager_;
  ClientConfig config_;
  std::string client_id_;
  remoting::RemotingClient remoting_;
  ClientApi api_;
  SerialScheduler scheduler_;
  TimedLock lock_namesrv_;
  TimedLock lock_heartbeat_;
  ServiceState state_ = ServiceState::kCreateJust;
  std::map<std::string, protocol::TopicRouteData> topic_route_table_;
  std::map<std::string, std::map<int64_t, std::string>> broker_addr_table_;
  std::map<std::string, std::map<std::string, int32_t>> broker_version_table_;
  std::vector<std::pair<std::string, ProducerInner*>> producers_;  // in registration order
  std::vector<std::pair<std::string, ConsumerInner*>> consumers_;
  std::unique_ptr<producer::Producer> inner_producer_;
  uint64_t heartbeats_sent_ = 0;
  runtime::TimerId rebalance_timer_ = runtime::kNoTimer;
  bool rebalance_running_ = false;
  bool rebalance_pending_ = false;
  uint64_t rebalance_rounds_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rmq::client
