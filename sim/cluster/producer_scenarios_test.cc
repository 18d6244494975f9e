// Send scenarios against the simulated cluster, each asserting what the Java 4.9.8 client does, exactly: the
// brokers its attempts go to (through the SendEvent observer), the per-attempt budgets and errors, the final
// exception (class, text, code) and the virtual time it takes — and the v5 profile (5.3.3) where it differs.
//
// Every scenario runs on a network of constant latency (0 unless a test says otherwise), so timings are exact
// milliseconds, and aims its first attempt with the publish info's send index (set_value_for_test), so the
// attempt order is the same for every seed:
//   TopicTest has 4 queues on broker-0 and 4 on broker-1; the publish info lists them sorted by broker name,
//   positions 0..3 = broker-0 q0..q3, 4..7 = broker-1 q0..q3. aim(b, q) makes the next selection (b, q); a
//   retry that avoids broker-0 then steps on to position 4 (broker-1 q0), one that avoids broker-1 to 0.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/send_headers.h"
#include "sim/cluster/sim_cluster.h"

namespace rmq::sim {
namespace {

using client::ClientError;
using client::JavaException;
using client::Profile;
using fake::FaultAction;
using producer::CommunicationMode;
using producer::Message;
using producer::Producer;
using producer::ProducerOptions;
using producer::SendEvent;
using producer::SendEventType;
using producer::SendOutcome;
using producer::SendResult;
using producer::SendStatus;

constexpr int kQueues = 4;
const std::string kTopic = "TopicTest";
const std::string kAddr0 = "10.0.0.1:10911";
const std::string kAddr1 = "10.0.0.2:10911";

using Brokers = std::vector<std::string>;

// One send as the user saw it.
struct Sent {
  std::optional<SendOutcome> outcome;
  uint64_t send_id = 0;
  int64_t begin_ms = 0;
  int64_t end_ms = -1;

  bool done() const { return outcome.has_value(); }
  int64_t took() const { return end_ms - begin_ms; }
  SendResult result() const {
    if (!outcome) {
      ADD_FAILURE() << "no outcome";
      return {};
    }
    if (auto* e = std::get_if<ClientError>(&*outcome)) {
      ADD_FAILURE() << "send failed: " << e->message;
      return {};
    }
    return std::get<SendResult>(*outcome);
  }
  ClientError error() const {
    if (!outcome) {
      ADD_FAILURE() << "no outcome";
      return {};
    }
    if (auto* e = std::get_if<ClientError>(&*outcome)) return *e;
    ADD_FAILURE() << "send succeeded on " << std::get<SendResult>(*outcome).queue.broker_name;
    return {};
  }
};

class ProducerScenario : public ::testing::Test {
 protected:
  void TearDown() override {
    producer_.reset();
    cluster_.reset();
  }

  // A fresh two-broker cluster whose links all take `latency_us`.
  void make(runtime::Micros latency_us = 0) {
    producer_.reset();
    cluster_.reset();
    events_.clear();
    next_send_id_ = 0;
    ClusterOptions options;
    options.topics = {{kTopic, kQueues}};
    options.network.default_latency = LatencyDistribution::constant(latency_us);
    cluster_ = std::make_unique<SimCluster>(options);
  }

  ProducerOptions options(Profile profile = Profile::kV4_9_8) {
    ProducerOptions o = cluster_->producer_options("PG");
    o.client.profile = profile;
    return o;
  }

  Producer& start(ProducerOptions o) {
    producer_ = cluster_->make_producer(std::move(o));
    producer_->set_observer([this](const SendEvent& e) { events_.push_back(e); });
    auto error = producer_->start();
    EXPECT_FALSE(error.has_value()) << error->message;
    return *producer_;
  }

  // The route of TopicTest, fetched the way the producer's first send would (no broker is contacted).
  void warm_route() {
    bool done = false;
    producer_->instance()->update_topic_route(kTopic, std::nullopt, [&](client::RouteUpdate update) {
      EXPECT_TRUE(update.changed);
      EXPECT_FALSE(update.escaped.has_value());
      done = true;
    });
    ASSERT_TRUE(cluster_->run_until([&] { return done; }, 10'000));
    ASSERT_TRUE(producer_->topic_publish_info_table().contains(kTopic));
    ASSERT_EQ(producer_->topic_publish_info_table().at(kTopic)->queues.size(), 2u * kQueues);
  }

  // Opens the client's channel to a broker (as an earlier send or heartbeat would have).
  void open_channel(int broker) {
    std::optional<bool> ok;
    producer_->instance()->remoting().connect(SimCluster::broker_address(broker), [&](bool b) { ok = b; });
    ASSERT_TRUE(cluster_->run_until([&] { return ok.has_value(); }, 10'000));
    ASSERT_TRUE(*ok);
  }
  void close_channel(int broker) {
    producer_->instance()->remoting().close_channel(SimCluster::broker_address(broker));
  }

  // The next selection of TopicTest picks (broker, queue).
  void aim(int broker, int queue) {
    auto info = producer_->topic_publish_info_table().at(kTopic);
    info->send_which_queue.set_value_for_test(broker * kQueues + queue - 1);
  }

  void set_rule(int broker, fake::FaultRule rule) {
    fake::BrokerFaults faults;
    faults.rules.push_back(std::move(rule));
    cluster_->broker(broker).set_faults(faults);
  }
  // Sends (310) to `broker` answered with `code`.
  void answer_sends(int broker, int32_t code, std::string remark = "injected") {
    fake::FaultRule rule;
    rule.request_code = 310;
    rule.action = FaultAction::kRespondCode;
    rule.response_code = code;
    rule.remark = std::move(remark);
    set_rule(broker, rule);
  }
  void fault_sends(int broker, FaultAction action, int64_t delay_ms = 0) {
    fake::FaultRule rule;
    rule.request_code = 310;
    rule.action = action;
    rule.delay_ms = delay_ms;
    set_rule(broker, rule);
  }
  void heal_broker(int broker) { cluster_->broker(broker).set_faults({}); }

  // Starts a send; the caller drives the cluster (see send()).
  std::shared_ptr<Sent> begin_send(CommunicationMode mode, std::optional<int64_t> timeout = std::nullopt,
                                   Message msg = {}) {
    if (msg.topic.empty()) msg = Message::make(kTopic, "hello", "TagA");
    auto sent = std::make_shared<Sent>();
    sent->begin_ms = cluster_->now_ms();
    sent->send_id = ++next_send_id_;
    auto done = [this, sent](SendOutcome o) {
      EXPECT_FALSE(sent->done()) << "outcome reported twice";
      sent->outcome = std::move(o);
      sent->end_ms = cluster_->now_ms();
    };
    switch (mode) {
      case CommunicationMode::kSync:
        if (timeout) producer_->send(std::move(msg), *timeout, done);
        else producer_->send(std::move(msg), done);
        break;
      case CommunicationMode::kAsync:
        if (timeout) producer_->send_async(std::move(msg), *timeout, done);
        else producer_->send_async(std::move(msg), done);
        break;
      case CommunicationMode::kOneway:
        producer_->send_oneway(std::move(msg), [done](std::optional<ClientError> e) {
          if (e) done(*e);
          else done(SendResult{});
        });
        break;
    }
    return sent;
  }
  Sent finish(const std::shared_ptr<Sent>& sent, int64_t limit_ms = 60'000) {
    EXPECT_TRUE(cluster_->run_until([&] { return sent->done(); }, limit_ms));
    return *sent;
  }
  Sent send(CommunicationMode mode, std::optional<int64_t> timeout = std::nullopt, Message msg = {}) {
    return finish(begin_send(mode, timeout, std::move(msg)));
  }
  Sent send_sync(std::optional<int64_t> timeout = std::nullopt) { return send(CommunicationMode::kSync, timeout); }

  void run_to(int64_t at_ms) {
    ASSERT_GE(at_ms, cluster_->now_ms());
    cluster_->run_for(at_ms - cluster_->now_ms());
    ASSERT_EQ(cluster_->now_ms(), at_ms);
  }

  std::vector<SendEvent> events(uint64_t send_id, SendEventType type) const {
    std::vector<SendEvent> out;
    for (const auto& e : events_)
      if (e.send_id == send_id && e.type == type) out.push_back(e);
    return out;
  }
  // The kAttempt events, one per attempt index (the first event of each; see
  // AsyncSendReportsEachRequestOnce for why there can be more).
  std::vector<SendEvent> attempts(uint64_t send_id) const {
    std::vector<SendEvent> out;
    for (const auto& e : events(send_id, SendEventType::kAttempt))
      if (out.empty() || out.back().attempt != e.attempt) out.push_back(e);
    return out;
  }
  Brokers attempted(uint64_t send_id) const {
    Brokers out;
    for (const auto& e : attempts(send_id)) out.push_back(e.queue ? e.queue->broker_name : "?");
    return out;
  }
  std::vector<int64_t> budgets(uint64_t send_id) const {
    std::vector<int64_t> out;
    for (const auto& e : attempts(send_id)) out.push_back(e.timeout_ms);
    return out;
  }
  std::vector<std::string> attempt_errors(uint64_t send_id) const {
    std::vector<std::string> out;
    for (const auto& e : events(send_id, SendEventType::kAttemptResult))
      out.push_back(e.error ? std::string(client::java_exception_name(e.error->exception)) + ": " + e.error->message
                            : "OK " + e.result->queue.broker_name);
    return out;
  }
  std::vector<int64_t> attempt_latencies(uint64_t send_id) const {
    std::vector<int64_t> out;
    for (const auto& e : events(send_id, SendEventType::kAttemptResult)) out.push_back(e.latency_ms);
    return out;
  }
  // kFaultUpdate events as "broker latency isolation".
  std::vector<std::string> fault_updates(uint64_t send_id) const {
    std::vector<std::string> out;
    for (const auto& e : events(send_id, SendEventType::kFaultUpdate))
      out.push_back(e.queue->broker_name + " " + std::to_string(e.latency_ms) + (e.isolation ? " isolation" : ""));
    return out;
  }
  int64_t not_available_until(const std::string& broker) const {
    const auto& items = producer_->fault_strategy().tolerance().items();
    auto it = items.find(broker);
    return it == items.end() ? -1 : it->second.start_timestamp;
  }
  uint64_t stored(int broker) { return cluster_->broker(broker).stats().messages_stored; }

  std::unique_ptr<SimCluster> cluster_;
  std::unique_ptr<Producer> producer_;
  std::vector<SendEvent> events_;
  uint64_t next_send_id_ = 0;
};

std::string send_n_times(int n, int64_t cost, const Brokers& brokers) {
  std::string list;
  for (size_t i = 0; i < brokers.size(); ++i) list += (i ? ", " : "") + brokers[i];
  return "Send [" + std::to_string(n) + "] times, still failed, cost [" + std::to_string(cost) +
         "]ms, Topic: TopicTest, BrokersSent: [" + list + "]";
}

const Brokers kB0 = {"broker-0"};
const Brokers kB0B1 = {"broker-0", "broker-1"};
const Brokers kB0B1B0 = {"broker-0", "broker-1", "broker-0"};
constexpr Profile kProfiles[] = {Profile::kV4_9_8, Profile::kV5};

// --- Broker error codes (SYNC) -----------------------------------------------------------------------------

// The codes both profiles retry: TOPIC_NOT_EXIST 17, SERVICE_NOT_AVAILABLE 14, SYSTEM_ERROR 1, NO_PERMISSION 16,
// NO_BUYER_ID 204, NOT_IN_CURRENT_UNIT 205.
class RetriedCode : public ProducerScenario, public ::testing::WithParamInterface<int32_t> {};

TEST_P(RetriedCode, AnsweredByOneBrokerIsRetriedOnTheOther) {
  const int32_t code = GetParam();
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    make();
    start(options(profile));
    warm_route();
    answer_sends(0, code, "injected");
    aim(0, 2);
    Sent s = send_sync();
    SendResult r = s.result();
    EXPECT_EQ(r.queue, (client::MessageQueue{kTopic, "broker-1", 0}));
    EXPECT_EQ(attempted(s.send_id), kB0B1);
    EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{3000, 3000}));
    auto results = events(s.send_id, SendEventType::kAttemptResult);
    ASSERT_EQ(results.size(), 2u);
    ASSERT_TRUE(results[0].error.has_value());
    EXPECT_EQ(results[0].error->exception, JavaException::kMQBrokerException);
    EXPECT_EQ(results[0].error->message, "CODE: " + std::to_string(code) + "  DESC: injected BROKER: " + kAddr0);
    EXPECT_TRUE(results[0].response_code_known);
    EXPECT_EQ(results[0].response_code, code);
    EXPECT_EQ(s.took(), 0);
    EXPECT_EQ(cluster_->broker(1).max_offset(kTopic, 0), 1);
    EXPECT_EQ(stored(0), 0u);
  }
}

TEST_P(RetriedCode, AnsweredByEveryBrokerFailsAfterThreeAttemptsWithThatCode) {
  const int32_t code = GetParam();
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    make(1000);  // 1 ms each way: an attempt on an open channel takes 2 ms
    start(options(profile));
    warm_route();
    open_channel(0);
    open_channel(1);
    answer_sends(0, code);
    answer_sends(1, code);
    aim(0, 0);
    Sent s = send_sync();
    ClientError e = s.error();
    EXPECT_EQ(e.exception, JavaException::kMQClientException);
    EXPECT_EQ(e.code, code);
    EXPECT_EQ(e.message, send_n_times(3, 6, kB0B1B0));
    EXPECT_EQ(attempted(s.send_id), kB0B1B0);
    EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{3000, 2998, 2996}));
    EXPECT_EQ(s.took(), 6);
  }
}

INSTANTIATE_TEST_SUITE_P(JavaRetrySet, RetriedCode, ::testing::Values(17, 14, 1, 16, 204, 205));

TEST_F(ProducerScenario, SystemBusyIsThrownAtOnceIn498AndRetriedInV5) {
  const std::string remark = "[REJECTREQUEST]system busy, start flow control for a while";
  // 4.9.8: SYSTEM_BUSY is not in the retry set: the MQBrokerException of the first attempt is thrown, even
  // though broker-1 is healthy.
  make();
  start(options(Profile::kV4_9_8));
  warm_route();
  answer_sends(0, 2, remark);
  aim(0, 0);
  Sent s = send_sync();
  ClientError e = s.error();
  EXPECT_EQ(e.exception, JavaException::kMQBrokerException);
  EXPECT_EQ(e.code, 2);
  EXPECT_EQ(e.message, "CODE: 2  DESC: " + remark + " BROKER: " + kAddr0);
  EXPECT_EQ(e.broker_addr, kAddr0);
  EXPECT_EQ(attempted(s.send_id), kB0);
  EXPECT_EQ(stored(1), 0u);

  // v5 (5.3.0+): retried like the others — broker-1 stores it.
  make();
  start(options(Profile::kV5));
  warm_route();
  answer_sends(0, 2, remark);
  aim(0, 0);
  s = send_sync();
  EXPECT_EQ(s.result().queue.broker_name, "broker-1");
  EXPECT_EQ(attempted(s.send_id), kB0B1);

  // v5, every broker busy: three attempts, the broker's code.
  make();
  start(options(Profile::kV5));
  warm_route();
  answer_sends(0, 2, remark);
  answer_sends(1, 2, remark);
  aim(0, 0);
  s = send_sync();
  e = s.error();
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  EXPECT_EQ(e.code, 2);
  EXPECT_EQ(e.message, send_n_times(3, 0, kB0B1B0));
}

TEST_F(ProducerScenario, CodesOutsideTheRetrySetAreThrownAtOnceInBothProfiles) {
  for (int32_t code : {13, 215}) {
    for (Profile profile : kProfiles) {
      SCOPED_TRACE(std::string(client::profile_name(profile)) + " code " + std::to_string(code));
      make();
      start(options(profile));
      warm_route();
      answer_sends(0, code, "refused");
      aim(0, 1);
      Sent s = send_sync();
      ClientError e = s.error();
      EXPECT_EQ(e.exception, JavaException::kMQBrokerException);
      EXPECT_EQ(e.code, code);
      EXPECT_EQ(e.message, "CODE: " + std::to_string(code) + "  DESC: refused BROKER: " + kAddr0);
      EXPECT_EQ(attempted(s.send_id), kB0);
    }
  }
}

TEST_F(ProducerScenario, NotStoredOkIsRetriedOnlyWithRetryAnotherBroker) {
  // FLUSH_DISK_TIMEOUT (10) is a stored message with a degraded status: a result, not an error.
  make();
  start(options());
  warm_route();
  answer_sends(0, 10);
  aim(0, 0);
  Sent s = send_sync();
  EXPECT_EQ(s.result().status, SendStatus::kFlushDiskTimeout);
  EXPECT_EQ(attempted(s.send_id), kB0);

  // retryAnotherBrokerWhenNotStoreOK: the next broker is tried; its SEND_OK is returned.
  make();
  ProducerOptions o = options();
  o.retry_another_broker_when_not_store_ok = true;
  start(o);
  warm_route();
  answer_sends(0, 10);
  aim(0, 0);
  s = send_sync();
  EXPECT_EQ(s.result().status, SendStatus::kSendOk);
  EXPECT_EQ(s.result().queue.broker_name, "broker-1");
  EXPECT_EQ(attempted(s.send_id), kB0B1);

  // Every attempt not OK: after the loop the last result is returned (here broker-0's, the third attempt).
  answer_sends(1, 11);
  aim(0, 0);
  s = send_sync();
  EXPECT_EQ(s.result().status, SendStatus::kFlushDiskTimeout);
  EXPECT_EQ(s.result().queue.broker_name, "broker-0");
  EXPECT_EQ(attempted(s.send_id), kB0B1B0);
  EXPECT_EQ(stored(0), 1u + 2u);  // with the first send's attempt
  EXPECT_EQ(stored(1), 1u + 1u);
}

// --- Lost responses (SYNC) -----------------------------------------------------------------------------------

// broker-0 handles sends but never answers. Java 4.9.8, sendMsgTimeout 3000:
//   attempt 0 (broker-0) waits the whole budget: RemotingTimeoutException "wait response on the channel
//     <10.0.0.1:10911> timeout, 3000(ms)"; the channel is closed (clientCloseSocketIfTimeout).
//   attempt 1 (broker-1): cost 3000 is not < 3000, so it runs with 3000 - 3000 = 0; sendKernelImpl's,
//     sendMessage's and invokeSync's checks (0 < 0) all pass; the latch waits 0 ms: "... timeout, 0(ms)" —
//     but the request was written, so broker-1 stores the message anyway; that channel is closed too.
//   attempt 2 (broker-0): same budget 0 on a new connection (instant here): "... timeout, 0(ms)".
//   The loop ends without callTimeout: MQClientException "Send [3] times, ..." with code 10002 (the last
//   exception is a RemotingTimeoutException).
TEST_F(ProducerScenario, LostResponseSpendsTheWholeBudgetThenRetriesRunWithZero) {
  make();
  start(options());
  warm_route();
  open_channel(0);
  open_channel(1);
  fault_sends(0, FaultAction::kNoAnswer);
  aim(0, 0);
  Sent s = send_sync();
  ClientError e = s.error();
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  EXPECT_EQ(e.code, client::client_error_code::kAccessBrokerTimeout);
  EXPECT_EQ(e.message, send_n_times(3, 3000, kB0B1B0));
  EXPECT_EQ(s.took(), 3000);
  EXPECT_EQ(attempted(s.send_id), kB0B1B0);
  EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{3000, 0, 0}));
  EXPECT_EQ(attempt_errors(s.send_id),
            (std::vector<std::string>{
                "RemotingTimeoutException: wait response on the channel <10.0.0.1:10911> timeout, 3000(ms)",
                "RemotingTimeoutException: wait response on the channel <10.0.0.2:10911> timeout, 0(ms)",
                "RemotingTimeoutException: wait response on the channel <10.0.0.1:10911> timeout, 0(ms)"}));
  EXPECT_EQ(attempt_latencies(s.send_id), (std::vector<int64_t>{3000, 0, 0}));
  // At-least-once: every attempt reached a broker and was stored (the last two requests were written before
  // their channels were closed, and arrive in this same instant), none was acknowledged.
  cluster_->run_for(1);
  EXPECT_EQ(stored(0), 2u);
  EXPECT_EQ(stored(1), 1u);
}

// The same with 1 ms links: attempt 2 needs a new connection to broker-0, which takes 2 ms, so invokeSync's
// own check (0 < 2) fails before anything is written: RemotingTimeoutException "invokeSync call the
// addr[10.0.0.1:10911] timeout". Still code 10002; the whole send took 3002 ms.
TEST_F(ProducerScenario, LostResponseWithSlowReconnectHitsInvokeSyncsCheck) {
  make(1000);
  start(options());
  warm_route();
  open_channel(0);
  open_channel(1);
  fault_sends(0, FaultAction::kNoAnswer);
  aim(0, 0);
  Sent s = send_sync();
  ClientError e = s.error();
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  EXPECT_EQ(e.code, client::client_error_code::kAccessBrokerTimeout);
  EXPECT_EQ(e.message, send_n_times(3, 3002, kB0B1B0));
  EXPECT_EQ(s.took(), 3002);
  EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{3000, 0, 0}));
  EXPECT_EQ(attempt_errors(s.send_id),
            (std::vector<std::string>{
                "RemotingTimeoutException: wait response on the channel <10.0.0.1:10911> timeout, 3000(ms)",
                "RemotingTimeoutException: wait response on the channel <10.0.0.2:10911> timeout, 0(ms)",
                "RemotingTimeoutException: invokeSync call the addr[10.0.0.1:10911] timeout"}));
  EXPECT_EQ(stored(0), 1u);
  EXPECT_EQ(stored(1), 1u);
}

// And when broker-1 needs a connection too (1 ms links, its channel closed): attempt 1 fails invokeSync's check
// after its 2 ms connect, and the third iteration finds cost 3002 > 3000: callTimeout, so the user gets
// RemotingTooMuchRequestException "sendDefaultImpl call timeout" and no third request goes out.
TEST_F(ProducerScenario, LostResponseThenASlowConnectEndsInCallTimeout) {
  make(1000);
  start(options());
  warm_route();
  cluster_->run_for(1500);  // past the first heartbeat, which opened both channels
  close_channel(1);
  fault_sends(0, FaultAction::kNoAnswer);
  aim(0, 0);
  Sent s = send_sync();
  ClientError e = s.error();
  EXPECT_EQ(e.exception, JavaException::kRemotingTooMuchRequestException);
  EXPECT_EQ(e.message, "sendDefaultImpl call timeout");
  EXPECT_EQ(e.code, -1);
  EXPECT_EQ(s.took(), 3002);
  EXPECT_EQ(attempted(s.send_id), kB0B1);
  EXPECT_EQ(attempt_errors(s.send_id),
            (std::vector<std::string>{
                "RemotingTimeoutException: wait response on the channel <10.0.0.1:10911> timeout, 3000(ms)",
                "RemotingTimeoutException: invokeSync call the addr[10.0.0.2:10911] timeout"}));
  EXPECT_EQ(stored(1), 0u);
}

// sendMsgTimeout 5000. In 4.9.8 an attempt is given the whole remaining budget, so attempt 0 waits 5000 ms and
// the retry on broker-1 has nothing left: the send fails after 5000 ms although broker-1 is healthy. Only the
// v5 option sendMsgMaxTimeoutPerRequest (5.3.3) caps the first attempt (here at 3000 ms), so that the retry on
// broker-1 succeeds within the budget; without it v5 behaves as 4.9.8.
TEST_F(ProducerScenario, LostResponseWithALargerBudget) {
  make();
  start(options());
  warm_route();
  open_channel(0);
  open_channel(1);
  fault_sends(0, FaultAction::kNoAnswer);
  aim(0, 0);
  Sent s = send_sync(5000);
  ClientError e = s.error();
  EXPECT_EQ(e.code, client::client_error_code::kAccessBrokerTimeout);
  EXPECT_EQ(e.message, send_n_times(3, 5000, kB0B1B0));
  EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{5000, 0, 0}));
  EXPECT_EQ(attempt_errors(s.send_id)[0],
            "RemotingTimeoutException: wait response on the channel <10.0.0.1:10911> timeout, 5000(ms)");

  for (int64_t cap : {int64_t{-1}, int64_t{3000}}) {
    SCOPED_TRACE("v5 sendMsgMaxTimeoutPerRequest " + std::to_string(cap));
    make();
    ProducerOptions o = options(Profile::kV5);
    o.send_msg_max_timeout_per_request = cap;
    start(o);
    warm_route();
    open_channel(0);
    open_channel(1);
    fault_sends(0, FaultAction::kNoAnswer);
    aim(0, 0);
    s = send_sync(5000);
    if (cap < 0) {
      EXPECT_EQ(s.error().message, send_n_times(3, 5000, kB0B1B0));
      continue;
    }
    EXPECT_EQ(s.result().queue.broker_name, "broker-1");
    EXPECT_EQ(s.took(), 3000);
    EXPECT_EQ(attempted(s.send_id), kB0B1);
    EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{3000, 2000}));
  }
}

// broker-0 takes the request, then its process dies (FakeBroker::crash: the kernel closes its sockets
// gracefully). DESIGN §6.9: 4.9.8 has no handler for a peer's FIN, so the pending request runs into its
// deadline (3000 ms) and the retries find no budget (the last one a refused connect: code 10001); v5 (5.1.4+)
// fails it at once ("send request to <addr> failed") and the retry on broker-1 succeeds with the budget left.
TEST_F(ProducerScenario, BrokerProcessDiesWithARequestPending) {
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    make();
    start(options(profile));
    warm_route();
    open_channel(0);
    open_channel(1);
    fault_sends(0, FaultAction::kNoAnswer);
    aim(0, 0);
    auto pending = begin_send(CommunicationMode::kSync);
    cluster_->run_for(100);
    ASSERT_FALSE(pending->done());
    cluster_->broker(0).crash();
    Sent s = finish(pending);
    if (profile == Profile::kV4_9_8) {
      ClientError e = s.error();
      EXPECT_EQ(e.code, client::client_error_code::kConnectBrokerException);
      EXPECT_EQ(e.message, send_n_times(3, 3000, kB0B1B0));
      EXPECT_EQ(attempt_errors(s.send_id),
                (std::vector<std::string>{
                    "RemotingTimeoutException: wait response on the channel <10.0.0.1:10911> timeout, 3000(ms)",
                    "RemotingTimeoutException: wait response on the channel <10.0.0.2:10911> timeout, 0(ms)",
                    "RemotingConnectException: connect to <10.0.0.1:10911> failed"}));
    } else {
      EXPECT_EQ(s.result().queue.broker_name, "broker-1");
      EXPECT_EQ(s.took(), 100);
      EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{3000, 2900}));
      EXPECT_EQ(attempt_errors(s.send_id)[0], "RemotingSendRequestException: send request to <10.0.0.1:10911> failed");
    }
  }
}

// A connection reset (here: broker-0's host crashes) fails the pending request at once in every version
// (exceptionCaught closes the channel, failFast): RemotingSendRequestException, retried on broker-1.
TEST_F(ProducerScenario, ConnectionResetFailsThePendingRequestAtOnce) {
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    make();
    start(options(profile));
    warm_route();
    open_channel(0);
    open_channel(1);
    fault_sends(0, FaultAction::kNoAnswer);
    aim(0, 0);
    auto pending = begin_send(CommunicationMode::kSync);
    cluster_->run_for(100);
    cluster_->sim().network().crash_host(SimCluster::broker_host(0));
    Sent s = finish(pending);
    EXPECT_EQ(s.result().queue.broker_name, "broker-1");
    EXPECT_EQ(s.took(), 100);
    EXPECT_EQ(attempted(s.send_id), kB0B1);
    EXPECT_EQ(attempt_errors(s.send_id)[0], "RemotingSendRequestException: send request to <10.0.0.1:10911> failed");
  }
}

// --- Partitions (SYNC) ----------------------------------------------------------------------------------------

class PartitionScenario : public ProducerScenario {
 protected:
  // A running producer past its first heartbeat (so no heartbeat round overlaps the scenario), with the
  // channels to the partitioned brokers closed: their next use needs a connect, which the partition holds.
  void partitioned(const std::vector<int>& brokers, ProducerOptions o) {
    make();
    start(std::move(o));
    warm_route();
    cluster_->run_for(1500);  // the heartbeat at 1000 ms opened a channel to every broker
    for (int b : brokers) {
      cluster_->sim().network().partition(SimCluster::kClientHost, SimCluster::broker_host(b), true);
      close_channel(b);
    }
    aim(0, 0);
  }
};

// broker-0 partitioned from the client: the connect waits connectTimeoutMillis (3000) whatever the budget.
//   attempt 0 (broker-0): RemotingConnectException "connect to <10.0.0.1:10911> failed" at +3000;
//   attempt 1 (broker-1): budget 0 on its open channel: "wait response on the channel ... 0(ms)";
//   attempt 2 (broker-0): cost 3000 is not < 3000: a new connect, failing at +6000.
//   -> "Send [3] times, still failed, cost [6000]ms, ..." with code 10001 (CONNECT_BROKER_EXCEPTION).
TEST_F(PartitionScenario, OnePartitionedBrokerFailsAfterTwoConnectTimeouts) {
  partitioned({0}, options());
  Sent s = send_sync();
  ClientError e = s.error();
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  EXPECT_EQ(e.code, client::client_error_code::kConnectBrokerException);
  EXPECT_EQ(e.message, send_n_times(3, 6000, kB0B1B0));
  EXPECT_EQ(s.took(), 6000);
  EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{3000, 0, 0}));
  EXPECT_EQ(attempt_errors(s.send_id),
            (std::vector<std::string>{
                "RemotingConnectException: connect to <10.0.0.1:10911> failed",
                "RemotingTimeoutException: wait response on the channel <10.0.0.2:10911> timeout, 0(ms)",
                "RemotingConnectException: connect to <10.0.0.1:10911> failed"}));
  EXPECT_EQ(attempt_latencies(s.send_id), (std::vector<int64_t>{3000, 0, 3000}));
}

// With sendMsgTimeout 5000 the connect timeout leaves 2000 ms: the retry on broker-1 succeeds.
TEST_F(PartitionScenario, RetryOnTheOtherBrokerWhenTheBudgetAllows) {
  partitioned({0}, options());
  Sent s = send_sync(5000);
  SendResult r = s.result();
  EXPECT_EQ(r.queue, (client::MessageQueue{kTopic, "broker-1", 0}));
  EXPECT_EQ(s.took(), 3000);
  EXPECT_EQ(attempted(s.send_id), kB0B1);
  EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{5000, 2000}));
  EXPECT_EQ(cluster_->broker(1).max_offset(kTopic, 0), 1);
}

// Both brokers partitioned, sendMsgTimeout 3000: two connect timeouts spend 6000 ms; the third iteration finds
// cost 6000 > 3000 and breaks with callTimeout: RemotingTooMuchRequestException "sendDefaultImpl call timeout"
// (the "Send [n] times" MQClientException is discarded), no third attempt goes out.
TEST_F(PartitionScenario, EveryBrokerPartitionedEndsInCallTimeout) {
  partitioned({0, 1}, options());
  Sent s = send_sync();
  ClientError e = s.error();
  EXPECT_EQ(e.exception, JavaException::kRemotingTooMuchRequestException);
  EXPECT_EQ(e.message, "sendDefaultImpl call timeout");
  EXPECT_EQ(e.code, -1);
  EXPECT_EQ(s.took(), 6000);
  EXPECT_EQ(attempted(s.send_id), kB0B1);
}

// Both partitioned with sendMsgTimeout 10000: three connect timeouts; code 10001.
TEST_F(PartitionScenario, EveryBrokerPartitionedWithAmpleBudgetEndsWithConnectCode) {
  partitioned({0, 1}, options());
  Sent s = send_sync(10'000);
  ClientError e = s.error();
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  EXPECT_EQ(e.code, client::client_error_code::kConnectBrokerException);
  EXPECT_EQ(e.message, send_n_times(3, 9000, kB0B1B0));
  EXPECT_EQ(s.took(), 9000);
  EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{10'000, 7000, 4000}));
}

// ONEWAY: one attempt. Without a connection the connect times out: MQClientException "Send [1] times, ..."
// code 10001 (sendOneway only rewraps MQBrokerException).
TEST_F(PartitionScenario, OnewayToAPartitionedBrokerWithoutAConnection) {
  partitioned({0}, options());
  Sent s = send(CommunicationMode::kOneway);
  ClientError e = s.error();
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  EXPECT_EQ(e.code, client::client_error_code::kConnectBrokerException);
  EXPECT_EQ(e.message, send_n_times(1, 3000, kB0));
  EXPECT_EQ(s.took(), 3000);
  EXPECT_EQ(attempted(s.send_id), kB0);
}

// ONEWAY over a connection opened before the partition: the write is accepted at once (the bytes wait in the
// network), the call returns normally, and the broker gets the message after the heal.
TEST_F(PartitionScenario, OnewayOverAnOpenConnectionIsWrittenAndArrivesAfterTheHeal) {
  make();
  start(options());
  warm_route();
  cluster_->run_for(1500);
  FaultId partition = cluster_->sim().network().partition(SimCluster::kClientHost, SimCluster::broker_host(0), true);
  aim(0, 0);
  Sent s = send(CommunicationMode::kOneway);
  ASSERT_TRUE(std::holds_alternative<SendResult>(*s.outcome));
  EXPECT_EQ(s.took(), 0);
  cluster_->run_for(5000);
  EXPECT_EQ(stored(0), 0u);
  cluster_->sim().network().heal(partition);
  cluster_->run_for(10);
  EXPECT_EQ(stored(0), 1u);
}

// --- Latency fault tolerance ----------------------------------------------------------------------------------

// sendLatencyFaultEnable with a slow broker-0 (its send handler answers after 600 ms). The successful send's
// latency 600 >= 550 gives broker-0 a not-available window of 30000 ms (4.9.8 table) or 2000 ms (v5 table);
// inside it every send goes to broker-1, from its end broker-0 is chosen again.
TEST_F(ProducerScenario, SlowBrokerIsAvoidedForItsNotAvailableWindow) {
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    const int64_t window = profile == Profile::kV5 ? 2000 : 30'000;
    make();
    ProducerOptions o = options(profile);
    o.send_latency_fault_enable = true;
    start(o);
    warm_route();
    fault_sends(0, FaultAction::kSlowHandler, 600);
    aim(0, 0);
    Sent slow = send_sync();
    EXPECT_EQ(slow.result().queue.broker_name, "broker-0");
    EXPECT_EQ(slow.took(), 600);
    EXPECT_EQ(fault_updates(slow.send_id), (std::vector<std::string>{"broker-0 600"}));
    const int64_t t1 = slow.end_ms;
    EXPECT_EQ(not_available_until("broker-0"), t1 + window);

    // Sends spread over the window, unaimed: all on broker-1, each recorded with its (0 ms) latency.
    for (int k = 1; k <= 8; ++k) {
      run_to(t1 + k * (window / 10));
      Sent s = send_sync();
      EXPECT_EQ(s.result().queue.broker_name, "broker-1") << "at +" << k * (window / 10);
      EXPECT_EQ(fault_updates(s.send_id), (std::vector<std::string>{"broker-1 0"}));
    }
    // The last millisecond of the window, aimed at broker-0: skipped.
    run_to(t1 + window - 1);
    aim(0, 0);
    Sent inside = send_sync();
    EXPECT_EQ(inside.result().queue, (client::MessageQueue{kTopic, "broker-1", 0}));
    // Its end: broker-0 again (and, still slow, a new window).
    run_to(t1 + window);
    aim(0, 0);
    Sent after = send_sync();
    EXPECT_EQ(after.result().queue, (client::MessageQueue{kTopic, "broker-0", 0}));
    EXPECT_EQ(fault_updates(after.send_id), (std::vector<std::string>{"broker-0 600"}));
    EXPECT_EQ(not_available_until("broker-0"), t1 + window + 600 + window);
  }
}

// The same with the slowness in the network instead of the broker: a slow link adding 300 ms each way between
// the client and broker-0 makes the send's latency 600 ms — the window is the same 30000 ms (4.9.8).
TEST_F(ProducerScenario, SlowLinkGivesTheSameWindowAsASlowBroker) {
  make();
  ProducerOptions o = options();
  o.send_latency_fault_enable = true;
  start(o);
  warm_route();
  open_channel(0);
  open_channel(1);
  cluster_->sim().network().slow(SimCluster::kClientHost, SimCluster::broker_host(0), true, runtime::millis(300), 0);
  aim(0, 0);
  Sent slow = send_sync();
  EXPECT_EQ(slow.result().queue.broker_name, "broker-0");
  EXPECT_EQ(slow.took(), 600);
  EXPECT_EQ(fault_updates(slow.send_id), (std::vector<std::string>{"broker-0 600"}));
  EXPECT_EQ(not_available_until("broker-0"), slow.end_ms + 30'000);
  run_to(slow.end_ms + 29'999);
  aim(0, 0);
  EXPECT_EQ(attempted(send_sync().send_id), (Brokers{"broker-1"}));
  run_to(slow.end_ms + 30'000);
  aim(0, 0);
  EXPECT_EQ(attempted(send_sync().send_id), kB0);
}

// A broker error isolates the broker: updateFaultItem(isolation = true) is looked up as 30000 ms (4.9.8:
// 600 000 ms window) or 10000 ms (v5: 10 000 ms window). The retry goes to broker-1.
TEST_F(ProducerScenario, BrokerErrorIsolatesTheBrokerForTheProfilesWindow) {
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    const int64_t window = profile == Profile::kV5 ? 10'000 : 600'000;
    make();
    ProducerOptions o = options(profile);
    o.send_latency_fault_enable = true;
    start(o);
    warm_route();
    answer_sends(0, 1);
    aim(0, 0);
    Sent s = send_sync();
    EXPECT_EQ(s.result().queue.broker_name, "broker-1");
    EXPECT_EQ(attempted(s.send_id), kB0B1);
    EXPECT_EQ(fault_updates(s.send_id), (std::vector<std::string>{"broker-0 0 isolation", "broker-1 0"}));
    EXPECT_EQ(not_available_until("broker-0"), s.begin_ms + window);
    if (profile == Profile::kV5) {
      EXPECT_FALSE(producer_->fault_strategy().tolerance().is_reachable("broker-0"));
    }
    heal_broker(0);

    run_to(s.begin_ms + window - 1);
    aim(0, 0);
    Sent inside = send_sync();
    EXPECT_EQ(attempted(inside.send_id), (Brokers{"broker-1"}));
    run_to(s.begin_ms + window);
    aim(0, 0);
    Sent after = send_sync();
    EXPECT_EQ(attempted(after.send_id), kB0);
  }
}

// v5 ThreadLocalIndex.reset() (every retry while latency tolerance is on) stores random.nextInt(Integer.MAX_VALUE),
// a value in [0, 2^31 - 1); SendQueueIndex::reset asserts it gets such a draw.
TEST_F(ProducerScenario, V5RetryResetsTheIndexToANonNegativeDraw) {
  make();
  ProducerOptions o = options(Profile::kV5);
  o.send_latency_fault_enable = true;
  start(o);
  warm_route();
  answer_sends(0, 1);
  answer_sends(1, 1);
  auto info = producer_->topic_publish_info_table().at(kTopic);
  for (int i = 0; i < 16; ++i) {
    Sent s = send_sync();
    EXPECT_EQ(attempted(s.send_id).size(), 3u);
    // Two resets per send, each followed by at most n increments.
    EXPECT_GE(info->send_which_queue.value(), 0) << "send " << i;
  }
}

// --- ASYNC ------------------------------------------------------------------------------------------------------

// An async request nobody answers is found by the response-table scan (first run 3000 ms after start, then
// every 1000 ms; expired once begin + timeout + 1000 <= now). Sent at 5250 with timeout 3000, it is found by
// the scan at 10000 (4750 ms later).
//   4.9.8: "wait response timeout 3000ms", retried with timeout - cost = -1750: on broker-1 invokeAsync's check
//     fails at once ("invokeAsync call the addr[10.0.0.2:10911] timeout", a RemotingTooMuchRequestException,
//     retried), then on broker-0 the same; the user gets the last one.
//   v5: "wait response timeout, cost=4750" and no retry, the budget being spent.
TEST_F(ProducerScenario, AsyncLostResponseIsFoundByTheScan) {
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    make();
    start(options(profile));
    warm_route();
    open_channel(0);
    open_channel(1);
    fault_sends(0, FaultAction::kNoAnswer);
    run_to(5250);
    aim(0, 0);
    Sent s = send(CommunicationMode::kAsync);
    EXPECT_EQ(s.end_ms, 10'000);
    ClientError e = s.error();
    if (profile == Profile::kV4_9_8) {
      EXPECT_EQ(e.exception, JavaException::kRemotingTooMuchRequestException);
      EXPECT_EQ(e.message, "invokeAsync call the addr[10.0.0.1:10911] timeout");
      EXPECT_EQ(attempted(s.send_id), kB0B1B0);
      EXPECT_EQ(budgets(s.send_id), (std::vector<int64_t>{3000, -1750, -1750}));
      EXPECT_EQ(attempt_errors(s.send_id),
                (std::vector<std::string>{
                    "RemotingTimeoutException: wait response timeout 3000ms",
                    "RemotingTooMuchRequestException: invokeAsync call the addr[10.0.0.2:10911] timeout",
                    "RemotingTooMuchRequestException: invokeAsync call the addr[10.0.0.1:10911] timeout"}));
    } else {
      EXPECT_EQ(e.exception, JavaException::kMQClientException);
      EXPECT_EQ(e.message, "wait response timeout, cost=4750");
      EXPECT_EQ(attempted(s.send_id), kB0);
    }
    EXPECT_EQ(stored(1), 0u);
  }
}

// A broker's error answer is never retried in ASYNC mode, whatever the retry set says.
TEST_F(ProducerScenario, AsyncBrokerErrorIsNotRetried) {
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    make();
    start(options(profile));
    warm_route();
    answer_sends(0, 17, "topic[TopicTest] not exist, apply first please!");
    aim(0, 0);
    Sent s = send(CommunicationMode::kAsync);
    ClientError e = s.error();
    EXPECT_EQ(e.exception, JavaException::kMQBrokerException);
    EXPECT_EQ(e.code, 17);
    EXPECT_EQ(e.message, "CODE: 17  DESC: topic[TopicTest] not exist, apply first please! BROKER: " + kAddr0);
    EXPECT_EQ(attempted(s.send_id), kB0);
  }
}

// An async transport failure (here: broker-0 refuses connections) is retried with the *same* request under a
// new opaque: the header keeps the first attempt's queueId (e = 3) and broker name (n = broker-0). broker-1
// stores the message in its queue 3, and the SendResult names broker-1 with the queue id broker-1 answered.
TEST_F(ProducerScenario, AsyncRetryKeepsTheOriginalQueueIdAndBrokerName) {
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    make();
    start(options(profile));
    warm_route();
    cluster_->sim().network().refuse(kAddr0);
    aim(0, 3);
    Sent s = send(CommunicationMode::kAsync);
    SendResult r = s.result();
    EXPECT_EQ(r.queue, (client::MessageQueue{kTopic, "broker-1", 3}));
    EXPECT_EQ(r.queue_offset, 0);
    EXPECT_EQ(cluster_->broker(1).max_offset(kTopic, 3), 1);
    EXPECT_EQ(cluster_->broker(1).max_offset(kTopic, 0), 0);
    EXPECT_EQ(attempted(s.send_id), kB0B1);
    auto sent = attempts(s.send_id);
    ASSERT_EQ(sent.size(), 2u);
    EXPECT_EQ(sent[0].queue->queue_id, 3);
    EXPECT_EQ(sent[0].broker_addr, kAddr0);
    EXPECT_EQ(sent[1].queue->queue_id, 3);
    EXPECT_EQ(sent[1].broker_addr, kAddr1);
    EXPECT_EQ(attempt_errors(s.send_id)[0], "RemotingConnectException: connect to <10.0.0.1:10911> failed");
    EXPECT_EQ(s.took(), 0);
  }
}

// Latency tolerance on, an ASYNC send whose first broker refuses the connection. 4.9.8: the failure isolates
// broker-0 (inside sendMessageAsync), the retry goes to broker-1, and then sendDefaultImpl — whose call only now
// returns — records broker-0's short latency as a success, which in 4.9.8 overwrites the isolation: broker-0 is
// available again at once. v5 only ever extends a window, so broker-0 stays out for its 10000 ms.
TEST_F(ProducerScenario, AsyncConnectFailureIsolationAndTheLaterSuccessUpdate) {
  for (Profile profile : kProfiles) {
    SCOPED_TRACE(client::profile_name(profile));
    make();
    ProducerOptions o = options(profile);
    o.send_latency_fault_enable = true;
    start(o);
    warm_route();
    cluster_->sim().network().refuse(kAddr0);
    aim(0, 0);
    Sent s = send(CommunicationMode::kAsync);
    EXPECT_EQ(s.result().queue.broker_name, "broker-1");
    EXPECT_EQ(attempted(s.send_id), kB0B1);
    if (profile == Profile::kV4_9_8) {
      EXPECT_EQ(fault_updates(s.send_id),
                (std::vector<std::string>{"broker-0 0 isolation", "broker-0 0", "broker-1 0"}));
      EXPECT_EQ(not_available_until("broker-0"), s.begin_ms);
    } else {
      EXPECT_EQ(not_available_until("broker-0"), s.begin_ms + 10'000);
    }
  }
}

// The same, looking at the request broker-1's server received (its send handler replaced by a recorder that
// answers like a broker storing into the requested queue).
TEST_F(ProducerScenario, AsyncRetryRequestOnTheWireCarriesTheFirstAttemptsHeader) {
  make();
  start(options());
  warm_route();
  std::vector<remoting::RemotingCommand> received;
  cluster_->broker(1).server().dispatcher().register_handler(
      310, [&received](const remoting::RequestContext&, remoting::RemotingCommand request,
                       remoting::Responder respond) {
        received.push_back(request);
        remoting::RemotingCommand response = remoting::make_response(request, 0);
        response.set_ext("msgId", "0A00000200002A9F0000000000000000");
        response.set_ext("queueId", std::string(request.ext("e").value_or("-1")));
        response.set_ext("queueOffset", "0");
        response.set_ext("MSG_REGION", "DefaultRegion");
        response.set_ext("TRACE_ON", "true");
        respond(std::move(response));
      });
  cluster_->sim().network().refuse(kAddr0);
  aim(0, 3);
  Sent s = send(CommunicationMode::kAsync);
  SendResult r = s.result();
  EXPECT_EQ(r.queue, (client::MessageQueue{kTopic, "broker-1", 3}));
  ASSERT_EQ(received.size(), 1u);
  auto header = protocol::SendMessageRequestHeaderV2::from_ext(received[0].ext_fields.value_or(remoting::ExtFields{}));
  ASSERT_TRUE(header.ok()) << header.error().message;
  EXPECT_EQ(header->e, 3);
  EXPECT_EQ(header->n, std::optional<std::string>("broker-0"));
  EXPECT_EQ(header->b, kTopic);
  auto properties = protocol::decode_properties(header->i.value_or(""));
  EXPECT_EQ(protocol::find_property(properties, "UNIQ_KEY"), std::optional<std::string_view>(r.msg_id));
}

// The observer's contract (send_events.h): one kAttempt per request about to go out. An ASYNC send's first
// request is reported twice, by sendDefaultImpl's attempt and again by the async chain's.
TEST_F(ProducerScenario, AsyncSendReportsEachRequestOnce) {
  make();
  start(options());
  warm_route();
  aim(0, 0);
  Sent s = send(CommunicationMode::kAsync);
  EXPECT_EQ(s.result().queue.broker_name, "broker-0");
  EXPECT_EQ(events(s.send_id, SendEventType::kAttempt).size(), 1u);
  EXPECT_EQ(events(s.send_id, SendEventType::kAttemptResult).size(), 1u);
}

// A SEND_OK answer without any extFields. Java's decodeCommandCustomHeader skips every field check when
// extFields is null, and processSendResponse then unboxes the null queueId: a NullPointerException, which no
// catch block of sendDefaultImpl handles — it reaches the user after one attempt, never retried.
TEST_F(ProducerScenario, SuccessAnswerWithoutExtFieldsIsNotRetried) {
  make();
  start(options());
  warm_route();
  for (int b : {0, 1}) {
    cluster_->broker(b).server().dispatcher().register_handler(
        310, [](const remoting::RequestContext&, remoting::RemotingCommand request, remoting::Responder respond) {
          remoting::RemotingCommand response = remoting::make_response(request, 0);
          response.ext_fields.reset();
          respond(std::move(response));
        });
  }
  aim(0, 0);
  Sent s = send_sync();
  s.error();
  EXPECT_EQ(attempted(s.send_id), kB0);
}

}  // namespace
}  // namespace rmq::sim
