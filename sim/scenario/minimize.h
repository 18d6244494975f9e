// Delta debugging of a failing run (issue 8): the seed's swarm draws are written out as scripted faults, then the
// fault list is cut down with ddmin (Zeller's algorithm: drop halves, quarters, ... while the run still fails) and
// the workload is shrunk (whole producers and consumer groups, shorter fault phase, shorter send windows, slower
// sends, fewer consumers). "Still fails"
// means: one of the checks that failed originally fails again, so the result reproduces the same bug rather than
// any failure. Each candidate is one deterministic run with the same seed.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "core/common/status.h"
#include "sim/scenario/run_result.h"

namespace rmq::scenario {

struct MinimizeOptions {
  int max_runs = 400;  // candidate runs at most; the best scenario so far is returned when they are spent
  std::function<void(const std::string&)> progress;  // one line per accepted reduction
};

struct MinimizeResult {
  pb::Scenario scenario;   // the smallest failing scenario found (swarm off, seed set, faults scripted)
  RunResult run;           // its run
  std::set<std::string> target_checks;  // the checks that failed originally
  size_t faults_before = 0, faults_after = 0;
  int runs = 0;            // candidate runs made
};

// Fails when `seed` passes (nothing to minimize).
Result<MinimizeResult> minimize(const pb::Scenario& scenario, uint64_t seed, const MinimizeOptions& options = {});

}  // namespace rmq::scenario
