// The delivery report's readable text, apart from the checker that gathers it.
#include <sstream>

#include "sim/cluster/delivery_checker.h"

namespace rmq::sim {

std::string describe_delivery_report(const DeliveryReport& r, const std::string& group, size_t max_listed) {
  std::ostringstream out;
  out << "delivery report (group " << group << ")\n";
  out << "  sends: " << r.sends_acknowledged << " acknowledged (" << r.sends_ok << " SEND_OK, "
      << r.sends_acknowledged - r.sends_ok << " other status), " << r.send_errors << " failed";
  if (r.filtered_sends > 0) out << "; " << r.filtered_sends << " outside the subscription (not owed)";
  out << "\n";
  out << "  consumed: " << r.consumed << "/" << r.consumed + r.lost.size() << " acknowledged sends, "
      << r.consumed_without_send_result << " msgIds consumed without a send result\n";
  out << "  deliveries: " << r.deliveries << " (" << r.consumptions << " consumed, " << r.reconsume_later
      << " to reconsume, " << r.unanswered << " unanswered); send-backs: " << r.send_backs_ok << " ok, "
      << r.send_backs_failed << " failed, " << r.send_backs_unmatched << " unmatched, " << r.send_backs_misnamed
      << " named the restored topic\n";
  out << "  pulls: " << r.pulls << " (" << r.pull_errors << " failed";
  for (const auto& [kind, count] : r.pull_error_kinds) out << "; " << kind << " x" << count;
  out << "), rebalance changes: " << r.rebalances << "\n";
  out << "  queues (low/max/committed):";
  for (const auto& q : r.queues)
    if (q.max_offset > q.baseline || q.committed)
      out << " " << queue_name(q.queue) << " " << q.low << "/" << q.max_offset << "/"
          << (q.committed ? std::to_string(*q.committed) : std::string("-"));
  out << (r.offsets_caught_up() ? " (caught up)" : " (NOT caught up)") << "\n";
  out << "  duplicates: " << r.duplicate_messages << " messages consumed more than once ("
      << r.duplicate_consumptions << " extra consumptions)\n";
  out << "  offset checks: " << r.offset_checks << ", violations: " << r.offset_violations.size()
      << "; order checks: " << r.order_checks << ", violations: " << r.order_violations.size()
      << "; subscription checks: " << r.subscription_checks << ", violations: " << r.subscription_violations.size()
      << "\n";
  out << "  verdict: " << (r.ok() ? "OK" : "FAILED") << "\n";
  if (!r.lost.empty()) {
    out << "LOST (check 1): " << r.lost.size() << " acknowledged sends never consumed\n";
    for (size_t i = 0; i < r.lost.size() && i < max_listed; ++i) {
      const LostMessage& l = r.lost[i];
      out << "  " << l.msg_id << " stored at " << queue_name(l.queue) << " offset " << l.queue_offset << " ("
          << l.send_status << " at " << l.sent_at_ms << " ms): ";
      if (l.deliveries == 0)
        out << "never delivered";
      else
        out << "delivered " << l.deliveries << "x, last answer " << (l.last_answer.empty() ? "none" : l.last_answer);
      out << "; low(queue) " << l.queue_low << ", broker committed "
          << (l.committed ? std::to_string(*l.committed) : std::string("none")) << "\n";
    }
    if (r.lost.size() > max_listed) out << "  ... " << r.lost.size() - max_listed << " more\n";
  }
  if (!r.offset_violations.empty()) {
    out << "OFFSETS (check 2): " << r.offset_violations.size() << " committed values pass an unconsumed message\n";
    for (size_t i = 0; i < r.offset_violations.size() && i < max_listed; ++i) {
      const OffsetViolation& v = r.offset_violations[i];
      out << "  at " << v.at_ms << " ms " << v.source << " committed " << v.committed << " for " << queue_name(v.queue)
          << " but offset " << v.low << (v.missing_msg_id.empty() ? "" : " (" + v.missing_msg_id + ")")
          << " is not acknowledged";
      if (v.occurrences > 1) out << " [seen " << v.occurrences << "x]";
      out << "\n";
    }
    if (r.offset_violations.size() > max_listed) out << "  ... " << r.offset_violations.size() - max_listed << " more\n";
  }
  if (!r.order_violations.empty()) {
    out << "ORDER (check 4): " << r.order_violations.size() << " violations\n";
    for (size_t i = 0; i < r.order_violations.size() && i < max_listed; ++i) {
      const OrderViolation& v = r.order_violations[i];
      out << "  at " << v.at_ms << " ms consumer " << v.consumer << " " << queue_name(v.queue) << " " << v.rule << ": "
          << v.detail << "\n";
    }
    if (r.order_violations.size() > max_listed) out << "  ... " << r.order_violations.size() - max_listed << " more\n";
  }
  if (!r.subscription_violations.empty()) {
    out << "SUBSCRIPTION (check 5): " << r.subscription_violations.size()
        << " deliveries of messages the subscription does not match\n";
    for (size_t i = 0; i < r.subscription_violations.size() && i < max_listed; ++i) {
      const SubscriptionViolation& v = r.subscription_violations[i];
      out << "  at " << v.at_ms << " ms consumer " << v.consumer << " got " << v.msg_id << " of "
          << queue_name(v.queue) << " offset " << v.offset << " tagged " << (v.tags ? "\"" + *v.tags + "\"" : "(none)")
          << "\n";
    }
    if (r.subscription_violations.size() > max_listed)
      out << "  ... " << r.subscription_violations.size() - max_listed << " more\n";
  }
  if (!r.duplicates.empty()) {
    out << "DUPLICATES (check 3, allowed):";
    for (size_t i = 0; i < r.duplicates.size() && i < max_listed; ++i)
      out << " " << r.duplicates[i].msg_id << " x" << r.duplicates[i].consumptions;
    if (r.duplicates.size() > max_listed) out << " ... " << r.duplicates.size() - max_listed << " more";
    out << "\n";
  }
  return out.str();
}

}  // namespace rmq::sim
