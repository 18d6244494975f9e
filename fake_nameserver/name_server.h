// FakeNameServer: answers like a real Apache RocketMQ 4.9.8 nameserver (spec §8, captures/real-4.9.8/namesrv.jsonl),
// on any runtime (the simulator or AsioRuntime), through a RemotingServer.
//
// Served: GET_ROUTEINFO_BY_TOPIC (105; quoted brokerId keys for request version >= 401 or
// acceptStandardJsonOnly=true, fastjson's unquoted form otherwise; code 17 for an unknown or missing topic),
// GET_BROKER_CLUSTER_INFO (106), REGISTER_BROKER (103, uncompressed bodies) and UNREGISTER_BROKER (104). Answers
// come in the request's header serialization, byte for byte as the captures show. Any other code gets no answer
// (the connection stays open), as 4.9.8 does, and one log line. Routes list brokers in Java HashMap order.
// State rules: route_table.h. Liveness: a registration not renewed within broker_expiry_ms is dropped by a scan
// on Java's fixed schedule (start() + scan_initial_delay_ms + k * scan_period_ms); its runtime timer is armed only
// while some registration can expire, so a simulation with static brokers only can go idle. A broker registered
// over a connection is dropped at once when that connection closes.
// Threading: use it from the runtime's event thread only (runtime.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/protocol/route_data.h"
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
  std::string ha_server_addr;  // haServerAddr: answered to this broker's slaves
  // false: a static registration that the expiry scan never drops (nothing re-registers it). In-process brokers
  // that behave like real ones keep the default and re-register every 30 s, as a 4.9.8 broker does.
  bool expires = true;
};

struct NameServerOptions {
  int64_t broker_expiry_ms = 120'000;  // BROKER_CHANNEL_EXPIRED_TIME
  int64_t scan_period_ms = 10'000;     // scanNotActiveBroker
  int64_t scan_initial_delay_ms = 5'000;  // NamesrvController schedules the first scan 5 s after start
  // Called with one line per request when set (rmqsim serve --log-requests), and for unknown codes, brokers
  // dropped (expired or connection closed) and connections closed for a malformed frame (client, byte offset,
  // decoder message).
  std::function<void(const std::string&)> log;
  bool log_requests = true;  // false: only the unknown-code, broker-dropped and malformed-frame lines
  // Connections silent this long are closed (serverChannelMaxIdleTimeSeconds); a broker whose registering
  // connection is closed so is dropped at once, as the real nameserver's onChannelIdle does. 0 = never.
  int64_t idle_timeout_ms = 120'000;
  size_t max_connections = 4096;                                 // further connections are closed at once
  uint32_t max_frame_length = remoting::kDefaultMaxFrameLength;  // a longer frame closes its connection
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
  // What the nameserver does when a broker's connection closes (a crash): the addr is dropped at once.
  void drop_broker(const std::string& broker_addr);

  // The route a 105 for `topic` would carry now; nullopt = TOPIC_NOT_EXIST.
  std::optional<protocol::TopicRouteData> route(const std::string& topic) const;
  // The body a 106 would carry now.
  std::string cluster_info_body() const;

  // The underlying server (stats, fault hooks). Its on_connection_closed hook belongs to the nameserver.
  remoting::RemotingServer& server();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rmq::fake
