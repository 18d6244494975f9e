// parse_scenario (sim/scenario/scenario_loader.h) on arbitrary text. Checks: no crash; a scenario that parsed and
// validated prints as textproto that parses back to the same scenario, and its defaults and a seed's swarm draws
// are computed without trouble (a validated scenario is one the runner can take).
#include "fuzz/fuzz_util.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/swarm.h"

using namespace rmq;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;  // scenario files are small; the text parser is linear anyway
  auto scenario = scenario::parse_scenario(fuzz::view(data, size), "fuzz.textproto");
  if (!scenario.ok()) {
    RMQ_FUZZ_CHECK(scenario.error().message.rfind("fuzz.textproto", 0) == 0);  // every error names the file
    return 0;
  }
  std::string text = scenario::to_textproto(*scenario);
  auto back = scenario::parse_scenario(text, "printed.textproto");
  if (!back.ok()) std::fprintf(stderr, "printed scenario does not parse: %s\n%s\n", back.error().message.c_str(), text.c_str());
  RMQ_FUZZ_CHECK(back.ok());
  RMQ_FUZZ_CHECK(back->SerializeAsString() == scenario->SerializeAsString());
  auto with_defaults = scenario::with_defaults(*scenario);
  RMQ_FUZZ_CHECK(scenario::validate_scenario(with_defaults, "defaults").ok());
  for (const auto& fault : scenario::draw_swarm_faults(*scenario, size)) RMQ_FUZZ_CHECK(fault.at_ms() >= 0);
  return 0;
}
