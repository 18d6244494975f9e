// `rmqsim produce`: flag checks (exit 2, one line naming the flag), and real runs over loopback TCP against a fake
// nameserver and two fake brokers living on their own AsioRuntime thread — successes, a broker answering
// SYSTEM_BUSY, an unreachable nameserver — and the binary itself.
#include "sim/cli/produce_command.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "core/runtime/asio_runtime.h"
#include "fake_broker/broker.h"
#include "fake_nameserver/name_server.h"
#include "testutil/run_command.h"

namespace rmq::cli {
namespace {

namespace json = boost::json;

constexpr const char* kTopic = "ProduceTopic";

// A fake nameserver and brokers broker-0, broker-1 (topic ProduceTopic:4 on each) on 127.0.0.1, any free ports,
// served by a background thread. Everything touching the fakes goes through run_sync.
class LoopbackCluster {
 public:
  explicit LoopbackCluster(fake::BrokerFaults faults = {}) {
    runtime_.start_thread();
    runtime_.run_sync([&] {
      name_server_ = std::make_unique<fake::FakeNameServer>(runtime_);
      Status s = name_server_->start("127.0.0.1:0");
      EXPECT_TRUE(s.ok()) << s.error().message;
      for (int i = 0; i < 2; ++i) {
        fake::BrokerOptions options;
        options.broker_name = "broker-" + std::to_string(i);
        options.topics = {{kTopic, 4, 4, 6, 0}};
        options.log = [this](const std::string& line) { log_.push_back(line); };
        brokers_.push_back(std::make_unique<fake::FakeBroker>(runtime_, options));
        Status b = brokers_.back()->start("127.0.0.1:0");
        EXPECT_TRUE(b.ok()) << b.error().message;
        brokers_.back()->set_faults(faults);
        brokers_.back()->attach_name_server(name_server_.get());
      }
    });
  }
  ~LoopbackCluster() {
    runtime_.run_sync([&] {
      for (auto& broker : brokers_) broker->shutdown();
      name_server_->shutdown();
    });
    runtime_.stop();
    brokers_.clear();
    name_server_.reset();
  }

  std::string namesrv() { return runtime_.run_sync([&] { return name_server_->address(); }); }
  std::set<std::string> broker_addresses() {
    return runtime_.run_sync([&] {
      std::set<std::string> addrs;
      for (auto& broker : brokers_) addrs.insert(broker->address());
      return addrs;
    });
  }
  uint64_t messages_stored() {
    return runtime_.run_sync([&] {
      uint64_t stored = 0;
      for (auto& broker : brokers_) stored += broker->stats().messages_stored;
      return stored;
    });
  }
  // Waits (real time, bounded) until the brokers stored `n` messages; oneway sends have no answer to wait for.
  bool wait_stored(uint64_t n) {
    for (int i = 0; i < 200 && messages_stored() < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return messages_stored() == n;
  }
  std::vector<std::string> log() { return runtime_.run_sync([&] { return log_; }); }

 private:
  runtime::AsioRuntime runtime_;
  std::unique_ptr<fake::FakeNameServer> name_server_;
  std::vector<std::unique_ptr<fake::FakeBroker>> brokers_;
  std::vector<std::string> log_;  // the brokers' request log, written on the event thread
};

struct ProduceRun {
  int exit_code = 0;
  std::vector<json::object> lines;
  std::string out;
  std::string err;
};

ProduceRun produce(const ProduceOptions& options) {
  std::ostringstream out;
  std::ostringstream err;
  ProduceRun run;
  run.exit_code = run_produce(options, out, err);
  run.out = out.str();
  run.err = err.str();
  std::istringstream lines(run.out);
  for (std::string line; std::getline(lines, line);) run.lines.push_back(json::parse(line).as_object());
  return run;
}

ProduceOptions options_for(const std::string& namesrv, int64_t count, const std::string& mode = "sync") {
  ProduceOptions options;
  options.namesrv = namesrv;
  options.topic = kTopic;
  options.count = count;
  options.mode = mode;
  return options;
}

bool is_upper_hex(const json::value& v, size_t length) {
  if (!v.is_string() || v.as_string().size() != length) return false;
  for (char c : v.as_string()) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::vector<std::string> keys_of(const json::object& line) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : line) keys.emplace_back(key);
  return keys;
}

// --- flags -------------------------------------------------------------------------------------------------------

std::string flag_error(const ProduceOptions& options) {
  ProduceRun run = produce(options);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  return run.err;
}

TEST(ProduceFlags, EachBadValueNamesItsFlag) {
  auto with = [](auto change) {
    ProduceOptions options = options_for("127.0.0.1:9876", 1);
    change(options);
    return flag_error(options);
  };
  const std::string hostport = ": expected HOST:PORT, several separated by ';' (e.g. 127.0.0.1:9876)\n";
  EXPECT_EQ(with([](auto& o) { o.namesrv = ""; }), "rmqsim produce: --namesrv \"\"" + hostport);
  EXPECT_EQ(with([](auto& o) { o.namesrv = ";;"; }), "rmqsim produce: --namesrv ;;" + hostport);
  EXPECT_EQ(with([](auto& o) { o.namesrv = "127.0.0.1:9876;host"; }),
            "rmqsim produce: --namesrv 127.0.0.1:9876;host: \"host\" is not HOST:PORT with a port from 1 to 65535\n");
  EXPECT_EQ(with([](auto& o) { o.namesrv = "h:0"; }),
            "rmqsim produce: --namesrv h:0: \"h:0\" is not HOST:PORT with a port from 1 to 65535\n");
  EXPECT_EQ(with([](auto& o) { o.namesrv = "h:65536"; }),
            "rmqsim produce: --namesrv h:65536: \"h:65536\" is not HOST:PORT with a port from 1 to 65535\n");
  EXPECT_EQ(with([](auto& o) { o.namesrv = ":9876"; }),
            "rmqsim produce: --namesrv :9876: \":9876\" is not HOST:PORT with a port from 1 to 65535\n");
  EXPECT_EQ(with([](auto& o) { o.topic = ""; }), "rmqsim produce: --topic \"\": a topic is required\n");
  EXPECT_EQ(with([](auto& o) { o.count = 0; }), "rmqsim produce: --count 0: must be at least 1\n");
  EXPECT_EQ(with([](auto& o) { o.count = -3; }), "rmqsim produce: --count -3: must be at least 1\n");
  EXPECT_EQ(with([](auto& o) { o.timeout_ms = 0; }),
            "rmqsim produce: --timeout-ms 0: must be from 1 to 2147483647\n");
  EXPECT_EQ(with([](auto& o) { o.timeout_ms = int64_t{1} << 31; }),
            "rmqsim produce: --timeout-ms 2147483648: must be from 1 to 2147483647\n");
  EXPECT_EQ(with([](auto& o) { o.retries = -1; }), "rmqsim produce: --retries -1: must be from 0 to 2147483647\n");
  EXPECT_EQ(with([](auto& o) { o.async_retries = -1; }),
            "rmqsim produce: --async-retries -1: must be from 0 to 2147483647\n");
  EXPECT_EQ(with([](auto& o) { o.mode = "batch"; }),
            "rmqsim produce: --mode batch: expected sync, async or oneway\n");
  EXPECT_EQ(with([](auto& o) { o.profile = "v4"; }), "rmqsim produce: --profile v4: expected v4_9_8 or v5\n");
  EXPECT_EQ(with([](auto& o) { o.client_ip = "localhost"; }),
            "rmqsim produce: --client-ip localhost: expected an IPv4 address a.b.c.d\n");
  // The group is checked as DefaultMQProducerImpl.checkConfig checks it, with Java's message.
  std::string group = with([](auto& o) { o.group = "DEFAULT_PRODUCER"; });
  EXPECT_EQ(group.rfind("rmqsim produce: --group DEFAULT_PRODUCER: ", 0), 0u) << group;
  std::string bad_group = with([](auto& o) { o.group = "a b"; });
  EXPECT_EQ(bad_group.rfind("rmqsim produce: --group a b: ", 0), 0u) << bad_group;
}

TEST(ProduceFlags, GoodValuesMakeTheProducerOptions) {
  ProduceOptions options = options_for("10.0.0.1:9876;ns.example:9877", 1);
  options.group = "G1";
  options.timeout_ms = 1234;
  options.retries = 0;
  options.async_retries = 5;
  options.latency_fault = true;
  options.retry_another_broker = true;
  options.profile = "v5";
  options.client_ip = "10.1.2.3";
  auto p = producer_options_from(options);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->client.namesrv_addrs, (std::vector<std::string>{"10.0.0.1:9876", "ns.example:9877"}));
  EXPECT_EQ(p->group, "G1");
  EXPECT_EQ(p->send_msg_timeout_ms, 1234);
  EXPECT_EQ(p->retry_times_when_send_failed, 0);
  EXPECT_EQ(p->retry_times_when_send_async_failed, 5);
  EXPECT_TRUE(p->send_latency_fault_enable);
  EXPECT_TRUE(p->retry_another_broker_when_not_store_ok);
  EXPECT_EQ(p->client.profile, client::Profile::kV5);
  EXPECT_EQ(p->client.client_ip, "10.1.2.3");

  // The defaults are the issue's: 1 message, sync, 3000 ms, 2 + 2 retries, v4_9_8, loopback client ip.
  ProduceOptions defaults;
  defaults.namesrv = "127.0.0.1:9876";
  defaults.topic = "T";
  EXPECT_EQ(defaults.count, 1);
  EXPECT_EQ(defaults.body, "Hello RocketMQ");
  EXPECT_EQ(defaults.group, "rmqsim_producer");
  EXPECT_EQ(defaults.mode, "sync");
  EXPECT_EQ(defaults.tags, "");
  auto d = producer_options_from(defaults);
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->send_msg_timeout_ms, 3000);
  EXPECT_EQ(d->retry_times_when_send_failed, 2);
  EXPECT_EQ(d->retry_times_when_send_async_failed, 2);
  EXPECT_FALSE(d->send_latency_fault_enable);
  EXPECT_FALSE(d->retry_another_broker_when_not_store_ok);
  EXPECT_EQ(d->client.profile, client::Profile::kV4_9_8);
  EXPECT_EQ(d->client.client_ip, "127.0.0.1");
}

// --- real runs over loopback ---------------------------------------------------------------------------------------

void expect_send_ok_lines(const ProduceRun& run, int64_t count, const std::set<std::string>& brokers_expected) {
  ASSERT_EQ(run.lines.size(), static_cast<size_t>(count)) << run.out << run.err;
  std::set<std::string> msg_ids;
  std::set<std::string> brokers;
  const std::vector<std::string> keys{"index",   "status",      "msgId", "offsetMsgId", "brokerName", "queueId",
                                      "queueOffset", "elapsedMs"};
  for (int64_t i = 0; i < count; ++i) {
    const json::object& line = run.lines[static_cast<size_t>(i)];
    EXPECT_EQ(keys_of(line), keys) << json::serialize(line);
    EXPECT_EQ(line.at("index").as_int64(), i);
    EXPECT_EQ(line.at("status").as_string(), "SEND_OK");
    EXPECT_TRUE(is_upper_hex(line.at("msgId"), 32)) << json::serialize(line);
    EXPECT_TRUE(is_upper_hex(line.at("offsetMsgId"), 32)) << json::serialize(line);
    msg_ids.insert(std::string(line.at("msgId").as_string()));
    brokers.insert(std::string(line.at("brokerName").as_string()));
    int64_t queue = line.at("queueId").as_int64();
    EXPECT_TRUE(queue >= 0 && queue < 4) << queue;
    EXPECT_GE(line.at("queueOffset").as_int64(), 0);
    EXPECT_GE(line.at("elapsedMs").as_int64(), 0);
  }
  EXPECT_EQ(msg_ids.size(), static_cast<size_t>(count)) << "message ids repeat";
  EXPECT_EQ(brokers, brokers_expected);
}

size_t count_containing(const std::vector<std::string>& lines, const std::string& text) {
  size_t n = 0;
  for (const auto& line : lines) n += line.find(text) != std::string::npos;
  return n;
}

TEST(ProduceRun, SyncSendsAreStoredAndTheProducerUnregisters) {
  LoopbackCluster cluster;
  ProduceOptions options = options_for(cluster.namesrv(), 5);
  options.tags = "TagA";
  ProduceRun run = produce(options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  // Five sends round-robin over 2 x 4 queues: both brokers are used.
  expect_send_ok_lines(run, 5, {"broker-0", "broker-1"});
  EXPECT_EQ(cluster.messages_stored(), 5u);
  // The producer shut down before run_produce returned: UNREGISTER_CLIENT reached both brokers (Java sends one
  // for the group and one for the instance's CLIENT_INNER_PRODUCER).
  auto log = cluster.log();
  EXPECT_GE(count_containing(log, "broker-0: 35 UNREGISTER_CLIENT"), 1u) << testing::PrintToString(log);
  EXPECT_GE(count_containing(log, "broker-1: 35 UNREGISTER_CLIENT"), 1u) << testing::PrintToString(log);
}

TEST(ProduceRun, AsyncSendsOneAfterAnother) {
  LoopbackCluster cluster;
  ProduceRun run = produce(options_for(cluster.namesrv(), 6, "async"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  expect_send_ok_lines(run, 6, {"broker-0", "broker-1"});
  EXPECT_EQ(cluster.messages_stored(), 6u);
}

TEST(ProduceRun, OnewaySendsPrintOnewaySent) {
  LoopbackCluster cluster;
  ProduceRun run = produce(options_for(cluster.namesrv(), 3, "oneway"));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.lines.size(), 3u) << run.out;
  for (int64_t i = 0; i < 3; ++i) {
    const auto& line = run.lines[static_cast<size_t>(i)];
    EXPECT_EQ(keys_of(line), (std::vector<std::string>{"index", "status", "elapsedMs"}));
    EXPECT_EQ(line.at("index").as_int64(), i);
    EXPECT_EQ(line.at("status").as_string(), "ONEWAY_SENT");
  }
  EXPECT_TRUE(cluster.wait_stored(3)) << cluster.messages_stored();
}

TEST(ProduceRun, V5ProfileAndEveryFlagSendToo) {
  LoopbackCluster cluster;
  ProduceOptions options = options_for(cluster.namesrv(), 2);
  options.profile = "v5";
  options.latency_fault = true;
  options.retry_another_broker = true;
  options.group = "OtherGroup";
  options.body = "payload";
  options.timeout_ms = 5000;
  ProduceRun run = produce(options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.lines.size(), 2u) << run.out;
  for (const auto& line : run.lines) EXPECT_EQ(line.at("status").as_string(), "SEND_OK");
}

fake::BrokerFaults system_busy_on_every_send() {
  fake::BrokerFaults faults;
  fake::FaultRule rule;
  rule.request_code = 310;  // SEND_MESSAGE_V2
  rule.action = fake::FaultAction::kRespondCode;
  rule.response_code = 2;  // SYSTEM_BUSY: not retried by 4.9.8, thrown at once
  rule.remark = "[PCBUSY_CLEAN_QUEUE]broker busy";
  faults.rules.push_back(rule);
  return faults;
}

void expect_system_busy_lines(const ProduceRun& run, size_t count, const std::set<std::string>& broker_addrs) {
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, "rmqsim produce: " + std::to_string(count) + " of " + std::to_string(count) +
                         " sends failed\n");
  ASSERT_EQ(run.lines.size(), count) << run.out;
  for (size_t i = 0; i < count; ++i) {
    const auto& line = run.lines[i];
    EXPECT_EQ(keys_of(line), (std::vector<std::string>{"index", "error", "elapsedMs"}));
    EXPECT_EQ(line.at("index").as_int64(), static_cast<int64_t>(i));
    const auto& error = line.at("error").as_object();
    EXPECT_EQ(keys_of(error), (std::vector<std::string>{"code", "message"}));
    EXPECT_EQ(error.at("code").as_int64(), 2);
    std::string message(error.at("message").as_string());
    const std::string prefix = "CODE: 2  DESC: [PCBUSY_CLEAN_QUEUE]broker busy BROKER: ";
    ASSERT_EQ(message.rfind(prefix, 0), 0u) << message;
    EXPECT_EQ(broker_addrs.count(message.substr(prefix.size())), 1u) << message;
    EXPECT_GE(line.at("elapsedMs").as_int64(), 0);
  }
}

TEST(ProduceRun, SystemBusyOnEverySendGivesErrorLinesAndExitOne) {
  LoopbackCluster cluster(system_busy_on_every_send());
  expect_system_busy_lines(produce(options_for(cluster.namesrv(), 3)), 3, cluster.broker_addresses());
  // ASYNC never retries a broker's error answer: same lines.
  expect_system_busy_lines(produce(options_for(cluster.namesrv(), 2, "async")), 2, cluster.broker_addresses());
}

// A degraded status is a result Java returns, not an exception: a status line, and the run succeeds.
TEST(ProduceRun, DegradedStatusIsASuccessLine) {
  fake::BrokerFaults faults;
  fake::FaultRule rule;
  rule.request_code = 310;
  rule.action = fake::FaultAction::kRespondCode;
  rule.response_code = 11;  // SLAVE_NOT_AVAILABLE: stored, then answered with the degraded code
  faults.rules.push_back(rule);
  LoopbackCluster cluster(faults);
  ProduceRun run = produce(options_for(cluster.namesrv(), 2));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.lines.size(), 2u) << run.out;
  for (const auto& line : run.lines) EXPECT_EQ(line.at("status").as_string(), "SLAVE_NOT_AVAILABLE");
}

// A port nothing listens on: bound, then closed again.
std::string closed_port_address() {
  runtime::AsioRuntime runtime;
  auto listener = runtime.listen("127.0.0.1:0", [](runtime::ConnectionPtr) {});
  EXPECT_TRUE(listener.ok());
  std::string address = (*listener)->address();
  (*listener)->close();
  runtime.poll();
  return address;
}

// The route lookup's RemotingConnectException escapes send() as an IllegalStateException (spec §3.2): code -1,
// message = cause.toString(), the cause naming the nameserver list as NettyRemotingClient does.
TEST(ProduceRun, UnreachableNameServerGivesAnErrorLineAndExitOne) {
  const std::string namesrv = closed_port_address();
  for (const char* mode : {"sync", "async", "oneway"}) {
    ProduceRun run = produce(options_for(namesrv, 2, mode));
    EXPECT_EQ(run.exit_code, 1) << mode;
    EXPECT_EQ(run.err, "rmqsim produce: 2 of 2 sends failed\n") << mode;
    ASSERT_EQ(run.lines.size(), 2u) << mode << run.out << run.err;
    for (const auto& line : run.lines) {
      EXPECT_EQ(keys_of(line), (std::vector<std::string>{"index", "error", "elapsedMs"})) << mode;
      const auto& error = line.at("error").as_object();
      EXPECT_EQ(error.at("code").as_int64(), -1) << mode;
      EXPECT_EQ(error.at("message").as_string(),
                "org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to <[" + namesrv +
                    "]> failed")
          << mode;
    }
  }
}

// --- the binary ----------------------------------------------------------------------------------------------------

std::pair<int, std::string> run_binary(const std::string& args, bool with_stderr = true) {
  return testutil::run_command(std::string(RMQSIM_BINARY) + " " + args, with_stderr);
}

TEST(ProduceBinary, BadOrMissingFlagsExitTwoNamingTheFlag) {
  auto [code, output] = run_binary("produce --topic T");
  EXPECT_EQ(code, 2);
  EXPECT_NE(output.find("--namesrv"), std::string::npos) << output;
  auto [code2, output2] = run_binary("produce --namesrv 127.0.0.1:9876 --topic T --count 0");
  EXPECT_EQ(code2, 2);
  EXPECT_EQ(output2, "rmqsim produce: --count 0: must be at least 1\n");
  auto [code3, output3] = run_binary("produce --namesrv 127.0.0.1:9876 --topic T --count many");
  EXPECT_EQ(code3, 2);
  EXPECT_NE(output3.find("--count"), std::string::npos) << output3;
  auto [code4, output4] = run_binary("produce --namesrv 127.0.0.1:9876 --topic T --mode fast");
  EXPECT_EQ(code4, 2);
  EXPECT_EQ(output4, "rmqsim produce: --mode fast: expected sync, async or oneway\n");
  auto [help_code, help] = run_binary("produce --help");
  EXPECT_EQ(help_code, 0);
  EXPECT_NE(help.find("ONEWAY_SENT"), std::string::npos) << help;
}

TEST(ProduceBinary, SendsToTheFakes) {
  LoopbackCluster cluster;
  auto [code, output] = run_binary("produce --namesrv '" + cluster.namesrv() + "' --topic " + kTopic +
                                       " --count 3 --mode async --tags TagA --body hi",
                                   /*with_stderr=*/false);
  EXPECT_EQ(code, 0) << output;
  ProduceRun run;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) run.lines.push_back(json::parse(line).as_object());
  ASSERT_EQ(run.lines.size(), 3u) << output;
  for (const auto& line : run.lines) EXPECT_EQ(line.at("status").as_string(), "SEND_OK") << output;
  EXPECT_EQ(cluster.messages_stored(), 3u);
}

}  // namespace
}  // namespace rmq::cli
