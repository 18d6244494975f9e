// The producer against the fake nameserver and brokers in the simulator: lifecycle errors, route lookup with
// the TBW102 fallback, the sync retry loop, broker error codes, lost responses, and the async and oneway paths.
#include <gtest/gtest.h>

#include <optional>
#include <regex>

#include "sim/cluster/sim_cluster.h"

namespace rmq::sim {
namespace {

using client::ClientError;
using producer::Message;
using producer::Producer;
using producer::SendOutcome;
using producer::SendResult;

class ProducerSim : public ::testing::Test {
 protected:
  void make(ClusterOptions options = {}) { cluster_ = std::make_unique<SimCluster>(std::move(options)); }

  std::unique_ptr<Producer> started(producer::ProducerOptions options) {
    auto p = cluster_->make_producer(std::move(options));
    auto error = p->start();
    EXPECT_FALSE(error.has_value()) << error->message;
    return p;
  }
  std::unique_ptr<Producer> started(const std::string& group = "PG") {
    return started(cluster_->producer_options(group));
  }

  SendOutcome send_sync(Producer& p, Message msg, std::optional<int64_t> timeout = std::nullopt) {
    std::optional<SendOutcome> out;
    auto done = [&](SendOutcome o) { out = std::move(o); };
    if (timeout) p.send(std::move(msg), *timeout, done);
    else p.send(std::move(msg), done);
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 60'000));
    return out.value_or(SendOutcome{ClientError{}});
  }

  SendOutcome send_async(Producer& p, Message msg) {
    std::optional<SendOutcome> out;
    p.send_async(std::move(msg), [&](SendOutcome o) { out = std::move(o); });
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 60'000));
    return out.value_or(SendOutcome{ClientError{}});
  }

  void fail_sends(int broker, int32_t code, fake::FaultAction action = fake::FaultAction::kRespondCode) {
    fake::BrokerFaults faults;
    fake::FaultRule rule;
    rule.request_code = 310;
    rule.action = action;
    rule.response_code = code;
    rule.remark = "injected";
    faults.rules.push_back(rule);
    cluster_->broker(broker).set_faults(faults);
  }

  std::unique_ptr<SimCluster> cluster_;
};

SendResult ok(const SendOutcome& o) {
  if (auto* e = std::get_if<ClientError>(&o)) ADD_FAILURE() << "send failed: " << e->message;
  auto* r = std::get_if<SendResult>(&o);
  return r ? *r : SendResult{};
}

ClientError failed(const SendOutcome& o) {
  auto* e = std::get_if<ClientError>(&o);
  if (!e) ADD_FAILURE() << "send succeeded";
  return e ? *e : ClientError{};
}

TEST_F(ProducerSim, SyncSendStoresTheMessage) {
  make();
  auto p = started();
  SendResult r = ok(send_sync(*p, Message::make("TopicTest", "hello", "TagA")));
  EXPECT_EQ(r.status, producer::SendStatus::kSendOk);
  EXPECT_EQ(r.queue.topic, "TopicTest");
  EXPECT_TRUE(r.queue.broker_name == "broker-0" || r.queue.broker_name == "broker-1");
  EXPECT_TRUE(std::regex_match(r.msg_id, std::regex("[0-9A-F]{32}"))) << r.msg_id;
  EXPECT_TRUE(std::regex_match(r.offset_msg_id, std::regex("[0-9A-F]{32}"))) << r.offset_msg_id;
  EXPECT_EQ(r.region_id, "DefaultRegion");
  int b = r.queue.broker_name == "broker-0" ? 0 : 1;
  EXPECT_EQ(cluster_->broker(b).max_offset("TopicTest", r.queue.queue_id), r.queue_offset + 1);
}

TEST_F(ProducerSim, LifecycleErrorsCarryJavaTexts) {
  make();
  auto p = cluster_->make_producer(cluster_->producer_options("PG"));
  auto before = failed(send_sync(*p, Message::make("TopicTest", "x")));
  EXPECT_EQ(before.message, "The producer service state not OK, CREATE_JUST");
  ASSERT_FALSE(p->start().has_value());
  auto again = p->start();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->message, "The producer service state not OK, maybe started once, RUNNING");

  auto defaults = cluster_->make_producer(cluster_->producer_options("DEFAULT_PRODUCER"));
  auto error = defaults->start();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message, "producerGroup can not equal DEFAULT_PRODUCER, please specify another one.");
  EXPECT_EQ(defaults->state(), client::ServiceState::kStartFailed);
}

TEST_F(ProducerSim, DuplicateGroupFailsOnlyInTheSameInstance) {
  make();
  auto options = cluster_->producer_options("PG");
  options.client.instance_name = "shared";
  auto first = started(options);
  auto second = cluster_->make_producer(options);
  auto error = second->start();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->message, "The producer group[PG] has been created before, specify another name please.");
  EXPECT_EQ(second->state(), client::ServiceState::kCreateJust);
  // With the default instance name each producer gets its own "<pid>#<nanoTime>" client id (4.9.0+).
  auto third = started(cluster_->producer_options("PG"));
  cluster_->run_for(1);
  auto fourth = started(cluster_->producer_options("PG"));
  EXPECT_NE(third->instance()->client_id(), fourth->instance()->client_id());
}

TEST_F(ProducerSim, UnknownTopicUsesTheTbw102RouteClampedToFourQueues) {
  make();
  auto p = started();
  SendResult r = ok(send_sync(*p, Message::make("NewTopic", "x")));
  EXPECT_EQ(r.queue.topic, "NewTopic");
  int b = r.queue.broker_name == "broker-0" ? 0 : 1;
  EXPECT_TRUE(cluster_->broker(b).has_topic("NewTopic"));
  auto info = p->topic_publish_info_table().at("NewTopic");
  EXPECT_EQ(info->queues.size(), 8u) << "min(4, 8) queues on each of the two brokers";
}

TEST_F(ProducerSim, NoRouteWithoutAutoCreate) {
  ClusterOptions options;
  options.auto_create_topic = false;
  make(options);
  auto p = started();
  ClientError e = failed(send_sync(*p, Message::make("NewTopic", "x")));
  EXPECT_EQ(e.code, 10005);
  EXPECT_EQ(e.message, "No route info of this topic: NewTopic");
}

TEST_F(ProducerSim, RetriedCodeMovesToTheOtherBroker) {
  make();
  fail_sends(0, 1);  // SYSTEM_ERROR
  auto p = started();
  for (int i = 0; i < 6; ++i) {
    SendResult r = ok(send_sync(*p, Message::make("TopicTest", "x")));
    EXPECT_EQ(r.queue.broker_name, "broker-1");
  }
}

TEST_F(ProducerSim, EveryAttemptFailingEndsWithSendNTimes) {
  make();
  fail_sends(0, 1);
  fail_sends(1, 1);
  auto p = started();
  ClientError e = failed(send_sync(*p, Message::make("TopicTest", "x")));
  EXPECT_EQ(e.code, 1);
  EXPECT_TRUE(std::regex_match(e.message, std::regex(R"(Send \[3\] times, still failed, cost \[\d+\]ms, Topic: TopicTest, BrokersSent: \[(broker-0, broker-1, broker-0|broker-1, broker-0, broker-1)\])")))
      << e.message;
}

TEST_F(ProducerSim, SystemBusyIsThrownAtOnceIn498AndRetriedInV5) {
  make();
  fail_sends(0, 2);
  fail_sends(1, 2);
  auto p = started();
  ClientError e = failed(send_sync(*p, Message::make("TopicTest", "x")));
  EXPECT_EQ(e.exception, client::JavaException::kMQBrokerException);
  EXPECT_EQ(e.code, 2);
  EXPECT_TRUE(std::regex_match(e.message, std::regex(R"(CODE: 2  DESC: injected BROKER: 10\.0\.0\.[12]:10911)")))
      << e.message;

  auto options = cluster_->producer_options("PG5");
  options.client.profile = client::Profile::kV5;
  auto v5 = started(options);
  ClientError e5 = failed(send_sync(*v5, Message::make("TopicTest", "x")));
  EXPECT_EQ(e5.code, 2);
  EXPECT_TRUE(e5.message.starts_with("Send [3] times, still failed")) << e5.message;
}

TEST_F(ProducerSim, SlaveNotAvailableIsASuccessWithStatus) {
  make();
  fail_sends(0, 11);
  fail_sends(1, 11);
  auto p = started();
  SendResult r = ok(send_sync(*p, Message::make("TopicTest", "x")));
  EXPECT_EQ(r.status, producer::SendStatus::kSlaveNotAvailable);
}

TEST_F(ProducerSim, LostResponsesSpendTheBudget) {
  make();
  fail_sends(0, 0, fake::FaultAction::kNoAnswer);
  fail_sends(1, 0, fake::FaultAction::kNoAnswer);
  auto p = started();
  int64_t begin = cluster_->now_ms();
  ClientError e = failed(send_sync(*p, Message::make("TopicTest", "x")));
  int64_t spent = cluster_->now_ms() - begin;
  EXPECT_GE(spent, 3000);
  EXPECT_LT(spent, 3100);
  EXPECT_TRUE(e.message == "sendDefaultImpl call timeout" || e.message.starts_with("Send [")) << e.message;
}

TEST_F(ProducerSim, AsyncBrokerErrorIsNotRetried) {
  make();
  fail_sends(0, 1);
  fail_sends(1, 1);
  auto p = started();
  ClientError e = failed(send_async(*p, Message::make("TopicTest", "x")));
  EXPECT_EQ(e.exception, client::JavaException::kMQBrokerException);
  EXPECT_EQ(e.code, 1);
}

TEST_F(ProducerSim, AsyncTimeoutSurfacesThroughTheScanThenRetriesFailAtOnce) {
  make();
  fail_sends(0, 0, fake::FaultAction::kNoAnswer);
  fail_sends(1, 0, fake::FaultAction::kNoAnswer);
  auto p = started();
  cluster_->run_for(5000);  // past the scan's first run
  int64_t begin = cluster_->now_ms();
  ClientError e = failed(send_async(*p, Message::make("TopicTest", "x")));
  int64_t spent = cluster_->now_ms() - begin;
  EXPECT_GE(spent, 4000);
  EXPECT_LE(spent, 5000);
  EXPECT_EQ(e.exception, client::JavaException::kRemotingTooMuchRequestException) << e.message;
  EXPECT_TRUE(std::regex_match(e.message, std::regex(R"(invokeAsync call the addr\[10\.0\.0\.[12]:10911\] timeout)")))
      << e.message;
}

TEST_F(ProducerSim, OnewayWritesOnce) {
  make();
  auto p = started();
  std::optional<std::optional<ClientError>> out;
  p->send_oneway(Message::make("TopicTest", "x"), [&](std::optional<ClientError> e) { out = e; });
  ASSERT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 10'000));
  EXPECT_FALSE(out->has_value());
  cluster_->run_for(100);
  EXPECT_EQ(cluster_->broker(0).stats().messages_stored + cluster_->broker(1).stats().messages_stored, 1u);
}

TEST_F(ProducerSim, NameServerDownEscapesAsIllegalState) {
  make();
  auto options = cluster_->producer_options("PG");
  options.client.namesrv_addrs = {"10.0.0.200:9876"};
  auto p = started(options);
  ClientError e = failed(send_sync(*p, Message::make("TopicTest", "x")));
  EXPECT_EQ(e.exception, client::JavaException::kIllegalStateException);
  EXPECT_EQ(e.message,
            "org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to <[10.0.0.200:9876]> failed");
}

TEST_F(ProducerSim, ShutdownUnregistersFromEveryBroker) {
  make();
  auto p = started();
  ok(send_sync(*p, Message::make("TopicTest", "x")));
  bool down = false;
  p->shutdown([&] { down = true; });
  ASSERT_TRUE(cluster_->run_until([&] { return down; }, 20'000));
  EXPECT_EQ(p->state(), client::ServiceState::kShutdownAlready);
  EXPECT_EQ(cluster_->client_manager().size(), 0u);
}

// The instance's scheduled tasks: routes refreshed every 30 s, heartbeats to masters 1 s after start and then
// every 30 s (spec §1.5).
TEST_F(ProducerSim, HeartbeatsGoToEveryMasterOnSchedule) {
  make();
  auto p = started();
  ok(send_sync(*p, Message::make("TopicTest", "x")));
  auto* instance = p->instance();
  EXPECT_EQ(instance->heartbeats_sent(), 0u);
  cluster_->run_for(1000);
  EXPECT_EQ(instance->heartbeats_sent(), 2u) << "one per master, at t = 1 s";
  EXPECT_TRUE(instance->broker_version("broker-0", SimCluster::broker_address(0)).has_value());
  cluster_->run_for(30'000);
  EXPECT_EQ(instance->heartbeats_sent(), 4u);
  EXPECT_EQ(instance->scheduler().runs("updateTopicRouteInfoFromNameServer"), 2u);
}

// Same seed, same faults, same sends => the same trace, byte for byte (DESIGN §3); another seed differs.
TEST_F(ProducerSim, SameSeedGivesTheSameTrace) {
  auto run = [this](uint64_t seed) {
    ClusterOptions options;
    options.seed = seed;
    make(options);
    fail_sends(0, 1);
    auto p = started();
    for (int i = 0; i < 5; ++i) send_sync(*p, Message::make("TopicTest", "m" + std::to_string(i)));
    send_async(*p, Message::make("TopicTest", "async"));
    cluster_->run_for(35'000);  // a route refresh and a heartbeat round
    return cluster_->sim().trace().digest_hex();
  };
  std::string first = run(7);
  EXPECT_EQ(first, run(7));
  EXPECT_NE(first, run(8));
}

}  // namespace
}  // namespace rmq::sim
