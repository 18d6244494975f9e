// Swarm testing (DESIGN §4): the seed decides which fault families are active in a run and draws their faults over
// the fault phase. The draw is a pure function of (scenario, seed) and uses a generator of its own, so the drawn
// faults written out as scripted ones (materialize) replay the very same run.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "scenario.pb.h"

namespace rmq::scenario {

namespace pb = ::rmqsim::scenario::v1;

struct SwarmFamily {
  const char* name;
  double probability;  // that the family is active in a seed, before the scenario's intensity
  const char* what;    // one line for docs and --list-families
};
const std::vector<SwarmFamily>& swarm_families();

// The faults seed `seed` draws for `scenario` (empty when swarm is off), ordered by time.
std::vector<pb::Fault> draw_swarm_faults(const pb::Scenario& scenario, uint64_t seed);

}  // namespace rmq::scenario
