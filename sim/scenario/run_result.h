// What one scenario run produced (scenario_runner.h makes it; campaigns, reports and the CLI read it).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "scenario.pb.h"
#include "trace.pb.h"

namespace rmq::scenario {

namespace pb = ::rmqsim::scenario::v1;

struct CheckVerdict {
  std::string name;     // "send.attempts", "delivery.at_least_once", ...
  bool passed = true;
  uint64_t checked = 0;  // how many things it looked at (sends, messages, offsets)
  std::string detail;   // the first violations, readable; empty when passed
};

struct RunStats {
  uint64_t sends = 0, sends_ok = 0, send_errors = 0;
  uint64_t attempts = 0, retries = 0;
  uint64_t deliveries = 0, consumed = 0, duplicates = 0;
  uint64_t pulls = 0, rebalances = 0;
  std::map<std::string, uint64_t> faults_by_kind;  // "broker_crash" -> 2, ...
};

struct RunResult {
  std::string scenario;  // the scenario's name
  uint64_t seed = 0;
  uint64_t events = 0;
  std::string digest;    // 16 hex digits over the whole trace
  int64_t virtual_ms = 0;
  std::vector<pb::Fault> faults;  // every fault applied: scripted first, then the seed's draws, by time
  std::vector<CheckVerdict> checks;
  RunStats stats;
  std::set<std::string> coverage;  // the state-machine transitions exercised (coverage.h names them)
  std::vector<::rmqsim::trace::v1::TraceEvent> trace;  // every event, when RunOptions::capture_trace
  std::string error;  // a setup failure (a client that would not start); the run then fails

  bool passed() const;
  // The names of the failed checks, comma-separated ("" when none).
  std::string failed_checks() const;
};

}  // namespace rmq::scenario
