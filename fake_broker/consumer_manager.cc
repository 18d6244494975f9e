#include "fake_broker/consumer_manager.h"

#include <algorithm>

namespace rmq::fake {

std::vector<uint64_t> ConsumerGroupInfo::channel_ids() const {
  std::vector<uint64_t> out;
  for (const auto& [id, info] : channels) out.push_back(id);
  return out;
}

std::vector<std::string> ConsumerGroupInfo::client_ids() const {
  std::vector<std::string> out;
  for (const auto& [id, info] : channels) out.push_back(info.client_id);
  return out;
}

bool ConsumerManager::register_consumer(const ClientChannelInfo& client, const protocol::ConsumerData& data) {
  ConsumerGroupInfo& group = consumers_[data.group_name];
  // updateChannel: only a channel new to the group counts as a change; a known one just refreshes its info.
  bool changed = group.channels.find(client.channel_id) == group.channels.end();
  group.channels[client.channel_id] = client;
  group.consume_type = data.consume_type;
  group.message_model = data.message_model;
  group.consume_from_where = data.consume_from_where;
  // updateSubscription: topics added or removed change the group; a higher subVersion replaces silently.
  for (const protocol::SubscriptionData& sub : data.subscription_data_set) {
    auto it = group.subscriptions.find(sub.topic);
    if (it == group.subscriptions.end()) {
      group.subscriptions.emplace(sub.topic, sub);
      changed = true;
    } else if (sub.sub_version > it->second.sub_version) {
      it->second = sub;
    }
  }
  for (auto it = group.subscriptions.begin(); it != group.subscriptions.end();) {
    bool listed = std::any_of(data.subscription_data_set.begin(), data.subscription_data_set.end(),
                              [&](const protocol::SubscriptionData& s) { return s.topic == it->first; });
    if (listed) {
      ++it;
    } else {
      it = group.subscriptions.erase(it);
      changed = true;
    }
  }
  return changed;
}

std::optional<GroupNotice> ConsumerManager::unregister_consumer(const std::string& group, uint64_t channel_id) {
  auto it = consumers_.find(group);
  if (it == consumers_.end()) return std::nullopt;
  it->second.channels.erase(channel_id);
  GroupNotice notice{group, it->second.channel_ids()};
  if (it->second.channels.empty()) consumers_.erase(it);
  return notice;
}

std::vector<GroupNotice> ConsumerManager::channel_closed(uint64_t channel_id) {
  std::vector<GroupNotice> notices;
  for (auto it = consumers_.begin(); it != consumers_.end();) {
    if (it->second.channels.erase(channel_id) == 0) {
      ++it;
      continue;
    }
    notices.push_back(GroupNotice{it->first, it->second.channel_ids()});
    it = it->second.channels.empty() ? consumers_.erase(it) : std::next(it);
  }
  for (auto& [group, members] : producers_) members.erase(channel_id);
  return notices;
}

void ConsumerManager::register_producer(const std::string& group, const ClientChannelInfo& client) {
  producers_[group][client.channel_id] = client;
}

void ConsumerManager::unregister_producer(const std::string& group, uint64_t channel_id) {
  auto it = producers_.find(group);
  if (it == producers_.end()) return;
  it->second.erase(channel_id);
  if (it->second.empty()) producers_.erase(it);
}

const ConsumerGroupInfo* ConsumerManager::find(const std::string& group) const {
  auto it = consumers_.find(group);
  return it == consumers_.end() ? nullptr : &it->second;
}

void ConsumerManager::clear() {
  consumers_.clear();
  producers_.clear();
}

}  // namespace rmq::fake
