// ClientInstance: heartbeats, unregistering and offline-broker cleanup (spec §1.5, §1.3 shutdown).
#include "core/client/client_instance.h"
#include "core/common/java_compat.h"

namespace rmq::client {

namespace {
inline constexpr int64_t kLockTimeoutMs = 3000;
using AddressList = std::vector<std::pair<std::string, std::string>>;  // (brokerName, address)
}  // namespace

// brokerAddrTable is a ConcurrentHashMap<String, HashMap<Long, String>>: names in hash order, then ids
// ascending (Long hashes of small ids).
std::vector<std::pair<std::string, std::string>> ClientInstance::broker_addresses_in_java_order(
    bool masters_only) const {
  std::vector<std::string> names;
  for (const auto& [name, addrs] : broker_addr_table_) names.push_back(name);
  AddressList out;
  for (size_t i : java_hash_map_order(names)) {
    for (const auto& [id, addr] : broker_addr_table_.at(names[i])) {
      if (masters_only && id != 0) continue;
      out.emplace_back(names[i], addr);
    }
  }
  return out;
}

protocol::HeartbeatData ClientInstance::prepare_heartbeat_data() const {
  protocol::HeartbeatData data;
  data.client_id = client_id_;
  for (const auto& group : consumer_groups()) data.consumer_data_set.push_back(find_consumer(group)->consumer_data());
  // ProducerData has no hashCode, so Java's set order is arbitrary; registration order is ours.
  for (const auto& [group, producer] : producers_) data.producer_data_set.push_back(protocol::ProducerData{group});
  return data;
}

void ClientInstance::send_heartbeat_to_all_brokers_with_lock(std::function<void()> done) {
  if (!lock_heartbeat_.try_lock_now()) return done();  // "lock heartBeat, but failed."
  auto data = std::make_shared<protocol::HeartbeatData>(prepare_heartbeat_data());
  if (data->producer_data_set.empty() && data->consumer_data_set.empty()) {
    lock_heartbeat_.unlock();
    return done();
  }
  // A producer-only instance heartbeats masters only.
  auto targets = std::make_shared<AddressList>(broker_addresses_in_java_order(data->consumer_data_set.empty()));
  std::weak_ptr<int> alive = alive_;
  heartbeat_each(std::move(targets), 0, std::move(data), [this, alive, done = std::move(done)] {
    if (alive.expired()) return;
    lock_heartbeat_.unlock();
    done();
  });
}

void ClientInstance::heartbeat_each(std::shared_ptr<AddressList> targets, size_t index,
                                    std::shared_ptr<protocol::HeartbeatData> data, std::function<void()> done) {
  if (index >= targets->size()) return done();
  // Named copies, not structured bindings: the callback captures them (clang 14 cannot capture bindings).
  std::string broker_name = (*targets)[index].first;
  std::string addr = (*targets)[index].second;
  std::weak_ptr<int> alive = alive_;
  ++heartbeats_sent_;
  api_.send_heartbeat(addr, *data, config_.mq_client_api_timeout_ms,
                      [this, alive, targets, index, data, done = std::move(done), broker_name,
                       addr](HeartbeatResult result) mutable {
                        if (alive.expired()) return;
                        if (auto* version = std::get_if<int32_t>(&result))
                          broker_version_table_[broker_name][addr] = *version;
                        heartbeat_each(std::move(targets), index + 1, std::move(data), std::move(done));
                      });
}

void ClientInstance::unregister_client_with_lock(std::optional<std::string> producer_group,
                                                 std::optional<std::string> consumer_group,
                                                 std::function<void()> done) {
  std::weak_ptr<int> alive = alive_;
  lock_heartbeat_.try_lock(kLockTimeoutMs, [this, alive, producer_group = std::move(producer_group),
                                            consumer_group = std::move(consumer_group),
                                            done = std::move(done)](bool acquired) mutable {
    if (alive.expired()) return;
    if (!acquired) return done();  // "lock heartBeat, but failed."
    auto targets = std::make_shared<AddressList>(broker_addresses_in_java_order(false));
    auto step = std::make_shared<std::function<void(size_t)>>();
    auto finish = [this, alive, done = std::move(done)]() {
      if (alive.expired()) return;
      lock_heartbeat_.unlock();
      done();
    };
    *step = [this, alive, targets, producer_group, consumer_group, finish, weak_step = std::weak_ptr(step)](size_t i) {
      if (alive.expired()) return;
      if (i >= targets->size()) return finish();
      auto strong = weak_step.lock();
      api_.unregister_client((*targets)[i].second, client_id_, producer_group, consumer_group,
                             config_.mq_client_api_timeout_ms,
                             [strong, i](const std::optional<ClientError>&) { (*strong)(i + 1); });
    };
    (*step)(0);
  });
}

bool ClientInstance::is_broker_addr_in_route_table(const std::string& addr) const {
  for (const auto& [topic, route] : topic_route_table_)
    for (const auto& bd : route.broker_datas)
      for (const auto& [id, a] : bd.broker_addrs)
        if (a == addr) return true;
  return false;
}

void ClientInstance::clean_offline_broker(std::function<void()> done) {
  std::weak_ptr<int> alive = alive_;
  lock_namesrv_.try_lock(kLockTimeoutMs, [this, alive, done = std::move(done)](bool acquired) {
    if (alive.expired()) return;
    if (!acquired) return done();
    for (auto it = broker_addr_table_.begin(); it != broker_addr_table_.end();) {
      std::erase_if(it->second, [&](const auto& entry) { return !is_broker_addr_in_route_table(entry.second); });
      it = it->second.empty() ? broker_addr_table_.erase(it) : std::next(it);
    }
    lock_namesrv_.unlock();
    done();
  });
}

}  // namespace rmq::client
