// Consumer and producer membership (Java ConsumerManager / ConsumerGroupInfo / ProducerManager, 4.9.8): which
// channels belong to which group, the group's subscriptions, and when the group must be told that its member set
// changed (NOTIFY_CONSUMER_IDS_CHANGED). Pure bookkeeping: the broker does the pushing. Members are kept in
// channel-id order (Java iterates a ConcurrentHashMap keyed by Netty channels: an order that differs run to run).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/protocol/heartbeat_data.h"

namespace rmq::fake {

struct ClientChannelInfo {
  uint64_t channel_id = 0;
  std::string client_id;
};

struct ConsumerGroupInfo {
  std::map<uint64_t, ClientChannelInfo> channels;
  std::map<std::string, protocol::SubscriptionData> subscriptions;  // by topic
  protocol::ConsumeType consume_type = protocol::ConsumeType::kConsumePassively;
  protocol::MessageModel message_model = protocol::MessageModel::kClustering;
  protocol::ConsumeFromWhere consume_from_where = protocol::ConsumeFromWhere::kConsumeFromLastOffset;

  std::vector<uint64_t> channel_ids() const;
  std::vector<std::string> client_ids() const;
};

// A group whose members must be notified, and the channels to notify.
struct GroupNotice {
  std::string group;
  std::vector<uint64_t> channels;
};

class ConsumerManager {
 public:
  // ConsumerManager.registerConsumer: true when a new channel joined or the group's topic set changed (a newer
  // subVersion of a known topic replaces it silently).
  bool register_consumer(const ClientChannelInfo& client, const protocol::ConsumerData& data);
  // unregisterConsumer: removes the channel (if it is a member); the group disappears when empty. Returns the
  // remaining channels to notify when the group existed (Java notifies even if the channel was not a member).
  std::optional<GroupNotice> unregister_consumer(const std::string& group, uint64_t channel_id);
  // doChannelCloseEvent: the channel leaves every group; groups it left are returned with their remaining members.
  std::vector<GroupNotice> channel_closed(uint64_t channel_id);

  void register_producer(const std::string& group, const ClientChannelInfo& client);
  void unregister_producer(const std::string& group, uint64_t channel_id);

  const ConsumerGroupInfo* find(const std::string& group) const;
  void clear();

 private:
  std::map<std::string, ConsumerGroupInfo> consumers_;
  std::map<std::string, std::map<uint64_t, ClientChannelInfo>> producers_;
};

}  // namespace rmq::fake
