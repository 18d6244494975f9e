// Fault hooks in the simulator: every FaultAction, the probability draw (deterministic per seed), the time
// window, write-permission revocation, and crash / restart with the store kept or lost.
#include "fake_broker/broker_test_util.h"
#include "fake_nameserver/name_server.h"

namespace rmq::fake::test {
namespace {

FaultRule make_rule(int32_t code, FaultAction action, int32_t response_code = 1,
                    std::optional<std::string> remark = std::nullopt, double probability = 1.0) {
  FaultRule rule;
  rule.request_code = code;
  rule.action = action;
  rule.response_code = response_code;
  rule.remark = std::move(remark);
  rule.probability = probability;
  return rule;
}

class Faults : public BrokerFixture {
 protected:
  void set_rule(FaultRule rule) {
    BrokerFaults faults;
    faults.rules.push_back(rule);
    broker_->set_faults(faults);
  }
};

TEST_F(Faults, RespondCodeAnswersWithoutHandling) {
  set_rule(make_rule(rc::kSendMessageV2, FaultAction::kRespondCode, 14, std::string("busy"), 1.0));
  auto c = connect();
  auto answer = call(*c, send_request(kTopic, 0, "x"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, 14);
  EXPECT_EQ(answer->remark, "busy");
  EXPECT_EQ(broker_->max_offset(kTopic, 0), 0) << "not stored";
  EXPECT_EQ(broker_->stats().faults_applied, 1u);
}

TEST_F(Faults, DegradedDurabilityCodesStoreAndKeepTheSendHeader) {
  set_rule(make_rule(rc::kSendMessageV2, FaultAction::kRespondCode, 10));  // FLUSH_DISK_TIMEOUT
  auto c = connect();
  auto answer = call(*c, send_request(kTopic, 0, "x"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, 10);
  EXPECT_TRUE(answer->ext("msgId").has_value());
  EXPECT_EQ(broker_->max_offset(kTopic, 0), 1);
}

TEST_F(Faults, WindowLimitsTheRuleInRuntimeTime) {
  FaultRule rule = make_rule(rc::kSendMessageV2, FaultAction::kRespondCode, 2);
  rule.from_ms = 1000;
  rule.until_ms = 2000;
  set_rule(rule);
  auto c = connect();
  EXPECT_EQ(call(*c, send_request(kTopic, 0, "before"))->code, 0);
  env_->run_for(1000);
  EXPECT_EQ(call(*c, send_request(kTopic, 0, "inside"))->code, 2);
  env_->run_for(1000);
  EXPECT_EQ(call(*c, send_request(kTopic, 0, "after"))->code, 0);
}

std::vector<int32_t> codes_with_probability(uint64_t seed) {
  struct Run : BrokerFixture {
    void TestBody() override {}
  } run;
  run.start({}, seed);
  FaultRule rule = make_rule(rc::kSendMessageV2, FaultAction::kRespondCode, 2, std::nullopt, 0.5);
  BrokerFaults faults;
  faults.rules.push_back(rule);
  run.broker_->set_faults(faults);
  auto c = run.connect();
  std::vector<int32_t> codes;
  for (int i = 0; i < 40; ++i) codes.push_back(run.call(*c, run.send_request(kTopic, 0, "p"))->code);
  return codes;
}

TEST(FaultProbability, DrawsFromTheRuntimeSoASeedReplaysTheSameAnswers) {
  auto a = codes_with_probability(7);
  auto b = codes_with_probability(7);
  EXPECT_EQ(a, b);
  auto busy = std::count(a.begin(), a.end(), 2);
  EXPECT_GT(busy, 5);
  EXPECT_LT(busy, 35);
  EXPECT_NE(a, codes_with_probability(8));
}

TEST_F(Faults, NoAnswerStillHandlesTheRequest) {
  set_rule(make_rule(rc::kSendMessageV2, FaultAction::kNoAnswer));
  auto c = connect();
  EXPECT_FALSE(call(*c, send_request(kTopic, 0, "x"), 3000).has_value());
  EXPECT_EQ(broker_->max_offset(kTopic, 0), 1);
}

TEST_F(Faults, DelayAnswerAnswersLaterWithTheEffectAlreadyDone) {
  FaultRule rule = make_rule(rc::kSendMessageV2, FaultAction::kDelayAnswer);
  rule.delay_ms = 4000;
  set_rule(rule);
  auto c = connect();
  int64_t sent_at = env_->now_ms();
  c->send(send_request(kTopic, 0, "x"));
  env_->run_for(100);
  EXPECT_EQ(broker_->max_offset(kTopic, 0), 1);
  EXPECT_TRUE(c->frames.empty());
  auto answer = c->next_command(5000);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, 0);
  EXPECT_GE(env_->now_ms() - sent_at, 4000);
}

TEST_F(Faults, AnswerTwiceRepeatsTheOpaque) {
  set_rule(make_rule(rc::kSendMessageV2, FaultAction::kAnswerTwice));
  auto c = connect();
  RemotingCommand request = send_request(kTopic, 0, "x");
  c->send(request);
  auto first = c->next_command(1000);
  auto second = c->next_command(1000);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->opaque, request.opaque);
  EXPECT_EQ(second->opaque, request.opaque);
  EXPECT_EQ(first->ext("msgId"), second->ext("msgId"));
  EXPECT_EQ(broker_->max_offset(kTopic, 0), 1) << "stored once";
}

TEST_F(Faults, SlowHandlerDelaysTheEffectAndTheAnswer) {
  FaultRule rule = make_rule(rc::kSendMessageV2, FaultAction::kSlowHandler);
  rule.delay_ms = 2000;
  set_rule(rule);
  auto c = connect();
  c->send(send_request(kTopic, 0, "x"));
  env_->run_for(1000);
  EXPECT_EQ(broker_->max_offset(kTopic, 0), 0) << "not handled yet";
  auto answer = c->next_command(2000);
  ASSERT_TRUE(answer && answer->code == 0);
  EXPECT_EQ(broker_->max_offset(kTopic, 0), 1);
}

TEST_F(Faults, RevokedWritePermissionRejectsSendsAndRestrictsTheRoute) {
  BrokerFaults faults;
  faults.write_permission_revoked = true;
  broker_->set_faults(faults);
  for (const auto& t : broker_->registration().topics) EXPECT_EQ(t.perm, 4) << t.topic;
  auto c = connect();
  auto answer = call(*c, send_request(kTopic, 0, "x"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, 16);
  EXPECT_EQ(answer->remark, "the broker[127.0.0.1] sending message is forbidden");
  faults.reject_every_send = false;  // Java's own rule: only order topics are refused
  broker_->set_faults(faults);
  EXPECT_EQ(call(*c, send_request(kTopic, 0, "x"))->code, 0);
}

TEST_F(Faults, CrashDropsConnectionsAndRestartKeepsTheStore) {
  auto c = connect();
  ASSERT_EQ(call(*c, send_request(kTopic, 0, "kept"))->code, 0);
  broker_->crash();
  env_->run_for(100);
  EXPECT_TRUE(c->closed());
  EXPECT_FALSE(broker_->running());
  ASSERT_TRUE(broker_->restart().ok());
  auto again = connect();
  EXPECT_EQ(broker_->max_offset(kTopic, 0), 1);
  auto answer = call(*again, send_request(kTopic, 0, "after"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->ext("queueOffset"), "1");
}

TEST_F(Faults, CrashCanLoseTheStore) {
  BrokerOptions options;
  options.keep_store_on_crash = false;
  start(options);
  auto c = connect();
  ASSERT_EQ(call(*c, send_request("AutoTopic", 0, "lost"))->code, 0);
  EXPECT_TRUE(broker_->has_topic("AutoTopic"));
  broker_->crash();
  ASSERT_TRUE(broker_->restart().ok());
  EXPECT_EQ(broker_->max_offset("AutoTopic", 0), 0);
  EXPECT_FALSE(broker_->has_topic("AutoTopic")) << "auto-created topics go with the store";
  EXPECT_TRUE(broker_->has_topic(kTopic)) << "configured topics come back";
}

TEST_F(Faults, CrashTellsTheNameServerAndRestartRegistersAgain) {
  FakeNameServer ns(env_->runtime());
  ASSERT_TRUE(ns.start("127.0.0.1:9876").ok());
  broker_->attach_name_server(&ns);
  EXPECT_TRUE(ns.route(kTopic).has_value());
  broker_->crash();
  EXPECT_FALSE(ns.route(kTopic).has_value());
  ASSERT_TRUE(broker_->restart().ok());
  EXPECT_TRUE(ns.route(kTopic).has_value());
  broker_->shutdown();
}

}  // namespace
}  // namespace rmq::fake::test
