#include "fake_broker/fault_plan.h"

#include <gtest/gtest.h>

namespace rmq::fake {
namespace {

TEST(FaultPlan, ReadsRulesPerBrokerWithAWildcard) {
  auto plan = parse_fault_plan(R"({"brokers": {
      "broker-0": {"rules": [{"requestCode": 310, "action": "respond", "responseCode": 1, "probability": 0.33,
                              "remark": "boom", "fromMs": 5, "untilMs": 60000}]},
      "*": {"writePermissionRevoked": true, "rejectEverySend": false,
            "rules": [{"action": "delay_answer", "delayMs": 4000}]}}})",
                               "plan.json");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  BrokerFaults b0 = faults_for(*plan, "broker-0");
  ASSERT_EQ(b0.rules.size(), 1u);
  EXPECT_EQ(b0.rules[0].request_code, 310);
  EXPECT_EQ(b0.rules[0].response_code, 1);
  EXPECT_DOUBLE_EQ(b0.rules[0].probability, 0.33);
  EXPECT_EQ(b0.rules[0].remark, "boom");
  EXPECT_EQ(b0.rules[0].from_ms, 5);
  EXPECT_EQ(b0.rules[0].until_ms, 60000);
  BrokerFaults other = faults_for(*plan, "broker-7");
  EXPECT_TRUE(other.write_permission_revoked);
  EXPECT_FALSE(other.reject_every_send);
  ASSERT_EQ(other.rules.size(), 1u);
  EXPECT_EQ(other.rules[0].action, FaultAction::kDelayAnswer);
  EXPECT_EQ(other.rules[0].request_code, kAnyRequestCode);
  EXPECT_EQ(other.rules[0].delay_ms, 4000);
}

TEST(FaultPlan, ErrorsNameTheFileAndThePath) {
  struct Case {
    const char* json;
    const char* message;
  } cases[] = {
      {"{", "plan.json: $: not JSON"},
      {R"({"broker": {}})", "plan.json: $.broker: unknown field"},
      {R"({"brokers": {"b": {"rules": [{"action": "explode"}]}}})",
       "plan.json: $.brokers.b.rules[0].action: expected one of respond"},
      {R"({"brokers": {"b": {"rules": [{"probability": 2}]}}})",
       "plan.json: $.brokers.b.rules[0].probability: expected a number from 0 to 1, got 2"},
      {R"({"brokers": {"b": {"rules": [{"requestCode": "310"}]}}})",
       "plan.json: $.brokers.b.rules[0].requestCode: expected an integer"},
      {R"({"brokers": {"b": {"rules": [{"colour": 1}]}}})", "plan.json: $.brokers.b.rules[0].colour: unknown field"},
      {R"({"brokers": {"b": {"rules": [{"fromMs": 9, "untilMs": 1}]}}})",
       "plan.json: $.brokers.b.rules[0]: fromMs is after untilMs"},
  };
  for (const auto& c : cases) {
    auto plan = parse_fault_plan(c.json, "plan.json");
    ASSERT_FALSE(plan.ok()) << c.json;
    EXPECT_EQ(plan.error().message.rfind(c.message, 0), 0u) << plan.error().message;
  }
}

}  // namespace
}  // namespace rmq::fake
