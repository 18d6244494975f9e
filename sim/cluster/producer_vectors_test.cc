// The producer vectors of the Java unit tests (spec §10: DefaultMQProducerTest, ValidatorsTest), run in the
// simulator against the fake nameserver and brokers instead of a mocked MQClientAPIImpl: what the Java tests
// assert, plus what the real exchange shows (e.g. the compressed body as the broker stored it).
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/message_codec.h"
#include "core/protocol/pull_headers.h"
#include "core/protocol/request_code.h"
#include "core/protocol/sys_flags.h"
#include "core/remoting/remoting_client.h"
#include "sim/cluster/sim_cluster.h"

namespace rmq::sim {
namespace {

using client::ClientError;
using client::JavaException;
using client::Profile;
using producer::Message;
using producer::Producer;
using producer::ProducerOptions;
using producer::SendOutcome;
using producer::SendResult;
using producer::SendStatus;

const std::string kTopic = "TopicTest";

class ProducerVectors : public ::testing::Test {
 protected:
  void TearDown() override {
    producers_.clear();
    cluster_.reset();
  }
  void make(ClusterOptions options = {}) {
    producers_.clear();
    cluster_ = std::make_unique<SimCluster>(std::move(options));
  }
  // DefaultMQProducerTest's producer: compressMsgBodyOverHowmuch 16.
  ProducerOptions java_test_options(Profile profile = Profile::kV4_9_8) {
    ProducerOptions o = cluster_->producer_options("PG" + std::to_string(producers_.size()));
    o.compress_msg_body_over_howmuch = 16;
    o.client.profile = profile;
    return o;
  }
  Producer& start(ProducerOptions o) {
    producers_.push_back(cluster_->make_producer(std::move(o)));
    auto error = producers_.back()->start();
    EXPECT_FALSE(error.has_value()) << error->message;
    return *producers_.back();
  }

  SendOutcome send_sync(Producer& p, Message msg) {
    std::optional<SendOutcome> out;
    p.send(std::move(msg), [&](SendOutcome o) { out = std::move(o); });
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 60'000));
    return out.value_or(SendOutcome{ClientError{}});
  }
  SendOutcome send_async(Producer& p, Message msg, std::optional<int64_t> timeout = std::nullopt) {
    std::optional<SendOutcome> out;
    int calls = 0;
    auto callback = [&](SendOutcome o) {
      ++calls;
      out = std::move(o);
    };
    if (timeout) p.send_async(std::move(msg), *timeout, callback);
    else p.send_async(std::move(msg), callback);
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 60'000));
    cluster_->run_for(100);
    EXPECT_EQ(calls, 1);
    return out.value_or(SendOutcome{ClientError{}});
  }
  std::optional<ClientError> send_oneway(Producer& p, Message msg) {
    std::optional<std::optional<ClientError>> out;
    p.send_oneway(std::move(msg), [&](std::optional<ClientError> e) { out = std::move(e); });
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 60'000));
    return out.value_or(ClientError{});
  }

  // PULL_MESSAGE from a separate client host: what `broker` stored in (topic, queue).
  std::vector<protocol::StoredMessage> pull(int broker, const std::string& topic, int32_t queue) {
    remoting::RemotingClient client(cluster_->sim().host("10.0.1.99"));
    protocol::PullMessageRequestHeader header;
    header.consumerGroup = "VectorsPuller";
    header.topic = topic;
    header.queueId = queue;
    header.queueOffset = 0;
    header.maxMsgNums = 32;
    header.sysFlag = protocol::pull_sys_flag::build(false, false, true, false);
    header.subscription = "*";
    header.expressionType = "TAG";
    auto request = remoting::make_request(protocol::request_code::kPullMessage, client.next_opaque(), header.to_ext());
    std::optional<remoting::InvokeResult> result;
    client.invoke_sync(SimCluster::broker_address(broker), request, 3000,
                       [&](remoting::InvokeResult r) { result = std::move(r); });
    EXPECT_TRUE(cluster_->run_until([&] { return result.has_value(); }, 10'000));
    if (!result || !remoting::invoke_ok(*result)) {
      ADD_FAILURE() << "pull failed";
      return {};
    }
    const auto& response = std::get<remoting::RemotingCommand>(*result);
    EXPECT_EQ(response.code, 0) << response.remark.value_or("");
    return protocol::decode_stored_messages(response.body);
  }

  int broker_of(const SendResult& r) { return r.queue.broker_name == "broker-0" ? 0 : 1; }
  uint64_t sends_received() {
    return cluster_->broker(0).stats().messages_stored + cluster_->broker(1).stats().messages_stored;
  }

  std::unique_ptr<SimCluster> cluster_;
  std::vector<std::unique_ptr<Producer>> producers_;
};

SendResult ok(const SendOutcome& o) {
  if (auto* e = std::get_if<ClientError>(&o)) {
    ADD_FAILURE() << "send failed: " << e->message;
    return {};
  }
  return std::get<SendResult>(o);
}

ClientError failed(const SendOutcome& o) {
  if (auto* e = std::get_if<ClientError>(&o)) return *e;
  ADD_FAILURE() << "send succeeded";
  return {};
}

// DefaultMQProducerTest.testSendMessage_ZeroMessage: "message body length is zero" (MESSAGE_ILLEGAL 13), in
// every mode, before anything is sent.
TEST_F(ProducerVectors, ZeroLengthBodyIsIllegal) {
  make();
  Producer& p = start(java_test_options());
  const std::string text = "CODE: 13  DESC: the message body length is zero";
  ClientError sync = failed(send_sync(p, Message::make(kTopic, "")));
  EXPECT_EQ(sync.exception, JavaException::kMQClientException);
  EXPECT_EQ(sync.code, 13);
  EXPECT_EQ(sync.message, text);
  EXPECT_NE(sync.message.find("message body length is zero"), std::string::npos);
  ClientError async = failed(send_async(p, Message::make(kTopic, "")));
  EXPECT_EQ(async.code, 13);
  EXPECT_EQ(async.message, text);
  auto oneway = send_oneway(p, Message::make(kTopic, ""));
  ASSERT_TRUE(oneway.has_value());
  EXPECT_EQ(oneway->message, text);
  EXPECT_EQ(sends_received(), 0u);
}

TEST_F(ProducerVectors, NullAndOversizedBodiesAreIllegal) {
  make();
  ProducerOptions o = java_test_options();
  o.max_message_size = 10;
  Producer& p = start(o);
  Message null_body = Message::make(kTopic, "x");
  null_body.body.reset();
  ClientError e = failed(send_sync(p, null_body));
  EXPECT_EQ(e.code, 13);
  EXPECT_EQ(e.message, "CODE: 13  DESC: the message body is null");
  e = failed(send_sync(p, Message::make(kTopic, std::string(11, 'x'))));
  EXPECT_EQ(e.code, 13);
  EXPECT_EQ(e.message, "CODE: 13  DESC: the message body size over max value, MAX: 10");
  EXPECT_EQ(ok(send_sync(p, Message::make(kTopic, std::string(10, 'x')))).status, SendStatus::kSendOk);
}

// testSendMessage_NoRoute: a name server that knows no route for the topic (and brokers that do not
// auto-create it): "No route info of this topic: <t>", NOT_FOUND_TOPIC_EXCEPTION 10005.
TEST_F(ProducerVectors, NoRouteInfoOfThisTopic) {
  ClusterOptions options;
  options.auto_create_topic = false;
  make(options);
  Producer& p = start(java_test_options());
  ClientError e = failed(send_sync(p, Message::make("NoRouteTopic", "hello")));
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  EXPECT_EQ(e.code, client::client_error_code::kNotFoundTopicException);
  EXPECT_EQ(e.message, "No route info of this topic: NoRouteTopic");
  ClientError async = failed(send_async(p, Message::make("NoRouteTopic", "hello")));
  EXPECT_EQ(async.message, "No route info of this topic: NoRouteTopic");
  EXPECT_EQ(async.code, client::client_error_code::kNotFoundTopicException);
}

// testSendMessage_NoNameSrv expects "No name server address" — with a mocked MQClientAPIImpl. With a real
// remoting layer (4.9.8 and 5.3.3 alike, spec §3.2) the route lookup comes first: invokeSync(null, ...) finds
// no name-server channel and throws RemotingConnectException(null), which updateTopicRouteInfoFromNameServer
// rethrows as an IllegalStateException that escapes send().
TEST_F(ProducerVectors, EmptyNameServerListEscapesFromTheRouteLookup) {
  make();
  ProducerOptions o = java_test_options();
  o.client.namesrv_addrs.clear();
  Producer& p = start(o);
  ClientError e = failed(send_sync(p, Message::make(kTopic, "hello")));
  EXPECT_EQ(e.exception, JavaException::kIllegalStateException);
  EXPECT_EQ(e.message, "org.apache.rocketmq.remoting.exception.RemotingConnectException: connect to <null> failed");
}

// testSendMessageSync_Success and testSendMessageSync_BodyCompressed: SEND_OK with the broker's offset msgId
// and queue offset; the 28-byte body (>= compressMsgBodyOverHowmuch 16) travels and is stored deflated with
// sysFlag COMPRESSED | ZLIB, and inflates back to the original.
TEST_F(ProducerVectors, SyncSendOkAndTheBodyOverTheThresholdIsStoredCompressed) {
  make();
  Producer& p = start(java_test_options());
  const std::string big = "This is a very huge message!";
  ASSERT_EQ(big.size(), 28u);
  SendResult r = ok(send_sync(p, Message::make(kTopic, big)));
  EXPECT_EQ(r.status, SendStatus::kSendOk);
  EXPECT_EQ(r.queue.topic, kTopic);
  EXPECT_EQ(r.queue_offset, 0);
  EXPECT_EQ(r.offset_msg_id.size(), 32u);
  auto stored = pull(broker_of(r), kTopic, r.queue.queue_id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].msg_id(), r.offset_msg_id);
  EXPECT_TRUE(stored[0].body_compressed());
  EXPECT_EQ(stored[0].sys_flag & protocol::message_sys_flag::kCompressionTypeMask,
            protocol::message_sys_flag::kCompressionZlibType);
  EXPECT_NE(stored[0].body, big);
  auto inflated = protocol::inflate_body(stored[0].body);
  ASSERT_TRUE(inflated.ok());
  EXPECT_EQ(inflated.value(), big);
  EXPECT_EQ(protocol::find_property(stored[0].properties, "UNIQ_KEY"), std::optional<std::string_view>(r.msg_id));

  // Exactly the threshold is compressed too (>=); one byte less is not.
  r = ok(send_sync(p, Message::make(kTopic, std::string(16, 'a'))));
  stored = pull(broker_of(r), kTopic, r.queue.queue_id);
  ASSERT_FALSE(stored.empty());
  EXPECT_TRUE(stored.back().body_compressed());
  r = ok(send_sync(p, Message::make(kTopic, std::string(15, 'b'))));
  stored = pull(broker_of(r), kTopic, r.queue.queue_id);
  ASSERT_FALSE(stored.empty());
  EXPECT_FALSE(stored.back().body_compressed());
  EXPECT_EQ(stored.back().sys_flag, 0);
  EXPECT_EQ(stored.back().body, std::string(15, 'b'));
}

// testSendMessageAsync_Success: send(message, callback, 1000) — the callback gets SEND_OK, once.
TEST_F(ProducerVectors, AsyncSendWithCallbackSucceeds) {
  make();
  Producer& p = start(java_test_options());
  SendResult r = ok(send_async(p, Message::make(kTopic, "hello"), 1000));
  EXPECT_EQ(r.status, SendStatus::kSendOk);
  EXPECT_EQ(r.queue.topic, kTopic);
  EXPECT_EQ(cluster_->broker(broker_of(r)).max_offset(kTopic, r.queue.queue_id), r.queue_offset + 1);
  // The empty-message cases of testSendMessageAsync fail through the callback: no topic.
  ClientError e = failed(send_async(p, Message{}));
  EXPECT_EQ(e.message, "The specified topic is blank");
}

// DefaultMQProducerImpl.send(msg, callback, timeout): the task finds its budget spent when it runs
// (timeout <= cost): RemotingTooMuchRequestException "DEFAULT ASYNC send call timeout", nothing sent.
TEST_F(ProducerVectors, AsyncSendWithoutBudgetFailsBeforeSending) {
  make();
  Producer& p = start(java_test_options());
  ClientError e = failed(send_async(p, Message::make(kTopic, "hello"), 0));
  EXPECT_EQ(e.exception, JavaException::kRemotingTooMuchRequestException);
  EXPECT_EQ(e.message, "DEFAULT ASYNC send call timeout");
  EXPECT_EQ(sends_received(), 0u);
}

// DefaultMQProducer.send(msg) validates before the impl checks the state; the async and oneway entries go
// straight to sendDefaultImpl, which checks the state first.
TEST_F(ProducerVectors, OnlySyncValidatesBeforeTheStateCheck) {
  make();
  auto p = cluster_->make_producer(java_test_options());
  ClientError sync = failed(send_sync(*p, Message::make(kTopic, "")));
  EXPECT_EQ(sync.message, "CODE: 13  DESC: the message body length is zero");
  ClientError async = failed(send_async(*p, Message::make(kTopic, "")));
  EXPECT_EQ(async.message, "The producer service state not OK, CREATE_JUST");
  auto oneway = send_oneway(*p, Message::make(kTopic, ""));
  ASSERT_TRUE(oneway.has_value());
  EXPECT_EQ(oneway->message, "The producer service state not OK, CREATE_JUST");
}

// DefaultMQProducerTest.assertGetRetryResponseCodes (5.3.3: 8 codes); 4.9.8 has the six of ≤ 5.2.
TEST_F(ProducerVectors, RetryResponseCodesPerProfile) {
  make();
  Producer& v4 = start(java_test_options(Profile::kV4_9_8));
  EXPECT_EQ(v4.retry_response_codes().size(), 6u);
  EXPECT_EQ(v4.retry_response_codes(), (std::set<int32_t>{1, 14, 16, 17, 204, 205}));
  Producer& v5 = start(java_test_options(Profile::kV5));
  EXPECT_EQ(v5.retry_response_codes().size(), 8u);
  EXPECT_EQ(v5.retry_response_codes(), (std::set<int32_t>{1, 2, 14, 16, 17, 204, 205, 1500}));
  // An explicit set replaces the profile's.
  ProducerOptions o = java_test_options();
  o.retry_response_codes = std::set<int32_t>{2};
  EXPECT_EQ(start(o).retry_response_codes(), (std::set<int32_t>{2}));
}

// isSendLatencyFaultEnable() and isRetryAnotherBrokerWhenNotStoreOK() are false by default; the other
// DefaultMQProducer defaults of spec §1.1.
TEST_F(ProducerVectors, Defaults) {
  ProducerOptions o;
  EXPECT_FALSE(o.send_latency_fault_enable);
  EXPECT_FALSE(o.retry_another_broker_when_not_store_ok);
  EXPECT_EQ(o.group, "DEFAULT_PRODUCER");
  EXPECT_EQ(o.create_topic_key, "TBW102");
  EXPECT_EQ(o.default_topic_queue_nums, 4);
  EXPECT_EQ(o.send_msg_timeout_ms, 3000);
  EXPECT_EQ(o.compress_msg_body_over_howmuch, 4096);
  EXPECT_EQ(o.retry_times_when_send_failed, 2);
  EXPECT_EQ(o.retry_times_when_send_async_failed, 2);
  EXPECT_EQ(o.max_message_size, 4 * 1024 * 1024);
  EXPECT_EQ(o.send_msg_max_timeout_per_request, -1);
  EXPECT_FALSE(o.retry_response_codes.has_value());
  EXPECT_EQ(o.client.profile, Profile::kV4_9_8);
  make();
  for (Profile profile : {Profile::kV4_9_8, Profile::kV5}) {
    ProducerOptions started_options = cluster_->producer_options("PG" + std::to_string(producers_.size()));
    started_options.client.profile = profile;
    Producer& p = start(started_options);
    EXPECT_FALSE(p.fault_strategy().enabled());
    EXPECT_FALSE(p.options().retry_another_broker_when_not_store_ok);
  }
}

// ValidatorsTest's topic vectors, through send(): the legal names are sent (and auto-created), the illegal
// ones fail with the Validators texts (responseCode -1) before any request.
TEST_F(ProducerVectors, TopicValidationThroughSend) {
  make();
  Producer& p = start(java_test_options());
  for (const std::string& topic : std::vector<std::string>{"Hello", "%RETRY%Hello", "_%RETRY%Hello", "-%RETRY%Hello",
                                                          "223-%RETRY%Hello", std::string(127, 't')}) {
    SCOPED_TRACE(topic);
    SendResult r = ok(send_sync(p, Message::make(topic, "hello")));
    EXPECT_EQ(r.status, SendStatus::kSendOk);
    EXPECT_EQ(r.queue.topic, topic);
  }
  uint64_t before = sends_received();
  struct Case {
    std::string topic;
    std::string message;
  };
  std::vector<Case> cases = {
      {"TOPIC&*^", "The specified topic[TOPIC&*^] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"},
      {"", "The specified topic is blank"},
      {"   ", "The specified topic is blank"},
      {std::string(128, 't'), "The specified topic is longer than topic max length 127."},
  };
  for (const char* forbidden : {"SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC",
                                "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT"}) {
    cases.push_back({forbidden, "Sending message to topic[" + std::string(forbidden) + "] is forbidden."});
  }
  for (const auto& c : cases) {
    SCOPED_TRACE(c.topic);
    ClientError e = failed(send_sync(p, Message::make(c.topic, "hello")));
    EXPECT_EQ(e.exception, JavaException::kMQClientException);
    EXPECT_EQ(e.code, -1);
    EXPECT_EQ(e.message, c.message);
  }
  EXPECT_EQ(sends_received(), before);
  // 4.9.8 no longer refuses TBW102 (≤ 4.7.0 did): it is a system topic but a legal send target.
  EXPECT_EQ(ok(send_sync(p, Message::make("TBW102", "hello"))).queue.topic, "TBW102");
}

// ValidatorsTest.checkGroup and DefaultMQProducerImpl.checkConfig, through start().
TEST_F(ProducerVectors, GroupValidationThroughStart) {
  make();
  struct Case {
    std::string group;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"", "the specified group is blank"},
      {std::string(256, 'g'), "the specified group is longer than group max length 255."},
      {"PG&", "the specified group[PG&] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"},
      {"DEFAULT_PRODUCER", "producerGroup can not equal DEFAULT_PRODUCER, please specify another one."},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.group);
    auto p = cluster_->make_producer(cluster_->producer_options(c.group));
    auto error = p->start();
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->exception, JavaException::kMQClientException);
    EXPECT_EQ(error->code, -1);
    EXPECT_EQ(error->message, c.message);
    EXPECT_EQ(p->state(), client::ServiceState::kStartFailed);
  }
  auto p = cluster_->make_producer(cluster_->producer_options(std::string(255, 'g')));
  EXPECT_FALSE(p->start().has_value());
}

}  // namespace
}  // namespace rmq::sim
