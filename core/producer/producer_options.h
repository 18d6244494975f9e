// ProducerOptions: DefaultMQProducer's settings with the Java defaults (spec §1.1), plus the client settings it
// shares with its instance.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "core/client/client_config.h"
#include "core/client/profile.h"

namespace rmq::producer {

struct ProducerOptions {
  std::string group = std::string(client::kDefaultProducerGroup);
  std::string create_topic_key = std::string(client::kAutoCreateTopicKey);
  int32_t default_topic_queue_nums = 4;
  int64_t send_msg_timeout_ms = 3000;
  int32_t compress_msg_body_over_howmuch = 4096;
  int compress_level = 5;
  int32_t retry_times_when_send_failed = 2;
  int32_t retry_times_when_send_async_failed = 2;
  bool retry_another_broker_when_not_store_ok = false;
  int32_t max_message_size = 4 * 1024 * 1024;
  // nullopt: the profile's set (default_retry_response_codes).
  std::optional<std::set<int32_t>> retry_response_codes;
  bool send_latency_fault_enable = false;
  // 5.3.3+: caps each attempt's timeout while more attempts remain; -1 = off. Used by the v5 profile only.
  int64_t send_msg_max_timeout_per_request = -1;
  client::ClientConfig client;
};

// 4.9.8: {17, 14, 1, 16, 204, 205}; v5 (5.3.3): those + SYSTEM_BUSY 2 + GO_AWAY 1500 (spec §2.4).
std::set<int32_t> default_retry_response_codes(client::Profile profile);

}  // namespace rmq::producer
