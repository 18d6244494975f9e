#include "sim/scenario/minimize.h"

#include <algorithm>

#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_runner.h"

namespace rmq::scenario {
namespace {

class Minimizer {
 public:
  Minimizer(uint64_t seed, const MinimizeOptions& options) : seed_(seed), options_(options) {}

  // Whether `candidate` still fails one of the target checks (and keeps it as the best when it does).
  bool still_fails(const pb::Scenario& candidate) {
    if (runs_ >= options_.max_runs) return false;
    if (!validate_scenario(candidate, "candidate").ok()) return false;
    ++runs_;
    RunResult r = run_scenario(candidate, seed_);
    bool fails = std::any_of(r.checks.begin(), r.checks.end(),
                             [&](const CheckVerdict& v) { return !v.passed && targets.count(v.name) > 0; });
    if (fails) {
      best = candidate;
      best_run = std::move(r);
    }
    return fails;
  }
  void note(const std::string& line) {
    if (options_.progress) options_.progress(line);
  }

  void ddmin_faults();
  void shrink_workload();

  std::set<std::string> targets;
  pb::Scenario best;
  RunResult best_run;
  int runs() const { return runs_; }

 private:
  pb::Scenario with_faults(const std::vector<pb::Fault>& faults) const {
    pb::Scenario s = best;
    s.clear_faults();
    for (const pb::Fault& f : faults) *s.add_faults() = f;
    return s;
  }

  uint64_t seed_;
  MinimizeOptions options_;
  int runs_ = 0;
};

void Minimizer::ddmin_faults() {
  std::vector<pb::Fault> faults(best.faults().begin(), best.faults().end());
  size_t n = 2;
  while (faults.size() >= 1 && runs_ < options_.max_runs) {
    if (faults.size() == 1) {
      if (still_fails(with_faults({}))) {
        faults.clear();
        note("no fault needed");
      }
      break;
    }
    n = std::min(n, faults.size());
    size_t chunk = (faults.size() + n - 1) / n;
    bool reduced = false;
    for (size_t start = 0; start < faults.size() && !reduced; start += chunk) {
      std::vector<pb::Fault> subset(faults.begin() + static_cast<std::ptrdiff_t>(start),
                                    faults.begin() + static_cast<std::ptrdiff_t>(std::min(faults.size(), start + chunk)));
      std::vector<pb::Fault> complement(faults.begin(), faults.begin() + static_cast<std::ptrdiff_t>(start));
      complement.insert(complement.end(), faults.begin() + static_cast<std::ptrdiff_t>(std::min(faults.size(), start + chunk)),
                        faults.end());
      if (still_fails(with_faults(subset))) {
        faults = subset;
        n = 2;
        reduced = true;
      } else if (n > 2 && still_fails(with_faults(complement))) {
        faults = complement;
        n = std::max<size_t>(n - 1, 2);
        reduced = true;
      }
    }
    if (reduced) {
      note("faults: " + std::to_string(faults.size()));
      continue;
    }
    if (n >= faults.size()) break;
    n = std::min(faults.size(), n * 2);
  }
  best = with_faults(faults);
}

void Minimizer::shrink_workload() {
  // Each step is tried repeatedly while it keeps the failure.
  auto repeat = [&](const std::string& what, const std::function<bool(pb::Scenario&)>& step) {
    for (int i = 0; i < 8 && runs_ < options_.max_runs; ++i) {
      pb::Scenario candidate = best;
      if (!step(candidate) || !still_fails(candidate)) return;
      note(what);
    }
  };
  // Whole clients first: a send rule's failure rarely needs the consumers, nor a delivery failure every producer.
  // A candidate whose faults name a removed client's host does not validate and is skipped.
  for (int g = best.consumer_groups_size() - 1; g >= 0 && runs_ < options_.max_runs; --g) {
    pb::Scenario candidate = best;
    candidate.mutable_consumer_groups()->DeleteSubrange(g, 1);
    if (still_fails(candidate)) note("consumer group " + std::to_string(g) + " removed");
  }
  for (int i = best.producers_size() - 1; i >= 0 && best.producers_size() > 1 && runs_ < options_.max_runs; --i) {
    pb::Scenario candidate = best;
    candidate.mutable_producers()->DeleteSubrange(i, 1);
    if (still_fails(candidate)) note("producer " + std::to_string(i) + " removed");
  }
  repeat("shorter fault phase", [](pb::Scenario& s) {
    int64_t phase = s.phases().fault_ms() / 2;
    if (phase < 2'000) return false;
    s.mutable_phases()->set_fault_ms(phase);
    for (pb::Producer& p : *s.mutable_producers()) p.set_stop_ms(std::min(p.stop_ms(), phase));
    return true;
  });
  for (int i = 0; i < best.producers_size(); ++i) {
    repeat("producer " + std::to_string(i) + ": shorter send window", [i](pb::Scenario& s) {
      pb::Producer& p = *s.mutable_producers(i);
      int64_t window = (p.stop_ms() - p.start_ms()) / 2;
      if (window < 2 * p.every_ms()) return false;
      p.set_stop_ms(p.start_ms() + window);
      return true;
    });
    repeat("producer " + std::to_string(i) + ": slower sends", [i](pb::Scenario& s) {
      pb::Producer& p = *s.mutable_producers(i);
      if (p.every_ms() * 2 > (p.stop_ms() - p.start_ms())) return false;
      p.set_every_ms(p.every_ms() * 2);
      return true;
    });
  }
  for (int g = 0; g < best.consumer_groups_size(); ++g)
    repeat("group " + std::to_string(g) + ": one consumer less", [g](pb::Scenario& s) {
      pb::ConsumerGroup& group = *s.mutable_consumer_groups(g);
      if (group.consumers() <= 1) return false;
      group.set_consumers(group.consumers() - 1);
      return true;
    });
}

}  // namespace

Result<MinimizeResult> minimize(const pb::Scenario& scenario, uint64_t seed, const MinimizeOptions& options) {
  Minimizer m(seed, options);
  pb::Scenario start = with_defaults(materialize(scenario, seed));
  RunResult first = run_scenario(start, seed);
  if (first.passed())
    return Error{kScenarioError, "seed " + std::to_string(seed) + " passes every check: nothing to minimize"};
  for (const CheckVerdict& v : first.checks)
    if (!v.passed) m.targets.insert(v.name);
  if (m.targets.empty())
    return Error{kScenarioError, "seed " + std::to_string(seed) + " failed at set-up (" + first.error + "): nothing to minimize"};
  m.best = start;
  m.best_run = first;
  m.ddmin_faults();
  m.shrink_workload();
  MinimizeResult result;
  result.faults_before = static_cast<size_t>(start.faults_size());
  result.faults_after = static_cast<size_t>(m.best.faults_size());
  result.scenario = m.best;
  result.scenario.set_name(scenario.name() + "-min-seed" + std::to_string(seed));
  result.scenario.set_description("minimized by rmqsim minimize from scenario '" + scenario.name() + "' seed " +
                                  std::to_string(seed) + " (" + std::to_string(result.faults_before) + " faults -> " +
                                  std::to_string(result.faults_after) + "); fails: " + first.failed_checks());
  result.scenario.set_seed(seed);
  // The name is part of the trace: the written case's own run gives the digest its replay command carries.
  result.run = run_scenario(result.scenario, seed);
  result.target_checks = m.targets;
  result.runs = m.runs() + 2;
  return result;
}

}  // namespace rmq::scenario
