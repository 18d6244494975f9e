// Swarm campaigns behind `rmqsim fuzz`: one scenario over many seeds, run on worker threads.
//
// Contract:
//  - parse_seeds / parse_shard / parse_duration_seconds read the CLI flags; their Errors (code 2, a usage error)
//    name the flag and the bad part so the CLI can print them as they are.
//  - shard_seeds splits a seed list into `count` disjoint, balanced shards whose union is the list.
//  - run_campaign runs each seed once (twice with check_determinism) and returns the results sorted by seed:
//    they depend neither on `jobs` nor on timing, except for which seeds ran when a time budget or fail-fast
//    stopped the campaign early.
//  - The reports (summary table, JSON, JUnit XML) are in campaign_report.h.
//
// This is the CLI side, not the deterministic core: it uses real threads and the real clock.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/status.h"
#include "sim/scenario/run_result.h"

namespace rmq::scenario {

// The most seeds one --seeds spec may select (a guard against typos such as 1-1000000000000).
inline constexpr uint64_t kMaxCampaignSeeds = 10'000'000;

// "N" = seeds 1..N; "A-B" inclusive; "A,B,C" a list; "A-B,C" mixes them. A seed listed twice runs once (the
// first place counts). Errors name the bad part: "--seeds: 'x-3' is not a number",
// "--seeds: range 9-3 runs backwards", an empty spec or part, more than kMaxCampaignSeeds seeds in total.
Result<std::vector<uint64_t>> parse_seeds(std::string_view spec);

// One shard of a campaign split across machines, 1-based: "2/4" is the second of four.
struct Shard {
  uint32_t index = 1, count = 1;
};
// Errors: "--shard: expected I/N such as 2/4, got 'x'", "--shard: I must be between 1 and N (got 5/4)",
// "--shard: N must be at least 1 (got 1/0)".
Result<Shard> parse_shard(std::string_view spec);

// The seeds at positions p (0-based) with p % count == index - 1: the shards partition the list and each gets
// every count-th seed, so their loads are balanced even when cost grows with the seed's place in the list.
std::vector<uint64_t> shard_seeds(const std::vector<uint64_t>& seeds, Shard shard);

// A time budget: "90s", "15m", "2h", "500ms", or a plain number of seconds; fractions ("1.5h") are allowed.
// Errors name `flag`: "--time-budget: 'soon' is not a duration such as 90s, 15m, 2h or 500ms".
Result<double> parse_duration_seconds(std::string_view spec, std::string_view flag);

// kAuto: a bar redrawn in place when the stream is a terminal (isatty on progress_fd), else a plain line every
// 10% of the seeds and at least every 10 s.
enum class ProgressMode { kAuto, kBar, kLines, kOff };

struct CampaignOptions {
  std::vector<uint64_t> seeds;  // already sharded
  int jobs = 1;                 // worker threads; each run is independent and single-threaded
  // 0: none. Once spent, no new seed starts (runs in flight finish); the rest are listed in not_run.
  double time_budget_s = 0;
  // Every seed runs twice; differing digests are a failure of their own kind ("determinism").
  bool check_determinism = false;
  ProgressMode progress = ProgressMode::kAuto;
  std::ostream* progress_out = nullptr;  // usually &std::cerr; nullptr: no progress
  int progress_fd = 2;                   // the descriptor behind progress_out, for kAuto's terminal test
  bool stop_on_failure = false;          // --fail-fast: no new seed starts after the first failure
};

struct CampaignResult {
  std::vector<RunResult> runs;   // sorted by seed
  std::vector<uint64_t> not_run;  // sorted; skipped by the time budget or fail-fast
  std::vector<std::pair<uint64_t, std::string>> determinism_mismatches;  // sorted by seed; "digest a vs b"
  double wall_seconds = 0;

  // At least one seed ran, every run passed and no seed's digest changed between its two runs.
  bool passed() const;
  // How many runs failed their checks or setup (determinism mismatches not included).
  size_t failed_runs() const;
};

// Runs `run(seed)` for every seed of options.seeds on options.jobs threads. `run` must be safe to call from
// several threads at once for different seeds (scenario runs share nothing). An exception escaping `run` is
// recorded as that seed's setup error rather than ending the process. Progress, when options.progress_out is
// set, looks like "[#####...............] 120/500 seeds  3 failed  41.2 seeds/s  eta 9s".
CampaignResult run_campaign(const CampaignOptions& options, const std::function<RunResult(uint64_t seed)>& run);

}  // namespace rmq::scenario
