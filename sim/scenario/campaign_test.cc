// Campaigns: the flag parsers, sharding, the worker pool (same results for any jobs count, budget, fail-fast,
// determinism checks, progress) and the three reports (campaign_report.h).
#include "sim/scenario/campaign.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>

#include "sim/scenario/campaign_report.h"

namespace rmq::scenario {
namespace {

std::vector<uint64_t> seeds_from(uint64_t first, uint64_t last) {
  std::vector<uint64_t> seeds(last - first + 1);
  std::iota(seeds.begin(), seeds.end(), first);
  return seeds;
}

std::string seeds_error(std::string_view spec) {
  auto parsed = parse_seeds(spec);
  EXPECT_FALSE(parsed.ok()) << spec;
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.error().code, 2);
  return parsed.error().message;
}

TEST(ParseSeeds, AcceptsCountsRangesAndLists) {
  EXPECT_EQ(*parse_seeds("5"), seeds_from(1, 5));
  EXPECT_EQ(*parse_seeds("3-6"), seeds_from(3, 6));
  EXPECT_EQ(*parse_seeds("9,2,40"), (std::vector<uint64_t>{9, 2, 40}));
  EXPECT_EQ(*parse_seeds(" 1-3, 7 "), (std::vector<uint64_t>{1, 2, 3, 7}));
  EXPECT_EQ(*parse_seeds("4-6,5,1-2,6"), (std::vector<uint64_t>{4, 5, 6, 1, 2}));  // each seed once
  EXPECT_EQ(*parse_seeds("18446744073709551614-18446744073709551615"),
            (std::vector<uint64_t>{18446744073709551614ULL, 18446744073709551615ULL}));
  EXPECT_EQ(parse_seeds("10000000")->size(), 10'000'000u);
}

TEST(ParseSeeds, NamesTheBadPart) {
  EXPECT_EQ(seeds_error("x-3"), "--seeds: 'x-3' is not a number");
  EXPECT_EQ(seeds_error("1,abc"), "--seeds: 'abc' is not a number");
  EXPECT_EQ(seeds_error("5-"), "--seeds: '5-' is not a number");
  EXPECT_EQ(seeds_error("1-2-3"), "--seeds: '1-2-3' is not a number");
  EXPECT_EQ(seeds_error("12abc"), "--seeds: '12abc' is not a number");
  EXPECT_EQ(seeds_error("99999999999999999999,1"), "--seeds: '99999999999999999999' is not a number");
  EXPECT_EQ(seeds_error("9-3"), "--seeds: range 9-3 runs backwards");
  EXPECT_EQ(seeds_error("1,9-3"), "--seeds: range 9-3 runs backwards");
  EXPECT_EQ(seeds_error(""), "--seeds: empty; expected N (seeds 1 to N), A-B, or a list such as 1-100,250");
  EXPECT_EQ(seeds_error("  "), "--seeds: empty; expected N (seeds 1 to N), A-B, or a list such as 1-100,250");
  EXPECT_EQ(seeds_error("1,,3"), "--seeds: empty part in '1,,3'");
  EXPECT_EQ(seeds_error("1,"), "--seeds: empty part in '1,'");
  EXPECT_EQ(seeds_error("0"), "--seeds: '0' selects no seeds (N means seeds 1 to N)");
  EXPECT_EQ(seeds_error("10000001"), "--seeds: '10000001' selects more than 10,000,000 seeds");
  EXPECT_EQ(seeds_error("0-18446744073709551615"),
            "--seeds: '0-18446744073709551615' selects more than 10,000,000 seeds");
  EXPECT_EQ(seeds_error("1-6000000,7000000-12000000"),
            "--seeds: '1-6000000,7000000-12000000' selects more than 10,000,000 seeds");
}

TEST(ParseShard, AcceptsIOfN) {
  auto shard = parse_shard("2/4");
  ASSERT_TRUE(shard.ok());
  EXPECT_EQ(shard->index, 2u);
  EXPECT_EQ(shard->count, 4u);
  EXPECT_EQ(parse_shard("1/1")->count, 1u);
}

TEST(ParseShard, NamesTheProblem) {
  auto error = [](std::string_view spec) {
    auto parsed = parse_shard(spec);
    return parsed.ok() ? std::string("accepted") : parsed.error().message;
  };
  EXPECT_EQ(error("x"), "--shard: expected I/N such as 2/4, got 'x'");
  EXPECT_EQ(error("2"), "--shard: expected I/N such as 2/4, got '2'");
  EXPECT_EQ(error("a/4"), "--shard: expected I/N such as 2/4, got 'a/4'");
  EXPECT_EQ(error("1/4294967296"), "--shard: expected I/N such as 2/4, got '1/4294967296'");
  EXPECT_EQ(error("5/4"), "--shard: I must be between 1 and N (got 5/4)");
  EXPECT_EQ(error("0/4"), "--shard: I must be between 1 and N (got 0/4)");
  EXPECT_EQ(error("1/0"), "--shard: N must be at least 1 (got 1/0)");
}

TEST(ShardSeeds, ShardsPartitionTheListAndBalanceIt) {
  const std::vector<uint64_t> seeds = *parse_seeds("1-100,500,7,1000-1002");
  EXPECT_EQ(shard_seeds({10, 11, 12, 13, 14, 15, 16, 17, 18}, Shard{2, 4}), (std::vector<uint64_t>{11, 15}));
  for (uint32_t count = 1; count <= 9; ++count) {
    std::multiset<uint64_t> all;
    size_t smallest = SIZE_MAX, largest = 0;
    for (uint32_t index = 1; index <= count; ++index) {
      auto mine = shard_seeds(seeds, Shard{index, count});
      all.insert(mine.begin(), mine.end());
      smallest = std::min(smallest, mine.size());
      largest = std::max(largest, mine.size());
    }
    EXPECT_EQ(all, std::multiset<uint64_t>(seeds.begin(), seeds.end())) << count;  // disjoint and complete
    EXPECT_LE(largest - smallest, 1u) << count;
  }
}

TEST(ParseDuration, ReadsUnits) {
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("90s", "--time-budget"), 90);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("15m", "--time-budget"), 900);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("2h", "--time-budget"), 7200);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("500ms", "--time-budget"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("42", "--time-budget"), 42);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds("1.5h", "--time-budget"), 5400);
  EXPECT_DOUBLE_EQ(*parse_duration_seconds(" 5 s ", "--time-budget"), 5);
}

TEST(ParseDuration, NamesTheFlagAndTheValue) {
  auto error = [](std::string_view spec) {
    auto parsed = parse_duration_seconds(spec, "--time-budget");
    return parsed.ok() ? std::string("accepted") : parsed.error().message;
  };
  const std::string expected = " is not a duration such as 90s, 15m, 2h or 500ms";
  EXPECT_EQ(error(""), "--time-budget: empty; expected a duration such as 90s, 15m, 2h or 500ms");
  EXPECT_EQ(error("soon"), "--time-budget: 'soon'" + expected);
  EXPECT_EQ(error("5d"), "--time-budget: '5d'" + expected);
  EXPECT_EQ(error("ms"), "--time-budget: 'ms'" + expected);
  EXPECT_EQ(error("inf"), "--time-budget: 'inf'" + expected);
  EXPECT_EQ(error("1x5s"), "--time-budget: '1x5s'" + expected);
  EXPECT_EQ(error("-5s"), "--time-budget: '-5s' must not be negative");
}

// A deterministic fake scenario run: seeds divisible by 5 fail send.attempts, by 7 delivery.at_least_once.
RunResult fake_run(uint64_t seed) {
  RunResult run;
  run.scenario = "fake";
  run.seed = seed;
  run.events = 1000 + seed;
  char digest[17];
  std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(seed * 0x9E3779B97F4A7C15ULL));
  run.digest = digest;
  run.checks.push_back({"send.attempts", seed % 5 != 0, 10, seed % 5 != 0 ? "" : "attempt 3 went to <b&\"q>"});
  run.checks.push_back({"delivery.at_least_once", seed % 7 != 0, 20, seed % 7 != 0 ? "" : "message lost"});
  run.stats.sends = 10, run.stats.sends_ok = 9, run.stats.send_errors = 1, run.stats.attempts = 12;
  run.stats.deliveries = 9, run.stats.consumed = 9, run.stats.duplicates = seed % 2;
  if (seed % 3 == 0) run.stats.faults_by_kind["broker_crash"] = 2;
  run.stats.faults_by_kind["partition"] = seed % 4 == 0 ? 1 : 0;
  return run;
}

// Completion order differs from seed order on several threads.
RunResult slow_fake_run(uint64_t seed) {
  std::this_thread::sleep_for(std::chrono::microseconds(200 * (seed % 4)));
  return fake_run(seed);
}

const ReportContext kContext{"default", "scenarios/default.textproto",
                             "rmqsim replay scenarios/default.textproto --seed {seed} --expect-digest {digest}", ""};

CampaignResult campaign(std::vector<uint64_t> seeds, int jobs) {
  CampaignOptions options;
  options.seeds = std::move(seeds);
  options.jobs = jobs;
  return run_campaign(options, slow_fake_run);
}

// Everything but the wall time, via the JSON report.
std::string without_wall_time(CampaignResult result) {
  result.wall_seconds = 0;
  return json_report(result, kContext);
}

TEST(RunCampaign, ResultsDoNotDependOnJobs) {
  const auto seeds = *parse_seeds("1-40,77");
  CampaignResult one = campaign(seeds, 1), three = campaign(seeds, 3);
  ASSERT_EQ(one.runs.size(), seeds.size());
  EXPECT_TRUE(std::is_sorted(three.runs.begin(), three.runs.end(),
                             [](const RunResult& a, const RunResult& b) { return a.seed < b.seed; }));
  EXPECT_EQ(without_wall_time(one), without_wall_time(three));
  EXPECT_EQ(one.failed_runs(), 13u);  // 8 multiples of 5 and 5 of 7 in 1..40 (35 is both), and 77
  EXPECT_FALSE(one.passed());
  EXPECT_TRUE(one.not_run.empty());
  EXPECT_TRUE(campaign({1, 2, 3}, 3).passed());
  EXPECT_FALSE(campaign({}, 2).passed());
}

TEST(RunCampaign, TimeBudgetStopsStartingSeeds) {
  CampaignOptions options;
  options.seeds = seeds_from(1, 50);
  options.jobs = 2;
  options.time_budget_s = 0.000001;
  CampaignResult result = run_campaign(options, slow_fake_run);
  EXPECT_LE(result.runs.size(), 2u);
  EXPECT_EQ(result.runs.size() + result.not_run.size(), 50u);
  EXPECT_TRUE(std::is_sorted(result.not_run.begin(), result.not_run.end()));
  std::set<uint64_t> all(result.not_run.begin(), result.not_run.end());
  for (const auto& run : result.runs) all.insert(run.seed);
  EXPECT_EQ(all.size(), 50u);
}

TEST(RunCampaign, FailFastStopsAfterTheFirstFailure) {
  CampaignOptions options;
  options.seeds = seeds_from(1, 20);
  options.stop_on_failure = true;
  CampaignResult result = run_campaign(options, fake_run);
  ASSERT_EQ(result.runs.size(), 5u);  // seed 5 fails send.attempts
  EXPECT_EQ(result.runs.back().seed, 5u);
  EXPECT_EQ(result.not_run, seeds_from(6, 20));
}

TEST(RunCampaign, DeterminismCheckRunsEachSeedTwiceAndCatchesADrift) {
  std::atomic<int> calls{0}, calls_of_seed_8{0};
  CampaignOptions options;
  options.seeds = {1, 2, 3, 8, 9, 11};
  options.jobs = 3;
  options.check_determinism = true;
  CampaignResult result = run_campaign(options, [&](uint64_t seed) {
    ++calls;
    RunResult run = fake_run(seed);
    if (seed == 8 && calls_of_seed_8++ == 1) run.digest = "ffffffffffffffff";
    return run;
  });
  EXPECT_EQ(calls.load(), 12);
  ASSERT_EQ(result.determinism_mismatches.size(), 1u);
  EXPECT_EQ(result.determinism_mismatches[0].first, 8u);
  EXPECT_EQ(result.determinism_mismatches[0].second, "digest " + fake_run(8).digest + " vs ffffffffffffffff");
  EXPECT_EQ(result.failed_runs(), 0u);
  EXPECT_FALSE(result.passed());
}

TEST(RunCampaign, AnExceptionFailsOnlyItsSeed) {
  CampaignOptions options;
  options.seeds = {1, 2, 3};
  options.jobs = 2;
  CampaignResult result = run_campaign(options, [](uint64_t seed) {
    if (seed == 2) throw std::runtime_error("no broker");
    return fake_run(seed);
  });
  ASSERT_EQ(result.runs.size(), 3u);
  EXPECT_EQ(result.runs[1].seed, 2u);
  EXPECT_EQ(result.runs[1].error, "the run threw: no broker");
  EXPECT_EQ(result.failed_runs(), 1u);
}

std::string progress_of(ProgressMode mode, int fd = -1) {
  std::ostringstream out;
  CampaignOptions options;
  options.seeds = seeds_from(1, 20);
  options.jobs = 2;
  options.progress = mode;
  options.progress_out = &out;
  options.progress_fd = fd;
  run_campaign(options, fake_run);
  return out.str();
}

TEST(RunCampaign, ProgressLinesOrBar) {
  std::string lines = progress_of(ProgressMode::kLines);
  EXPECT_EQ(lines.find('\r'), std::string::npos);
  EXPECT_GE(std::count(lines.begin(), lines.end(), '\n'), 10);  // one per 10% of the seeds
  EXPECT_NE(lines.find("20/20 seeds  6 failed  "), std::string::npos) << lines;
  EXPECT_NE(progress_of(ProgressMode::kAuto).find('\n'), std::string::npos);  // fd -1 is no terminal

  std::string bar = progress_of(ProgressMode::kBar);
  EXPECT_NE(bar.find("\r["), std::string::npos) << bar;
  EXPECT_NE(bar.find(" seeds/s  eta "), std::string::npos);
  EXPECT_EQ(bar.back(), '\r');  // cleared for the summary
  EXPECT_EQ(bar.find('\n'), std::string::npos);
  EXPECT_EQ(progress_of(ProgressMode::kOff), "");
}

TEST(Reports, SummaryListsFailuresWithTheirReplayCommand) {
  CampaignResult result = campaign(seeds_from(30, 42), 2);
  result.not_run = {43, 44};
  result.determinism_mismatches = {{31, "digest aaaa vs bbbb"}};
  ReportContext context = kContext;
  context.coverage_text = "coverage: 12 of 40 transitions\n";
  const std::string summary = summary_table(result, context);
  const std::string digest = fake_run(35).digest;
  EXPECT_NE(summary.find("  seed 35: failed send.attempts, delivery.at_least_once  digest " + digest + "\n"
                         "    replay: rmqsim replay scenarios/default.textproto --seed 35 --expect-digest " +
                         digest + "\n"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("seed 30: failed send.attempts  digest"), std::string::npos);
  EXPECT_NE(summary.find("  seed 31: digest aaaa vs bbbb\n    replay: rmqsim replay scenarios/default.textproto "
                         "--seed 31 --expect-digest " + fake_run(31).digest),
            std::string::npos);
  EXPECT_EQ(summary.find("seed 32:"), std::string::npos);  // passed
  EXPECT_NE(summary.find("                                        13         9         4         2\n"),
            std::string::npos);  // seeds run / passed / failed / not run
  EXPECT_NE(summary.find("  broker_crash                          10         5\n"), std::string::npos);
  EXPECT_NE(summary.find("  send.attempts                         10         3       130\n"), std::string::npos);
  EXPECT_NE(summary.find("  sends                                130\n"), std::string::npos);
  EXPECT_NE(summary.find("coverage: 12 of 40 transitions\n"), std::string::npos);
  EXPECT_NE(summary.find("FAILED: 4 of 13 seeds failed, 1 determinism mismatch\n"), std::string::npos);
  EXPECT_NE(summary_table(campaign({1, 2}, 1), kContext).find("PASSED: all 2 seeds passed"), std::string::npos);
}

TEST(Reports, JsonParsesAndCarriesTheCounts) {
  CampaignResult result = campaign(seeds_from(1, 10), 3);
  result.not_run = {11};
  result.determinism_mismatches = {{2, "digest a vs b"}};
  result.runs[4].checks[0].detail = "bad \xff byte";  // not UTF-8: must still parse
  ReportContext context = kContext;
  context.scenario_name = "quote\" and \\ and \n";
  auto json = boost::json::parse(json_report(result, context)).as_object();
  EXPECT_EQ(json.at("scenario").as_string(), "quote\" and \\ and \n");
  EXPECT_EQ(json.at("seeds_run").as_int64(), 10);
  EXPECT_EQ(json.at("seeds_failed").as_int64(), 3);  // 5, 7, 10
  EXPECT_EQ(json.at("passed").as_bool(), false);
  EXPECT_EQ(json.at("totals").at("sends").as_int64(), 100);
  EXPECT_EQ(json.at("faults_by_kind").at("broker_crash").at("injected").as_int64(), 6);
  EXPECT_EQ(json.at("faults_by_kind").at("partition").at("seeds").as_int64(), 2);
  EXPECT_EQ(json.at("checks").at("send.attempts").at("failed").as_int64(), 2);
  EXPECT_EQ(json.at("checks").at("delivery.at_least_once").at("checked").as_int64(), 200);
  const auto& runs = json.at("runs").as_array();
  ASSERT_EQ(runs.size(), 10u);
  EXPECT_EQ(runs[4].at("seed").as_int64(), 5);
  EXPECT_EQ(runs[4].at("failed_checks").as_array(), boost::json::array({"send.attempts"}));
  EXPECT_EQ(runs[4].at("details").at("send.attempts").as_string(), "bad \xEF\xBF\xBD byte");
  EXPECT_FALSE(runs[3].as_object().contains("details"));
  EXPECT_EQ(runs[4].at("replay").as_string(),
            "rmqsim replay scenarios/default.textproto --seed 5 --expect-digest " + fake_run(5).digest);
  EXPECT_EQ(json.at("not_run").as_array(), boost::json::array({11}));
  EXPECT_EQ(json.at("determinism_mismatches").as_array()[0].at("detail").as_string(), "digest a vs b");
}

TEST(Reports, JunitCountsAndEscapes) {
  CampaignResult result = campaign(seeds_from(1, 6), 2);
  result.not_run = {7, 8};
  result.determinism_mismatches = {{1, "digest a vs b"}};
  ReportContext context = kContext;
  context.scenario_name = "a<b";
  const std::string xml = junit_xml(result, context);
  EXPECT_NE(xml.find("<testsuite name=\"rmqsim a&lt;b\" tests=\"8\" failures=\"2\" errors=\"0\" skipped=\"2\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"rmqsim.a&lt;b\" name=\"seed 5\">\n      <failure "
                     "message=\"send.attempts\">send.attempts (checked 10): attempt 3 went to &lt;b&amp;&quot;q&gt;"),
            std::string::npos);
  EXPECT_EQ(xml.find("<b&"), std::string::npos);
  EXPECT_NE(xml.find("replay: rmqsim replay scenarios/default.textproto --seed 5 --expect-digest "), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"determinism\">determinism: "), std::string::npos);
  boost::property_tree::ptree tree;  // well-formed XML
  std::istringstream in(xml);
  ASSERT_NO_THROW(boost::property_tree::read_xml(in, tree));
  EXPECT_EQ(tree.get_child("testsuites.testsuite").count("testcase"), 8u);
}

}  // namespace
}  // namespace rmq::scenario
