// The consumer's broker calls (ConsumerApi, spec §5.6, §5.10, §5.14, §6.4) and RemoteBrokerOffsetStore (§6.7,
// Java's RemoteBrokerOffsetStoreTest vectors) against the fake broker in the simulator: pull answers and their
// Java exceptions (MQBrokerException, the async MQClientException texts, RemotingException), processPullResult,
// the offset calls, the consumer list, send-back, and readOffset's 4.9.8 error mapping (-1 / -2).
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <regex>

#include "core/consumer/consumer_api.h"
#include "core/consumer/offset_store.h"
#include "core/protocol/subscription_data.h"
#include "core/protocol/sys_flags.h"
#include "sim/cluster/sim_cluster.h"

namespace rmq::sim {
namespace {

using client::ClientError;
using client::JavaException;
using client::MessageQueue;
using consumer::ApiOutcome;
using consumer::PullResult;
using consumer::PullStatus;
using consumer::ReadOffsetType;

constexpr const char* kTopic = "TopicTest";
constexpr const char* kGroup = "CG";

// A consumer the instance heartbeats for, so the broker knows the group.
class GroupMember final : public client::ConsumerInner {
 public:
  protocol::ConsumerData consumer_data() const override {
    protocol::ConsumerData data;
    data.group_name = kGroup;
    data.subscription_data_set = {protocol::build_subscription_data(kTopic, "*", 0)};
    return data;
  }
  std::vector<std::string> subscribed_topics() const override { return {kTopic}; }
  bool is_subscribe_topic_need_update(const std::string&) const override { return false; }
  void update_topic_subscribe_info(const std::string&, const std::set<MessageQueue>&) override {}
  void persist_consumer_offset() override {}
  void do_rebalance(std::function<void()> done) override { done(); }
};

class ConsumerApiSim : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions options;
    options.brokers = 1;
    options.topics = {{kTopic, 1}};
    options.network.default_latency = LatencyDistribution::constant(0);
    cluster_ = std::make_unique<SimCluster>(options);
    client::ClientConfig config;
    config.namesrv_addrs = {SimCluster::name_server_address()};
    config.client_ip = SimCluster::kClientHost;
    config.instance_name = "consumer";
    instance_ = cluster_->client_manager().get_or_create(config);
    ASSERT_FALSE(instance_->start().has_value());
    api_ = std::make_unique<consumer::ConsumerApi>(*instance_);
    store_ = std::make_unique<consumer::RemoteBrokerOffsetStore>(*instance_, *api_, kGroup);
  }
  void TearDown() override {
    store_.reset();
    api_.reset();
    producer_.reset();
    instance_.reset();
    cluster_.reset();
  }

  void refresh_route() {
    bool done = false;
    instance_->update_topic_route(kTopic, std::nullopt, [&](client::RouteUpdate) { done = true; });
    ASSERT_TRUE(cluster_->run_until([&] { return done; }, 10'000));
  }
  producer::SendResult send(std::string body, std::string_view tags = {}) {
    if (!producer_) {
      producer_ = cluster_->make_producer(cluster_->producer_options("PG"));
      EXPECT_FALSE(producer_->start().has_value());
    }
    std::optional<producer::SendOutcome> out;
    producer_->send(producer::Message::make(kTopic, std::move(body), tags), [&](producer::SendOutcome o) { out = o; });
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 10'000));
    auto* result = out ? std::get_if<producer::SendResult>(&*out) : nullptr;
    EXPECT_NE(result, nullptr);
    return result ? *result : producer::SendResult{};
  }
  protocol::PullMessageRequestHeader pull_header(int64_t offset, std::string subscription = "*", int32_t flags = 0) {
    protocol::PullMessageRequestHeader h;
    h.consumerGroup = kGroup;
    h.topic = kTopic;
    h.queueOffset = offset;
    h.maxMsgNums = 32;
    h.sysFlag = protocol::pull_sys_flag::kSubscription | flags;
    h.suspendTimeoutMillis = 15'000;
    h.subscription = std::move(subscription);
    h.expressionType = "TAG";
    h.bname = SimCluster::broker_name(0);
    return h;
  }
  ApiOutcome<PullResult> pull(const protocol::PullMessageRequestHeader& h, int64_t timeout = 30'000,
                              std::string addr = SimCluster::broker_address(0)) {
    std::optional<ApiOutcome<PullResult>> out;
    api_->pull_message(addr, h, timeout, [&](ApiOutcome<PullResult> o) { out = std::move(o); });
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 60'000));
    return out.value_or(ApiOutcome<PullResult>(ClientError{}));
  }
  template <typename T>
  T wait(std::function<void(std::function<void(T)>)> call, int64_t limit_ms = 60'000) {
    std::optional<T> out;
    call([&](T v) { out = std::move(v); });
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, limit_ms));
    return std::move(out).value();
  }
  int64_t read(const MessageQueue& mq, ReadOffsetType type) {
    return wait<int64_t>([&](auto done) { store_->read_offset(mq, type, done); });
  }
  void fault(int32_t request_code, fake::FaultAction action, int32_t code = 1) {
    fake::FaultRule rule;
    rule.request_code = request_code;
    rule.action = action;
    rule.response_code = code;
    rule.remark = "injected";
    fake::BrokerFaults faults;
    faults.rules.push_back(rule);
    cluster_->broker(0).set_faults(faults);
  }
  MessageQueue mq(int32_t queue_id = 0) const { return {kTopic, SimCluster::broker_name(0), queue_id}; }

  std::unique_ptr<SimCluster> cluster_;
  std::shared_ptr<client::ClientInstance> instance_;
  std::unique_ptr<consumer::ConsumerApi> api_;
  std::unique_ptr<consumer::RemoteBrokerOffsetStore> store_;
  std::unique_ptr<producer::Producer> producer_;
};

PullResult found(const ApiOutcome<PullResult>& o) {
  if (auto* e = std::get_if<ClientError>(&o)) ADD_FAILURE() << "pull failed: " << e->message;
  auto* r = std::get_if<PullResult>(&o);
  return r ? *r : PullResult{};
}

ClientError failed(const ApiOutcome<PullResult>& o) {
  auto* e = std::get_if<ClientError>(&o);
  if (!e) ADD_FAILURE() << "pull succeeded";
  return e ? *e : ClientError{};
}

TEST_F(ConsumerApiSim, PullFoundIsDecodedFilteredAndMarked) {
  auto a = send("a", "TagA");
  send("b", "TagB");
  auto c = send("c");  // no TAGS: dropped by a tag filter
  PullResult r = found(pull(pull_header(0)));
  EXPECT_EQ(r.status, PullStatus::kFound);
  EXPECT_EQ(r.next_begin_offset, 3);
  EXPECT_EQ(r.min_offset, 0);
  EXPECT_EQ(r.max_offset, 3);
  EXPECT_EQ(r.suggest_which_broker_id, 0);

  PullResult all = r;
  consumer::process_pull_result(all, mq(), protocol::build_subscription_data(kTopic, "*", 0));
  ASSERT_EQ(all.messages.size(), 3u);
  EXPECT_TRUE(all.message_binary.empty());
  EXPECT_EQ(all.messages[2].msg_id(), c.msg_id);
  EXPECT_EQ(all.messages[2].offset_msg_id(), c.offset_msg_id);

  consumer::process_pull_result(r, mq(), protocol::build_subscription_data(kTopic, "TagA || TagC", 0));
  ASSERT_EQ(r.messages.size(), 1u);
  const auto& m = r.messages[0];
  EXPECT_EQ(m.body(), "a");
  EXPECT_EQ(m.msg_id(), a.msg_id);
  EXPECT_EQ(m.broker_name, SimCluster::broker_name(0));
  EXPECT_EQ(m.property("MIN_OFFSET"), std::optional<std::string_view>("0"));
  EXPECT_EQ(m.property("MAX_OFFSET"), std::optional<std::string_view>("3"));
  EXPECT_FALSE(m.transaction_id.has_value());
}

TEST_F(ConsumerApiSim, PullInflatesCompressedBodies) {
  std::string body(5000, 'z');  // over compressMsgBodyOverHowmuch (4096): stored deflated
  send(body, "TagA");
  PullResult r = found(pull(pull_header(0)));
  consumer::process_pull_result(r, mq(), protocol::build_subscription_data(kTopic, "*", 0));
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_TRUE(r.messages[0].stored.body_compressed()) << "the sysFlag stays as stored, as Java's";
  EXPECT_EQ(r.messages[0].body(), body);
}

TEST_F(ConsumerApiSim, PullStatusesFollowTheResponseCodes) {
  send("a", "TagA");
  PullResult none = found(pull(pull_header(1)));
  EXPECT_EQ(none.status, PullStatus::kNoNewMsg);
  EXPECT_EQ(none.next_begin_offset, 1);
  consumer::process_pull_result(none, mq(), protocol::build_subscription_data(kTopic, "*", 0));
  EXPECT_TRUE(none.messages.empty());
  PullResult moved = found(pull(pull_header(50)));
  EXPECT_EQ(moved.status, PullStatus::kOffsetIllegal);
  EXPECT_EQ(moved.next_begin_offset, 1);
  PullResult unmatched = found(pull(pull_header(0, "TagZ")));
  EXPECT_EQ(unmatched.status, PullStatus::kNoMatchedMsg);
  EXPECT_EQ(consumer::pull_status_name(unmatched.status), "NO_MATCHED_MSG");
}

TEST_F(ConsumerApiSim, PullErrorCodeIsMQBrokerException) {
  fault(11, fake::FaultAction::kRespondCode, 215);
  ClientError e = failed(pull(pull_header(0)));
  EXPECT_EQ(e.exception, JavaException::kMQBrokerException);
  EXPECT_EQ(e.code, 215);
  EXPECT_EQ(e.message, "CODE: 215  DESC: injected BROKER: " + SimCluster::broker_address(0));
}

// pullMessageAsync: no answer -> the response-table scan finds it between timeout + 1 s and timeout + 2 s and
// the callback gets MQClientException("wait response from <addr> timeout :<t>ms. Request: <request>").
TEST_F(ConsumerApiSim, LostPullIsWaitResponseTimeout) {
  fault(11, fake::FaultAction::kNoAnswer);
  cluster_->run_for(100);
  int64_t begin = cluster_->now_ms();
  ClientError e = failed(pull(pull_header(0), 3000));
  int64_t took = cluster_->now_ms() - begin;
  EXPECT_GE(took, 4000);
  EXPECT_LE(took, 5000);
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  EXPECT_EQ(e.code, -1);
  std::string prefix = "wait response from " + SimCluster::broker_address(0) +
                       " timeout :3000ms. Request: RemotingCommand [code=11, language=JAVA, version=409, opaque=";
  EXPECT_EQ(e.message.substr(0, prefix.size()), prefix) << e.message;
  std::regex tail(R"(, flag\(B\)=0, remark=null, extFields=\{.*queueOffset=0.*\}, serializeTypeCurrentRPC=JSON\]$)");
  EXPECT_TRUE(std::regex_search(e.message, tail)) << e.message;
}

TEST_F(ConsumerApiSim, PullOnAClosedChannelIsSendRequestFailed) {
  std::optional<ApiOutcome<PullResult>> out;
  cluster_->run_for(10);
  api_->pull_message(SimCluster::broker_address(0), pull_header(0, "*", protocol::pull_sys_flag::kSuspend), 30'000,
                     [&](ApiOutcome<PullResult> o) { out = std::move(o); });
  cluster_->run_for(500);  // held by the broker's long polling
  ASSERT_FALSE(out.has_value());
  instance_->remoting().close_channel(SimCluster::broker_address(0));
  ASSERT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 1000));
  ClientError e = failed(*out);
  EXPECT_EQ(e.exception, JavaException::kMQClientException);
  std::string prefix =
      "send request failed to " + SimCluster::broker_address(0) + ". Request: RemotingCommand [code=11";
  EXPECT_EQ(e.message.rfind(prefix, 0), 0u) << e.message;
}

TEST_F(ConsumerApiSim, PullToNoBrokerIsTheRemotingExceptionInvokeAsyncThrows) {
  ClientError e = failed(pull(pull_header(0), 30'000, "10.0.0.99:10911"));
  EXPECT_EQ(e.exception, JavaException::kRemotingConnectException);
  EXPECT_EQ(e.message, "connect to <10.0.0.99:10911> failed");
}

TEST_F(ConsumerApiSim, OffsetCallsAnswerTheBrokersOffsets) {
  std::string addr = SimCluster::broker_address(0);
  for (int i = 0; i < 3; ++i) send("m", "TagA");
  auto query = [&] {
    return wait<ApiOutcome<int64_t>>([&](auto d) { api_->query_consumer_offset(addr, kGroup, mq(), 5000, d); });
  };
  EXPECT_EQ(std::get<int64_t>(query()), 0) << "a new group on a young queue: 0 (4.9.8 broker)";
  api_->update_consumer_offset_oneway(addr, kGroup, mq(), 2, 5000);
  cluster_->run_for(100);
  EXPECT_EQ(cluster_->broker(0).consumer_offset(kGroup, kTopic, 0), std::optional<int64_t>(2));
  EXPECT_EQ(std::get<int64_t>(query()), 2);
  auto max = wait<ApiOutcome<int64_t>>([&](auto d) { api_->get_max_offset(addr, mq(), 6000, d); });
  EXPECT_EQ(std::get<int64_t>(max), 3);
  auto first = wait<ApiOutcome<int64_t>>([&](auto d) { api_->search_offset(addr, mq(), 0, 6000, d); });
  EXPECT_EQ(std::get<int64_t>(first), 0);

  fault(14, fake::FaultAction::kRespondCode, 22);
  auto missing = query();
  ASSERT_TRUE(std::holds_alternative<ClientError>(missing));
  EXPECT_EQ(std::get<ClientError>(missing).exception, JavaException::kMQBrokerException);
  EXPECT_EQ(std::get<ClientError>(missing).code, 22);
}

TEST_F(ConsumerApiSim, ConsumerListNeedsAHeartbeat) {
  std::string addr = SimCluster::broker_address(0);
  auto list = [&] {
    return wait<ApiOutcome<std::vector<std::string>>>(
        [&](auto d) { api_->get_consumer_id_list(addr, kGroup, 3000, d); });
  };
  auto none = list();
  ASSERT_TRUE(std::holds_alternative<ClientError>(none));
  EXPECT_EQ(std::get<ClientError>(none).message, "CODE: 1  DESC: no consumer for this group, CG BROKER: " + addr);

  GroupMember member;
  ASSERT_TRUE(instance_->register_consumer(kGroup, &member));
  refresh_route();
  bool beat = false;
  instance_->send_heartbeat_to_all_brokers_with_lock([&] { beat = true; });
  ASSERT_TRUE(cluster_->run_until([&] { return beat; }, 10'000));
  auto ids = list();
  ASSERT_TRUE(std::holds_alternative<std::vector<std::string>>(ids));
  EXPECT_EQ(std::get<std::vector<std::string>>(ids), std::vector<std::string>{instance_->client_id()});
  instance_->forget_consumer(kGroup);
}

TEST_F(ConsumerApiSim, SendBackStoresIntoTheRetryTopic) {
  send("payload", "TagA");
  PullResult r = found(pull(pull_header(0)));
  consumer::process_pull_result(r, mq(), protocol::build_subscription_data(kTopic, "*", 0));
  ASSERT_EQ(r.messages.size(), 1u);
  auto error = wait<std::optional<ClientError>>([&](auto d) {
    api_->consumer_send_message_back(SimCluster::broker_address(0), r.messages[0], kGroup, 0, 5000, 16, d);
  });
  EXPECT_FALSE(error.has_value()) << error->message;
  EXPECT_TRUE(cluster_->broker(0).has_topic("%RETRY%CG"));
}

// LOCK_BATCH_MQ: the queues this client now holds; a queue another client holds is left out.
TEST_F(ConsumerApiSim, LockBatchReturnsTheQueuesNowHeld) {
  auto locked = wait<ApiOutcome<std::set<MessageQueue>>>([&](auto d) {
    api_->lock_batch_mq(SimCluster::broker_address(0), kGroup, {mq(0), mq(1)}, 1000, d);
  });
  ASSERT_TRUE(std::holds_alternative<std::set<MessageQueue>>(locked));
  EXPECT_EQ(std::get<std::set<MessageQueue>>(locked), (std::set<MessageQueue>{mq(0), mq(1)}));
}

// A broker without the processor answers 3: an MQBrokerException.
TEST_F(ConsumerApiSim, LockBatchOnABrokerWithoutItIsMQBrokerException) {
  cluster_->broker(0).server().dispatcher().register_handler(
      41, [](const remoting::RequestContext&, remoting::RemotingCommand request, remoting::Responder respond) {
        respond(remoting::make_response(request, 3, " request type 41 not supported"));
      });
  auto locked = wait<ApiOutcome<std::set<MessageQueue>>>([&](auto d) {
    api_->lock_batch_mq(SimCluster::broker_address(0), kGroup, {mq(0)}, 1000, d);
  });
  ASSERT_TRUE(std::holds_alternative<ClientError>(locked));
  EXPECT_EQ(std::get<ClientError>(locked).code, 3);
}

// RemoteBrokerOffsetStoreTest.testUpdateOffset and testRemoveOffset.
TEST_F(ConsumerApiSim, OffsetStoreUpdateAndRemove) {
  store_->update_offset(mq(1), 1024, false);
  EXPECT_EQ(read(mq(1), ReadOffsetType::kReadFromMemory), 1024);
  store_->update_offset(mq(1), 1023, false);
  EXPECT_EQ(read(mq(1), ReadOffsetType::kReadFromMemory), 1023);
  store_->update_offset(mq(1), 1022, true);
  EXPECT_EQ(read(mq(1), ReadOffsetType::kReadFromMemory), 1023);
  store_->remove_offset(mq(1));
  EXPECT_EQ(read(mq(1), ReadOffsetType::kReadFromMemory), -1);
  std::optional<int64_t> inline_answer;
  store_->read_offset(mq(1), ReadOffsetType::kReadFromMemory, [&](int64_t v) { inline_answer = v; });
  EXPECT_FALSE(inline_answer.has_value()) << "done runs later, from the runtime";
}

// testReadOffset_Success: persist (oneway) then READ_FROM_STORE sees the broker's value. The broker is unknown
// at first: the store refreshes the route once.
TEST_F(ConsumerApiSim, OffsetStorePersistThenReadFromStore) {
  auto q = mq(0);
  for (auto [value, increase_only, expected] :
       std::vector<std::tuple<int64_t, bool, int64_t>>{{1024, false, 1024}, {1023, false, 1023}, {1022, true, 1023}}) {
    store_->update_offset(q, value, increase_only);
    store_->persist(q);
    cluster_->run_for(50);
    EXPECT_EQ(read(q, ReadOffsetType::kReadFromStore), expected);
  }
  store_->update_offset(q, 1025, false);
  store_->persist_all({q});
  cluster_->run_for(50);
  EXPECT_EQ(read(q, ReadOffsetType::kReadFromStore), 1025);
  EXPECT_EQ(cluster_->broker(0).consumer_offset(kGroup, kTopic, 0), std::optional<int64_t>(1025));
}

// testReadOffset_WithException, 4.9.8: any MQBrokerException -> -1, any other exception -> -2.
TEST_F(ConsumerApiSim, OffsetStoreReadErrorsMapAsIn498) {
  refresh_route();
  store_->update_offset(mq(), 1024, false);
  EXPECT_EQ(read(mq(), ReadOffsetType::kMemoryFirstThenStore), 1024) << "memory first";
  fault(14, fake::FaultAction::kRespondCode, 22);
  EXPECT_EQ(read(mq(), ReadOffsetType::kReadFromStore), -1) << "QUERY_NOT_FOUND";
  fault(14, fake::FaultAction::kRespondCode, 1);
  EXPECT_EQ(read(mq(), ReadOffsetType::kReadFromStore), -1) << "SYSTEM_ERROR (5.x: -2)";
  EXPECT_EQ(store_->read_offset_from_memory(mq()), 1024) << "errors leave memory alone";
  fault(14, fake::FaultAction::kNoAnswer);
  int64_t begin = cluster_->now_ms();
  EXPECT_EQ(read(mq(), ReadOffsetType::kReadFromStore), -2) << "RemotingTimeoutException";
  EXPECT_EQ(cluster_->now_ms() - begin, 5000) << "QUERY_CONSUMER_OFFSET waits 5000 ms";
  cluster_->broker(0).set_faults({});
  EXPECT_EQ(read({kTopic, "no-such-broker", 0}, ReadOffsetType::kReadFromStore), -2)
      << "MQClientException: The broker[no-such-broker] not exist";
  EXPECT_EQ(read(mq(), ReadOffsetType::kReadFromStore), 0) << "a new group: the 4.9.8 broker answers 0";
  EXPECT_EQ(store_->read_offset_from_memory(mq()), 0) << "what the store read is kept in memory";
}

TEST_F(ConsumerApiSim, OffsetStorePersistAllForgetsQueuesNoLongerAllocated) {
  refresh_route();
  store_->update_offset(mq(0), 7, false);
  store_->update_offset({kTopic, SimCluster::broker_name(0), 1}, 9, false);
  store_->persist_all({});
  EXPECT_EQ(store_->clone_offset_table("").size(), 2u) << "empty set: nothing happens";
  store_->persist_all({mq(0)});
  cluster_->run_for(50);
  EXPECT_EQ(store_->clone_offset_table(kTopic), (std::map<MessageQueue, int64_t>{{mq(0), 7}}));
  EXPECT_EQ(cluster_->broker(0).consumer_offset(kGroup, kTopic, 0), std::optional<int64_t>(7));
  EXPECT_EQ(cluster_->broker(0).consumer_offset(kGroup, kTopic, 1), std::nullopt);
}

}  // namespace
}  // namespace rmq::sim
