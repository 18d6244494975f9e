#include "sim/scenario/run_result.h"

namespace rmq::scenario {

bool RunResult::passed() const {
  if (!error.empty()) return false;
  for (const auto& check : checks)
    if (!check.passed) return false;
  return true;
}

std::string RunResult::failed_checks() const {
  std::string out;
  if (!error.empty()) out = "setup";
  for (const auto& check : checks) {
    if (check.passed) continue;
    if (!out.empty()) out += ",";
    out += check.name;
  }
  return out;
}

}  // namespace rmq::scenario
