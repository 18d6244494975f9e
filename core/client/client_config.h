// ClientConfig (spec §1.2, §1.4): what a producer or consumer shares with its MQClientInstance, with the Java
// defaults. The simulator sets client_ip and pid explicitly; they are never read from the machine in the core.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/client/profile.h"
#include "core/remoting/remoting_command.h"

namespace rmq::client {

inline constexpr std::string_view kDefaultInstanceName = "DEFAULT";
inline constexpr std::string_view kClientInnerProducerGroup = "CLIENT_INNER_PRODUCER";
inline constexpr std::string_view kDefaultProducerGroup = "DEFAULT_PRODUCER";
inline constexpr std::string_view kAutoCreateTopicKey = "TBW102";
inline constexpr std::string_view kRetryGroupTopicPrefix = "%RETRY%";
inline constexpr int32_t kVersion4_9_8 = 409;  // MQVersion.CURRENT_VERSION of 4.9.8
inline constexpr int32_t kVersion5_3_3 = 479;

struct ClientConfig {
  std::vector<std::string> namesrv_addrs;  // empty: "No name server address" (the HTTP lookup is not modelled)
  std::string client_ip = "127.0.0.1";
  std::string instance_name = std::string(kDefaultInstanceName);
  std::string unit_name;
  int64_t poll_name_server_interval_ms = 30000;
  int64_t heartbeat_broker_interval_ms = 30000;
  int64_t persist_consumer_offset_interval_ms = 5000;
  int64_t pull_time_delay_mills_when_exception = 1000;
  int64_t mq_client_api_timeout_ms = 3000;
  int64_t rebalance_wait_interval_ms = 20000;  // sysprop rocketmq.client.rebalance.waitInterval
  bool vip_channel_enabled = false;
  bool unit_mode = false;
  int32_t pid = 1;  // the process id used in the instance name and message ids
  Profile profile = Profile::kV4_9_8;
  remoting::SerializeType serialize_type = remoting::SerializeType::kJson;

  // The version this client announces in every request header (409 for 4.9.8, 479 for the v5 profile).
  int32_t version() const { return profile == Profile::kV5 ? kVersion5_3_3 : kVersion4_9_8; }
  // ClientConfig.buildMQClientId: ip@instanceName[@unitName].
  std::string build_client_id() const;
  // changeInstanceNameToPID (4.9.0+): "DEFAULT" becomes "<pid>#<nanoTime>".
  void change_instance_name_to_pid(int64_t nano_time);
};

// "a:1;b:2" -> ["a:1", "b:2"] (empty parts dropped), as updateNameServerAddressList splits.
std::vector<std::string> split_namesrv_addrs(std::string_view text);

}  // namespace rmq::client
