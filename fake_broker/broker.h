// FakeBroker: answers like a real Apache RocketMQ 4.9.8 broker (spec §9, captures/real-4.9.8/broker-*.jsonl), on any
// runtime, through a RemotingServer: in-memory topics and queues, sends with auto-create through TBW102, pulls with
// long polling, consumer offsets, consumer groups with NOTIFY_CONSUMER_IDS_CHANGED, send-back into retry and DLQ
// topics, and fault hooks (DESIGN §4, broker part).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/remoting/remoting_server.h"
#include "core/runtime/runtime.h"
#include "fake_nameserver/name_server.h"

namespace rmq::fake {

struct BrokerOptions {
  std::string cluster = "DefaultCluster";
  std::string broker_name = "broker-a";
  int64_t broker_id = 0;
  // The address clients are told to use (the route's brokerAddrs); defaults to the listen address.
  std::string advertised_address;
  bool auto_create_topic = true;            // autoCreateTopicEnable
  int32_t default_topic_queue_nums = 8;     // TBW102's queues
  std::vector<TopicQueueConfig> topics;     // created at start (besides TBW102 and the system topics)
  // QUERY_CONSUMER_OFFSET for a group with no stored offset: 4.9.8 answers 0 (true) or 22 QUERY_NOT_FOUND.
  bool new_group_offset_zero = true;
  int64_t long_polling_suspend_max_ms = 15'000;
  std::function<void(const std::string&)> log;
};

class FakeBroker {
 public:
  FakeBroker(runtime::Runtime& runtime, BrokerOptions options = {});
  ~FakeBroker();

  Status start(const std::string& listen_address);
  void shutdown();
  const std::string& address() const;

  // Registers with a nameserver in the same process (and again whenever a topic is auto-created).
  void attach_name_server(FakeNameServer* name_server);
  BrokerRegistration registration() const;

  remoting::RemotingServer& server();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rmq::fake
