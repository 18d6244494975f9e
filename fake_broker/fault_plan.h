// Fault plans for brokers as a JSON document — what `rmqsim serve --faults FILE` reads. It fills the same
// BrokerFaults the simulator uses:
//
//   {"brokers": {"broker-0": {"rules": [{"requestCode": 310, "action": "respond", "responseCode": 1,
//                                        "remark": "injected", "probability": 0.33,
//                                        "fromMs": 0, "untilMs": 60000, "delayMs": 0}],
//                             "writePermissionRevoked": false, "rejectEverySend": true},
//                "*": {...}}}
//
// "*" applies to every broker that has no entry of its own. Actions: respond, no_answer, delay_answer,
// answer_twice, slow_handler. requestCode -1 (or absent) matches every request. Times are milliseconds of the
// server's runtime clock. Unknown keys and bad values are errors that name their JSON path.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/common/status.h"
#include "fake_broker/broker.h"

namespace rmq::fake {

using FaultPlan = std::map<std::string, BrokerFaults>;  // broker name (or "*") -> faults

// `source` names the document in errors (a file path).
Result<FaultPlan> parse_fault_plan(std::string_view json, std::string_view source);

// The faults for `broker_name`: its own entry, else "*", else none.
BrokerFaults faults_for(const FaultPlan& plan, const std::string& broker_name);

}  // namespace rmq::fake
