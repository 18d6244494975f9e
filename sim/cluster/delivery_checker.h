// DeliveryChecker: the delivery oracle of DESIGN §5 for one CLUSTERING consumer group. It is kept apart from the
// code under test: it only sees what producers report (SendEvent), what consumers report (ConsumerEvent), the
// listener calls and answers (through the wrappers below), and the fake brokers' state (max offsets, stored
// consumer offsets). It never reaches into the consumer core.
//
// Vocabulary. A queue Q is (topic, brokerName, queueId). The watched queues are every queue of the configured
// topics on every configured broker plus %RETRY%<group> queue 0 of each broker, and any other queue seen in a
// send result or a delivery.
//
// - Stored messages of Q: the offsets [baseline(Q), maxOffset(Q)) of the broker's consume queue, where
//   baseline(Q) is the queue's max offset when the checker was made (0 for queues first seen later). The fake
//   broker's consume queues are dense and never truncated (keep_store_on_crash = true is assumed: a lost store
//   restarts offsets at 0 and breaks this definition).
// - Acknowledged sends: every kSendEnd carrying a SendResult, whatever its SendStatus (SEND_OK,
//   FLUSH_DISK_TIMEOUT, ... all mean "stored"); ONEWAY sends are never acknowledged (nothing answers them).
//   Each maps its msgId (UNIQ_KEY) to (topic, broker, queueId,
//   queueOffset). A message stored by an attempt whose answer never reached the producer is stored but not an
//   acknowledged send.
// - A delivery: one message handed to a listener of the group: (consumer, Q = the context's queue, the
//   message's queue offset, msgId = MessageExt::msg_id()). For messages redelivered through %RETRY%<group>, Q is
//   the retry queue (the listener sees the original topic restored, the context keeps the real queue).
// - Consumed (by msgId): some delivery of the msgId was answered CONSUME_SUCCESS (index <= the context's
//   ackIndex at the answer) or orderly SUCCESS.
// - Acknowledged offset of Q: an offset o such that a delivery (Q, o) was answered as consumed above, or the
//   message of delivery (Q, o) was sent back successfully (kSendBack "OK" after a RECONSUME_LATER answer or an
//   index after ackIndex): its copy then lives in the retry topic.
// - low(Q, t): the smallest stored offset of Q not acknowledged by time t, or maxOffset(Q) when all are; equally,
//   the first offset >= baseline(Q) that is not acknowledged (acknowledged offsets are stored ones). low only
//   grows.
//
// The checks:
//  1. At-least-once (liveness, judged when report() is called, i.e. after the heal phase and the bounded wait):
//     every acknowledged send's msgId is consumed.
//  2. Offset safety (at all times): every committed value c of Q observed at time t satisfies c <= low(Q, t).
//     Observed values: each kOffsetUpdate a consumer reports (at the event), and the broker's stored consumer
//     offset of the group, sampled at every consumer event, every sample_broker_offsets() call (a periodic timer,
//     start_sampling) and in report(). A commit above low(Q) would make a restarted or new owner skip an
//     unconsumed message. Repeated equal violations (same source, queue and value) are reported once, counted.
//  3. Duplicates: a msgId consumed more than once (at-least-once allows it); the report counts them and lists
//     which, with how many times.
//  4. Per-queue order, for consumers whose listener was wrapped as orderly. An ownership epoch of (consumer, Q)
//     starts at the consumer's first delivery of Q after its start or after any kRebalance event of that
//     consumer for Q's topic (a rebalance may replace Q's process queue; the event does not say which queues were
//     kept), and lasts until the next such event or retire(). Within an epoch:
//       O1  the offsets of one listener call are strictly increasing;
//       O2  a delivered offset is greater than every offset already answered SUCCESS in the epoch (never an
//           offset lower than, or equal to, one it already acknowledged while it owns Q without interruption);
//       O3  the call after a SUSPEND_CURRENT_QUEUE_A_MOMENT answer starts with the suspended call's first offset
//           (a suspended batch is repeated before anything after it), unless every message of the suspended call
//           had used up orderly_max_reconsume_times (then it is sent back and the queue moves on).
//
//  5. Subscription: a message of a subscribed topic handed to a listener carries a tag the group's subscription
//     matches (Java filters by tags code at the broker and by tag string in the client).
//
// Tag filters. With a subscription other than "*", a stored message of a subscribed topic whose tag the
// subscription does not match is never delivered and counts as acknowledged: its offset does not hold low(Q)
// back, and its send is not owed a consumption (filtered_sends counts them). The checker reads the tag from the
// broker's store (the message at that offset), so messages stored by attempts whose answer was lost are covered.
//
// Assumptions: CLUSTERING (offsets are the group's, at the brokers); stores kept across broker crashes.
// An answer counts whenever the listener gave it, even if the consumer then discarded it (its process queue was
// dropped, or it was shut down): the application did consume the message.
// kSendBack events are matched with the delivery they follow by (broker, queueId, offset, topic the listener saw
// or the real queue's topic), because for a message redelivered from the retry topic the event names the restored
// original topic with the retry queue's id and offset; report().send_backs_misnamed counts those.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "core/consumer/consumer_options.h"
#include "core/consumer/push_consumer.h"
#include "core/producer/producer.h"
#include "core/producer/send_events.h"
#include "core/runtime/runtime.h"
#include "fake_broker/broker.h"

namespace rmq::sim {

struct DeliveryCheckerOptions {
  std::string group;
  // Broker name -> the fake broker (state reads only). Every broker whose queues are watched must be here.
  std::map<std::string, const fake::FakeBroker*> brokers;
  // Subscribed topic -> queues per broker.
  std::map<std::string, int32_t> topics;
  // The group's subscription expression for those topics (TAG type: "*" or "TagA || TagB"); the retry topic is
  // always "*".
  std::string subscription = "*";
  // The orderly consumers' maxReconsumeTimes (-1: unbounded, their default). A SUSPEND answer for a batch whose
  // messages have all been reconsumed this often sends them back instead of suspending (O3 then does not apply).
  int32_t orderly_max_reconsume_times = -1;
  // The clock the listener wrappers and the broker samples read (the simulator's runtime).
  const runtime::Runtime* clock = nullptr;
  // The report lists at most this many entries per kind (the counters are always complete).
  size_t max_listed = 20;
};

struct LostMessage {
  std::string msg_id;
  client::MessageQueue queue;  // where the SendResult says it was stored
  int64_t queue_offset = 0;
  std::string send_status;
  int64_t sent_at_ms = 0;
  int deliveries = 0;          // listener calls that carried it
  std::string last_answer;     // the last answer given for it ("" when never delivered or not answered)
  int64_t queue_low = 0;       // low(queue) at the report
  std::optional<int64_t> committed;  // the broker's stored consumer offset of the queue at the report
};

struct OffsetViolation {
  int64_t at_ms = 0;
  std::string source;  // "broker <name>" or "consumer <label>"
  client::MessageQueue queue;
  int64_t committed = 0;
  int64_t low = 0;            // low(Q) at that time: the first unacknowledged offset
  std::string missing_msg_id;  // the msgId stored at `low`, when known
  uint64_t occurrences = 1;
};

struct OrderViolation {
  int64_t at_ms = 0;
  std::string consumer;
  client::MessageQueue queue;
  int64_t offset = 0;
  std::string rule;  // "O1", "O2", "O3"
  std::string detail;
};

struct SubscriptionViolation {
  int64_t at_ms = 0;
  std::string consumer;
  client::MessageQueue queue;
  int64_t offset = 0;
  std::string msg_id;
  std::optional<std::string> tags;  // the delivered message's TAGS (none when it had no tag)
};

struct QueueSummary {
  client::MessageQueue queue;
  int64_t baseline = 0;
  int64_t low = 0;         // low(Q) at the report
  int64_t max_offset = 0;  // the broker's, at the report
  std::optional<int64_t> committed;  // the broker's stored consumer offset of the group
};

struct DuplicateMessage {
  std::string msg_id;
  int consumptions = 0;
};

struct DeliveryReport {
  // Sends.
  uint64_t sends_acknowledged = 0;  // kSendEnd with a SendResult
  uint64_t sends_ok = 0;            // ... of which SEND_OK
  uint64_t send_errors = 0;         // kSendEnd with an error
  uint64_t filtered_sends = 0;      // acknowledged sends whose tag the subscription does not match (not owed)
  // Consumption.
  uint64_t consumed = 0;                      // acknowledged sends consumed at least once
  uint64_t consumed_without_send_result = 0;  // msgIds consumed that no SendResult acknowledged
  uint64_t deliveries = 0;                    // messages handed to listeners (a batch of n counts n)
  uint64_t consumptions = 0;                  // deliveries answered as consumed
  uint64_t reconsume_later = 0;               // deliveries answered RECONSUME_LATER / SUSPEND / past ackIndex
  uint64_t unanswered = 0;                    // deliveries whose listener never answered
  uint64_t send_backs_ok = 0, send_backs_failed = 0, send_backs_unmatched = 0;
  // kSendBack events whose queue named the topic the listener saw (the restored original topic, with the retry
  // queue's id and offset) instead of the retry queue the message was pulled from.
  uint64_t send_backs_misnamed = 0;
  uint64_t pulls = 0, pull_errors = 0, rebalances = 0;  // from the consumers' events
  std::map<std::string, uint64_t> pull_error_kinds;     // "<exception> <code>" -> count
  uint64_t duplicate_messages = 0;     // msgIds consumed more than once
  uint64_t duplicate_consumptions = 0;  // sum over them of (consumptions - 1)
  uint64_t offset_checks = 0;          // committed values compared with low(Q)
  uint64_t offset_violation_count = 0;  // distinct violations (each may repeat)
  uint64_t order_checks = 0;            // orderly deliveries checked
  uint64_t subscription_checks = 0;     // deliveries of a subscribed topic checked against the subscription
  std::vector<LostMessage> lost;
  std::vector<OffsetViolation> offset_violations;
  std::vector<OrderViolation> order_violations;
  std::vector<SubscriptionViolation> subscription_violations;
  std::vector<DuplicateMessage> duplicates;
  std::vector<QueueSummary> queues;  // every watched queue on a known broker, at the report
  std::string text;  // everything above, readable, with ids and offsets

  bool ok() const {
    return lost.empty() && offset_violations.empty() && order_violations.empty() && subscription_violations.empty();
  }
  // Offsets caught up: every watched queue's committed offset equals its max offset and low (a liveness
  // property of the heal phase, reported, not part of ok()).
  bool offsets_caught_up() const;
};

class DeliveryChecker {
 public:
  explicit DeliveryChecker(DeliveryCheckerOptions options);
  ~DeliveryChecker();
  DeliveryChecker(const DeliveryChecker&) = delete;
  DeliveryChecker& operator=(const DeliveryChecker&) = delete;

  // Producers. watch() installs the observer (replacing any); send_observer() is for chaining by hand.
  void watch(producer::Producer& producer);
  producer::SendObserver send_observer();
  void on_send_event(const producer::SendEvent& event);

  // Consumers, one label per consumer object (a consumer made again after a shutdown is a new label). Wrap the
  // listener before registering it, and watch the consumer (or install observer(label)) before start().
  consumer::ConcurrentlyListener wrap(const std::string& consumer, consumer::ConcurrentlyListener inner);
  consumer::OrderlyListener wrap(const std::string& consumer, consumer::OrderlyListener inner);
  void watch(const std::string& consumer, consumer::PushConsumer& push_consumer);
  consumer::ConsumerObserver observer(const std::string& consumer);
  void on_consumer_event(const std::string& consumer, const consumer::ConsumerEvent& event);
  // The consumer was shut down: its ownership epochs end; later answers of its listener still count.
  void retire(const std::string& consumer);

  // Check 2 against the brokers' stored offsets now; start_sampling() does it every period on `runtime` until
  // stop_sampling() or destruction.
  void sample_broker_offsets();
  void start_sampling(runtime::Runtime& runtime, int64_t period_ms = 100);
  void stop_sampling();

  // Liveness: every acknowledged send consumed so far.
  bool all_consumed() const { return pending_ == 0; }
  size_t unconsumed() const { return pending_; }
  // low(Q) now (for tests and reports).
  int64_t low(const client::MessageQueue& queue) const;

  // Samples the brokers once more and builds the report.
  DeliveryReport report();

 private:
  struct QueueState {
    int64_t baseline = 0;
    int64_t low = 0;
    std::set<int64_t> acked_above_low;
    std::map<int64_t, std::string> msg_ids;  // offset -> msgId, from send results and deliveries
  };
  struct SentMessage {
    client::MessageQueue queue;
    int64_t queue_offset = 0;
    std::string status;
    int64_t at_ms = 0;
  };
  struct MessageState {
    int deliveries = 0;
    int consumptions = 0;
    std::string last_answer;
  };
  struct OrderState {
    uint64_t epoch = 0;  // the consumer's rebalance generation for the topic when the epoch began
    std::optional<int64_t> acked_max;
    std::optional<int64_t> suspended_first;
  };
  struct PendingSendBack {
    std::string topic_seen;  // the topic the listener saw (the original one for retry messages)
    std::string broker;
    int32_t queue_id = 0;
    int64_t offset = 0;
    client::MessageQueue real_queue;
  };
  struct ConsumerState {
    bool orderly = false;
    bool retired = false;
    std::map<std::string, uint64_t> topic_generation;  // bumped by each kRebalance of the topic
    std::map<client::MessageQueue, OrderState> order;
    std::vector<PendingSendBack> pending_send_backs;
  };
  struct Delivered {
    client::MessageQueue queue;
    int64_t offset = 0;
    std::string msg_id;
    std::string topic_seen;
    int32_t reconsume_times = 0;
    uint64_t generation = 0;  // the consumer's rebalance generation of the topic at the delivery
  };

  QueueState& queue_state(const client::MessageQueue& queue);
  void acknowledge(const client::MessageQueue& queue, int64_t offset);
  void check_committed(const std::string& source, const client::MessageQueue& queue, int64_t committed);
  std::vector<Delivered> on_delivery(const std::string& consumer, const client::MessageQueue& queue,
                                     const std::vector<consumer::MessageExt>& msgs, bool orderly);
  void check_subscription(const std::string& consumer, const client::MessageQueue& queue,
                          const consumer::MessageExt& m);
  void on_answer(const std::string& consumer, const std::vector<Delivered>& batch, size_t consumed_count,
                 const std::string& answer, bool orderly_suspend);
  void consumed(const std::string& msg_id);
  // Tag filters: whether a message of `queue` with `tags` lies outside the subscription, and whether the stored
  // message at `offset` of `queue` does; skip_filtered() moves low(queue) past such stored messages.
  bool outside_subscription(const client::MessageQueue& queue, std::optional<std::string_view> tags) const;
  bool filtered_at(const client::MessageQueue& queue, int64_t offset) const;
  void skip_filtered(const client::MessageQueue& queue, QueueState& state);
  int64_t now_ms() const;
  void arm_sampling();

  DeliveryCheckerOptions options_;
  std::vector<std::string> subscribed_tags_;  // empty: every tag (and none) matches
  std::map<client::MessageQueue, QueueState> queues_;
  std::map<std::string, SentMessage> sent_;
  std::map<std::string, MessageState> messages_;
  std::map<std::string, ConsumerState> consumers_;
  std::map<std::tuple<std::string, client::MessageQueue, int64_t>, size_t> violation_index_;
  size_t pending_ = 0;  // acknowledged sends not yet consumed
  DeliveryReport counters_;  // counters and violations gathered as events arrive
  runtime::Runtime* sampling_runtime_ = nullptr;
  int64_t sampling_period_ms_ = 0;
  runtime::TimerId sampling_timer_ = runtime::kNoTimer;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

// "TopicTest@broker-0#2"
std::string queue_name(const client::MessageQueue& queue);

// The report's readable text (DeliveryReport::text): counters, then each kind of violation, at most max_listed
// entries per kind.
std::string describe_delivery_report(const DeliveryReport& report, const std::string& group, size_t max_listed);

}  // namespace rmq::sim
