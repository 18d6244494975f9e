// The scenario runner (DESIGN §7): one scenario, one seed, one deterministic run on a SimCluster. It builds the
// topology, starts the producers and consumer groups, applies the fault plan (the scenario's scripted faults plus,
// with swarm on, the faults the seed draws), heals everything at the end of the fault phase, waits for liveness,
// and runs the checks. The checkers (properties/send_checkers, sim/cluster/delivery_checker) only see the
// clients' events and the fakes' state.
//
// Same scenario + seed + binary => the same trace, byte for byte: the result carries the trace digest.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "sim/scenario/run_result.h"

namespace rmq::scenario {

struct RunOptions {
  bool capture_trace = false;
  // Stops at the first event past this many (0: the scenario's limit).
  uint64_t max_events = 0;
};

// Runs `scenario` (already validated) with `seed`.
RunResult run_scenario(const pb::Scenario& scenario, uint64_t seed, const RunOptions& options = {});

// The scenario with the seed's swarm draws written out as scripted faults and swarm off: running it with the same
// seed gives the same run (minimize works on it).
pb::Scenario materialize(const pb::Scenario& scenario, uint64_t seed);

// Every check name, for --list-checks and the `checks.disable` validation.
const std::vector<std::string>& check_names();

// "broker_crash broker-1 at 2000..9000 ms" and the like.
std::string describe_fault(const pb::Fault& fault);

}  // namespace rmq::scenario
