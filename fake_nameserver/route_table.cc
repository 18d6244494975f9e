#include "fake_nameserver/route_table.h"

#include <algorithm>

#include "core/common/fastjson_writer.h"
#include "core/common/java_compat.h"

namespace rmq::fake {
namespace {

constexpr int64_t kMasterId = protocol::kMasterBrokerId;

// Erases the first entry with this key, keeping the others' order (a HashMap bucket's behaviour).
template <class K, class V>
bool erase_key(std::vector<std::pair<K, V>>& entries, const K& key) {
  auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == key; });
  if (it == entries.end()) return false;
  entries.erase(it);
  return true;
}

// BrokerData.brokerAddrs (HashMap<Long, String>, default capacity) in Java's order, fastjson's default form.
void append_broker_addrs(JsonWriter& w, const std::vector<std::pair<int64_t, std::string>>& addrs) {
  std::vector<int32_t> hashes;
  for (const auto& [id, addr] : addrs) hashes.push_back(java_long_hash(id));
  w.begin_object();
  for (size_t i : java_hash_order(hashes, 16, addrs.size())) w.bare_key(addrs[i].first).string(addrs[i].second);
  w.end_object();
}

}  // namespace

bool RouteTable::topic_config_changed(const std::string& broker_addr,
                                      const std::optional<DataVersion>& version) const {
  auto it = live_.find(broker_addr);
  if (it == live_.end() || !it->second.data_version || !version) return true;
  return !(*it->second.data_version == *version);
}

void RouteTable::update_queue_data(const std::string& broker_name, const TopicQueueConfig& config) {
  protocol::QueueData queue{broker_name, config.read_queue_nums, config.write_queue_nums, config.perm,
                            config.topic_sys_flag};
  // put() keeps a present broker's position, as Map.put on an existing key does.
  topics_[config.topic].put(broker_name, queue);
}

RegisterOutput RouteTable::register_broker(const RegisterInput& input, int64_t now_ms) {
  const BrokerRegistration& b = input.broker;
  clusters_.get_or_add(b.cluster).put(b.broker_name, true);

  bool register_first = brokers_.find(b.broker_name) == nullptr;
  BrokerEntry& entry = brokers_.get_or_add(b.broker_name, BrokerEntry{b.cluster, {}});
  // "Switch slave to master": one addr has one record, under its newest id.
  std::erase_if(entry.addrs, [&](const auto& e) { return e.second == b.broker_addr && e.first != b.broker_id; });
  auto present = std::find_if(entry.addrs.begin(), entry.addrs.end(),
                              [&](const auto& e) { return e.first == b.broker_id; });
  if (present == entry.addrs.end()) {
    register_first = true;
    entry.addrs.emplace_back(b.broker_id, b.broker_addr);
  } else {
    present->second = b.broker_addr;
  }

  if (b.broker_id == kMasterId && (register_first || topic_config_changed(b.broker_addr, input.data_version))) {
    for (const TopicQueueConfig& config : b.topics) update_queue_data(b.broker_name, config);
  }
  live_[b.broker_addr] = LiveInfo{now_ms, input.data_version, input.channel_id, input.ha_server_addr, input.expires};

  RegisterOutput out;
  if (b.broker_id != kMasterId) {
    const BrokerEntry* now_entry = brokers_.find(b.broker_name);
    for (const auto& [id, addr] : now_entry->addrs) {
      auto master = live_.find(addr);
      if (id == kMasterId && master != live_.end()) {
        out.ha_server_addr = master->second.ha_server_addr;
        out.master_addr = addr;
      }
    }
  }
  return out;
}

bool RouteTable::unregister_broker(const std::string& cluster, const std::string& broker_addr,
                                   const std::string& broker_name, int64_t broker_id) {
  bool was_live = live_.erase(broker_addr) > 0;
  BrokerEntry* entry = brokers_.find(broker_name);
  if (entry == nullptr) return was_live;
  erase_key(entry->addrs, broker_id);
  if (!entry->addrs.empty()) return was_live;
  brokers_.erase(broker_name);
  remove_broker_name(cluster, broker_name);
  remove_topics_of(broker_name);
  return was_live;
}

void RouteTable::remove_broker_name(const std::string& cluster, const std::string& broker_name) {
  JavaHashMap<bool>* names = clusters_.find(cluster);
  if (names == nullptr) return;
  names->erase(broker_name);
  if (names->empty()) clusters_.erase(cluster);
}

void RouteTable::remove_topics_of(const std::string& broker_name) {
  for (auto it = topics_.begin(); it != topics_.end();) {
    it->second.erase(broker_name);
    it = it->second.empty() ? topics_.erase(it) : std::next(it);
  }
}

std::optional<std::string> RouteTable::drop_channel(uint64_t channel_id) {
  // Java falls back to the connection's remote address when no registration used the channel; we do not (a
  // client connection's address never names a broker here, and the fallback would only add accidents).
  if (channel_id == 0) return std::nullopt;
  for (const auto& [addr, info] : live_) {
    if (info.channel_id == channel_id) {
      std::string found = addr;
      drop_broker_addr(found);
      return found;
    }
  }
  return std::nullopt;
}

void RouteTable::drop_broker_addr(const std::string& broker_addr) {
  live_.erase(broker_addr);
  std::optional<std::string> name_found;
  bool remove_name = false;
  for (const std::string& name : brokers_.java_keys()) {  // Java walks brokerAddrTable in its order
    BrokerEntry& entry = *brokers_.find(name);
    auto it = std::find_if(entry.addrs.begin(), entry.addrs.end(),
                           [&](const auto& e) { return e.second == broker_addr; });
    if (it != entry.addrs.end()) {
      name_found = name;
      entry.addrs.erase(it);
    }
    if (entry.addrs.empty()) {
      remove_name = true;
      brokers_.erase(name);
    }
  }
  if (!name_found || !remove_name) return;
  for (const std::string& cluster : clusters_.java_keys()) {
    JavaHashMap<bool>& names = *clusters_.find(cluster);
    if (names.erase(*name_found)) {
      if (names.empty()) clusters_.erase(cluster);
      break;
    }
  }
  remove_topics_of(*name_found);
}

std::vector<DroppedBroker> RouteTable::expire(int64_t now_ms, int64_t expiry_ms) {
  std::vector<DroppedBroker> dropped;
  for (const auto& [addr, info] : live_) {
    if (info.expires && info.last_update_ms + expiry_ms < now_ms) {
      dropped.push_back(DroppedBroker{addr, info.channel_id, info.last_update_ms});
    }
  }
  for (const DroppedBroker& d : dropped) drop_broker_addr(d.broker_addr);
  return dropped;
}

bool RouteTable::has_expiring() const {
  return std::any_of(live_.begin(), live_.end(), [](const auto& e) { return e.second.expires; });
}

std::optional<protocol::TopicRouteData> RouteTable::route(const std::string& topic) const {
  auto it = topics_.find(topic);
  if (it == topics_.end()) return std::nullopt;
  protocol::TopicRouteData route;
  // queueDatas = new ArrayList<>(queueDataMap.values()); brokerNameSet = a fresh HashSet of its keys.
  JavaHashMap<bool> name_set;
  for (const std::string& name : it->second.java_keys()) {
    route.queue_datas.push_back(*it->second.find(name));
    name_set.put(name, true);
  }
  for (const std::string& name : name_set.java_keys()) {
    const BrokerEntry* entry = brokers_.find(name);
    if (entry != nullptr) route.broker_datas.push_back(protocol::BrokerData{entry->cluster, name, entry->addrs});
  }
  if (route.broker_datas.empty()) return std::nullopt;
  return route;
}

std::string RouteTable::encode_cluster_info() const {
  // ClusterInfo{brokerAddrTable, clusterAddrTable}: fastjson default, fields alphabetical, maps in HashMap order.
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("brokerAddrTable").begin_object();
  for (const std::string& name : brokers_.java_keys()) {
    const BrokerEntry& entry = *brokers_.find(name);
    w.key(name).begin_object().key("brokerAddrs");
    append_broker_addrs(w, entry.addrs);
    w.key("brokerName").string(name).key("cluster").string(entry.cluster).end_object();
  }
  w.end_object().key("clusterAddrTable").begin_object();
  for (const std::string& cluster : clusters_.java_keys()) {
    w.key(cluster).begin_array();
    for (const std::string& name : clusters_.find(cluster)->java_keys()) w.string(name);
    w.end_array();
  }
  w.end_object().end_object();
  return out;
}

std::optional<std::string> RouteTable::broker_addr(const std::string& broker_name, int64_t broker_id) const {
  const BrokerEntry* entry = brokers_.find(broker_name);
  if (entry == nullptr) return std::nullopt;
  for (const auto& [id, addr] : entry->addrs) {
    if (id == broker_id) return addr;
  }
  return std::nullopt;
}

}  // namespace rmq::fake
