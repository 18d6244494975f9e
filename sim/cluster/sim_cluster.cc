#include "sim/cluster/sim_cluster.h"

#include <cassert>

namespace rmq::sim {

SimCluster::SimCluster(ClusterOptions options) : options_(std::move(options)) {
  SimOptions sim_options;
  sim_options.seed = options_.seed;
  sim_options.default_host = kClientHost;
  sim_options.network = options_.network;
  sim_ = std::make_unique<SimRuntime>(sim_options);
  if (options_.on_runtime) options_.on_runtime(*sim_);
  fake::NameServerOptions name_server_options;
  if (options_.customize_name_server) options_.customize_name_server(name_server_options);
  name_server_ = std::make_unique<fake::FakeNameServer>(sim_->host("10.0.0.100"), name_server_options);
  Status started = name_server_->start(name_server_address());
  assert(started.ok());
  (void)started;
  for (int i = 0; i < options_.brokers; ++i) {
    fake::BrokerOptions broker_options;
    broker_options.broker_name = broker_name(i);
    broker_options.auto_create_topic = options_.auto_create_topic;
    for (const auto& topic : options_.topics) {
      fake::TopicQueueConfig config;
      config.topic = topic.name;
      config.read_queue_nums = topic.queues;
      config.write_queue_nums = topic.queues;
      broker_options.topics.push_back(config);
    }
    if (options_.customize_broker) options_.customize_broker(i, broker_options);
    auto broker = std::make_unique<fake::FakeBroker>(sim_->host(broker_host(i)), std::move(broker_options));
    Status ok = broker->start(broker_address(i));
    assert(ok.ok());
    (void)ok;
    broker->attach_name_server(name_server_.get());
    brokers_.push_back(std::move(broker));
  }
}

SimCluster::~SimCluster() {
  managers_.clear();
  brokers_.clear();
  name_server_.reset();
}

client::ClientManager& SimCluster::client_manager(const std::string& host) {
  auto& manager = managers_[host];
  if (!manager) manager = std::make_unique<client::ClientManager>(sim_->host(host));
  return *manager;
}

producer::ProducerOptions SimCluster::producer_options(const std::string& group, const std::string& host) const {
  producer::ProducerOptions options;
  options.group = group;
  options.client.namesrv_addrs = {name_server_address()};
  options.client.client_ip = host;
  return options;
}

std::unique_ptr<producer::Producer> SimCluster::make_producer(producer::ProducerOptions options,
                                                              const std::string& host) {
  return std::make_unique<producer::Producer>(sim_->host(host), client_manager(host), std::move(options));
}

consumer::PushConsumerOptions SimCluster::consumer_options(const std::string& group, const std::string& topic,
                                                          const std::string& expression,
                                                          const std::string& host) const {
  consumer::PushConsumerOptions options;
  options.group = group;
  options.subscription[topic] = expression;
  options.client.namesrv_addrs = {name_server_address()};
  options.client.client_ip = host;
  return options;
}

std::unique_ptr<consumer::PushConsumer> SimCluster::make_consumer(consumer::PushConsumerOptions options,
                                                                  const std::string& host) {
  return std::make_unique<consumer::PushConsumer>(sim_->host(host), client_manager(host), std::move(options));
}

bool SimCluster::run_until(const std::function<bool()>& done, int64_t limit_ms) {
  sim_->run_until(done, sim_->now() + runtime::millis(limit_ms));
  return done();
}

void SimCluster::run_for(int64_t ms) { sim_->run_for(runtime::millis(ms)); }

}  // namespace rmq::sim
