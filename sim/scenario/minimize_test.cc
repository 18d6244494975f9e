#include "sim/scenario/minimize.h"

#include <gtest/gtest.h>

#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_runner.h"

namespace rmq::scenario {
namespace {

// The canary of issue 8: the default campaign with a deliberately wrong retry count fails, and minimize cuts the
// seed's fault mix down to a handful that still fails the same check; the written case parses and replays.
TEST(Minimize, CanaryReducesToAHandfulOfFaults) {
  auto s = load_scenario(std::string(RMQSIM_SCENARIOS_DIR) + "/default.textproto");
  ASSERT_TRUE(s.ok());
  s->mutable_break_client()->set_extra_sync_retries(2);
  uint64_t failing = 0;
  for (uint64_t seed = 1; seed <= 30 && failing == 0; ++seed)
    if (!run_scenario(*s, seed).passed() && materialize(*s, seed).faults_size() >= 4) failing = seed;
  ASSERT_NE(failing, 0u) << "the broken retry count never failed";
  auto result = minimize(*s, failing);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_LE(result->faults_after, 3u);
  EXPECT_LT(result->faults_after, result->faults_before);
  EXPECT_TRUE(result->target_checks.count("send.attempts") == 1);
  EXPECT_FALSE(result->run.passed());
  auto again = parse_scenario(to_textproto(result->scenario), "minimized.textproto");
  ASSERT_TRUE(again.ok()) << again.error().message;
  RunResult replay = run_scenario(*again, failing);
  EXPECT_EQ(replay.digest, result->run.digest);
  EXPECT_FALSE(replay.passed());
}

// A failure that needs no fault at all (consumers subscribed to everything) keeps none.
TEST(Minimize, AFailureWithoutFaultsKeepsNone) {
  auto s = load_scenario(std::string(RMQSIM_SCENARIOS_DIR) + "/tag_filter.textproto");
  ASSERT_TRUE(s.ok());
  s->mutable_break_client()->set_ignore_subscription(true);
  auto result = minimize(*s, 1);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_GT(result->faults_before, 0u);
  EXPECT_EQ(result->faults_after, 0u);
  EXPECT_EQ(result->scenario.faults_size(), 0);
  EXPECT_FALSE(result->scenario.swarm().enabled());
  EXPECT_TRUE(result->target_checks.count("delivery.subscription") == 1);
  EXPECT_FALSE(run_scenario(result->scenario, 1).passed());
}

TEST(Minimize, APassingSeedIsRefused) {
  auto s = load_scenario(std::string(RMQSIM_SCENARIOS_DIR) + "/system_busy.textproto");
  ASSERT_TRUE(s.ok());
  auto result = minimize(*s, 1);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "seed 1 passes every check: nothing to minimize");
}

}  // namespace
}  // namespace rmq::scenario
