// Send oracles (DESIGN §5, spec §2.2-§2.6, §4): checkers over a producer's SendEvent stream and the fakes' fault
// plan. They never look into the send loop: everything they know is in SendModel (the configuration as
// specified, the publish info the topology implies, the fault rules the fake brokers apply) and in the events.
//
// Rules (the Java 4.9.8 client's; v5 = 5.3.3 where it differs):
//  (a) attempts per send: SYNC <= 1 + retryTimesWhenSendFailed, exactly that many when every attempt failed
//      with a retried code inside the budget; ASYNC <= 1 + retryTimesWhenSendAsyncFailed; ONEWAY exactly 1
//      (0 when the send never got a route or its budget was spent before the first attempt).
//  (b) SYNC: the retried broker codes are exactly the profile's set; any other error code ends the send at
//      once with MQBrokerException(code), or with the earlier non-OK result retryAnotherBroker kept.
//  (c) latency tolerance off: a retry (SYNC, and the ASYNC retry chain, which also calls
//      selectOneMessageQueue(info, failedBroker)) never goes to the previous attempt's broker while another
//      broker has a writable queue in the publish info. Both profiles scan all n queues for another broker.
//  (d) latency tolerance on: a broker inside its not-available window (recomputed here from the kFaultUpdate
//      events and the profile's tables, 4.x overwrite / v5 extend-only) is not chosen while an available one
//      exists. 4.9.8: the queue scan starts at the index and takes the first available queue, so any
//      available broker of the publish info wins (lastBrokerName is ignored). v5: the first filter is
//      "available AND not the last broker", so the rule holds against the available brokers other than the
//      previous attempt's; when the last broker is the only available one, the reachable filter may
//      legitimately pick an unavailable broker (counted as a situation, not a violation). So that the windows
//      are not taken on trust, every attempt result must be followed at once by the update the spec gives
//      (broker, latency = result - attempt, isolation, and for v5 reachable); with tolerance off there is none.
//  (e) SYNC budget: every attempt starts with cost <= timeout (attempt - begin <= timeout) and gets
//      timeout - cost as its own budget; "sendDefaultImpl call timeout" exactly when the loop would start
//      another attempt with cost > timeout (and no non-OK result is kept); an attempt lasts at most
//      max(its budget, connect timeout); the whole send lasts at most timeout + connect timeout (the last
//      attempt may start with its budget nearly spent and then wait for a connect; route lookups are fast
//      because the nameserver is never faulted).
//  (f) response code -> SendStatus 0/10/12/11 -> SEND_OK/FLUSH_DISK_TIMEOUT/FLUSH_SLAVE_TIMEOUT/
//      SLAVE_NOT_AVAILABLE, any other code an MQBrokerException with it; the code must be one the fake broker
//      could have answered at that time (its rules and windows); the final "Send [n] times, still failed, ..."
//      carries n = attempts made, the attempts' brokers and the last failure's class code (broker code, 10001
//      connect, 10002 timeout, 10003 client, else -1).
//  (g) ASYNC: a broker's error answer is never retried; a transport failure is retried (at once, same
//      remaining budget) while fewer than retryTimesWhenSendAsyncFailed retries were made (v5: and budget > 0
//      and not RemotingTooMuchRequestException), and ends the send otherwise.
// Plus (w), the stream itself: every send begins and ends once, attempts are numbered 0, 1, ... and each
// attempt is reported once and answered once before the next.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/client/profile.h"
#include "core/producer/send_events.h"
#include "fake_broker/broker.h"

namespace rmq::checks {

struct SendModel {
  client::Profile profile = client::Profile::kV4_9_8;
  int32_t retry_times_when_send_failed = 2;
  int32_t retry_times_when_send_async_failed = 2;
  std::set<int32_t> retry_codes;  // the SYNC retried codes the checker expects (normally the profile's)
  bool retry_another_broker_when_not_store_ok = false;
  bool send_latency_fault_enable = false;
  int64_t send_msg_timeout_ms = 3000;  // every generated send uses the producer's sendMsgTimeout
  int64_t connect_timeout_ms = 3000;   // NettyClientConfig connectTimeoutMillis
  // topic -> the brokers with a writable queue in the producer's publish info for it.
  std::map<std::string, std::set<std::string>> writable_brokers;
  // topic -> broker -> the topic's queue count on that broker (what the broker checks a request's queueId
  // against; an auto-created topic gets min(4, 8) = 4).
  std::map<std::string, std::map<std::string, int32_t>> queue_counts;
  // broker name -> the fault rules its fake applies to SEND_MESSAGE_V2, in order.
  std::map<std::string, std::vector<fake::FaultRule>> send_fault_rules;
};

struct Violation {
  char rule = '?';  // 'a'..'g', 'w'
  uint64_t send_id = 0;
  std::string what;
};

// One send's events in order: its begin, attempts, results, fault updates it caused, end.
struct SendTrace {
  uint64_t send_id = 0;
  std::optional<producer::SendEvent> begin;
  std::optional<producer::SendEvent> end;
  struct Attempt {
    producer::SendEvent start;                  // kAttempt
    std::optional<producer::SendEvent> result;  // kAttemptResult
  };
  std::vector<Attempt> attempts;
  std::vector<producer::SendEvent> events;  // everything with this send id, fault updates included
};

// The situations a checker met in a run in which its rule is not vacuous (e.g. "retry with another writable
// broker"), so a property can show, and assert, that its generator reaches them.
using Coverage = std::set<std::string>;

using Checker = std::vector<Violation> (*)(const std::vector<producer::SendEvent>&, const SendModel&, Coverage*);

std::vector<Violation> check_well_formed(const std::vector<producer::SendEvent>& events, const SendModel& model,
                                         Coverage* coverage = nullptr);
std::vector<Violation> check_attempt_counts(const std::vector<producer::SendEvent>& events, const SendModel& model,
                                            Coverage* coverage = nullptr);
std::vector<Violation> check_retried_codes(const std::vector<producer::SendEvent>& events, const SendModel& model,
                                           Coverage* coverage = nullptr);
std::vector<Violation> check_retry_avoids_last_broker(const std::vector<producer::SendEvent>& events,
                                                      const SendModel& model, Coverage* coverage = nullptr);
std::vector<Violation> check_latency_windows(const std::vector<producer::SendEvent>& events, const SendModel& model,
                                             Coverage* coverage = nullptr);
std::vector<Violation> check_timeout_budget(const std::vector<producer::SendEvent>& events, const SendModel& model,
                                            Coverage* coverage = nullptr);
std::vector<Violation> check_status_and_error_codes(const std::vector<producer::SendEvent>& events,
                                                    const SendModel& model, Coverage* coverage = nullptr);
std::vector<Violation> check_async_retries(const std::vector<producer::SendEvent>& events, const SendModel& model,
                                           Coverage* coverage = nullptr);

// Groups the stream by send id (sends in order of their first event). Duplicate kAttempt events for the same
// attempt (same index, nothing in between) are folded into one here; check_well_formed reports them.
std::vector<SendTrace> group_by_send(const std::vector<producer::SendEvent>& events);

// Groups `events` once for every checker called on this thread with that very vector while the scope lives
// (a run of all the checkers over one long stream groups it once instead of once per checker). The vector must
// not change meanwhile.
struct GroupedSends;
class GroupedSendsScope {
 public:
  explicit GroupedSendsScope(const std::vector<producer::SendEvent>& events);
  ~GroupedSendsScope();
  // group_by_send(events), as the checkers see it.
  const std::vector<SendTrace>& traces() const;
  GroupedSendsScope(const GroupedSendsScope&) = delete;
  GroupedSendsScope& operator=(const GroupedSendsScope&) = delete;

 private:
  std::unique_ptr<GroupedSends> own_;
  GroupedSends* previous_;
};

// "t=1234 #3 attempt 1 broker-0/q2 @10.0.0.1:10911 budget=2766ms" and the like, one event per line.
std::string format_event(const producer::SendEvent& event);
// A readable failure: the rule, the send id, that send's events, and the first few other violations.
std::string report(const std::vector<Violation>& violations, const std::vector<producer::SendEvent>& events);

// The profile's tables (spec §4.3, §4.4), kept here independently of the core's FaultStrategy.
int64_t not_available_duration(client::Profile profile, int64_t latency_ms, bool isolation);

}  // namespace rmq::checks
