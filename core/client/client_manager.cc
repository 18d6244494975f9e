#include "core/client/client_manager.h"

#include <algorithm>

namespace rmq::client {

ClientManager::~ClientManager() = default;

std::shared_ptr<ClientInstance> ClientManager::get_or_create(const ClientConfig& config) {
  std::string id = config.build_client_id();
  auto it = instances_.find(id);
  if (it != instances_.end()) return it->second;
  ++instance_index_;
  auto instance = std::make_shared<ClientInstance>(runtime_, this, config, id);
  instances_.emplace(id, instance);
  return instance;
}

std::shared_ptr<ClientInstance> ClientManager::find(const std::string& client_id) const {
  auto it = instances_.find(client_id);
  return it == instances_.end() ? nullptr : it->second;
}

int64_t ClientManager::nano_time() {
  last_nano_time_ = std::max(last_nano_time_ + 1, runtime_.now() * 1000);
  return last_nano_time_;
}

void ClientManager::remove(const std::string& client_id) { instances_.erase(client_id); }

}  // namespace rmq::client
