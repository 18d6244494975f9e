#include "sim/cli/serve_command.h"

#include <charconv>
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>

#include "core/runtime/asio_runtime.h"
#include "fake_broker/broker.h"
#include "fake_broker/fault_plan.h"

namespace rmq::cli {
namespace {

// The topic names a real broker accepts (TopicValidator): ^[%|a-zA-Z0-9_-]+$, at most 127 characters.
bool valid_topic_name(const std::string& name) {
  static const std::regex kAllowed("^[%|a-zA-Z0-9_-]+$");
  return !name.empty() && name.size() <= 127 && std::regex_match(name, kAllowed);
}

std::string address_of(const std::string& bind, uint32_t port) { return bind + ":" + std::to_string(port); }

}  // namespace

Result<std::vector<fake::TopicQueueConfig>> parse_topic_specs(const std::vector<std::string>& specs) {
  std::vector<fake::TopicQueueConfig> topics;
  for (const auto& spec : specs) {
    // Said apart from a bad name: "--topic : the topic name must match ..." would not show that nothing was given.
    if (spec.empty()) return Error{2, "--topic \"\": empty; expected NAME or NAME:QUEUES"};
    auto colon = spec.rfind(':');
    std::string name = colon == std::string::npos ? spec : spec.substr(0, colon);
    if (!valid_topic_name(name)) {
      return Error{2, "--topic " + spec + ": the topic name must match ^[%|a-zA-Z0-9_-]+$ (at most 127 characters)"};
    }
    int queues = 4;
    if (colon != std::string::npos) {
      std::string digits = spec.substr(colon + 1);
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), queues);
      if (ec != std::errc() || ptr != digits.data() + digits.size() || queues < 1 || queues > 1024) {
        return Error{2, "--topic " + spec + ": QUEUES must be a whole number from 1 to 1024"};
      }
    }
    topics.push_back({name, queues, queues, 6, 0});
  }
  return topics;
}

int run_serve(const ServeOptions& options, const std::atomic<bool>& stop, std::ostream& out, std::ostream& err) {
  auto topics = parse_topic_specs(options.topics);
  if (!topics.ok()) {
    err << "rmqsim serve: " << topics.error().message << "\n";
    return 2;
  }
  fake::FaultPlan plan;
  if (!options.faults_file.empty()) {
    std::ifstream file(options.faults_file);
    if (!file) {
      err << "rmqsim serve: --faults " << options.faults_file << ": cannot read it\n";
      return 2;
    }
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    auto parsed = fake::parse_fault_plan(text, options.faults_file);
    if (!parsed.ok()) {
      err << "rmqsim serve: --faults " << parsed.error().message << "\n";
      return 2;
    }
    plan = std::move(*parsed);
  }
  runtime::AsioRuntimeOptions runtime_options;
  runtime_options.send_buffer_limit = options.send_backlog;
  runtime::AsioRuntime runtime(runtime_options);
  auto log = [&out](const std::string& line) { out << line << "\n" << std::flush; };
  fake::NameServerOptions ns_options;
  if (options.log_requests) ns_options.log = log;
  ns_options.max_connections = options.max_connections;
  ns_options.max_frame_length = options.max_frame;
  ns_options.idle_timeout_ms = options.idle_timeout_s * 1000;
  fake::FakeNameServer name_server(runtime, ns_options);
  if (auto s = name_server.start(address_of(options.bind, options.namesrv_port)); !s.ok()) {
    err << "rmqsim serve: nameserver: " << s.error().message << "\n";
    return 2;
  }
  std::vector<std::unique_ptr<fake::FakeBroker>> brokers;
  std::string broker_list;
  for (int i = 0; i < options.brokers; ++i) {
    fake::BrokerOptions b;
    b.broker_name = "broker-" + std::to_string(i);
    b.topics = *topics;
    if (options.log_requests) b.log = log;
    b.max_connections = options.max_connections;
    b.max_frame_length = options.max_frame;
    b.idle_timeout_ms = options.idle_timeout_s * 1000;
    brokers.push_back(std::make_unique<fake::FakeBroker>(runtime, b));
    uint32_t port = options.broker_base_port + 10u * static_cast<uint32_t>(i);
    if (auto s = brokers.back()->start(address_of(options.bind, port)); !s.ok()) {
      err << "rmqsim serve: " << b.broker_name << ": " << s.error().message << "\n";
      return 2;
    }
    brokers.back()->set_faults(fake::faults_for(plan, b.broker_name));
    brokers.back()->attach_name_server(&name_server);
    broker_list += (i ? "," : "") + b.broker_name + "@" + brokers.back()->address();
  }
  // The worst case these limits allow: every connection of every server holding a partial frame and a full
  // backlog. Printed so that an operator sees what a flood can cost.
  const size_t servers = static_cast<size_t>(options.brokers) + 1;
  const double worst_mib = static_cast<double>(servers * options.max_connections) *
                           (static_cast<double>(options.max_frame) + static_cast<double>(options.send_backlog)) /
                           (1024.0 * 1024.0);
  out << "rmqsim serve: limits max-connections=" << options.max_connections << " per server, max-frame="
      << options.max_frame << " bytes, send-backlog=" << options.send_backlog << " bytes per connection, idle-timeout="
      << options.idle_timeout_s << " s (worst case " << static_cast<uint64_t>(worst_mib) << " MiB)\n";
  out << "rmqsim serve: ready namesrv=" << name_server.address() << " brokers=" << broker_list << std::endl;
  while (!stop.load()) runtime.run_for(runtime::millis(100));
  for (size_t i = 0; i < brokers.size(); ++i) {
    const auto& stats = brokers[i]->stats();
    out << "rmqsim serve: broker-" << i << " requests=" << stats.requests << " faults_applied=" << stats.faults_applied
        << " messages_stored=" << stats.messages_stored << " notifications=" << stats.notifications << "\n";
    brokers[i]->shutdown();
  }
  name_server.shutdown();
  runtime.poll();
  out << "rmqsim serve: stopped" << std::endl;
  return 0;
}

}  // namespace rmq::cli
