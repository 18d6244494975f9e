// FakeNameServer: answers like a real Apache RocketMQ 4.9.8 nameserver (spec §8, captures/real-4.9.8/namesrv.jsonl),
// on any runtime (the simulator or AsioRuntime), through a RemotingServer.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/remoting/remoting_server.h"
#include "core/runtime/runtime.h"

namespace rmq::fake {

struct TopicQueueConfig {
  std::string topic;
  int32_t read_queue_nums = 4;
  int32_t write_queue_nums = 4;
  int32_t perm = 6;
  int32_t topic_sys_flag = 0;
};

// What one broker tells the nameserver (REGISTER_BROKER, or the in-process call below).
struct BrokerRegistration {
  std::string cluster = "DefaultCluster";
  std::string broker_name;
  int64_t broker_id = 0;
  std::string broker_addr;  // "ip:port" clients connect to
  std::vector<TopicQueueConfig> topics;
};

struct NameServerOptions {
  int64_t broker_expiry_ms = 120'000;  // BROKER_CHANNEL_EXPIRED_TIME
  int64_t scan_period_ms = 10'000;     // scanNotActiveBroker
  // Called with one line per request when set (rmqsim serve --log-requests), and for unknown codes.
  std::function<void(const std::string&)> log;
};

class FakeNameServer {
 public:
  FakeNameServer(runtime::Runtime& runtime, NameServerOptions options = {});
  ~FakeNameServer();

  Status start(const std::string& listen_address);
  void shutdown();
  const std::string& address() const;

  // In-process registration (what REGISTER_BROKER does), for brokers that live in the same process.
  void register_broker(const BrokerRegistration& registration);
  void unregister_broker(const std::string& cluster, const std::string& broker_name, int64_t broker_id);

  remoting::RemotingServer& server();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rmq::fake
