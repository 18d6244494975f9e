// Generated producer scenarios for the send properties (producer_properties_test.cc): a topology of 1-4 fake
// brokers, topics with 1-8 queues per broker (or auto-created through TBW102), a producer configuration, a
// fault plan per broker (answers with chosen response codes, lost answers, answers after the deadline, double
// answers, slow handlers; each with a probability and a time window), slow client<->broker links, network
// faults (a partition of one broker from the client, refused connects, a reset connection), and a few sends
// (SYNC, ASYNC, ONEWAY). Everything a counterexample needs to be read
// is printed by operator<< / showValue.
//
// The scenario is plain data; run_scenario() materialises it in the simulator (one seed, deterministic) and
// returns the producer's SendEvent stream. send_model() is what the checkers (send_checkers.h) are told: the
// configuration as specified and the fakes' fault plan -- never the producer's state.
//
// Restrictions the generator keeps so that the checkers' view of the publish info is exact (documented in the
// report of each property that relies on them):
// - Route polling is effectively off (pollNameServerInterval = 1 day): a topic's publish info is the one the
//   first send looked up and never changes. A pre-created topic's publish info holds the brokers whose queue
//   data carries WRITE; an auto-created topic's is TBW102's, min(4, 8) = 4 queues on every broker (all brokers
//   allow auto-create). With polling, an auto-created topic's info would shrink to the brokers that happened to
//   create it, which the checkers cannot see.
// - Sends start at least kMinSendGapMs apart, so a second send to a new topic finds the first one's publish
//   info instead of racing a second route lookup against the broker's auto-create registration.
// - Every pre-created topic has queue data on every broker (read-only on some): with a broker absent from a
//   topic's route, 4.9.8's pickOneAtLeast fallback removes that broker's fault item (getQueueIdByBroker = -1),
//   an availability change no event reports, so the latency-window checker could not follow it.
// - The nameserver is never faulted (route lookups take a few ms), so a SYNC send's time is bounded by its
//   timeout plus one connect timeout (rule (e)).
#pragma once

#include <rapidcheck.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/client/profile.h"
#include "core/producer/send_events.h"
#include "fake_broker/broker.h"
#include "properties/send_checkers.h"

namespace rmq::gen {

inline constexpr int64_t kFirstSendMs = 200;  // after the producer started and sent its heartbeats
inline constexpr int64_t kMinSendGapMs = 50;
inline constexpr int64_t kForeverMs = std::numeric_limits<int64_t>::max();

// One fault rule on a broker's SEND_MESSAGE_V2 (310) requests, as fake::FaultRule takes it.
struct SendFaultRule {
  fake::FaultAction action = fake::FaultAction::kRespondCode;
  int32_t response_code = 1;  // kRespondCode
  double probability = 1.0;
  int64_t from_ms = 0;
  int64_t until_ms = kForeverMs;
  int64_t delay_ms = 0;  // kDelayAnswer, kSlowHandler
};

// Extra latency on the client<->broker link (both directions) for a window.
struct SlowLink {
  int64_t from_ms = 0;
  int64_t duration_ms = 0;
  int64_t extra_ms = 0;
};

struct BrokerPlan {
  std::vector<SendFaultRule> rules;
  std::optional<SlowLink> slow;
};

struct TopicPlan {
  std::string name;
  bool auto_created = false;    // not created on any broker: routed through TBW102 (4 queues per broker)
  std::vector<int32_t> queues;  // per broker (pre-created topics): read = write queue count, 1..8
  std::vector<bool> writable;   // per broker: perm 6 (RW) or 4 (R only); at least one broker writable
};

// A network fault between the client host and one broker's host (sim/net_faults.h).
struct NetFaultPlan {
  enum Kind : uint8_t {
    kPartition,  // client <-> broker (two_way) or client -> broker: bytes and handshakes held for the window
    kRefuse,     // connects to the broker are refused for the window (existing connections live on)
    kReset,      // at from_ms, a random live connection is reset (the broker's, or the nameserver's)
  };
  Kind kind = kPartition;
  int broker = 0;
  int64_t from_ms = 0;
  int64_t duration_ms = 0;
  bool two_way = true;
};

struct ProducerPlan {
  client::Profile profile = client::Profile::kV4_9_8;
  int32_t retry_times_when_send_failed = 2;
  int32_t retry_times_when_send_async_failed = 2;
  int64_t send_msg_timeout_ms = 3000;
  bool retry_another_broker_when_not_store_ok = false;
  bool send_latency_fault_enable = false;
};

struct SendPlan {
  producer::CommunicationMode mode = producer::CommunicationMode::kSync;
  int topic = 0;       // index into Scenario::topics
  int64_t gap_ms = 0;  // after the previous send started (>= kMinSendGapMs), or after kFirstSendMs
};

// A deliberately broken producer for the tests that show a property catching a bug: the producer runs with
// the sabotaged option while the checkers are told the plan.
enum class Sabotage : uint8_t {
  kNone,
  kRetryCodeMissing,        // retry_response_codes = the profile's set without SYSTEM_ERROR (1)
  kMoreSyncRetries,         // retry_times_when_send_failed = plan + 2
  kMoreAsyncRetries,        // retry_times_when_send_async_failed = plan + 2
  kHiddenLatencyTolerance,  // send_latency_fault_enable = true while the plan (and the checkers) say false
  kOtherProfile,            // the producer runs the other profile (4.9.8 <-> v5) than the plan says
  kLongerTimeout,           // send_msg_timeout_ms = plan + 1000
};

struct Scenario {
  uint64_t seed = 1;
  int brokers = 1;
  std::vector<TopicPlan> topics;
  std::vector<BrokerPlan> broker_plans;  // one per broker
  std::vector<NetFaultPlan> net_faults;
  ProducerPlan producer;
  std::vector<SendPlan> sends;
  Sabotage sabotage = Sabotage::kNone;
};

std::ostream& operator<<(std::ostream& os, const Scenario& s);
std::string to_string(const Scenario& s);
// RapidCheck prints counterexamples with this (found by ADL).
void showValue(const Scenario& s, std::ostream& os);

// What a property wants from the generator.
struct ScenarioShape {
  std::optional<bool> latency_fault_enable;  // nullopt: either
  std::optional<client::Profile> profile;    // nullopt: either
  int sync_weight = 3, async_weight = 2, oneway_weight = 1;
  int min_brokers = 1;
  int max_sends = 5;
  bool more_net_faults = false;  // 1-2 network faults in most cases (else none in half of them)
  // Relative weight of response codes the profile retries in the generated fault rules (0..100).
  int retried_code_percent = 40;
  // Codes drawn more often (e.g. the code a sabotage test needs to meet): favoured_code_weight against the
  // 100 of the other codes together.
  std::vector<int32_t> favoured_codes;
  int favoured_code_weight = 60;
  Sabotage sabotage = Sabotage::kNone;
};

rc::Gen<Scenario> scenario(const ScenarioShape& shape = {});

// The checkers' view of a scenario: the plan's configuration (not the sabotaged one), the publish info each
// topic must have, and the fakes' fault rules.
checks::SendModel send_model(const Scenario& s);

struct ScenarioRun {
  std::vector<producer::SendEvent> events;
  int sends_done = 0;  // user callbacks seen
  int64_t end_ms = 0;  // virtual time when the run stopped
};

// Runs the scenario in a fresh simulator: until every send's callback ran, or kRunLimitMs of virtual time.
inline constexpr int64_t kRunLimitMs = 600'000;
ScenarioRun run_scenario(const Scenario& s);

}  // namespace rmq::gen
