// RouteTable: the nameserver's state and its rules, as 4.9.8's RouteInfoManager keeps them (spec §8), with no I/O
// and no clock of its own (callers pass the time). FakeNameServer wraps it with the wire protocol.
//
// Tables (Java's names): clusterAddrTable cluster -> broker names; brokerAddrTable brokerName -> {cluster,
// brokerId -> addr}; topicQueueTable topic -> brokerName -> QueueData; brokerLiveTable brokerAddr -> last
// registration, data version, connection, HA address. The orders that reach the wire (brokerDatas and
// queueDatas of a route, the cluster info body) are Java HashMap orders, reproduced with JavaHashMap and the same
// initial capacities (brokerAddrTable 128, clusterAddrTable 32, the others 16).
//
// Rules (RouteInfoManager 4.9.8):
// - register: the broker name joins its cluster; brokerId -> addr is put (an entry of another id with the same
//   addr is removed first: a slave turned master); a master's (id 0) topic configs replace its queue data when
//   this is the broker name's / id's first registration or the data version differs from the last one (a
//   registration without a data version, i.e. in-process, always counts as changed); topics missing from a
//   later registration are kept. A slave is answered its master's address and HA address when the master lives.
// - unregister: the addr leaves the live table and its broker's addresses; when the broker has no address left,
//   its name leaves the broker table and its cluster, and its queue data leaves every topic.
// - a closed registering connection or an expired registration (last + expiry < now, strictly) removes the addr
//   the same way (onChannelDestroy). Registrations made with expires=false are never expired.
// - a route exists when the topic has queue data and at least one of its brokers is in the broker table.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/route_data.h"
#include "fake_nameserver/java_hash_map.h"
#include "fake_nameserver/name_server.h"
#include "fake_nameserver/register_codec.h"

namespace rmq::fake {

struct RegisterInput {
  BrokerRegistration broker;
  std::string ha_server_addr;
  std::optional<DataVersion> data_version;  // nullopt: always counts as changed
  uint64_t channel_id = 0;                  // the registering connection; 0 = none (in-process)
  bool expires = true;
};

struct RegisterOutput {
  std::optional<std::string> ha_server_addr;
  std::optional<std::string> master_addr;
};

struct DroppedBroker {
  std::string broker_addr;
  uint64_t channel_id = 0;
  int64_t last_update_ms = 0;
};

class RouteTable {
 public:
  RegisterOutput register_broker(const RegisterInput& input, int64_t now_ms);
  // UNREGISTER_BROKER. Returns whether the addr was live.
  bool unregister_broker(const std::string& cluster, const std::string& broker_addr, const std::string& broker_name,
                         int64_t broker_id);
  // onChannelDestroy: the connection `channel_id` closed; drops the addr registered over it, if any.
  std::optional<std::string> drop_channel(uint64_t channel_id);
  // onChannelDestroy for a known addr (an in-process broker that crashed).
  void drop_broker_addr(const std::string& broker_addr);
  // scanNotActiveBroker: drops every expiring registration with last + expiry_ms < now_ms.
  std::vector<DroppedBroker> expire(int64_t now_ms, int64_t expiry_ms);

  // pickupTopicRouteData; nullopt = TOPIC_NOT_EXIST.
  std::optional<protocol::TopicRouteData> route(const std::string& topic) const;
  // The GET_BROKER_CLUSTER_INFO body: ClusterInfo in fastjson's default form (unquoted brokerId keys).
  std::string encode_cluster_info() const;

  // The address registered for (broker name, id), if any.
  std::optional<std::string> broker_addr(const std::string& broker_name, int64_t broker_id) const;
  size_t live_count() const { return live_.size(); }
  // Whether some live registration can expire (the expiry scan has work).
  bool has_expiring() const;

 private:
  struct BrokerEntry {
    std::string cluster;
    std::vector<std::pair<int64_t, std::string>> addrs;  // HashMap<Long,String>, insertion order
  };
  struct LiveInfo {
    int64_t last_update_ms = 0;
    std::optional<DataVersion> data_version;
    uint64_t channel_id = 0;
    std::string ha_server_addr;
    bool expires = true;
  };

  bool topic_config_changed(const std::string& broker_addr, const std::optional<DataVersion>& version) const;
  void update_queue_data(const std::string& broker_name, const TopicQueueConfig& config);
  void remove_broker_name(const std::string& cluster, const std::string& broker_name);
  void remove_topics_of(const std::string& broker_name);

  JavaHashMap<JavaHashMap<bool>> clusters_{32};
  JavaHashMap<BrokerEntry> brokers_{128};
  std::map<std::string, JavaHashMap<protocol::QueueData>> topics_;
  std::map<std::string, LiveInfo> live_;  // Java iterates a HashMap; only log order would differ
};

}  // namespace rmq::fake
