#include "sim/scenario/coverage.h"

#include <cstdio>

#include "sim/cluster/delivery_checker.h"

namespace rmq::scenario {
namespace {

using client::JavaException;
using producer::SendEvent;
using producer::SendEventType;

const std::vector<Transition> kTransitions = {
    {"send.ok", "send: attempt -> SEND_OK"},
    {"send.degraded", "send: attempt -> stored but not SEND_OK (FLUSH_DISK_TIMEOUT, SLAVE_NOT_AVAILABLE, ...)"},
    {"send.retry_after_code", "send: broker error code -> retry"},
    {"send.code_ends_send", "send: broker error code not retried -> MQBrokerException"},
    {"send.retry_after_timeout", "send: timeout -> retry"},
    {"send.retry_after_connect", "send: connect failure -> retry"},
    {"send.retry_other_broker", "send: retry -> another broker"},
    {"send.retry_same_broker", "send: retry -> the same broker"},
    {"send.call_timeout", "send: budget spent -> sendDefaultImpl call timeout"},
    {"send.retries_exhausted", "send: retries exhausted -> \"Send [n] times, still failed\""},
    {"send.not_store_ok_retry", "send: stored but not SEND_OK -> retry another broker"},
    {"send.isolation", "send: latency fault tolerance -> broker isolated"},
    {"send.async_transport_retry", "async send: transport failure -> retry"},
    {"send.oneway", "oneway send: written, no answer"},
    {"pull.found", "pull -> FOUND"},
    {"pull.no_new_msg", "pull -> NO_NEW_MSG"},
    {"pull.no_matched_msg", "pull -> NO_MATCHED_MSG"},
    {"pull.offset_illegal", "pull -> OFFSET_ILLEGAL -> offset fixed"},
    {"pull.long_poll", "pull -> suspended at the broker -> answered (long polling)"},
    {"pull.error_retry_later", "pull -> error -> pulled again later"},
    {"pull.flow_control", "pull -> broker FLOW_CONTROL -> pulled again in 20 ms"},
    {"consume.success", "consume -> CONSUME_SUCCESS / SUCCESS"},
    {"consume.later", "consume -> RECONSUME_LATER -> sent back"},
    {"consume.send_back_failed", "send back failed -> consumed again locally"},
    {"consume.orderly_suspend", "orderly consume -> SUSPEND_CURRENT_QUEUE_A_MOMENT"},
    {"rebalance.add", "rebalance -> queue added"},
    {"rebalance.drop", "rebalance -> queue dropped"},
    {"rebalance.none", "rebalance -> nothing assigned"},
    {"offset.commit", "offset store -> committed offset advanced"},
};

void cover_attempt_result(std::set<std::string>& covered, const checks::SendTrace& send, size_t i) {
  const auto& attempt = send.attempts[i];
  if (!attempt.result) return;
  const SendEvent& r = *attempt.result;
  bool retried = i + 1 < send.attempts.size();
  if (r.result) {
    covered.insert(r.result->status == producer::SendStatus::kSendOk ? "send.ok" : "send.degraded");
    if (r.result->status != producer::SendStatus::kSendOk && retried) covered.insert("send.not_store_ok_retry");
  } else if (r.error) {
    if (r.response_code_known) covered.insert(retried ? "send.retry_after_code" : "send.code_ends_send");
    else if (retried && r.error->exception == JavaException::kRemotingTimeoutException) covered.insert("send.retry_after_timeout");
    else if (retried && r.error->exception == JavaException::kRemotingConnectException) covered.insert("send.retry_after_connect");
    if (retried && send.begin && send.begin->mode == producer::CommunicationMode::kAsync && !r.response_code_known)
      covered.insert("send.async_transport_retry");
  }
  if (retried && attempt.start.queue && send.attempts[i + 1].start.queue)
    covered.insert(attempt.start.queue->broker_name == send.attempts[i + 1].start.queue->broker_name
                       ? "send.retry_same_broker"
                       : "send.retry_other_broker");
}

}  // namespace

const std::vector<Transition>& transitions() { return kTransitions; }

void cover_sends(std::set<std::string>& covered, const std::vector<checks::SendTrace>& sends) {
  for (const checks::SendTrace& send : sends) {
    for (size_t i = 0; i < send.attempts.size(); ++i) cover_attempt_result(covered, send, i);
    for (const SendEvent& e : send.events)
      if (e.type == SendEventType::kFaultUpdate && e.isolation) covered.insert("send.isolation");
    if (send.begin && send.begin->mode == producer::CommunicationMode::kOneway && !send.attempts.empty())
      covered.insert("send.oneway");
    if (send.end && send.end->error) {
      const std::string& message = send.end->error->message;
      if (message.find("call timeout") != std::string::npos) covered.insert("send.call_timeout");
      if (message.find("still failed") != std::string::npos) covered.insert("send.retries_exhausted");
    }
  }
}

void note_consumer_event(std::set<std::string>& covered, const consumer::ConsumerEvent& e,
                         const std::map<client::MessageQueue, int64_t>& pull_started_ms,
                         std::map<std::string, std::set<client::MessageQueue>>& allocation) {
  using consumer::ConsumerEventType;
  switch (e.type) {
    case ConsumerEventType::kPullResult: {
      if (e.error) {
        bool flow = e.error->exception == JavaException::kMQBrokerException && e.error->code == 215;
        covered.insert(flow ? "pull.flow_control" : "pull.error_retry_later");
        break;
      }
      if (e.status == "FOUND") covered.insert("pull.found");
      if (e.status == "NO_NEW_MSG") covered.insert("pull.no_new_msg");
      if (e.status == "NO_MATCHED_MSG") covered.insert("pull.no_matched_msg");
      if (e.status == "OFFSET_ILLEGAL") covered.insert("pull.offset_illegal");
      auto it = pull_started_ms.find(e.queue);
      if (it != pull_started_ms.end() && e.now_ms - it->second >= 1000 && e.status != "OFFSET_ILLEGAL")
        covered.insert("pull.long_poll");
      break;
    }
    case ConsumerEventType::kConsumeResult:
      if (e.status == "CONSUME_SUCCESS" || e.status == "SUCCESS") covered.insert("consume.success");
      if (e.status == "RECONSUME_LATER") covered.insert("consume.later");
      if (e.status == "SUSPEND_CURRENT_QUEUE_A_MOMENT") covered.insert("consume.orderly_suspend");
      break;
    case ConsumerEventType::kSendBack:
      if (e.status != "OK") covered.insert("consume.send_back_failed");
      break;
    case ConsumerEventType::kOffsetUpdate:
      covered.insert("offset.commit");
      break;
    case ConsumerEventType::kRebalance: {
      std::set<client::MessageQueue> now(e.allocated.begin(), e.allocated.end());
      std::set<client::MessageQueue>& before = allocation[e.queue.topic];
      for (const auto& q : now)
        if (before.count(q) == 0) covered.insert("rebalance.add");
      for (const auto& q : before)
        if (now.count(q) == 0) covered.insert("rebalance.drop");
      if (now.empty()) covered.insert("rebalance.none");
      before = std::move(now);
      break;
    }
    default:
      break;
  }
}

std::string consumer_event_kind(consumer::ConsumerEventType type) {
  using consumer::ConsumerEventType;
  switch (type) {
    case ConsumerEventType::kPull: return "pull";
    case ConsumerEventType::kPullResult: return "pull.result";
    case ConsumerEventType::kConsume: return "consume";
    case ConsumerEventType::kConsumeResult: return "consume.result";
    case ConsumerEventType::kSendBack: return "send_back";
    case ConsumerEventType::kOffsetUpdate: return "offset.update";
    case ConsumerEventType::kRebalance: return "rebalance";
  }
  return "consumer";
}

std::string describe_consumer_event(const consumer::ConsumerEvent& e) {
  std::string text = sim::queue_name(e.queue);
  if (!e.status.empty()) text += " " + e.status;
  if (e.type == consumer::ConsumerEventType::kOffsetUpdate || e.type == consumer::ConsumerEventType::kSendBack)
    text += " offset=" + std::to_string(e.offset);
  if (!e.offsets.empty()) {
    text += " offsets=" + std::to_string(e.offsets.front());
    if (e.offsets.size() > 1) text += ".." + std::to_string(e.offsets.back());
  }
  if (e.type == consumer::ConsumerEventType::kRebalance) {
    text += " allocated=[";
    for (size_t i = 0; i < e.allocated.size(); ++i) text += (i ? "," : "") + sim::queue_name(e.allocated[i]);
    text += "]";
  }
  if (e.error) text += " error " + std::to_string(e.error->code) + " " + e.error->message;
  return text;
}

std::string coverage_report(const std::vector<RunResult>& runs) {
  std::string out = "protocol coverage (" + std::to_string(runs.size()) + " seeds):\n";
  std::vector<std::string> never;
  for (const Transition& t : kTransitions) {
    size_t seeds = 0;
    for (const RunResult& r : runs) seeds += r.coverage.count(t.id);
    if (seeds == 0) never.emplace_back(t.id);
    char line[256];
    std::snprintf(line, sizeof line, "  %-28s %6zu  %s\n", t.id, seeds, t.description);
    out += line;
  }
  out += never.empty() ? "  every transition was exercised\n" : "  never exercised:";
  for (const std::string& id : never) out += " " + id;
  if (!never.empty()) out += "\n";
  return out;
}

}  // namespace rmq::scenario
