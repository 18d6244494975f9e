#include "sim/scenario/scenario_runner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/swarm.h"

namespace rmq::scenario {
namespace {

std::string path_of(const std::string& name) { return std::string(RMQSIM_SCENARIOS_DIR) + "/" + name; }

pb::Scenario load(const std::string& name) {
  auto s = load_scenario(path_of(name));
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? *s : pb::Scenario{};
}

std::string describe(const RunResult& r) {
  std::string out = r.scenario + " seed " + std::to_string(r.seed) + " digest " + r.digest + "\n";
  for (const auto& f : r.faults) out += "  fault " + describe_fault(f) + "\n";
  for (const auto& c : r.checks)
    out += "  " + std::string(c.passed ? "PASS " : "FAIL ") + c.name + "\n" + c.detail.substr(0, 4000) + "\n";
  if (!r.error.empty()) out += "error: " + r.error + "\n";
  return out;
}

// A named scenario's file states its canary: "# Canary: --break NAME[=N] ... fails <check>."
struct Canary {
  std::string name, value, check;
};
Canary canary_of(const std::string& file) {
  std::ifstream in(path_of(file));
  std::stringstream text;
  text << in.rdbuf();
  std::string all = std::regex_replace(text.str(), std::regex("\n# "), " ");
  std::smatch m;
  EXPECT_TRUE(std::regex_search(all, m, std::regex(R"(Canary: --break ([a-z_]+)(=([0-9]+))? .*?fails\s+([a-z_]+(\.[a-z_]+)*))")))
      << file << " states no canary";
  return m.empty() ? Canary{} : Canary{m[1], m[3], m[4]};
}

void apply(pb::Scenario& s, const Canary& c) {
  auto* brk = s.mutable_break_client();
  const auto* field = brk->GetDescriptor()->FindFieldByName(c.name);
  ASSERT_NE(field, nullptr) << c.name;
  const auto* refl = brk->GetReflection();
  if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_BOOL) refl->SetBool(brk, field, true);
  else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_INT32) refl->SetInt32(brk, field, std::stoi(c.value));
  else refl->SetInt64(brk, field, std::stoll(c.value));
}

const CheckVerdict* verdict(const RunResult& r, const std::string& name) {
  for (const auto& c : r.checks)
    if (c.name == name) return &c;
  return nullptr;
}

class NamedScenario : public ::testing::TestWithParam<const char*> {};

// Each named scenario passes with the correct client (two seeds) and its canary check fails against the broken
// option its file names.
TEST_P(NamedScenario, PassesAndItsCanaryFails) {
  const std::string file = GetParam();
  pb::Scenario s = load(file);
  for (uint64_t seed : {1, 2}) {
    RunResult r = run_scenario(s, seed);
    EXPECT_TRUE(r.passed()) << describe(r);
    EXPECT_GT(r.stats.sends_ok, 100u) << describe(r);
    EXPECT_FALSE(r.faults.empty());
  }
  Canary canary = canary_of(file);
  pb::Scenario broken = s;
  apply(broken, canary);
  RunResult r = run_scenario(broken, 1);
  const CheckVerdict* v = verdict(r, canary.check);
  ASSERT_NE(v, nullptr) << canary.check << "\n" << describe(r);
  EXPECT_FALSE(v->passed) << describe(r);
  EXPECT_FALSE(v->detail.empty());
}

INSTANTIATE_TEST_SUITE_P(Scenarios, NamedScenario,
                         ::testing::Values("broker_failover.textproto", "topic_not_exist_storm.textproto",
                                           "system_busy.textproto", "slow_broker_latency_tolerance.textproto",
                                           "partition_during_rebalance.textproto", "consumer_churn.textproto",
                                           "namesrv_outage.textproto", "lost_and_late_responses.textproto",
                                           "tag_filter.textproto", "flush_disk_timeout.textproto"),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           return name.substr(0, name.find('.'));
                         });

TEST(ScenarioRunner, DefaultCampaignSeedsPass) {
  pb::Scenario s = load("default.textproto");
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    RunResult r = run_scenario(s, seed);
    EXPECT_TRUE(r.passed()) << describe(r);
    EXPECT_GT(r.stats.sends, 500u) << describe(r);
    EXPECT_GT(r.stats.consumed, 100u) << describe(r);
  }
}

// Nothing answers a oneway send, so the delivery check promises nothing about it (its messages are still
// delivered, counted as consumed without a send result).
TEST(ScenarioRunner, OnewaySendsAreDeliveredButNotPromised) {
  pb::Scenario s = load("default.textproto");
  s.mutable_producers()->DeleteSubrange(1, s.producers_size() - 1);  // the ONEWAY producer alone
  s.mutable_producers(0)->set_mode(pb::ONEWAY);
  for (uint64_t seed : {1, 2}) {
    RunResult r = run_scenario(s, seed);
    EXPECT_TRUE(r.passed()) << describe(r);
    EXPECT_GT(r.stats.deliveries, 300u) << describe(r);
    EXPECT_EQ(r.stats.consumed, 0u) << describe(r);
  }
}

TEST(ScenarioRunner, SameSeedSameDigestOtherSeedOtherDigest) {
  pb::Scenario s = load("default.textproto");
  RunResult a = run_scenario(s, 11), b = run_scenario(s, 11), c = run_scenario(s, 12);
  EXPECT_EQ(a.digest, b.digest);
  EXPECT_EQ(a.events, b.events);
  EXPECT_NE(a.digest, c.digest);
  EXPECT_EQ(a.digest.size(), 16u);
}

// The seed's swarm draws written out as scripted faults replay the very same run (what minimize relies on).
TEST(ScenarioRunner, MaterializedSwarmReplaysTheSameRun) {
  pb::Scenario s = load("default.textproto");
  for (uint64_t seed : {3, 4}) {
    pb::Scenario m = materialize(s, seed);
    EXPECT_FALSE(m.swarm().enabled());
    EXPECT_EQ(static_cast<size_t>(m.faults_size()), draw_swarm_faults(s, seed).size());
    EXPECT_EQ(run_scenario(m, seed).digest, run_scenario(s, seed).digest);
  }
}

TEST(ScenarioRunner, SwarmFamiliesRestrictTheDraws) {
  pb::Scenario s = load("default.textproto");
  s.mutable_swarm()->add_families("broker_crash");
  s.mutable_swarm()->set_intensity(3);
  size_t crashes = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed)
    for (const pb::Fault& f : draw_swarm_faults(s, seed)) {
      EXPECT_TRUE(f.has_broker_crash()) << describe_fault(f);
      ++crashes;
    }
  EXPECT_GT(crashes, 10u);
}

TEST(ScenarioRunner, CapturedTraceCoversEveryEventWithTracks) {
  pb::Scenario s = load("broker_failover.textproto");
  RunOptions o;
  o.capture_trace = true;
  RunResult r = run_scenario(s, 1, o);
  ASSERT_EQ(r.trace.size(), r.events);
  EXPECT_EQ(r.digest, run_scenario(s, 1).digest);  // capturing does not change the run
  std::set<std::string> tracks;
  for (const auto& e : r.trace) tracks.insert(e.track());
  for (const char* t : {"producer-0", "consumer-0-0", "consumer-0-1", "broker-0", "broker-1", "faults", "checks", "network"})
    EXPECT_EQ(tracks.count(t), 1u) << t;
}

// Every verdict a run gives carries a name `checks.disable` accepts, and the orderly group adds delivery.order.
TEST(ScenarioRunner, VerdictNamesAreTheListedOnes) {
  const auto& names = check_names();
  std::set<std::string> seen;
  for (const char* file : {"consumer_churn.textproto", "namesrv_outage.textproto", "tag_filter.textproto"}) {
    RunResult r = run_scenario(load(file), 1);
    for (const auto& c : r.checks) {
      EXPECT_NE(std::find(names.begin(), names.end(), c.name), names.end()) << c.name;
      seen.insert(c.name);
    }
  }
  EXPECT_EQ(seen.size(), names.size());
}

TEST(ScenarioRunner, DisabledChecksAreNotRun) {
  pb::Scenario s = load("system_busy.textproto");
  s.mutable_checks()->add_disable("send.retried_codes");
  s.mutable_break_client()->set_other_profile(true);
  RunResult r = run_scenario(s, 1);
  EXPECT_EQ(verdict(r, "send.retried_codes"), nullptr);
  EXPECT_NE(verdict(r, "send.attempts"), nullptr);
}

TEST(ScenarioRunner, MinimumSendsCheck) {
  pb::Scenario s = load("namesrv_outage.textproto");
  s.mutable_checks()->set_min_sends_ok_after_heal(1'000'000);
  RunResult r = run_scenario(s, 1);
  const CheckVerdict* v = verdict(r, "sends.min_ok");
  ASSERT_NE(v, nullptr);
  EXPECT_FALSE(v->passed);
  EXPECT_NE(v->detail.find("sent after the heal"), std::string::npos) << v->detail;
}

TEST(ScenarioRunner, EventLimitFailsTheRun) {
  pb::Scenario s = load("system_busy.textproto");
  s.mutable_limits()->set_max_events(5'000);
  RunResult r = run_scenario(s, 1);
  const CheckVerdict* v = verdict(r, "run.event_limit");
  ASSERT_NE(v, nullptr);
  EXPECT_FALSE(v->passed);
}

}  // namespace
}  // namespace rmq::scenario
