#include "properties/send_checkers.h"

#include <algorithm>
#include <array>
#include <limits>
#include <regex>
#include <sstream>

namespace rmq::checks {

// The grouping a GroupedSendsScope made for one vector.
struct GroupedSends {
  const std::vector<producer::SendEvent>* events = nullptr;
  std::vector<SendTrace> traces;
};

using client::ClientError;
using client::JavaException;
using producer::CommunicationMode;
using producer::SendEvent;
using producer::SendEventType;
using producer::SendResult;
using producer::SendStatus;

namespace {

// ---------------------------------------------------------------------------------------------------------
// Small helpers over events.

std::string q(const std::string& s) { return "\"" + s + "\""; }

std::string queue_text(const std::optional<client::MessageQueue>& mq) {
  if (!mq) return "-";
  return mq->broker_name + "/q" + std::to_string(mq->queue_id);
}

std::string error_text(const ClientError& e) {
  std::ostringstream os;
  os << client::java_exception_name(e.exception) << " code=" << e.code << " " << q(e.message);
  return os.str();
}

std::string result_text(const SendResult& r) {
  return std::string(producer::send_status_name(r.status)) + " " + r.queue.broker_name + "/q" +
         std::to_string(r.queue.queue_id);
}

std::string outcome_text(const SendEvent& e) {
  if (e.result) return "ok " + result_text(*e.result);
  if (e.error) return error_text(*e.error);
  return "(no outcome)";
}

// The response code a SendStatus stands for (spec §2.6).
int32_t status_code(SendStatus status) {
  switch (status) {
    case SendStatus::kSendOk: return 0;
    case SendStatus::kFlushDiskTimeout: return 10;
    case SendStatus::kFlushSlaveTimeout: return 12;
    case SendStatus::kSlaveNotAvailable: return 11;
  }
  return -1;
}

bool is_stored_code(int32_t code) { return code == 0 || code == 10 || code == 11 || code == 12; }

bool is_broker_error(const SendEvent& result) {
  return result.error && result.error->exception == JavaException::kMQBrokerException;
}

// The exceptions sendDefaultImpl's loop catches and retries (RemotingException, MQClientException) -- the
// broker exception is decided by its code.
bool is_loop_retried_exception(const ClientError& e) {
  return e.is_remoting() || e.exception == JavaException::kMQClientException;
}

// The responseCode of the final "Send [n] times" MQClientException, from the last exception's class (§2.2).
int final_code_for(const std::optional<ClientError>& last) {
  if (!last) return -1;
  switch (last->exception) {
    case JavaException::kMQBrokerException: return last->code;
    case JavaException::kRemotingConnectException: return 10001;
    case JavaException::kRemotingTimeoutException: return 10002;
    case JavaException::kMQClientException: return 10003;
    default: return -1;
  }
}

bool is_call_timeout(const std::optional<ClientError>& e) {
  return e && e->exception == JavaException::kRemotingTooMuchRequestException &&
         e->message == "sendDefaultImpl call timeout";
}

bool is_kernel_call_timeout(const std::optional<SendEvent>& result) {
  return result && result->error && result->error->message == "sendKernelImpl call timeout";
}

// Failures sendDefaultImpl itself reports for an ASYNC send before the request reaches the retry chain
// (sendKernelImpl's own budget check, a broker without an address): they end the send as "Send [1] times".
bool is_pre_chain_failure(const SendEvent& result) {
  return result.error &&
         (result.error->message == "sendKernelImpl call timeout" || result.error->message.starts_with("The broker["));
}

int sync_times_total(const SendModel& m) { return 1 + m.retry_times_when_send_failed; }

std::string brokers_text(const std::set<std::string>& brokers) {
  std::string out = "{";
  for (const auto& b : brokers) out += (out.size() > 1 ? ", " : "") + b;
  return out + "}";
}

const std::set<std::string>& writable_of(const SendModel& m, const std::string& topic) {
  static const std::set<std::string> kNone;
  auto it = m.writable_brokers.find(topic);
  return it == m.writable_brokers.end() ? kNone : it->second;
}

// ---------------------------------------------------------------------------------------------------------
// The SYNC loop as the spec describes it (§2.2), driven by the observed attempt results: what must happen
// after attempt k's result. Used by (a), (b), (e).

struct SyncStep {
  enum Kind { kEnd, kContinue } kind = kEnd;
  // kEnd: the outcome the user must see (a result, or an error with this exception and code).
  std::optional<SendResult> end_result;
  std::optional<ClientError> end_error;
  std::string why;
};

struct SyncLoop {
  std::optional<SendResult> kept;  // sendResult: the last non-OK result retryAnotherBroker went on from
};

// The step after `result` (the attempt's kAttemptResult) given the loop state before it; updates the state.
SyncStep sync_step_after(const SendEvent& result, const SendModel& m, SyncLoop& loop) {
  SyncStep step;
  if (result.result) {
    if (result.result->status != SendStatus::kSendOk && m.retry_another_broker_when_not_store_ok) {
      loop.kept = result.result;
      step.kind = SyncStep::kContinue;
      step.why = "non-OK result with retryAnotherBrokerWhenNotStoreOK";
      return step;
    }
    step.end_result = result.result;
    step.why = result.result->status == SendStatus::kSendOk ? "SEND_OK" : "non-OK result, no retryAnotherBroker";
    return step;
  }
  const ClientError& e = *result.error;
  if (e.exception == JavaException::kMQBrokerException) {
    if (m.retry_codes.contains(e.code)) {
      step.kind = SyncStep::kContinue;
      step.why = "broker code " + std::to_string(e.code) + " is retried";
      return step;
    }
    if (loop.kept)
      step.end_result = loop.kept;
    else
      step.end_error = e;
    step.why = "broker code " + std::to_string(e.code) + " is not retried";
    return step;
  }
  if (is_loop_retried_exception(e)) {
    step.kind = SyncStep::kContinue;
    step.why = std::string(client::java_exception_name(e.exception)) + " is retried";
    return step;
  }
  step.end_error = e;
  step.why = std::string(client::java_exception_name(e.exception)) + " escapes the loop";
  return step;
}

// After a kContinue at time t following attempt index k: what the loop does next.
struct AfterContinue {
  bool next_attempt = false;  // attempt k+1 must start at t
  bool budget_spent = false;  // the loop stops at its budget check (cost > timeout)
  std::optional<SendResult> end_result;
  bool call_timeout = false;  // ends with "sendDefaultImpl call timeout"
  bool send_n_times = false;  // ends with "Send [n] times, still failed"
  std::string why;
};

AfterContinue after_continue(int k, int64_t t, const SendTrace& s, const SendModel& m, const SyncLoop& loop) {
  AfterContinue a;
  const int64_t begin = s.begin->now_ms;
  const int64_t timeout = m.send_msg_timeout_ms;
  if (k + 1 >= sync_times_total(m)) {
    if (loop.kept)
      a.end_result = loop.kept;
    else
      a.send_n_times = true;
    a.why = "all " + std::to_string(sync_times_total(m)) + " attempts made";
    return a;
  }
  if (t - begin > timeout) {
    a.budget_spent = true;
    if (loop.kept)
      a.end_result = loop.kept;
    else
      a.call_timeout = true;
    a.why = "cost " + std::to_string(t - begin) + "ms > timeout " + std::to_string(timeout) + "ms";
    return a;
  }
  a.next_attempt = true;
  a.why = "attempt " + std::to_string(k + 1) + " of " + std::to_string(sync_times_total(m)) + " with cost " +
          std::to_string(t - begin) + "ms <= timeout " + std::to_string(timeout) + "ms";
  return a;
}

std::string end_text(const SendTrace& s) { return s.end ? outcome_text(*s.end) : "(never ended)"; }

bool end_is_result(const SendTrace& s, const SendResult& r) { return s.end && s.end->result && *s.end->result == r; }

bool end_is_error(const SendTrace& s, JavaException ex, std::optional<int> code = std::nullopt) {
  return s.end && s.end->error && s.end->error->exception == ex && (!code || s.end->error->code == *code);
}

bool end_is_send_n_times(const SendTrace& s) {
  return s.end && s.end->error && s.end->error->exception == JavaException::kMQClientException &&
         s.end->error->message.starts_with("Send [");
}

thread_local GroupedSends* t_grouped = nullptr;  // the innermost GroupedSendsScope's grouping on this thread

// Runs `f` over every well-formed send (begin present) of the given mode.
template <typename F>
void for_sends(const std::vector<SendEvent>& events, std::optional<CommunicationMode> mode, F&& f) {
  std::vector<SendTrace> own;
  const std::vector<SendTrace>* traces = &own;
  if (t_grouped != nullptr && t_grouped->events == &events) traces = &t_grouped->traces;
  else own = group_by_send(events);
  for (const SendTrace& s : *traces) {
    if (!s.begin) continue;
    if (mode && s.begin->mode != *mode) continue;
    f(s);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Fault-item model for (d), kept apart from the core's LatencyFaultTolerance.

struct ItemModel {
  int64_t start = 0;  // not available before this
};

bool available(const std::map<std::string, ItemModel>& items, const std::string& broker, int64_t now) {
  auto it = items.find(broker);
  return it == items.end() || now >= it->second.start;
}

// What the fake broker's own handler answers a send of `topic` to queue `queue_id`: 0, or SYSTEM_ERROR (1)
// "request queueId[q] is illegal" when the id is beyond the topic's queues there -- which an ASYNC retry can
// cause: it keeps the first attempt's queueId while it goes to another broker (spec §2.5, DESIGN §6.3).
int32_t handler_code(const SendModel& m, const std::string& broker, const std::string& topic, int32_t queue_id) {
  auto t = m.queue_counts.find(topic);
  if (t == m.queue_counts.end()) return 0;
  auto b = t->second.find(broker);
  if (b == t->second.end()) return 0;
  return queue_id >= b->second ? 1 : 0;
}

// Which response codes the fake broker could have answered to a send it received in [from, to] (ms).
std::set<int32_t> possible_codes(const SendModel& m, const SendEvent& attempt, int64_t from, int64_t to) {
  std::set<int32_t> codes;
  const std::string broker = attempt.queue ? attempt.queue->broker_name : "";
  const int32_t handled = handler_code(m, broker, attempt.topic, attempt.queue ? attempt.queue->queue_id : 0);
  auto it = m.send_fault_rules.find(broker);
  if (it != m.send_fault_rules.end()) {
    for (const fake::FaultRule& rule : it->second) {
      if (rule.request_code != fake::kAnyRequestCode && rule.request_code != 310) continue;
      if (rule.probability <= 0) continue;
      bool overlaps = rule.from_ms <= to && rule.until_ms > from;
      if (!overlaps) continue;
      // kRespondCode answers its code (10/11/12 only after the handler stored the message); the other actions
      // answer what the handler answers.
      if (rule.action == fake::FaultAction::kRespondCode)
        codes.insert(is_stored_code(rule.response_code) && handled != 0 ? handled : rule.response_code);
      else
        codes.insert(handled);
      bool certain = rule.probability >= 1 && rule.from_ms <= from && rule.until_ms > to;
      if (certain) return codes;
    }
  }
  codes.insert(handled);
  return codes;
}

void note(Coverage* coverage, const std::string& situation) {
  if (coverage) coverage->insert(situation);
}

std::string codes_text(const std::set<int32_t>& codes) {
  std::string out = "{";
  for (int32_t c : codes) out += (out.size() > 1 ? "," : "") + std::to_string(c);
  return out + "}";
}

}  // namespace

// -------------------------------------------------------------------------------------------------------------

int64_t not_available_duration(client::Profile profile, int64_t latency_ms, bool isolation) {
  static constexpr std::array<int64_t, 7> kV4Max = {50, 100, 550, 1000, 2000, 3000, 15000};
  static constexpr std::array<int64_t, 7> kV4Dur = {0, 0, 30000, 60000, 120000, 180000, 600000};
  static constexpr std::array<int64_t, 7> kV5Max = {50, 100, 550, 1800, 3000, 5000, 15000};
  static constexpr std::array<int64_t, 7> kV5Dur = {0, 0, 2000, 5000, 6000, 10000, 30000};
  const bool v5 = profile == client::Profile::kV5;
  const auto& max = v5 ? kV5Max : kV4Max;
  const auto& dur = v5 ? kV5Dur : kV4Dur;
  int64_t x = isolation ? (v5 ? 10000 : 30000) : latency_ms;
  for (size_t i = max.size(); i-- > 0;) {
    if (x >= max[i]) return dur[i];
  }
  return 0;
}

GroupedSendsScope::GroupedSendsScope(const std::vector<SendEvent>& events)
    : own_(std::make_unique<GroupedSends>(GroupedSends{&events, group_by_send(events)})), previous_(t_grouped) {
  t_grouped = own_.get();
}

GroupedSendsScope::~GroupedSendsScope() { t_grouped = previous_; }

const std::vector<SendTrace>& GroupedSendsScope::traces() const { return own_->traces; }

std::vector<SendTrace> group_by_send(const std::vector<SendEvent>& events) {
  std::vector<SendTrace> out;
  std::map<uint64_t, size_t> index;
  for (const SendEvent& e : events) {
    auto [it, inserted] = index.emplace(e.send_id, out.size());
    if (inserted) {
      out.emplace_back();
      out.back().send_id = e.send_id;
    }
    SendTrace& s = out[it->second];
    s.events.push_back(e);
    switch (e.type) {
      case SendEventType::kSendBegin:
        if (!s.begin) s.begin = e;
        break;
      case SendEventType::kSendEnd:
        if (!s.end) s.end = e;
        break;
      case SendEventType::kAttempt: {
        bool duplicate =
            !s.attempts.empty() && !s.attempts.back().result && s.attempts.back().start.attempt == e.attempt;
        if (!duplicate) s.attempts.push_back({e, std::nullopt});
        break;
      }
      case SendEventType::kAttemptResult:
        if (!s.attempts.empty() && !s.attempts.back().result) s.attempts.back().result = e;
        break;
      case SendEventType::kFaultUpdate: break;
    }
  }
  return out;
}

std::string format_event(const SendEvent& e) {
  std::ostringstream os;
  os << "t=" << e.now_ms << " #" << e.send_id << " ";
  switch (e.type) {
    case SendEventType::kSendBegin:
      os << "begin " << producer::communication_mode_name(e.mode) << " topic=" << e.topic << " timeout=" << e.timeout_ms
         << "ms";
      break;
    case SendEventType::kAttempt:
      os << "attempt " << e.attempt << " " << queue_text(e.queue) << " @" << e.broker_addr << " budget=" << e.timeout_ms
         << "ms";
      break;
    case SendEventType::kAttemptResult:
      os << "result " << e.attempt << " " << queue_text(e.queue) << " " << outcome_text(e)
         << (e.response_code_known ? " [answered]" : " [no answer]") << " latency=" << e.latency_ms << "ms";
      break;
    case SendEventType::kFaultUpdate:
      os << "fault_update " << (e.queue ? e.queue->broker_name : "?") << " latency=" << e.latency_ms
         << "ms isolation=" << e.isolation << " reachable=" << e.reachable;
      break;
    case SendEventType::kSendEnd: os << "end " << outcome_text(e); break;
  }
  return os.str();
}

std::string report(const std::vector<Violation>& violations, const std::vector<SendEvent>& events) {
  if (violations.empty()) return "no violation";
  const Violation& v = violations.front();
  std::ostringstream os;
  os << "rule (" << v.rule << ") violated by send #" << v.send_id << ": " << v.what << "\n";
  os << "events of send #" << v.send_id << ":\n";
  for (const SendEvent& e : events) {
    if (e.send_id == v.send_id) os << "  " << format_event(e) << "\n";
  }
  if (v.rule == 'd') {
    os << "fault updates of the whole run:\n";
    for (const SendEvent& e : events) {
      if (e.type == SendEventType::kFaultUpdate) os << "  " << format_event(e) << "\n";
    }
  }
  size_t more = std::min<size_t>(violations.size(), 6);
  if (more > 1) {
    os << "further violations:\n";
    for (size_t i = 1; i < more; ++i)
      os << "  (" << violations[i].rule << ") send #" << violations[i].send_id << ": " << violations[i].what << "\n";
    if (violations.size() > more) os << "  ... " << violations.size() - more << " more\n";
  }
  return os.str();
}

// -------------------------------------------------------------------------------------------------------------
// (w) the stream.

std::vector<Violation> check_well_formed(const std::vector<SendEvent>& events, const SendModel&, Coverage* coverage) {
  std::vector<Violation> out;
  std::map<uint64_t, int> begins, ends;
  std::map<uint64_t, int> next_attempt;      // the index the next kAttempt must carry
  std::map<uint64_t, bool> awaiting_result;  // a kAttempt without its kAttemptResult yet
  auto bad = [&](uint64_t id, std::string what) { out.push_back({'w', id, std::move(what)}); };
  for (const SendEvent& e : events) {
    const uint64_t id = e.send_id;
    if (e.type == SendEventType::kFaultUpdate) continue;  // may follow the end (async bookkeeping)
    if (e.type != SendEventType::kSendBegin && begins[id] == 0) {
      bad(id, "event before the send's begin: " + format_event(e));
      continue;
    }
    if (ends[id] > 0) {
      bad(id, "event after the send's end: " + format_event(e));
      continue;
    }
    switch (e.type) {
      case SendEventType::kSendBegin:
        if (++begins[id] > 1) bad(id, "second begin");
        break;
      case SendEventType::kAttempt:
        if (awaiting_result[id]) {
          bad(id, "attempt " + std::to_string(e.attempt) + " reported again before its result: " + format_event(e));
          break;
        }
        if (e.attempt != next_attempt[id]) {
          bad(id, "attempt numbered " + std::to_string(e.attempt) + ", expected " + std::to_string(next_attempt[id]));
        }
        next_attempt[id] = e.attempt + 1;
        awaiting_result[id] = true;
        if (e.attempt > 0) note(coverage, std::string(producer::communication_mode_name(e.mode)) + " retry");
        break;
      case SendEventType::kAttemptResult:
        if (!awaiting_result[id]) {
          bad(id, "result without an attempt: " + format_event(e));
          break;
        }
        if (e.attempt != next_attempt[id] - 1) bad(id, "result for attempt " + std::to_string(e.attempt));
        if (!e.result && !e.error) bad(id, "result without outcome");
        awaiting_result[id] = false;
        break;
      case SendEventType::kSendEnd:
        ++ends[id];
        if (!e.result && !e.error && e.mode != CommunicationMode::kOneway) bad(id, "end without outcome");
        if (awaiting_result[id]) bad(id, "ended while an attempt had no result");
        break;
      case SendEventType::kFaultUpdate: break;
    }
  }
  for (const auto& [id, n] : begins) {
    if (ends[id] == 0) bad(id, "the send never ended (no kSendEnd, the user callback never ran)");
  }
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// (a) attempts per send.

std::vector<Violation> check_attempt_counts(const std::vector<SendEvent>& events, const SendModel& m,
                                            Coverage* coverage) {
  std::vector<Violation> out;
  for_sends(events, std::nullopt, [&](const SendTrace& s) {
    const int n = static_cast<int>(s.attempts.size());
    const auto mode = s.begin->mode;
    auto bad = [&](std::string what) { out.push_back({'a', s.send_id, std::move(what)}); };
    if (mode == CommunicationMode::kSync) {
      const int total = sync_times_total(m);
      if (n > total) {
        bad(std::to_string(n) + " SYNC attempts > 1 + retryTimesWhenSendFailed = " + std::to_string(total));
        return;
      }
      if (!s.end || n == 0) return;
      // Every attempt failed with a retried broker code, inside the budget: the loop must run to the end.
      bool all_retried_in_budget = true;
      for (const auto& a : s.attempts) {
        if (!a.result || !is_broker_error(*a.result) || !m.retry_codes.contains(a.result->error->code) ||
            a.result->now_ms - s.begin->now_ms > m.send_msg_timeout_ms) {
          all_retried_in_budget = false;
          break;
        }
      }
      if (all_retried_in_budget) note(coverage, "SYNC: every attempt failed with a retried code in time");
      if (n == total && total > 1) note(coverage, "SYNC: all 1 + retryTimesWhenSendFailed attempts made");
      if (all_retried_in_budget && n != total) {
        bad("every attempt failed with a retried code inside the budget, yet " + std::to_string(n) +
            " attempts instead of 1 + retryTimesWhenSendFailed = " + std::to_string(total) + "; the user saw " +
            end_text(s));
      }
    } else if (mode == CommunicationMode::kAsync) {
      const int total = 1 + m.retry_times_when_send_async_failed;
      if (n > 1) note(coverage, "ASYNC: retried");
      if (n > total)
        bad(std::to_string(n) + " ASYNC attempts > 1 + retryTimesWhenSendAsyncFailed = " + std::to_string(total));
    } else {
      if (n == 1) note(coverage, "ONEWAY: one attempt");
      if (n > 1) bad(std::to_string(n) + " ONEWAY attempts, expected exactly 1");
      if (n == 0 && s.end) {
        // Only a send that never reached its first attempt may have none: no route, or the budget spent.
        const auto& e = s.end->error;
        bool before_attempt = e && (is_call_timeout(e) || e->code == 10005 || e->code == 10004 ||
                                    e->exception == JavaException::kIllegalStateException);
        if (!before_attempt) bad("ONEWAY send with no attempt ended with " + end_text(s));
      }
    }
  });
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// (b) which broker codes the SYNC loop retries.

std::vector<Violation> check_retried_codes(const std::vector<SendEvent>& events, const SendModel& m,
                                           Coverage* coverage) {
  std::vector<Violation> out;
  for_sends(events, CommunicationMode::kSync, [&](const SendTrace& s) {
    auto bad = [&](std::string what) { out.push_back({'b', s.send_id, std::move(what)}); };
    SyncLoop loop;
    for (size_t k = 0; k < s.attempts.size(); ++k) {
      const auto& a = s.attempts[k];
      if (!a.result) return;
      const SendEvent& r = *a.result;
      SyncStep step = sync_step_after(r, m, loop);
      if (!is_broker_error(r)) continue;
      const int32_t code = r.error->code;
      const bool has_next = k + 1 < s.attempts.size();
      if (step.kind == SyncStep::kEnd) {
        // Not retried: the send ends here, with this error or the kept non-OK result.
        note(coverage,
             step.end_result ? "non-retried code returned the kept non-OK result" : "non-retried code ended the send");
        if (has_next) {
          bad("broker code " + std::to_string(code) + " is not in the retried set " + codes_text(m.retry_codes) +
              ", yet attempt " + std::to_string(k + 1) + " followed");
        } else if (step.end_result && !end_is_result(s, *step.end_result)) {
          bad("broker code " + std::to_string(code) + " (not retried) must return the earlier non-OK result " +
              result_text(*step.end_result) + ", the user saw " + end_text(s));
        } else if (step.end_error && !end_is_error(s, JavaException::kMQBrokerException, code)) {
          bad("broker code " + std::to_string(code) + " (not retried) must reach the user as MQBrokerException " +
              "code=" + std::to_string(code) + ", the user saw " + end_text(s));
        }
        return;
      }
      // Retried: the loop goes on unless the attempts or the budget are spent.
      AfterContinue next = after_continue(static_cast<int>(k), r.now_ms, s, m, loop);
      note(coverage, next.next_attempt ? "retried code led to the next attempt"
                                       : "retried code with the attempts or the budget spent");
      if (next.next_attempt && !has_next) {
        bad("broker code " + std::to_string(code) + " is in the retried set " + codes_text(m.retry_codes) + " and " +
            next.why + ", yet no further attempt; the user saw " + end_text(s));
        return;
      }
      if (!next.next_attempt && has_next) {
        bad("attempt " + std::to_string(k + 1) + " after " + next.why);
        return;
      }
      if (!next.next_attempt) {
        bool ok = next.end_result     ? end_is_result(s, *next.end_result)
                  : next.call_timeout ? (s.end && is_call_timeout(s.end->error))
                                      : end_is_send_n_times(s);
        if (!ok) {
          bad("after a retried broker code with " + next.why + " the user must see " +
              (next.end_result     ? "the kept result " + result_text(*next.end_result)
               : next.call_timeout ? std::string("\"sendDefaultImpl call timeout\"")
                                   : std::string("\"Send [n] times, still failed\"")) +
              ", saw " + end_text(s));
        }
        return;
      }
    }
  });
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// (c) retries avoid the previous broker (latency tolerance off).

std::vector<Violation> check_retry_avoids_last_broker(const std::vector<SendEvent>& events, const SendModel& m,
                                                      Coverage* coverage) {
  std::vector<Violation> out;
  if (m.send_latency_fault_enable) return out;
  for_sends(events, std::nullopt, [&](const SendTrace& s) {
    if (s.begin->mode == CommunicationMode::kOneway) return;
    const auto& writable = writable_of(m, s.begin->topic);
    for (size_t k = 1; k < s.attempts.size(); ++k) {
      const auto& prev = s.attempts[k - 1].start.queue;
      const auto& cur = s.attempts[k].start.queue;
      if (!prev || !cur) continue;
      if (writable.size() > 1 || (writable.size() == 1 && !writable.contains(prev->broker_name)))
        note(coverage,
             std::string(producer::communication_mode_name(s.begin->mode)) + " retry with another writable broker");
      if (prev->broker_name != cur->broker_name) continue;
      std::set<std::string> others = writable;
      others.erase(prev->broker_name);
      if (!others.empty()) {
        out.push_back({'c', s.send_id,
                       "retry " + std::to_string(k) + " went to " + cur->broker_name +
                           " again, the previous attempt's broker, although " + brokers_text(others) +
                           " also have writable queues for " + s.begin->topic});
        return;
      }
    }
  });
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// (d) not-available windows (latency tolerance on).

// The fault update sendDefaultImpl / the async callback must make after an attempt's result (spec §2.2 steps
// 5-8 and the 5.x flags, §2.5): isolation for every failure but 5.x's MQClientException; 5.x marks a broker
// unreachable on MQBrokerException only (the detector is off). nullopt: no update (an exception the loop does
// not catch).
struct ExpectedUpdate {
  bool isolation = false;
  bool reachable = true;
};

std::optional<ExpectedUpdate> expected_update(const SendEvent& result, bool v5) {
  if (result.result) return ExpectedUpdate{false, true};
  const ClientError& e = *result.error;
  if (result.mode == CommunicationMode::kAsync && !is_pre_chain_failure(result)) {
    // MQClientAPIImpl.sendMessageAsync: an error answer (operationSucceed's catch) and every failure without
    // one (operationFail: in 5.3.3 connect failures and "invokeAsync call ... timeout" also arrive there)
    // isolate the broker and leave it reachable: updateFaultItem(brokerName, cost, true, true).
    return ExpectedUpdate{true, true};
  }
  if (e.exception == JavaException::kMQBrokerException) return ExpectedUpdate{true, !v5};
  if (e.is_remoting()) return ExpectedUpdate{true, true};
  if (e.exception == JavaException::kMQClientException) return ExpectedUpdate{!v5, true};
  return std::nullopt;
}

// Every attempt result is followed, at the same instant and for the same send, by the update the spec
// prescribes for the attempt's broker, with the attempt's latency; with tolerance off there are none.
void check_fault_updates(const std::vector<SendEvent>& events, const SendModel& m, std::vector<Violation>& out) {
  const bool v5 = m.profile == client::Profile::kV5;
  std::map<uint64_t, SendEvent> attempt_of;  // the latest kAttempt per send
  for (size_t i = 0; i < events.size(); ++i) {
    const SendEvent& e = events[i];
    if (e.type == SendEventType::kFaultUpdate && !m.send_latency_fault_enable) {
      out.push_back({'d', e.send_id, "fault update with latency tolerance off: " + format_event(e)});
      return;
    }
    if (e.type == SendEventType::kAttempt) attempt_of[e.send_id] = e;
    if (e.type != SendEventType::kAttemptResult || !m.send_latency_fault_enable) continue;
    if (e.mode == CommunicationMode::kOneway && e.error) continue;  // checked like SYNC below when it has one
    auto expected = expected_update(e, v5);
    if (!expected || !attempt_of.contains(e.send_id)) continue;
    const SendEvent& attempt = attempt_of[e.send_id];
    const std::string broker = attempt.queue ? attempt.queue->broker_name : "";
    const SendEvent* update = nullptr;
    for (size_t j = i + 1; j < events.size() && events[j].now_ms == e.now_ms; ++j) {
      const SendEvent& u = events[j];
      if (u.send_id != e.send_id) continue;
      if (u.type == SendEventType::kAttempt || u.type == SendEventType::kAttemptResult) break;
      if (u.type == SendEventType::kFaultUpdate && u.queue && u.queue->broker_name == broker) {
        update = &u;
        break;
      }
    }
    const int64_t latency = e.now_ms - attempt.now_ms;
    std::ostringstream want;
    want << "updateFaultItem(" << broker << ", " << latency << "ms, isolation=" << expected->isolation
         << (v5 ? ", reachable=" + std::to_string(expected->reachable) : std::string()) << ")";
    if (!update) {
      out.push_back({'d', e.send_id,
                     "attempt " + std::to_string(e.attempt) + "'s result (" + outcome_text(e) +
                         ") was not followed by " + want.str()});
      return;
    }
    if (update->isolation != expected->isolation || update->latency_ms != latency ||
        (v5 && update->reachable != expected->reachable)) {
      out.push_back({'d', e.send_id,
                     "attempt " + std::to_string(e.attempt) + "'s result (" + outcome_text(e) + ") must make " +
                         want.str() + ", made " + format_event(*update)});
      return;
    }
  }
}

std::vector<Violation> check_latency_windows(const std::vector<SendEvent>& events, const SendModel& m,
                                             Coverage* coverage) {
  std::vector<Violation> out;
  check_fault_updates(events, m, out);
  if (!m.send_latency_fault_enable || !out.empty()) return out;
  const bool v5 = m.profile == client::Profile::kV5;
  std::map<std::string, ItemModel> items;
  std::map<uint64_t, std::string> topic_of, last_broker, last_attempt_key;
  for (const SendEvent& e : events) {
    if (e.type == SendEventType::kSendBegin) topic_of[e.send_id] = e.topic;
    if (e.type == SendEventType::kFaultUpdate && e.queue) {
      const int64_t duration = not_available_duration(m.profile, e.latency_ms, e.isolation);
      auto [it, inserted] = items.emplace(e.queue->broker_name, ItemModel{});
      if (v5) {
        if (duration > 0 && e.now_ms + duration > it->second.start) it->second.start = e.now_ms + duration;
      } else {
        it->second.start = e.now_ms + duration;
      }
      continue;
    }
    if (e.type != SendEventType::kAttempt || !e.queue) continue;
    // A duplicated report of the same attempt is one selection.
    std::string key = std::to_string(e.attempt) + "@" + std::to_string(e.now_ms) + e.queue->broker_name;
    if (last_attempt_key[e.send_id] == key) continue;
    last_attempt_key[e.send_id] = key;
    const std::string chosen = e.queue->broker_name;
    std::optional<std::string> last;
    if (v5 && e.attempt > 0 && last_broker.contains(e.send_id)) last = last_broker[e.send_id];
    last_broker[e.send_id] = chosen;
    const auto& candidates = writable_of(m, topic_of[e.send_id]);
    bool some_unavailable = false;
    for (const auto& b : candidates) some_unavailable |= !available(items, b, e.now_ms);
    if (some_unavailable) note(coverage, "selection while a broker was not available");
    if (available(items, chosen, e.now_ms)) {
      if (some_unavailable) note(coverage, "a not-available broker was passed over");
      continue;
    }
    std::set<std::string> better;
    for (const auto& b : writable_of(m, topic_of[e.send_id])) {
      if (last && b == *last) continue;
      if (available(items, b, e.now_ms)) better.insert(b);
    }
    if (better.empty()) {
      note(coverage, last && available(items, *last, e.now_ms) ? "v5: only the last broker was available"
                                                               : "every broker not available (fallback)");
      continue;
    }
    std::ostringstream what;
    what << "attempt " << e.attempt << " at t=" << e.now_ms << " chose " << chosen
         << ", not available until t=" << items[chosen].start << ", while " << brokers_text(better) << " were available"
         << (last ? " (previous attempt's broker " + *last + " excluded, v5)" : std::string()) << "; windows:";
    for (const auto& [b, item] : items) what << " " << b << "<" << item.start;
    out.push_back({'d', e.send_id, what.str()});
  }
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// (e) the SYNC timeout budget.

std::vector<Violation> check_timeout_budget(const std::vector<SendEvent>& events, const SendModel& m,
                                            Coverage* coverage) {
  std::vector<Violation> out;
  for_sends(events, CommunicationMode::kSync, [&](const SendTrace& s) {
    auto bad = [&](std::string what) { out.push_back({'e', s.send_id, std::move(what)}); };
    const int64_t begin = s.begin->now_ms;
    const int64_t timeout = m.send_msg_timeout_ms;
    if (s.begin->timeout_ms != timeout) {
      bad("the send began with timeout " + std::to_string(s.begin->timeout_ms) + "ms, sendMsgTimeout is " +
          std::to_string(timeout) + "ms");
      return;
    }
    SyncLoop loop;
    bool call_timeout_explained = false;
    for (size_t k = 0; k < s.attempts.size(); ++k) {
      const auto& a = s.attempts[k];
      const int64_t cost = a.start.now_ms - begin;
      if (cost > timeout && !is_kernel_call_timeout(a.result)) {
        bad("attempt " + std::to_string(k) + " started with cost " + std::to_string(cost) + "ms > timeout " +
            std::to_string(timeout) + "ms");
        return;
      }
      if (a.start.timeout_ms != timeout - cost) {
        bad("attempt " + std::to_string(k) + " got budget " + std::to_string(a.start.timeout_ms) +
            "ms, expected timeout - cost = " + std::to_string(timeout - cost) + "ms");
        return;
      }
      if (!a.result) return;
      const SendEvent& r = *a.result;
      const int64_t lasted = r.now_ms - a.start.now_ms;
      const int64_t may_last = std::max(a.start.timeout_ms, m.connect_timeout_ms);
      if (lasted > may_last) {
        bad("attempt " + std::to_string(k) + " lasted " + std::to_string(lasted) + "ms > max(budget " +
            std::to_string(a.start.timeout_ms) + "ms, connect timeout " + std::to_string(m.connect_timeout_ms) + "ms)");
        return;
      }
      if (r.error && r.error->exception == JavaException::kRemotingTimeoutException && lasted == a.start.timeout_ms)
        note(coverage, "an attempt waited exactly its budget");
      if (lasted > a.start.timeout_ms) note(coverage, "a connect outlasted the attempt's budget");
      SyncStep step = sync_step_after(r, m, loop);
      if (step.kind == SyncStep::kEnd) break;
      AfterContinue next = after_continue(static_cast<int>(k), r.now_ms, s, m, loop);
      const bool has_next = k + 1 < s.attempts.size();
      if (next.budget_spent) {
        if (has_next) {
          bad("attempt " + std::to_string(k + 1) + " started although " + next.why);
          return;
        }
        if (next.call_timeout) {
          if (!(s.end && is_call_timeout(s.end->error))) {
            bad("the loop went on with " + next.why +
                ": the user must see RemotingTooMuchRequestException "
                "\"sendDefaultImpl call timeout\", saw " +
                end_text(s));
            return;
          }
          call_timeout_explained = true;
          note(coverage, "sendDefaultImpl call timeout");
        }
      } else if (next.next_attempt && !has_next) {
        bad("no attempt " + std::to_string(k + 1) + " although " + next.why + " (" + step.why + "); the user saw " +
            end_text(s));
        return;
      } else if (next.next_attempt && s.attempts[k + 1].start.now_ms != r.now_ms) {
        bad("attempt " + std::to_string(k + 1) + " started at t=" + std::to_string(s.attempts[k + 1].start.now_ms) +
            ", not at once after attempt " + std::to_string(k) + "'s result at t=" + std::to_string(r.now_ms));
        return;
      }
    }
    if (!s.end) return;
    const int64_t spent = s.end->now_ms - begin;
    if (is_call_timeout(s.end->error) && !call_timeout_explained) {
      // Also legitimate before any attempt: the route lookup itself ate the budget.
      if (!(s.attempts.empty() && spent > timeout)) {
        bad("\"sendDefaultImpl call timeout\" although no attempt was due with cost > timeout (send lasted " +
            std::to_string(spent) + "ms, timeout " + std::to_string(timeout) + "ms)");
        return;
      }
    }
    if (spent > timeout + m.connect_timeout_ms) {
      bad("the send lasted " + std::to_string(spent) + "ms > timeout " + std::to_string(timeout) +
          "ms + connect timeout " + std::to_string(m.connect_timeout_ms) + "ms");
    }
  });
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// (f) SendStatus and error codes.

std::vector<Violation> check_status_and_error_codes(const std::vector<SendEvent>& events, const SendModel& m,
                                                    Coverage* coverage) {
  std::vector<Violation> out;
  static const std::regex kSendNTimes(
      R"(Send \[(\d+)\] times, still failed, cost \[(-?\d+)\]ms, Topic: (.*), BrokersSent: \[(.*)\])");
  for_sends(events, std::nullopt, [&](const SendTrace& s) {
    auto bad = [&](std::string what) { out.push_back({'f', s.send_id, std::move(what)}); };
    const auto mode = s.begin->mode;
    for (size_t k = 0; k < s.attempts.size(); ++k) {
      const auto& a = s.attempts[k];
      if (!a.result || mode == CommunicationMode::kOneway) continue;
      const SendEvent& r = *a.result;
      const std::string broker = a.start.queue ? a.start.queue->broker_name : "";
      if (!r.response_code_known) continue;
      std::set<int32_t> possible = possible_codes(m, a.start, a.start.now_ms, r.now_ms);
      if (r.result) {
        int32_t code = status_code(r.result->status);
        if (code != 0) note(coverage, "non-OK status");
        if (!possible.contains(code)) {
          bad("attempt " + std::to_string(k) + " reported " +
              std::string(producer::send_status_name(r.result->status)) + " (response code " + std::to_string(code) +
              ") but " + broker + " could only answer " + codes_text(possible) +
              " between t=" + std::to_string(a.start.now_ms) + " and t=" + std::to_string(r.now_ms));
          return;
        }
        if (r.result->queue.broker_name != broker) {
          bad("attempt " + std::to_string(k) + " to " + broker + " returned a result naming broker " +
              r.result->queue.broker_name);
          return;
        }
      } else if (is_broker_error(r)) {
        int32_t code = r.error->code;
        note(coverage, "broker error code");
        if (is_stored_code(code)) {
          bad("attempt " + std::to_string(k) + ": response code " + std::to_string(code) +
              " must be a SendResult status, not an MQBrokerException");
          return;
        }
        if (!possible.contains(code)) {
          bad("attempt " + std::to_string(k) + " reported broker code " + std::to_string(code) + " but " + broker +
              " could only answer " + codes_text(possible) + " between t=" + std::to_string(a.start.now_ms) +
              " and t=" + std::to_string(r.now_ms));
          return;
        }
      }
    }
    if (!s.end) return;
    if (s.end->result && mode != CommunicationMode::kOneway) {
      bool from_attempt = false;
      for (const auto& a : s.attempts)
        if (a.result && a.result->result && *a.result->result == *s.end->result) from_attempt = true;
      if (!from_attempt) bad("the user got " + result_text(*s.end->result) + " that no attempt returned");
      return;
    }
    if (!end_is_send_n_times(s)) return;
    std::smatch match;
    const std::string& msg = s.end->error->message;
    if (!std::regex_match(msg, match, kSendNTimes)) {
      bad("malformed final error text " + q(msg));
      return;
    }
    const int n = std::stoi(match[1]);
    const int64_t cost = std::stoll(match[2]);
    const int attempts = static_cast<int>(s.attempts.size());
    if (n != attempts) {
      bad("\"Send [" + std::to_string(n) + "] times\" after " + std::to_string(attempts) + " attempts");
      return;
    }
    if (match[3] != s.begin->topic) {
      bad("final error names topic " + std::string(match[3]) + ", the send's is " + s.begin->topic);
      return;
    }
    if (cost != s.end->now_ms - s.begin->now_ms) {
      bad("final error says cost " + std::to_string(cost) + "ms, the send took " +
          std::to_string(s.end->now_ms - s.begin->now_ms) + "ms");
      return;
    }
    const int slots = mode == CommunicationMode::kSync ? sync_times_total(m) : 1;
    std::string expected_brokers;
    for (int i = 0; i < slots; ++i) {
      std::string b = i < attempts && s.attempts[i].start.queue ? s.attempts[i].start.queue->broker_name : "null";
      expected_brokers += (i ? ", " : "") + b;
    }
    if (match[4] != expected_brokers) {
      bad("BrokersSent [" + std::string(match[4]) + "], the attempts went to [" + expected_brokers + "]");
      return;
    }
    std::optional<ClientError> last_error;
    for (const auto& a : s.attempts)
      if (a.result && a.result->error) last_error = a.result->error;
    const int expected_code = final_code_for(last_error);
    note(coverage, "\"Send [n] times\" with code " + std::to_string(expected_code));
    if (s.end->error->code != expected_code) {
      bad("final error code " + std::to_string(s.end->error->code) + ", expected " + std::to_string(expected_code) +
          " for the last failure " + (last_error ? error_text(*last_error) : std::string("(none)")));
    }
  });
  return out;
}

// -------------------------------------------------------------------------------------------------------------
// (g) ASYNC retries.

std::vector<Violation> check_async_retries(const std::vector<SendEvent>& events, const SendModel& m,
                                           Coverage* coverage) {
  std::vector<Violation> out;
  const bool v5 = m.profile == client::Profile::kV5;
  const int max_retries = m.retry_times_when_send_async_failed;
  for_sends(events, CommunicationMode::kAsync, [&](const SendTrace& s) {
    auto bad = [&](std::string what) { out.push_back({'g', s.send_id, std::move(what)}); };
    const int n = static_cast<int>(s.attempts.size());
    if (n > 1 + max_retries) {
      bad(std::to_string(n) + " attempts > 1 + retryTimesWhenSendAsyncFailed = " + std::to_string(1 + max_retries));
      return;
    }
    for (int k = 0; k < n; ++k) {
      const auto& a = s.attempts[static_cast<size_t>(k)];
      if (!a.result) return;
      const SendEvent& r = *a.result;
      const bool has_next = k + 1 < n;
      if (r.response_code_known) {
        if (r.error) note(coverage, "broker error answer not retried");
        if (has_next) {
          bad("attempt " + std::to_string(k) + " was answered by the broker (" + outcome_text(r) + "), yet attempt " +
              std::to_string(k + 1) + " followed: broker answers are never retried in ASYNC");
          return;
        }
        if (r.error && !end_is_error(s, r.error->exception, r.error->code)) {
          bad("the broker's error answer " + error_text(*r.error) + " must reach the callback, it got " + end_text(s));
        }
        return;
      }
      if (k == 0 && is_pre_chain_failure(r)) return;  // sendDefaultImpl's own failure: "Send [1] times"
      const int64_t remaining = a.start.timeout_ms - (r.now_ms - a.start.now_ms);
      bool retry = k < max_retries;
      std::string why = retry ? "retry " + std::to_string(k + 1) + " of " + std::to_string(max_retries)
                              : "all " + std::to_string(max_retries) + " retries made";
      std::string tag = retry ? "transport failure retried" : "transport failure, retries exhausted";
      if (retry && v5 && remaining <= 0) {
        retry = false;
        why = "v5: no budget left (" + std::to_string(remaining) + "ms)";
        tag = "transport failure, v5 budget guard";
      }
      if (retry && v5 && r.error && r.error->exception == JavaException::kRemotingTooMuchRequestException) {
        retry = false;
        why = "v5: RemotingTooMuchRequestException is not retried";
        tag = "transport failure, v5 too-much-request";
      }
      if (retry && !v5 && remaining <= 0) tag = "transport failure retried with the budget spent (4.9.8)";
      if (retry && !has_next) {
        bad("transport failure " + outcome_text(r) + " of attempt " + std::to_string(k) + " not retried although " +
            why + "; the callback got " + end_text(s));
        return;
      }
      if (!retry && has_next) {
        bad("attempt " + std::to_string(k + 1) + " after a transport failure although " + why);
        return;
      }
      note(coverage, tag);
      if (!retry) {
        if (!(s.end && s.end->error)) bad("the chain gave up (" + why + ") but the callback got " + end_text(s));
        return;
      }
      const auto& next = s.attempts[static_cast<size_t>(k + 1)].start;
      if (next.now_ms != r.now_ms || next.timeout_ms != remaining) {
        bad("retry " + std::to_string(k + 1) + " at t=" + std::to_string(next.now_ms) + " with budget " +
            std::to_string(next.timeout_ms) + "ms; expected at once (t=" + std::to_string(r.now_ms) +
            ") with the failed attempt's remaining " + std::to_string(remaining) + "ms");
        return;
      }
    }
  });
  return out;
}

}  // namespace rmq::checks
