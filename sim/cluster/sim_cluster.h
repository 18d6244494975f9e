// SimCluster: a deterministic RocketMQ cluster in one process — a SimRuntime, a fake nameserver, fake brokers
// and client hosts — for producer and consumer tests, properties and scenarios. Every address is an IPv4
// "host:port" on the simulated network, so message ids read as on a real network.
//
//   nameserver  10.0.0.100:9876
//   broker i    10.0.0.(i+1):10911, named "broker-<i>", master (brokerId 0), cluster "DefaultCluster"
//   clients     connect from host "10.0.1.1" unless a test picks another
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <functional>
#include <map>
#include <vector>

#include "core/client/client_manager.h"
#include "core/consumer/push_consumer.h"
#include "core/consumer/rebalance.h"
#include "core/producer/producer.h"
#include "fake_broker/broker.h"
#include "fake_nameserver/name_server.h"
#include "sim/sim_runtime.h"

namespace rmq::sim {

struct ClusterTopic {
  std::string name;
  int32_t queues = 4;
};

struct ClusterOptions {
  uint64_t seed = 1;
  int brokers = 2;
  std::vector<ClusterTopic> topics = {{"TopicTest", 4}};
  bool auto_create_topic = true;
  NetworkOptions network;  // latency and faults of the simulated network
  // Adjusts each broker's options before it starts (index, options).
  std::function<void(int, fake::BrokerOptions&)> customize_broker;
  std::function<void(fake::NameServerOptions&)> customize_name_server;
  // Called with the runtime before anything runs on it (e.g. to tap the trace from its first event).
  std::function<void(SimRuntime&)> on_runtime;
};

class SimCluster {
 public:
  explicit SimCluster(ClusterOptions options = {});
  ~SimCluster();
  SimCluster(const SimCluster&) = delete;
  SimCluster& operator=(const SimCluster&) = delete;

  SimRuntime& sim() { return *sim_; }
  fake::FakeNameServer& name_server() { return *name_server_; }
  static std::string name_server_address() { return "10.0.0.100:9876"; }
  int broker_count() const { return static_cast<int>(brokers_.size()); }
  fake::FakeBroker& broker(int i) { return *brokers_.at(static_cast<size_t>(i)); }
  static std::string broker_name(int i) { return "broker-" + std::to_string(i); }
  static std::string broker_address(int i) { return "10.0.0." + std::to_string(i + 1) + ":10911"; }
  static std::string broker_host(int i) { return "10.0.0." + std::to_string(i + 1); }
  static constexpr const char* kClientHost = "10.0.1.1";

  // The client process on `host`: one ClientManager per host, made on first use.
  client::ClientManager& client_manager(const std::string& host = kClientHost);
  // ProducerOptions pointing at this cluster's nameserver from `host` (client_ip set to the host).
  producer::ProducerOptions producer_options(const std::string& group, const std::string& host = kClientHost) const;
  std::unique_ptr<producer::Producer> make_producer(producer::ProducerOptions options,
                                                    const std::string& host = kClientHost);

  // PushConsumerOptions for `group` subscribing `topic` with `expression`, from `host`.
  consumer::PushConsumerOptions consumer_options(const std::string& group, const std::string& topic,
                                                 const std::string& expression = "*",
                                                 const std::string& host = kClientHost) const;
  std::unique_ptr<consumer::PushConsumer> make_consumer(consumer::PushConsumerOptions options,
                                                        const std::string& host = kClientHost);

  // Drives virtual time: until `done()` or `limit_ms` of virtual time passed. Returns done().
  bool run_until(const std::function<bool()>& done, int64_t limit_ms);
  void run_for(int64_t ms);
  int64_t now_ms() const { return sim_->now() / runtime::kMicrosPerMilli; }

 private:
  ClusterOptions options_;
  std::unique_ptr<SimRuntime> sim_;
  std::unique_ptr<fake::FakeNameServer> name_server_;
  std::vector<std::unique_ptr<fake::FakeBroker>> brokers_;
  std::map<std::string, std::unique_ptr<client::ClientManager>> managers_;
};

}  // namespace rmq::sim
