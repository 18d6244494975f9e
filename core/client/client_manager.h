// ClientManager: Java's MQClientManager (spec §1.4) without the process-wide singleton. One manager stands for
// one client process: producers and consumers created with the same manager and the same client id share one
// ClientInstance. The simulator makes one per simulated client host; a real program makes one.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "core/client/client_config.h"
#include "core/client/client_instance.h"
#include "core/runtime/runtime.h"

namespace rmq::client {

class ClientManager {
 public:
  explicit ClientManager(runtime::Runtime& runtime) : runtime_(runtime) {}
  ~ClientManager();
  ClientManager(const ClientManager&) = delete;
  ClientManager& operator=(const ClientManager&) = delete;

  // getOrCreateMQClientInstance: keyed by config.build_client_id(); the first caller's config (a copy) is the
  // instance's.
  std::shared_ptr<ClientInstance> get_or_create(const ClientConfig& config);
  std::shared_ptr<ClientInstance> find(const std::string& client_id) const;
  // removeClientFactory. The instance lives on while someone holds it.
  void remove(const std::string& client_id);
  size_t size() const { return instances_.size(); }
  // System.nanoTime() of this process: the runtime's clock in ns, strictly increasing from call to call (two
  // clients started at the same virtual instant still get different "<pid>#<nanoTime>" instance names).
  int64_t nano_time();
  runtime::Runtime& runtime() { return runtime_; }

 private:
  runtime::Runtime& runtime_;
  std::map<std::string, std::shared_ptr<ClientInstance>> instances_;
  int instance_index_ = 0;
  int64_t last_nano_time_ = 0;
};

}  // namespace rmq::client
