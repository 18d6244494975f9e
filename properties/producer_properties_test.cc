// Properties of the producer's send path (DESIGN §5, spec §2.2-§2.6, §4) over generated topologies, producer
// configurations and broker/network fault plans, run in the simulator against the fake brokers. Generators:
// producer_generators.h; oracles: send_checkers.h (rules (a)-(g) and (w) are described there).
//
// Reproducibility. Each property runs kDefaultCases cases from a fixed seed (kDefaultSeed), so a plain run is
// the same run every time (the "Using configuration: seed=..." line RapidCheck prints is its global default,
// which these properties replace unless RC_PARAMS names a seed). RapidCheck's parameters still apply:
//   RC_PARAMS="seed=123 max_success=5000" ./properties_test --gtest_filter='ProducerProperties.*'
// explores other seeds. A failure prints the shrunk scenario (showValue), the violated rule with the send id,
// that send's events and the configuration, and at exit a reproduce string; replay exactly that case with
//   RC_PARAMS="reproduce=<string>" ./properties_test --gtest_filter='ProducerProperties.<Name>'
// (property ids are "ProducerProperties/<Name>" and "ProducerPropertiesSabotage/<Name>").
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "properties/producer_generators.h"
#include "properties/seeded_prop.h"
#include "properties/send_checkers.h"

namespace rmq::gen {
namespace {

constexpr int kDefaultCases = 500;

using props::rc_params_set;

rc::detail::TestParams test_params() { return props::seeded_params(kDefaultCases); }

// A listener that records nothing: the sabotage tests fail on purpose and must not add their cases to the
// "To reproduce these, run with: RC_PARAMS=..." summary RapidCheck prints at exit.
class SilentListener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// rc::check with this file's default seed and case count; `id` is the RC_PARAMS reproduce key.
rc::detail::TestResult check_property(const std::string& id, const std::function<void()>& property,
                                      bool expect_failure = false) {
  rc::detail::TestMetadata metadata;
  metadata.id = id;
  metadata.description = id;
  if (expect_failure) {
    SilentListener silent;
    return rc::detail::checkProperty(rc::detail::toProperty(property), metadata, test_params(), silent, {});
  }
  return rc::detail::checkProperty(rc::detail::toProperty(property), metadata, test_params());
}

std::string result_text(const rc::detail::TestResult& result) {
  std::ostringstream os;
  rc::detail::printResultMessage(result, os);
  return os.str();
}

// How many cases met each situation a checker reports (checks::Coverage): shows that a property's rule was
// exercised, not vacuously true.
using CoverageCounts = std::map<std::string, int>;

// One property: generate a scenario of `shape`, run it, check it with `checker`.
std::function<void()> send_property(ScenarioShape shape, checks::Checker checker,
                                    std::shared_ptr<CoverageCounts> counts = nullptr) {
  return [shape, checker, counts] {
    const Scenario s = *scenario(shape);
    const ScenarioRun run = run_scenario(s);
    const checks::SendModel model = send_model(s);
    checks::Coverage coverage;
    std::vector<checks::Violation> violations = checker(run.events, model, &coverage);
    if (!violations.empty()) {
      RC_FAIL(checks::report(violations, run.events) + "config: " + to_string(s));
    }
    if (counts) {
      for (const auto& situation : coverage) ++(*counts)[situation];
    }
  };
}

// Runs the property and fails with RapidCheck's counterexample; then requires that every situation in
// `must_meet` occurred in at least one case (so a generator change cannot make the rule vacuous unnoticed).
// Only situations met in dozens of cases per run are required; rarer ones (a kept non-OK result returned
// after a code that is not retried, v5's "only the last broker is available") are reported, not required.
void expect_holds(const std::string& name, ScenarioShape shape, checks::Checker checker,
                  const std::vector<std::string>& must_meet) {
  auto counts = std::make_shared<CoverageCounts>();
  const auto result = check_property("ProducerProperties/" + name, send_property(std::move(shape), checker, counts));
  if (!result.template is<rc::detail::SuccessResult>()) {
    FAIL() << result_text(result) << "\nreplay: RC_PARAMS=\"seed=" << test_params().seed
           << "\" (or the reproduce string printed at exit)";
  }
  const int cases = result.template get<rc::detail::SuccessResult>().numSuccess;
  std::cout << "OK, " << cases << " cases (seed " << test_params().seed << "); situations met:\n";
  for (const auto& [situation, n] : *counts) std::cout << "  " << n << " cases: " << situation << "\n";
  // Only a full default run is expected to meet them (not a replay or a short RC_PARAMS run).
  if (cases < kDefaultCases || rc_params_set("reproduce=")) return;
  for (const auto& situation : must_meet) {
    EXPECT_TRUE(counts->contains(situation)) << "no case met \"" << situation << "\"";
  }
}

ScenarioShape any_shape() { return ScenarioShape{}; }

// (w) the stream every checker reads.
TEST(ProducerProperties, EventStreamIsWellFormed) {
  expect_holds("EventStreamIsWellFormed", any_shape(), &checks::check_well_formed, {"SYNC retry", "ASYNC retry"});
}

// The same scenario gives the same events (DESIGN §3); shrinking relies on it.
TEST(ProducerProperties, ScenarioRunsAreDeterministic) {
  ScenarioShape shape;
  shape.more_net_faults = true;
  const auto result = check_property("ProducerProperties/ScenarioRunsAreDeterministic", [shape] {
    const Scenario s = *scenario(shape);
    const ScenarioRun first = run_scenario(s);
    const ScenarioRun second = run_scenario(s);
    RC_ASSERT(first.events.size() == second.events.size());
    for (size_t i = 0; i < first.events.size(); ++i) {
      const std::string a = checks::format_event(first.events[i]);
      const std::string b = checks::format_event(second.events[i]);
      if (a != b)
        RC_FAIL("event " + std::to_string(i) + " differs:\n  " + a + "\n  " + b + "\nconfig: " + to_string(s));
    }
  });
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>()) << result_text(result);
}

// (a) SYNC <= 1 + retryTimesWhenSendFailed (exactly, when every attempt failed with a retried code in time),
// ASYNC <= 1 + retryTimesWhenSendAsyncFailed, ONEWAY 1.
TEST(ProducerProperties, AttemptsPerSend) {
  ScenarioShape shape;
  shape.retried_code_percent = 60;
  expect_holds("AttemptsPerSend", shape, &checks::check_attempt_counts,
               {"SYNC: every attempt failed with a retried code in time",
                "SYNC: all 1 + retryTimesWhenSendFailed attempts made", "ASYNC: retried", "ONEWAY: one attempt"});
}

// (b) the SYNC retried codes are exactly the profile's set.
TEST(ProducerProperties, RetriedCodesAreExactlyTheProfileSet) {
  ScenarioShape shape;
  shape.sync_weight = 5;
  shape.async_weight = 1;
  shape.oneway_weight = 0;
  shape.retried_code_percent = 50;
  shape.favoured_codes = {10, 11, 12, 2, 13, 215, 1500};  // non-OK results kept, then codes not retried
  shape.favoured_code_weight = 200;
  expect_holds("RetriedCodesAreExactlyTheProfileSet", shape, &checks::check_retried_codes,
               {"non-retried code ended the send", "retried code led to the next attempt",
                "retried code with the attempts or the budget spent"});
}

// (c) latency tolerance off: a retry avoids the previous attempt's broker when another has a writable queue.
TEST(ProducerProperties, RetryAvoidsTheLastBroker) {
  ScenarioShape shape;
  shape.latency_fault_enable = false;
  shape.min_brokers = 2;
  shape.oneway_weight = 0;
  shape.retried_code_percent = 70;
  shape.more_net_faults = true;
  expect_holds("RetryAvoidsTheLastBroker", shape, &checks::check_retry_avoids_last_broker,
               {"SYNC retry with another writable broker", "ASYNC retry with another writable broker"});
}

// (d) latency tolerance on: no broker inside its not-available window while an available one exists.
TEST(ProducerProperties, UnavailableBrokersAreSkipped) {
  ScenarioShape shape;
  shape.latency_fault_enable = true;
  shape.min_brokers = 2;
  shape.max_sends = 6;
  shape.favoured_codes = {10, 11, 12};  // fast non-OK results keep a retried-from broker available
  expect_holds("UnavailableBrokersAreSkipped", shape, &checks::check_latency_windows,
               {"a not-available broker was passed over", "every broker not available (fallback)"});
}

// (e) the shared SYNC budget and "sendDefaultImpl call timeout".
TEST(ProducerProperties, SyncTimeoutBudget) {
  ScenarioShape shape;
  shape.sync_weight = 4;
  shape.async_weight = 1;
  shape.oneway_weight = 0;
  shape.more_net_faults = true;
  expect_holds("SyncTimeoutBudget", shape, &checks::check_timeout_budget,
               {"sendDefaultImpl call timeout", "an attempt waited exactly its budget",
                "a connect outlasted the attempt\'s budget"});
}

// (f) response code -> SendStatus / MQBrokerException, and the final "Send [n] times" error.
TEST(ProducerProperties, SendStatusAndErrorCodes) {
  ScenarioShape shape;
  shape.retried_code_percent = 30;
  expect_holds("SendStatusAndErrorCodes", shape, &checks::check_status_and_error_codes,
               {"non-OK status", "broker error code", "\"Send [n] times\" with code 10002"});
}

// (g) ASYNC: broker answers never retried, transport failures at most retryTimesWhenSendAsyncFailed times.
TEST(ProducerProperties, AsyncRetriesOnlyTransportFailures) {
  ScenarioShape shape;
  shape.sync_weight = 0;
  shape.async_weight = 1;
  shape.oneway_weight = 0;
  shape.more_net_faults = true;  // refused connects and resets fail fast, with budget left for a retry
  expect_holds(
      "AsyncRetriesOnlyTransportFailures", shape, &checks::check_async_retries,
      {"transport failure retried", "broker error answer not retried", "transport failure, retries exhausted"});
}

// --- The properties catch real bugs: a deliberately broken producer fails them, with a readable
// counterexample (the rule, the send id, its events, the configuration).

void expect_caught(const std::string& name, ScenarioShape shape, checks::Checker checker, char rule) {
  const auto result =
      check_property("ProducerPropertiesSabotage/" + name, send_property(std::move(shape), checker), true);
  ASSERT_TRUE(result.template is<rc::detail::FailureResult>()) << result_text(result);
  const auto& failure = result.template get<rc::detail::FailureResult>();
  const std::string& text = failure.description;
  EXPECT_NE(text.find(std::string("rule (") + rule + ") violated by send #"), std::string::npos) << text;
  EXPECT_NE(text.find("events of send #"), std::string::npos) << text;
  EXPECT_NE(text.find(" attempt 0 "), std::string::npos) << text;
  EXPECT_NE(text.find("config: Scenario{"), std::string::npos) << text;
  EXPECT_NE(text.find("SABOTAGE"), std::string::npos) << text;
  std::cout << "expected failure, as reported:\n" << result_text(result) << std::endl;
}

TEST(ProducerPropertiesSabotage, MissingRetryCodeIsCaught) {
  ScenarioShape shape;
  shape.sync_weight = 1;
  shape.async_weight = 0;
  shape.oneway_weight = 0;
  shape.favoured_codes = {1};
  shape.sabotage = Sabotage::kRetryCodeMissing;
  expect_caught("MissingRetryCodeIsCaught", shape, &checks::check_retried_codes, 'b');
}

TEST(ProducerPropertiesSabotage, ExtraSyncRetriesAreCaught) {
  ScenarioShape shape;
  shape.sync_weight = 1;
  shape.async_weight = 0;
  shape.oneway_weight = 0;
  shape.retried_code_percent = 90;
  shape.sabotage = Sabotage::kMoreSyncRetries;
  expect_caught("ExtraSyncRetriesAreCaught", shape, &checks::check_attempt_counts, 'a');
}

TEST(ProducerPropertiesSabotage, ExtraAsyncRetriesAreCaught) {
  ScenarioShape shape;
  shape.sync_weight = 0;
  shape.async_weight = 1;
  shape.oneway_weight = 0;
  shape.more_net_faults = true;
  shape.sabotage = Sabotage::kMoreAsyncRetries;
  expect_caught("ExtraAsyncRetriesAreCaught", shape, &checks::check_async_retries, 'g');
}

TEST(ProducerPropertiesSabotage, HiddenLatencyToleranceIsCaught) {
  ScenarioShape shape;
  shape.profile = client::Profile::kV4_9_8;  // 4.9.8's tolerance ignores the last broker
  shape.latency_fault_enable = false;
  shape.min_brokers = 2;
  shape.oneway_weight = 0;
  shape.retried_code_percent = 70;
  shape.sabotage = Sabotage::kHiddenLatencyTolerance;
  expect_caught("HiddenLatencyToleranceIsCaught", shape, &checks::check_retry_avoids_last_broker, 'c');
}

TEST(ProducerPropertiesSabotage, OtherProfileIsCaught) {
  ScenarioShape shape;
  shape.profile = client::Profile::kV4_9_8;
  shape.sync_weight = 1;
  shape.async_weight = 0;
  shape.oneway_weight = 0;
  shape.favoured_codes = {2, 1500};
  shape.sabotage = Sabotage::kOtherProfile;
  expect_caught("OtherProfileIsCaught", shape, &checks::check_retried_codes, 'b');
}

TEST(ProducerPropertiesSabotage, OtherLatencyTablesAreCaught) {
  ScenarioShape shape;
  shape.profile = client::Profile::kV4_9_8;  // the producer runs v5's tables and extend-only windows
  shape.latency_fault_enable = true;
  shape.min_brokers = 2;
  shape.max_sends = 6;
  shape.sabotage = Sabotage::kOtherProfile;
  expect_caught("OtherLatencyTablesAreCaught", shape, &checks::check_latency_windows, 'd');
}

TEST(ProducerPropertiesSabotage, LongerTimeoutIsCaught) {
  ScenarioShape shape;
  shape.sync_weight = 1;
  shape.async_weight = 0;
  shape.oneway_weight = 0;
  shape.sabotage = Sabotage::kLongerTimeout;
  expect_caught("LongerTimeoutIsCaught", shape, &checks::check_timeout_budget, 'e');
}

}  // namespace
}  // namespace rmq::gen
