// Scenario files (proto/scenario.proto, docs/scenarios.md): textproto in, a validated Scenario out. Every error
// names the file, the line and column, and the field ("scenarios/x.textproto:12:5: topology.brokers: 40 is out
// of range 1..16"); the CLI prints it as one line and exits with 2.
#pragma once

#include <string>
#include <string_view>

#include "core/common/status.h"
#include "scenario.pb.h"

namespace rmq::scenario {

namespace pb = ::rmqsim::scenario::v1;

// Error code of every scenario problem (outside RocketMQ's codes).
inline constexpr int kScenarioError = 20801;

// Reads and parses `path`; "cannot read <path>: <reason>" when it cannot be read.
Result<pb::Scenario> load_scenario(const std::string& path);
// Parses and validates textproto `text`; `file_name` prefixes the errors.
Result<pb::Scenario> parse_scenario(std::string_view text, std::string_view file_name);
// Validation alone (for scenarios built in code, such as minimize's output), without line numbers.
Status validate_scenario(const pb::Scenario& scenario, std::string_view file_name);

// The textproto form (what minimize writes; parse_scenario reads it back unchanged).
std::string to_textproto(const pb::Scenario& scenario);

// The swarm's fault families ("broker_crash", ...), for validation and docs.
const std::vector<std::string>& swarm_family_names();

// Whether `name` names hosts of the scenario: "namesrv", "broker-<i>", "producer-<i>",
// "consumer-<g>-<j>", or "brokers", "producers", "consumers", "clients".
bool is_host_name(const pb::Scenario& scenario, std::string_view name);

}  // namespace rmq::scenario

namespace rmq::scenario {
// The scenario with every default written in (brokers, topics, groups, hosts' topics, phases, limits, swarm
// intensity): what the runner and the swarm read.
pb::Scenario with_defaults(const pb::Scenario& scenario);
}  // namespace rmq::scenario
