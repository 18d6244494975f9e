#include "sim/scenario/campaign.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace rmq::scenario {
namespace {

constexpr int kUsageError = 2;  // the CLI's exit code for bad flags

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// Digits only: from_chars alone would also take what a user did not mean as a number, such as "12abc".
std::optional<uint64_t> parse_unsigned(std::string_view text) {
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Error seeds_error(const std::string& message) { return Error{kUsageError, "--seeds: " + message}; }

struct SeedRange {
  uint64_t first = 0, last = 0;  // inclusive
};

// One comma-separated part: "A" or "A-B".
Result<SeedRange> parse_seed_part(std::string_view part) {
  auto not_a_number = [&] { return seeds_error("'" + std::string(part) + "' is not a number"); };
  size_t dash = part.find('-');
  if (dash == std::string_view::npos) {
    auto seed = parse_unsigned(part);
    if (!seed) return not_a_number();
    return SeedRange{*seed, *seed};
  }
  auto first = parse_unsigned(trim(part.substr(0, dash)));
  auto last = parse_unsigned(trim(part.substr(dash + 1)));
  if (!first || !last) return not_a_number();
  if (*last < *first)
    return seeds_error("range " + std::to_string(*first) + "-" + std::to_string(*last) + " runs backwards");
  return SeedRange{*first, *last};
}

// Expands the ranges in order, keeping only the first place of a seed listed twice.
std::vector<uint64_t> expand_ranges(const std::vector<SeedRange>& ranges, uint64_t total) {
  std::vector<uint64_t> seeds;
  seeds.reserve(total);
  for (const auto& range : ranges)
    for (uint64_t seed = range.first;; ++seed) {
      seeds.push_back(seed);
      if (seed == range.last) break;  // not `seed <= last`: last may be the largest uint64_t
    }
  std::vector<SeedRange> by_start = ranges;
  std::sort(by_start.begin(), by_start.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  bool overlapping = false;
  for (size_t i = 1; i < by_start.size(); ++i) overlapping |= by_start[i].first <= by_start[i - 1].last;
  if (!overlapping) return seeds;
  // A sorted copy and one flag per distinct seed: far smaller than a hash set at ten million seeds.
  std::vector<uint64_t> distinct = seeds;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<bool> taken(distinct.size(), false);
  std::vector<uint64_t> unique_seeds;
  unique_seeds.reserve(distinct.size());
  for (uint64_t seed : seeds) {
    size_t slot = static_cast<size_t>(std::lower_bound(distinct.begin(), distinct.end(), seed) - distinct.begin());
    if (taken[slot]) continue;
    taken[slot] = true;
    unique_seeds.push_back(seed);
  }
  return unique_seeds;
}

}  // namespace

Result<std::vector<uint64_t>> parse_seeds(std::string_view spec) {
  spec = trim(spec);
  if (spec.empty()) return seeds_error("empty; expected N (seeds 1 to N), A-B, or a list such as 1-100,250");
  const std::string too_many = "'" + std::string(spec) + "' selects more than 10,000,000 seeds";
  if (spec.find_first_of(",-") == std::string_view::npos) {  // "N": seeds 1..N
    auto count = parse_unsigned(spec);
    if (!count) return seeds_error("'" + std::string(spec) + "' is not a number");
    if (*count == 0) return seeds_error("'" + std::string(spec) + "' selects no seeds (N means seeds 1 to N)");
    if (*count > kMaxCampaignSeeds) return seeds_error(too_many);
    return expand_ranges({SeedRange{1, *count}}, *count);
  }
  std::vector<SeedRange> ranges;
  uint64_t total = 0;
  for (size_t begin = 0; begin <= spec.size();) {
    size_t comma = std::min(spec.find(',', begin), spec.size());
    std::string_view part = trim(spec.substr(begin, comma - begin));
    if (part.empty()) return seeds_error("empty part in '" + std::string(spec) + "'");
    auto range = parse_seed_part(part);
    if (!range.ok()) return range.error();
    // last - first, not last - first + 1: the whole uint64_t range would overflow the count.
    if (range->last - range->first >= kMaxCampaignSeeds) return seeds_error(too_many);
    total += range->last - range->first + 1;
    if (total > kMaxCampaignSeeds) return seeds_error(too_many);
    ranges.push_back(*range);
    begin = comma + 1;
  }
  return expand_ranges(ranges, total);
}

Result<Shard> parse_shard(std::string_view spec) {
  spec = trim(spec);
  auto malformed = [&] {
    return Error{kUsageError, "--shard: expected I/N such as 2/4, got '" + std::string(spec) + "'"};
  };
  size_t slash = spec.find('/');
  if (slash == std::string_view::npos) return malformed();
  auto index = parse_unsigned(trim(spec.substr(0, slash)));
  auto count = parse_unsigned(trim(spec.substr(slash + 1)));
  if (!index || !count || *index > UINT32_MAX || *count > UINT32_MAX) return malformed();
  const std::string got = " (got " + std::to_string(*index) + "/" + std::to_string(*count) + ")";
  if (*count == 0) return Error{kUsageError, "--shard: N must be at least 1" + got};
  if (*index < 1 || *index > *count) return Error{kUsageError, "--shard: I must be between 1 and N" + got};
  return Shard{static_cast<uint32_t>(*index), static_cast<uint32_t>(*count)};
}

std::vector<uint64_t> shard_seeds(const std::vector<uint64_t>& seeds, Shard shard) {
  if (shard.count == 0 || shard.index < 1 || shard.index > shard.count) return {};  // parse_shard refuses these
  std::vector<uint64_t> mine;
  mine.reserve(seeds.size() / shard.count + 1);
  for (size_t position = shard.index - 1; position < seeds.size(); position += shard.count)
    mine.push_back(seeds[position]);
  return mine;
}

Result<double> parse_duration_seconds(std::string_view spec, std::string_view flag) {
  spec = trim(spec);
  const std::string quoted = "'" + std::string(spec) + "'";
  auto error = [&](const std::string& what) { return Error{kUsageError, std::string(flag) + ": " + what}; };
  if (spec.empty()) return error("empty; expected a duration such as 90s, 15m, 2h or 500ms");
  size_t unit_begin = spec.size();
  while (unit_begin > 0 && std::isalpha(static_cast<unsigned char>(spec[unit_begin - 1]))) --unit_begin;
  std::string_view number = trim(spec.substr(0, unit_begin)), unit = spec.substr(unit_begin);  // "5 s" too
  double seconds_per_unit = 0;
  if (unit.empty() || unit == "s") seconds_per_unit = 1;
  else if (unit == "ms") seconds_per_unit = 0.001;
  else if (unit == "m") seconds_per_unit = 60;
  else if (unit == "h") seconds_per_unit = 3600;
  double value = 0;
  auto [end, parse_error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (seconds_per_unit == 0 || number.empty() || parse_error != std::errc{} ||
      end != number.data() + number.size() || !std::isfinite(value))
    return error(quoted + " is not a duration such as 90s, 15m, 2h or 500ms");
  if (value < 0) return error(quoted + " must not be negative");
  return value * seconds_per_unit;
}

bool CampaignResult::passed() const { return !runs.empty() && failed_runs() == 0 && determinism_mismatches.empty(); }

size_t CampaignResult::failed_runs() const {
  return static_cast<size_t>(std::count_if(runs.begin(), runs.end(), [](const RunResult& r) { return !r.passed(); }));
}

namespace {

// The real clock is fine here: campaigns are the CLI side, not the deterministic core. Only the time budget and
// the progress display read it; no run result depends on it.
using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

std::string format_eta(double seconds) {
  auto whole = static_cast<long long>(std::ceil(seconds));
  char text[32];
  if (whole < 60) std::snprintf(text, sizeof text, "%llds", whole);
  else if (whole < 3600) std::snprintf(text, sizeof text, "%lldm%02llds", whole / 60, whole % 60);
  else std::snprintf(text, sizeof text, "%lldh%02lldm", whole / 3600, whole % 3600 / 60);
  return text;
}

// Draws the campaign's progress. Every call happens with the campaign's mutex held.
class ProgressReporter {
 public:
  ProgressReporter(const CampaignOptions& options, Clock::time_point start)
      : out_(options.progress == ProgressMode::kOff ? nullptr : options.progress_out),
        bar_(options.progress == ProgressMode::kBar ||
             (options.progress == ProgressMode::kAuto && ::isatty(options.progress_fd) == 1)),
        total_(options.seeds.size()), budget_s_(options.time_budget_s), start_(start), last_output_(start) {}

  // How often the waiting main thread calls tick(): the bar's eta keeps moving; lines come at least every 10 s.
  Clock::duration tick_interval() const { return bar_ ? std::chrono::milliseconds(250) : kLineInterval; }

  void on_seed_done(bool failed, Clock::time_point now) {
    ++done_;
    if (failed) ++failed_;
    if (!out_) return;
    if (bar_) {
      if (!drawn_ || now - last_output_ >= std::chrono::milliseconds(100) || done_ == total_) draw_bar(now);
    } else if (done_ * 10 / total_ > lines_decile_ || now - last_output_ >= kLineInterval) {
      lines_decile_ = done_ * 10 / total_;
      write_line(now);
    }
  }

  void tick(Clock::time_point now) {
    if (!out_) return;
    if (bar_) draw_bar(now);
    else if (now - last_output_ >= kLineInterval) write_line(now);
  }

  // Clears the bar (the summary follows), or writes a last line when the campaign stopped between two.
  void finish(Clock::time_point now) {
    if (!out_) return;
    if (bar_ && drawn_) *out_ << '\r' << std::string(drawn_width_, ' ') << '\r' << std::flush;
    else if (!bar_ && done_ != last_line_done_) write_line(now);
  }

 private:
  static constexpr std::chrono::seconds kLineInterval{10};
  static constexpr size_t kBarWidth = 20;

  std::string status(Clock::time_point now) const {
    double elapsed = seconds_between(start_, now);
    double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0;
    std::string eta = "--";
    if (rate > 0) {
      double remaining = static_cast<double>(total_ - done_) / rate;
      if (budget_s_ > 0) remaining = std::min(remaining, std::max(0.0, budget_s_ - elapsed));
      eta = format_eta(remaining);
    }
    char text[160];
    std::snprintf(text, sizeof text, "%zu/%zu seeds  %zu failed  %.1f seeds/s  eta %s", done_, total_, failed_,
                  rate, eta.c_str());
    return text;
  }

  void draw_bar(Clock::time_point now) {
    size_t filled = total_ == 0 ? kBarWidth : done_ * kBarWidth / total_;
    std::string line = "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] " + status(now);
    size_t width = line.size();
    if (line.size() < drawn_width_) line.append(drawn_width_ - line.size(), ' ');  // cover a longer last draw
    *out_ << '\r' << line << std::flush;
    drawn_width_ = std::max(drawn_width_, width);
    drawn_ = true;
    last_output_ = now;
  }

  void write_line(Clock::time_point now) {
    *out_ << status(now) << '\n' << std::flush;
    last_line_done_ = done_;
    last_output_ = now;
  }

  std::ostream* out_;
  bool bar_;
  size_t total_;
  double budget_s_;
  Clock::time_point start_, last_output_;
  size_t done_ = 0, failed_ = 0;
  size_t lines_decile_ = 0, last_line_done_ = 0;
  size_t drawn_width_ = 0;
  bool drawn_ = false;
};

// What the workers share. The atomics decide which seed runs next; the mutex guards everything else.
struct CampaignState {
  std::atomic<size_t> next_index{0};
  std::atomic<bool> stop{false};  // fail-fast tripped
  std::mutex mutex;
  std::condition_variable worker_exited;
  int workers_running = 0;
  std::vector<RunResult> runs;
  std::vector<std::pair<uint64_t, std::string>> mismatches;
};

// One run; an exception becomes the seed's setup error so one bad seed does not end the whole campaign.
RunResult run_guarded(const std::function<RunResult(uint64_t)>& run, uint64_t seed) {
  RunResult result;
  try {
    result = run(seed);
  } catch (const std::exception& e) {
    result.error = std::string("the run threw: ") + e.what();
  } catch (...) {
    result.error = "the run threw a non-standard exception";
  }
  result.seed = seed;  // the seed asked for is the one reported, whatever the run function filled in
  return result;
}

void run_worker(const CampaignOptions& options, const std::function<RunResult(uint64_t)>& run,
                std::optional<Clock::time_point> deadline, CampaignState& state, ProgressReporter& progress) {
  while (!state.stop.load()) {
    if (deadline && Clock::now() >= *deadline) break;
    size_t index = state.next_index.fetch_add(1);
    if (index >= options.seeds.size()) break;  // every index below next_index runs: not_run is the tail
    const uint64_t seed = options.seeds[index];
    RunResult result = run_guarded(run, seed);
    std::optional<std::string> mismatch;
    if (options.check_determinism) {
      RunResult again = run_guarded(run, seed);
      if (again.digest != result.digest) mismatch = "digest " + result.digest + " vs " + again.digest;
    }
    const bool failed = !result.passed() || mismatch.has_value();
    if (failed && options.stop_on_failure) state.stop.store(true);
    std::lock_guard lock(state.mutex);
    if (mismatch) state.mismatches.emplace_back(seed, std::move(*mismatch));
    state.runs.push_back(std::move(result));
    progress.on_seed_done(failed, Clock::now());
  }
  std::lock_guard lock(state.mutex);
  --state.workers_running;
  state.worker_exited.notify_all();
}

}  // namespace

CampaignResult run_campaign(const CampaignOptions& options, const std::function<RunResult(uint64_t seed)>& run) {
  const Clock::time_point start = Clock::now();
  CampaignResult result;
  if (options.seeds.empty()) return result;
  std::optional<Clock::time_point> deadline;
  // Past a year the budget cannot run out before the seeds do, and the conversion below would overflow.
  if (options.time_budget_s > 0 && options.time_budget_s < 365.0 * 24 * 3600)
    deadline = start + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(options.time_budget_s));
  CampaignState state;
  ProgressReporter progress(options, start);
  const size_t jobs = std::clamp<size_t>(static_cast<size_t>(std::max(options.jobs, 1)), 1, options.seeds.size());
  state.workers_running = static_cast<int>(jobs);
  std::vector<std::thread> workers;
  for (size_t i = 0; i < jobs; ++i)
    workers.emplace_back(run_worker, std::cref(options), std::cref(run), deadline, std::ref(state), std::ref(progress));
  {
    // The main thread only keeps the progress display moving while the workers run.
    std::unique_lock lock(state.mutex);
    while (state.workers_running > 0) {
      state.worker_exited.wait_for(lock, progress.tick_interval());
      progress.tick(Clock::now());
    }
    progress.finish(Clock::now());
  }
  for (auto& worker : workers) worker.join();

  result.runs = std::move(state.runs);
  std::sort(result.runs.begin(), result.runs.end(),
            [](const RunResult& a, const RunResult& b) { return a.seed < b.seed; });
  result.determinism_mismatches = std::move(state.mismatches);
  std::sort(result.determinism_mismatches.begin(), result.determinism_mismatches.end());
  const size_t started = std::min(state.next_index.load(), options.seeds.size());
  result.not_run.assign(options.seeds.begin() + static_cast<std::ptrdiff_t>(started), options.seeds.end());
  std::sort(result.not_run.begin(), result.not_run.end());
  result.wall_seconds = seconds_between(start, Clock::now());
  return result;
}

}  // namespace rmq::scenario
