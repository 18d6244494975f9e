// The scenario commands through the binary: one clear line and exit 2 for bad input; run, replay, fuzz,
// minimize and trace end to end.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testutil/run_command.h"

namespace {

std::string scenarios() { return std::string(RMQSIM_SOURCE_DIR) + "/scenarios"; }

std::pair<int, std::string> rmqsim(const std::string& args, bool with_stderr = true) {
  return rmq::testutil::run_command(std::string(RMQSIM_BINARY) + " " + args, with_stderr);
}

std::string temp_file(const std::string& name, const std::string& text) {
  auto path = std::filesystem::temp_directory_path() / ("rmqsim-cli-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(path) << text;
  return path.string();
}

size_t lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

TEST(ScenarioCli, UnknownFieldIsOneLineWithFileLineAndField) {
  std::string f = temp_file("unknown.textproto", "version: 1\ntopology { brokers: 2 }\nproducerz { }\n");
  auto [code, out] = rmqsim("run " + f);
  EXPECT_EQ(code, 2);
  EXPECT_EQ(out, "rmqsim: " + f + ":3:11: Message type \"rmqsim.scenario.v1.Scenario\" has no field named \"producerz\".\n");
}

TEST(ScenarioCli, BadValueIsOneLine) {
  std::string f = temp_file("bad.textproto", "version: 1\nphases {\n  fault_ms: 5\n}\n");
  auto [code, out] = rmqsim("fuzz " + f + " --seeds 3");
  EXPECT_EQ(code, 2);
  EXPECT_EQ(out, "rmqsim: " + f + ":3:3: phases.fault_ms: 5 is out of range 1000..3600000\n");
}

TEST(ScenarioCli, MissingFileIsOneLine) {
  auto [code, out] = rmqsim("run /no/such/scenario.textproto");
  EXPECT_EQ(code, 2);
  EXPECT_EQ(out, "rmqsim: cannot read /no/such/scenario.textproto: no such file or not readable\n");
  auto [dir_code, dir_out] = rmqsim("run " + scenarios());
  EXPECT_EQ(dir_code, 2);
  EXPECT_EQ(dir_out, "rmqsim: cannot read " + scenarios() + ": is a directory\n");
}

TEST(ScenarioCli, BadShardSeedsBreakBudgetAndDigestAreOneLineEach) {
  const std::string s = scenarios() + "/default.textproto";
  for (const auto& [args, expected] : std::vector<std::pair<std::string, std::string>>{
           {"fuzz " + s + " --shard 5/4", "--shard: I must be between 1 and N (got 5/4)"},
           {"fuzz " + s + " --shard x", "--shard: expected I/N such as 2/4, got 'x'"},
           {"fuzz " + s + " --seeds 9-3", "--seeds: range 9-3 runs backwards"},
           {"fuzz " + s + " --time-budget soon", "--time-budget"},
           {"fuzz " + s + " --progress loud", "--progress: 'loud' is not one of auto, bar, lines, off"},
           {"run " + s + " --break wrong_answers", "--break: unknown switch 'wrong_answers' (extra_sync_retries=N, "
                                                   "extra_async_retries=N, drop_retry_code, hidden_latency_tolerance, "
                                                   "other_profile, extra_timeout_ms=N, dlq_at_once, ignore_subscription)"},
           {"replay " + s + " --seed 1 --expect-digest zz",
            "--expect-digest: 'zz' is not a trace digest (16 lowercase hex digits, as `rmqsim run` prints)"},
           {"run " + s + " --break extra_sync_retries", "--break extra_sync_retries: needs a value"},
       }) {
    auto [code, out] = rmqsim(args);
    EXPECT_EQ(code, 2) << args << "\n" << out;
    EXPECT_EQ(lines(out), 1u) << args << "\n" << out;
    EXPECT_NE(out.find(expected), std::string::npos) << args << "\n" << out;
  }
}

TEST(ScenarioCli, RunPrintsSeedDigestVerdictsAndTheReplayCommandReproducesIt) {
  auto [code, out] = rmqsim("run " + scenarios() + "/system_busy.textproto --seed 4", false);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("seed 4"), std::string::npos);
  EXPECT_NE(out.find("PASS  send.retried_codes"), std::string::npos) << out;
  size_t at = out.find("replay: ");
  ASSERT_NE(at, std::string::npos);
  std::string replay = out.substr(at + 8, out.find('\n', at) - at - 8);
  ASSERT_EQ(replay.rfind("rmqsim replay ", 0), 0u);
  auto [rcode, rout] = rmqsim(replay.substr(7), false);
  EXPECT_EQ(rcode, 0) << rout;
  EXPECT_NE(rout.find("replay: digest matches"), std::string::npos) << rout;
  auto [mcode, mout] = rmqsim(replay.substr(7, replay.size() - 7 - 16) + "0000000000000000", false);
  EXPECT_EQ(mcode, 3) << mout;
}

TEST(ScenarioCli, FuzzCheckDeterminismOverAHundredSeeds) {
  std::string report = temp_file("report.json", "");
  std::string junit = temp_file("junit.xml", "");
  auto [code, out] = rmqsim("fuzz " + scenarios() + "/default.textproto --seeds 100 --jobs 2 --check-determinism "
                            "--progress off --json-report " + report + " --junit " + junit, false);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("PASSED: all 100 seeds passed"), std::string::npos) << out;
  EXPECT_EQ(out.find("mismatch"), std::string::npos) << out;
  EXPECT_NE(out.find("protocol coverage (100 seeds)"), std::string::npos) << out;
  EXPECT_GT(std::filesystem::file_size(report), 1000u);
  EXPECT_GT(std::filesystem::file_size(junit), 1000u);
}

TEST(ScenarioCli, CanaryFailsPrintsReplaysAndMinimizes) {
  const std::string s = scenarios() + "/default.textproto";
  auto [code, out] = rmqsim("fuzz " + s + " --seeds 1-12 --progress off --no-coverage --break extra_sync_retries=2", false);
  EXPECT_EQ(code, 1) << out;
  size_t at = out.find("    replay: rmqsim replay ");
  ASSERT_NE(at, std::string::npos) << out;
  std::string replay = out.substr(at + 12, out.find('\n', at) - at - 12);
  EXPECT_NE(replay.find("--break extra_sync_retries=2"), std::string::npos);
  auto [rcode, rout] = rmqsim(replay.substr(7), false);
  EXPECT_EQ(rcode, 1) << rout;  // the failure again, same digest
  EXPECT_NE(rout.find("replay: digest matches"), std::string::npos) << rout;
  std::string seed = replay.substr(replay.find("--seed ") + 7);
  seed = seed.substr(0, seed.find(' '));
  std::string min = temp_file("min.textproto", "");
  auto [mcode, mout] = rmqsim("minimize " + s + " --seed " + seed + " --break extra_sync_retries=2 -o " + min, false);
  EXPECT_EQ(mcode, 0) << mout;
  auto [again, aout] = rmqsim("run " + min + " --seed " + seed, false);
  EXPECT_EQ(again, 1) << aout;
  EXPECT_NE(aout.find("FAIL  send.attempts"), std::string::npos) << aout;
}

TEST(ScenarioCli, TraceFormatsAndDiff) {
  const std::string s = scenarios() + "/system_busy.textproto";
  std::string a = temp_file("a.jsonl", ""), b = temp_file("b.jsonl", ""), c = temp_file("c.json", "");
  EXPECT_EQ(rmqsim("trace " + s + " --seed 1 --format jsonl -o " + a).first, 0);
  EXPECT_EQ(rmqsim("trace " + s + " --seed 1 --break other_profile --format jsonl -o " + b).first, 0);
  EXPECT_EQ(rmqsim("trace " + s + " --format chrome -o " + c).first, 0);
  auto [same, same_out] = rmqsim("trace --diff " + a + " " + a);
  EXPECT_EQ(same, 0) << same_out;
  auto [differ, diff_out] = rmqsim("trace --diff " + a + " " + b);
  EXPECT_EQ(differ, 1) << diff_out;
  EXPECT_EQ(diff_out.rfind("first difference at event #", 0), 0u) << diff_out;
  auto [text_code, text] = rmqsim("trace " + s + " --seed 1", false);
  EXPECT_EQ(text_code, 0);
  EXPECT_EQ(text.rfind("# rmqsim trace v1 scenario system_busy seed 1\n", 0), 0u);
  auto [bad, bad_out] = rmqsim("trace " + s + " --format svg");
  EXPECT_EQ(bad, 2);
  EXPECT_EQ(bad_out, "rmqsim: --format: 'svg' is not one of text, jsonl, chrome\n");
}

}  // namespace
