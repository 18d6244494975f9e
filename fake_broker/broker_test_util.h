// Test-only (header-only): a simulated FakeBroker with one topic and typed request builders, for the behaviour
// tests (long polling, membership, faults, crash/restart).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/protocol/heartbeat_data.h"
#include "core/protocol/message_codec.h"
#include "core/protocol/pull_headers.h"
#include "core/protocol/request_code.h"
#include "core/protocol/send_headers.h"
#include "core/protocol/sys_flags.h"
#include "fake_broker/broker.h"
#include "fake_broker/test_env.h"

namespace rmq::fake::test {

namespace rc = protocol::request_code;
using remoting::RemotingCommand;
using remoting::SerializeType;

inline constexpr const char* kTopic = "T";
inline constexpr const char* kBrokerAddress = "127.0.0.1:10911";

class BrokerFixture : public ::testing::Test {
 public:
  void SetUp() override { start({}); }

  void start(BrokerOptions options, uint64_t seed = 1) {
    broker_.reset();  // before the runtime it uses
    env_ = std::make_unique<TestEnv>("sim", seed);
    options.topics.push_back(TopicQueueConfig{kTopic, 4, 4, 6, 0});
    broker_ = std::make_unique<FakeBroker>(env_->runtime(), options);
    ASSERT_TRUE(broker_->start(kBrokerAddress).ok());
  }

  std::unique_ptr<RawConnection> connect() {
    auto c = std::make_unique<RawConnection>(*env_, kBrokerAddress);
    EXPECT_TRUE(c->ok());
    return c;
  }

  RemotingCommand send_request(const std::string& topic, int32_t queue, const std::string& body,
                               const std::string& tags = "TagA", SerializeType ser = SerializeType::kJson) {
    protocol::SendMessageRequestHeaderV2 h;
    h.a = "PG";
    h.b = topic;
    h.c = "TBW102";
    h.d = 4;
    h.e = queue;
    h.g = env_->runtime().wall_clock_ms();
    h.i = std::string("TAGS\x01") + tags;
    RemotingCommand r = remoting::make_request(rc::kSendMessageV2, next_opaque_++, h.to_ext(), ser);
    r.body = body;
    return r;
  }

  RemotingCommand pull_request(const std::string& group, int32_t queue, int64_t offset, int32_t sys_flag,
                               int64_t suspend_ms = 0, const std::string& sub = "*",
                               SerializeType ser = SerializeType::kJson) {
    protocol::PullMessageRequestHeader h;
    h.consumerGroup = group;
    h.topic = kTopic;
    h.queueId = queue;
    h.queueOffset = offset;
    h.maxMsgNums = 32;
    h.sysFlag = sys_flag;
    h.suspendTimeoutMillis = suspend_ms;
    h.subscription = sub;
    h.expressionType = "TAG";
    return remoting::make_request(rc::kPullMessage, next_opaque_++, h.to_ext(), ser);
  }

  RemotingCommand heartbeat_request(const std::string& client_id, const std::string& group,
                                    const std::vector<std::string>& topics) {
    protocol::HeartbeatData hb;
    hb.client_id = client_id;
    protocol::ConsumerData cd;
    cd.group_name = group;
    for (const auto& t : topics) cd.subscription_data_set.push_back(protocol::build_subscription_data(t, "*", 1));
    hb.consumer_data_set.push_back(cd);
    RemotingCommand r = remoting::make_request(rc::kHeartBeat, next_opaque_++);
    r.body = protocol::encode_heartbeat_data(hb);
    return r;
  }

  // Sends and waits for the answer (skipping pushed frames, which are counted).
  std::optional<RemotingCommand> call(RawConnection& c, const RemotingCommand& request, int64_t limit_ms = 5000) {
    c.send(request);
    int64_t deadline = env_->now_ms() + limit_ms;
    while (env_->now_ms() < deadline) {
      auto cmd = c.next_command(deadline - env_->now_ms());
      if (!cmd) return std::nullopt;
      if (cmd->is_response()) return cmd;
      ++pushes_seen_;
    }
    return std::nullopt;
  }

  // Drains pushed code-40 frames that arrived on `c` within `ms`.
  int count_pushes(RawConnection& c, int64_t ms = 50) {
    env_->run_for(ms);
    int n = 0;
    while (!c.frames.empty()) {
      auto cmd = c.next_command(0);
      if (cmd && cmd->code == rc::kNotifyConsumerIdsChanged) ++n;
    }
    return n;
  }

  std::unique_ptr<TestEnv> env_;
  std::unique_ptr<FakeBroker> broker_;
  int32_t next_opaque_ = 1;
  int pushes_seen_ = 0;
};

}  // namespace rmq::fake::test
