// Protocol coverage (issue 8): which transitions of the client's state machines a run exercised — send → timeout →
// retry → other broker, pull → suspended → answered, rebalance add/drop, ... — derived from the events the
// producers and consumers report, never from inside the core. A campaign's report lists every transition with the
// number of seeds that reached it, and names the ones no seed reached.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/consumer/push_consumer.h"
#include "core/producer/send_events.h"
#include "properties/send_checkers.h"
#include "sim/scenario/run_result.h"

namespace rmq::scenario {

struct Transition {
  const char* id;           // "send.retry_other_broker"
  const char* description;  // "send: retry -> another broker"
};
const std::vector<Transition>& transitions();

// One producer's whole event stream, grouped by send (checks::group_by_send).
void cover_sends(std::set<std::string>& covered, const std::vector<checks::SendTrace>& sends);

// One consumer event, as it happens. `pull_started_ms` holds the start of the pull in flight per queue (before this
// event updates it); `allocation` the consumer's last allocation per topic (updated here).
void note_consumer_event(std::set<std::string>& covered, const consumer::ConsumerEvent& event,
                         const std::map<client::MessageQueue, int64_t>& pull_started_ms,
                         std::map<std::string, std::set<client::MessageQueue>>& allocation);

// Trace vocabulary for consumer events other than pulls: "consume", "consume.result", "send_back", ...
std::string consumer_event_kind(consumer::ConsumerEventType type);
std::string describe_consumer_event(const consumer::ConsumerEvent& event);

// The campaign's table: each transition with the seeds that reached it, then "never exercised: ...".
std::string coverage_report(const std::vector<RunResult>& runs);

}  // namespace rmq::scenario
