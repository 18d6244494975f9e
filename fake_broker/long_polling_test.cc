// Long polling in the simulator: a suspended pull is held, woken at once by a matching arrival on its queue,
// left alone by a non-matching one, and answered with the non-suspended result exactly at its timeout — in JSON,
// whatever the request's serialization (as the real broker's wakeup path answers).
#include "fake_broker/broker_test_util.h"

namespace rmq::fake::test {
namespace {

namespace psf = protocol::pull_sys_flag;
constexpr int32_t kSuspendWithSubscription = psf::kSuspend | psf::kSubscription;

class LongPolling : public BrokerFixture {};

TEST_F(LongPolling, HeldPullIsWokenAtOnceByAMessageOnItsQueue) {
  auto consumer = connect();
  auto producer = connect();
  consumer->send(pull_request("G", 0, 0, kSuspendWithSubscription, 15000, "*", SerializeType::kRocketMq));
  env_->run_for(1000);
  EXPECT_TRUE(consumer->frames.empty()) << "held, not answered";
  EXPECT_EQ(broker_->held_pulls(), 1u);

  int64_t sent_at = env_->now_ms();
  auto sent = call(*producer, send_request(kTopic, 0, "wake"));
  ASSERT_TRUE(sent && sent->code == 0);
  auto woken = consumer->next_command(100);
  ASSERT_TRUE(woken.has_value());
  EXPECT_LE(env_->now_ms() - sent_at, 10);
  EXPECT_EQ(woken->code, 0);
  EXPECT_EQ(woken->remark, "FOUND");
  EXPECT_EQ(woken->header_serialize, SerializeType::kJson) << "long-poll answers are JSON, as the real broker's";
  EXPECT_EQ(woken->ext("nextBeginOffset"), "1");
  auto messages = protocol::decode_stored_messages(woken->body);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].body, "wake");
  EXPECT_EQ(broker_->held_pulls(), 0u);
}

TEST_F(LongPolling, TimedOutPullIsAnsweredExactlyAtItsSuspendTime) {
  auto consumer = connect();
  int64_t sent_at = env_->now_ms();
  consumer->send(pull_request("G", 1, 0, kSuspendWithSubscription, 5000));
  env_->run_for(4990);
  EXPECT_TRUE(consumer->frames.empty());
  auto answer = consumer->next_command(100);
  ASSERT_TRUE(answer.has_value());
  // Deliberate deviation: the real broker answers at its next 5 s tick after the timeout (see conformance_test).
  EXPECT_GE(env_->now_ms() - sent_at, 5000);
  EXPECT_LE(env_->now_ms() - sent_at, 5005);
  EXPECT_EQ(answer->code, 19);
  EXPECT_EQ(answer->remark, "NO_MESSAGE_IN_QUEUE");
}

TEST_F(LongPolling, ArrivalThatDoesNotMatchTheFilterLeavesThePullHeld) {
  auto consumer = connect();
  auto producer = connect();
  consumer->send(pull_request("G", 2, 0, kSuspendWithSubscription, 3000, "TagA"));
  env_->run_for(100);
  ASSERT_TRUE(call(*producer, send_request(kTopic, 2, "other-tag", "TagB")).has_value());
  env_->run_for(100);
  EXPECT_TRUE(consumer->frames.empty()) << "TagB does not wake a TagA pull";
  auto answer = consumer->next_command(3000);
  ASSERT_TRUE(answer.has_value());
  // Re-executed at the timeout: the queue now holds a TagB message the filter skips.
  EXPECT_EQ(answer->code, 20);
  EXPECT_EQ(answer->remark, "NO_MATCHED_MESSAGE");
}

TEST_F(LongPolling, ArrivalOnAnotherQueueDoesNotWake) {
  auto consumer = connect();
  auto producer = connect();
  consumer->send(pull_request("G", 0, 0, kSuspendWithSubscription, 2000));
  ASSERT_TRUE(call(*producer, send_request(kTopic, 3, "elsewhere")).has_value());
  env_->run_for(500);
  EXPECT_TRUE(consumer->frames.empty());
  EXPECT_EQ(broker_->held_pulls(), 1u);
}

TEST_F(LongPolling, WithoutTheSuspendFlagTheAnswerIsImmediate) {
  auto consumer = connect();
  auto answer = call(*consumer, pull_request("G", 0, 0, psf::kSubscription, 15000));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, 19);
  EXPECT_EQ(broker_->held_pulls(), 0u);
}

TEST_F(LongPolling, HeldPullOfAClosedConnectionIsDropped) {
  auto consumer = connect();
  consumer->send(pull_request("G", 0, 0, kSuspendWithSubscription, 15000));
  env_->run_for(100);
  ASSERT_EQ(broker_->held_pulls(), 1u);
  consumer->close();
  env_->run_for(100);
  EXPECT_EQ(broker_->held_pulls(), 0u);
}

TEST_F(LongPolling, SuspendTimeIsCappedByTheBrokerOption) {
  BrokerOptions options;
  options.long_polling_suspend_max_ms = 1000;
  start(options);
  auto consumer = connect();
  int64_t sent_at = env_->now_ms();
  auto answer = call(*consumer, pull_request("G", 0, 0, kSuspendWithSubscription, 15000), 20000);
  ASSERT_TRUE(answer.has_value());
  EXPECT_LE(env_->now_ms() - sent_at, 1005);
}

}  // namespace
}  // namespace rmq::fake::test
