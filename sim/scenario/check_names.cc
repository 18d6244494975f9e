// The check names (docs/scenarios.md), apart from the checks themselves so that the scenario loader can validate
// `checks.disable` without linking the runner (the fuzz build compiles the loader alone). run_checks.cc emits
// exactly these; ScenarioRunner tests hold the two together.
#include "sim/scenario/scenario_runner.h"

namespace rmq::scenario {

const std::vector<std::string>& check_names() {
  static const std::vector<std::string> names = {
      "send.well_formed",       "send.attempts",    "send.retried_codes", "send.broker_avoidance",
      "send.latency_windows",   "send.timeout_budget", "send.status_codes", "send.async_retries",
      "delivery.at_least_once", "delivery.offsets", "delivery.order",     "delivery.subscription",
      "sends.min_ok",
      "run.event_limit",
  };
  return names;
}

}  // namespace rmq::scenario
