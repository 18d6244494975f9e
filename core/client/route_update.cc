// ClientInstance: updateTopicRouteInfoFromNameServer and the route-driven tables (spec §3.2).
#include <algorithm>

#include "core/client/client_instance.h"
#include "core/common/java_compat.h"
#include "core/producer/topic_publish_info.h"

namespace rmq::client {

namespace {

inline constexpr int64_t kLockTimeoutMs = 3000;  // MQClientInstance.LOCK_TIMEOUT_MILLIS

// topicRouteDataIsChange: both sides sorted by broker name; QueueData compares every field, BrokerData its
// name and address map (cluster is not part of BrokerData.equals).
bool route_changed(const protocol::TopicRouteData* old_route, const protocol::TopicRouteData& now) {
  if (!old_route) return true;
  auto normalize = [](protocol::TopicRouteData r) {
    auto by_name = [](const auto& a, const auto& b) { return a.broker_name < b.broker_name; };
    std::stable_sort(r.queue_datas.begin(), r.queue_datas.end(), by_name);
    std::stable_sort(r.broker_datas.begin(), r.broker_datas.end(), by_name);
    for (auto& bd : r.broker_datas) {
      bd.cluster.clear();
      std::sort(bd.broker_addrs.begin(), bd.broker_addrs.end());
    }
    std::sort(r.filter_server_table.begin(), r.filter_server_table.end());
    return r;
  };
  return !(normalize(*old_route) == normalize(now));
}

}  // namespace

void ClientInstance::update_topic_route(const std::string& topic,
                                        const std::optional<DefaultRouteSource>& default_source,
                                        std::function<void(RouteUpdate)> done) {
  std::weak_ptr<int> alive = alive_;
  lock_namesrv_.try_lock(kLockTimeoutMs, [this, alive, topic, default_source,
                                          done = std::move(done)](bool acquired) mutable {
    if (alive.expired()) return;
    if (!acquired) return done(RouteUpdate{});  // "updateTopicRouteInfoFromNameServer tryLock timeout"
    fetch_and_apply_route(topic, default_source, [this, alive, done = std::move(done)](RouteUpdate update) {
      if (alive.expired()) return;
      lock_namesrv_.unlock();
      done(std::move(update));
    });
  });
}

void ClientInstance::fetch_and_apply_route(const std::string& topic,
                                           const std::optional<DefaultRouteSource>& default_source,
                                           std::function<void(RouteUpdate)> done) {
  // 4.9.8 asks for the producer's createTopicKey; 5.1.3+ always for TBW102.
  std::string lookup = topic;
  if (default_source) {
    lookup = config_.profile == Profile::kV5 ? std::string(kAutoCreateTopicKey) : default_source->create_topic_key;
  }
  std::weak_ptr<int> alive = alive_;
  api_.get_topic_route(lookup, config_.mq_client_api_timeout_ms,
                       [this, alive, topic, default_source, done = std::move(done)](RouteResult result) mutable {
                         if (alive.expired()) return;
                         if (auto* error = std::get_if<ClientError>(&result)) {
                           // An MQClientException (e.g. 17 from the name server) is swallowed; a remoting
                           // failure escapes as IllegalStateException; a bad body as fastjson's exception.
                           if (error->exception == JavaException::kMQClientException) return done(RouteUpdate{});
                           if (error->is_remoting()) return done(RouteUpdate{false, illegal_state_from(*error)});
                           return done(RouteUpdate{false, *error});
                         }
                         auto& route = std::get<protocol::TopicRouteData>(result);
                         if (default_source) {
                           for (auto& qd : route.queue_datas) {
                             int32_t nums = std::min(default_source->default_topic_queue_nums, qd.read_queue_nums);
                             qd.read_queue_nums = nums;
                             qd.write_queue_nums = nums;
                           }
                         }
                         done(RouteUpdate{apply_route(topic, std::move(route)), std::nullopt});
                       });
}

bool ClientInstance::apply_route(const std::string& topic, protocol::TopicRouteData route) {
  auto old = topic_route_table_.find(topic);
  bool changed = route_changed(old == topic_route_table_.end() ? nullptr : &old->second, route);
  if (!changed) changed = is_need_update_topic_route_info(topic);
  if (!changed) return false;
  for (const auto& bd : route.broker_datas) {
    auto& addrs = broker_addr_table_[bd.broker_name];
    addrs.clear();
    for (const auto& [id, addr] : bd.broker_addrs) addrs[id] = addr;
  }
  if (!producers_.empty()) {
    auto draw = static_cast<uint32_t>(runtime_.random());
    auto info = std::make_shared<producer::TopicPublishInfo>(
        producer::make_topic_publish_info(topic, route, config_.profile, draw));
    info->have_topic_router_info = true;
    for (const auto& group : producer_groups()) find_producer(group)->update_topic_publish_info(topic, info);
  }
  if (!consumers_.empty()) {
    auto queues = producer::make_topic_subscribe_info(topic, route);
    for (const auto& group : consumer_groups()) find_consumer(group)->update_topic_subscribe_info(topic, queues);
  }
  topic_route_table_[topic] = std::move(route);
  return true;
}

bool ClientInstance::is_need_update_topic_route_info(const std::string& topic) const {
  for (const auto& [group, producer] : producers_)
    if (producer->is_publish_topic_need_update(topic)) return true;
  for (const auto& [group, consumer] : consumers_)
    if (consumer->is_subscribe_topic_need_update(topic)) return true;
  return false;
}

void ClientInstance::update_all_topic_routes(std::function<void()> done) {
  std::vector<std::string> topics;
  auto add = [&](const std::string& t) {
    if (std::find(topics.begin(), topics.end(), t) == topics.end()) topics.push_back(t);
  };
  for (const auto& group : consumer_groups())
    for (const auto& t : find_consumer(group)->subscribed_topics()) add(t);
  for (const auto& group : producer_groups())
    for (const auto& t : find_producer(group)->publish_topic_list()) add(t);
  auto ordered = std::make_shared<std::vector<std::string>>();
  for (size_t i : java_hash_map_order(topics)) ordered->push_back(topics[i]);
  update_routes_from(std::move(ordered), 0, std::move(done));
}

void ClientInstance::update_routes_from(std::shared_ptr<std::vector<std::string>> topics, size_t index,
                                        std::function<void()> done) {
  if (index >= topics->size()) return done();
  std::string topic = (*topics)[index];
  std::weak_ptr<int> alive = alive_;
  update_topic_route(topic, std::nullopt,
                     [this, alive, topics = std::move(topics), index, done = std::move(done)](RouteUpdate update) mutable {
                       if (alive.expired()) return;
                       if (update.escaped) return done();  // the Java task's loop ends with the exception
                       update_routes_from(std::move(topics), index + 1, std::move(done));
                     });
}

}  // namespace rmq::client
