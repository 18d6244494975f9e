// `rmqsim run | replay | fuzz | minimize | trace` (issue 8, DESIGN §7): scenario files in, runs, campaigns,
// minimized regression cases and traces out. Exit codes: 0 every check passed (trace, minimize: done), 1 a check
// failed or a replay's digest differed, 2 bad input (a scenario error names file, line and field; one line).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace rmq::cli {

struct ScenarioRunOptions {
  std::string scenario = "scenarios/default.textproto";
  std::optional<uint64_t> seed;        // default: the scenario's seed
  std::vector<std::string> breaks;     // --break NAME[=VALUE], a test-only broken client
  bool check_determinism = false;      // run twice and compare the traces
  std::optional<std::string> expect_digest;  // replay: the digest the printed command carried
  bool json = false;                   // one JSON object instead of the text report
  bool list_checks = false;
};

struct FuzzOptions {
  std::string scenario = "scenarios/default.textproto";
  std::string seeds = "100";
  std::string time_budget;
  int jobs = 1;
  std::string shard = "1/1";
  bool check_determinism = false;
  std::vector<std::string> breaks;
  std::string json_report, junit;
  std::string progress = "auto";
  bool fail_fast = false;
  bool no_coverage = false;
};

struct MinimizeOptions {
  std::string scenario;
  uint64_t seed = 0;
  std::vector<std::string> breaks;
  std::string output;  // default: <name>-min-seed<N>.textproto
  int max_runs = 400;
};

struct TraceOptions {
  std::string scenario;
  std::optional<uint64_t> seed;
  std::vector<std::string> breaks;
  std::string format = "text";  // text, jsonl, chrome
  std::string output;           // default: standard output
  std::vector<std::string> diff;  // two .jsonl traces
};

// The --break switches, from the scenario schema's Break message: "extra_sync_retries=N, ..., dlq_at_once, ...".
std::string break_switch_names();

int run_scenario_command(const ScenarioRunOptions& options, bool replay, std::ostream& out, std::ostream& err);
int run_fuzz(const FuzzOptions& options, std::ostream& out, std::ostream& err);
int run_minimize(const MinimizeOptions& options, std::ostream& out, std::ostream& err);
int run_trace(const TraceOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rmq::cli
