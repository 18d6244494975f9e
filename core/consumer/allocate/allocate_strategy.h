// The queue allocation strategies of the Java 4.9.8 client (client/.../consumer/rebalance/*.java; spec §7.4),
// same results in the same order and the same IllegalArgumentExceptions, as values:
//
//   AVG                    AllocateAveragely              contiguous blocks, the first n % c consumers one more
//   AVG_BY_CIRCLE          AllocateAveragelyByCircle      round robin
//   CONFIG                 AllocateByConfig               the configured list, for everyone, no checks
//   MACHINE_ROOM           AllocateByMachineRoom          queues of brokers "room@broker" with room in consumeridcs
//   CONSISTENT_HASH        AllocateConsistentHash         MD5 ring, virtualNodeCnt (default 10) per consumer
//   MACHINE_ROOM_NEARBY-X  AllocateMachineRoomNearby      per room with an inner strategy X
//
// Every strategy but CONFIG starts with AbstractAllocateMessageQueueStrategy.check (4.9.4+; the same checks
// and messages were inline before), in this order:
//   currentCID null or ""     → IllegalArgumentException "currentCID is empty"
//   mqAll null or empty       → IllegalArgumentException "mqAll is null or mqAll empty"
//   cidAll null or empty      → IllegalArgumentException "cidAll is null or cidAll empty"
//   currentCID not in cidAll  → an INFO log "[BUG] ConsumerGroup: <g> The consumerId: <cid> not in cidAll: <list>"
//                               and an empty result (not an exception).
// Java treats a null list like an empty one everywhere here, so the lists are plain vectors; only currentCID
// is optional. The strategies take mqAll and cidAll as given: RebalanceImpl sorts them first
// (sort_for_allocation in java_order.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/client/client_error.h"
#include "core/client/message_queue.h"
#include "core/common/status.h"
#include "core/consumer/allocate/consistent_hash_router.h"

namespace rmq::consumer {

// The queues allocated to the current consumer, in the strategy's order; or the exception Java throws
// (JavaException::kIllegalArgumentException, code -1, Java's getMessage()).
using AllocateResult = std::variant<std::vector<client::MessageQueue>, client::ClientError>;

// "<simple class name>: <message>", e.g. "IllegalArgumentException: mqAll is null or mqAll empty".
std::string allocate_error_text(const client::ClientError& error);

// Receives the "[BUG] ... not in cidAll" line Java logs at INFO.
using AllocateLog = std::function<void(const std::string& line)>;

class AllocateStrategy {
 public:
  virtual ~AllocateStrategy() = default;

  // getName().
  virtual std::string name() const = 0;

  // allocate(consumerGroup, currentCID, mqAll, cidAll). `current_cid` nullopt is Java's null.
  virtual AllocateResult allocate(const std::string& consumer_group, const std::optional<std::string>& current_cid,
                                  const std::vector<client::MessageQueue>& mq_all,
                                  const std::vector<std::string>& cid_all) const = 0;

  // Where the "[BUG]" line goes; nowhere unless set.
  void set_log(AllocateLog log) { log_ = std::move(log); }

 protected:
  // AbstractAllocateMessageQueueStrategy.check: the final result when the strategy must stop (an exception, or
  // an empty list for a consumer not in cidAll), nullopt to go on.
  std::optional<AllocateResult> check(const std::string& consumer_group, const std::optional<std::string>& current_cid,
                                      const std::vector<client::MessageQueue>& mq_all,
                                      const std::vector<std::string>& cid_all) const;

 private:
  AllocateLog log_;
};

// AllocateMessageQueueAveragely ("AVG"): i = index of currentCID, n = |mqAll|, c = |cidAll|, mod = n % c;
// size = n <= c ? 1 : n / c + (i < mod ? 1 : 0); start = i < mod ? i * size : i * size + mod;
// the result is mqAll[start .. start + min(size, n - start)).
class AllocateAveragely final : public AllocateStrategy {
 public:
  std::string name() const override { return "AVG"; }
  AllocateResult allocate(const std::string& consumer_group, const std::optional<std::string>& current_cid,
                          const std::vector<client::MessageQueue>& mq_all,
                          const std::vector<std::string>& cid_all) const override;
};

// AllocateMessageQueueAveragelyByCircle ("AVG_BY_CIRCLE"): mqAll[j] for j >= i with j % c == i.
class AllocateAveragelyByCircle final : public AllocateStrategy {
 public:
  std::string name() const override { return "AVG_BY_CIRCLE"; }
  AllocateResult allocate(const std::string& consumer_group, const std::optional<std::string>& current_cid,
                          const std::vector<client::MessageQueue>& mq_all,
                          const std::vector<std::string>& cid_all) const override;
};

// AllocateMessageQueueByConfig ("CONFIG"): the configured messageQueueList for every caller, whatever the
// arguments (no check at all).
class AllocateByConfig final : public AllocateStrategy {
 public:
  explicit AllocateByConfig(std::vector<client::MessageQueue> message_queue_list)
      : message_queue_list_(std::move(message_queue_list)) {}
  std::string name() const override { return "CONFIG"; }
  AllocateResult allocate(const std::string& consumer_group, const std::optional<std::string>& current_cid,
                          const std::vector<client::MessageQueue>& mq_all,
                          const std::vector<std::string>& cid_all) const override;

 private:
  std::vector<client::MessageQueue> message_queue_list_;
};

// AllocateMessageQueueByMachineRoom ("MACHINE_ROOM"): after the check, premqAll = the queues (in mqAll order)
// whose brokerName.split("@") has exactly two pieces, the first in consumeridcs (Java String.split: trailing
// empty pieces dropped, so "room@b@" qualifies and "room@" does not); mod = |premqAll| / c, rem = |premqAll| % c;
// the result is premqAll[i*mod .. i*mod + mod) plus premqAll[i + mod*c] when rem > i.
class AllocateByMachineRoom final : public AllocateStrategy {
 public:
  explicit AllocateByMachineRoom(std::set<std::string> consumer_idcs) : consumer_idcs_(std::move(consumer_idcs)) {}
  std::string name() const override { return "MACHINE_ROOM"; }
  AllocateResult allocate(const std::string& consumer_group, const std::optional<std::string>& current_cid,
                          const std::vector<client::MessageQueue>& mq_all,
                          const std::vector<std::string>& cid_all) const override;

 private:
  std::set<std::string> consumer_idcs_;
};

// AllocateMessageQueueConsistentHash ("CONSISTENT_HASH"): after the check, a ConsistentHashRouter over cidAll
// (in its order) with virtualNodeCnt virtual nodes each; the result is the queues (in mqAll order) whose
// MessageQueue.toString() routes to currentCID. virtualNodeCnt 0 leaves the ring empty: nobody gets anything.
class AllocateConsistentHash final : public AllocateStrategy {
 public:
  static constexpr int kDefaultVirtualNodeCount = 10;

  // The constructor's argument check: IllegalArgumentException "illegal virtualNodeCnt :<n>" when n < 0.
  static std::optional<client::ClientError> check_virtual_node_count(int virtual_node_count);

  // Requires check_virtual_node_count(virtual_node_count) to pass. An empty `hash` is Java's MD5Hash.
  explicit AllocateConsistentHash(int virtual_node_count = kDefaultVirtualNodeCount, HashFunction hash = {});
  std::string name() const override { return "CONSISTENT_HASH"; }
  AllocateResult allocate(const std::string& consumer_group, const std::optional<std::string>& current_cid,
                          const std::vector<client::MessageQueue>& mq_all,
                          const std::vector<std::string>& cid_all) const override;
  int virtual_node_count() const { return virtual_node_count_; }

 private:
  int virtual_node_count_;
  HashFunction hash_;
};

// AllocateMachineRoomNearby.MachineRoomResolver: the machine room of a queue's broker and of a client.
// nullopt is Java's null; null or "" makes the strategy throw.
class MachineRoomResolver {
 public:
  virtual ~MachineRoomResolver() = default;
  virtual std::optional<std::string> broker_deploy_in(const client::MessageQueue& mq) const = 0;
  virtual std::optional<std::string> consumer_deploy_in(const std::string& client_id) const = 0;
};

// The room is the text before the first `separator` in the broker name / client id, or the whole name when it
// has none (the Java tests' resolver, split("-")[0], for names that do not start with "-").
class PrefixRoomResolver final : public MachineRoomResolver {
 public:
  explicit PrefixRoomResolver(std::string separator = "-") : separator_(std::move(separator)) {}
  std::optional<std::string> broker_deploy_in(const client::MessageQueue& mq) const override;
  std::optional<std::string> consumer_deploy_in(const std::string& client_id) const override;

 private:
  std::string prefix(const std::string& name) const;
  std::string separator_;
};

// AllocateMachineRoomNearby ("MACHINE_ROOM_NEARBY-" + inner name): after the check, queues and consumers are
// grouped by room (a room null or "" → IllegalArgumentException "Machine room is null for mq <mq.toString()>",
// queues first, then "Machine room is null for consumer id <cid>"); rooms are ordered by String.compareTo (Java's
// TreeMap). The result is inner.allocate(queues of my room, consumers of my room) when my room has queues,
// followed, for every other room (in room order) that has queues but no consumer, by inner.allocate(those queues,
// cidAll). An exception of the inner strategy ends the call with it.
class AllocateMachineRoomNearby final : public AllocateStrategy {
 public:
  AllocateMachineRoomNearby(std::shared_ptr<const AllocateStrategy> inner,
                            std::shared_ptr<const MachineRoomResolver> resolver);
  std::string name() const override { return "MACHINE_ROOM_NEARBY-" + inner_->name(); }
  AllocateResult allocate(const std::string& consumer_group, const std::optional<std::string>& current_cid,
                          const std::vector<client::MessageQueue>& mq_all,
                          const std::vector<std::string>& cid_all) const override;

 private:
  std::shared_ptr<const AllocateStrategy> inner_;
  std::shared_ptr<const MachineRoomResolver> resolver_;
};

// --- by name ----------------------------------------------------------------------------------------------------

// Error codes of make_allocate_strategy (outside RocketMQ's response codes and ClientErrorCode).
inline constexpr int kUnknownAllocateStrategy = 20401;   // no strategy has this getName(), or a bad parameter
inline constexpr int kAllocateConstructorError = 20402;  // Java's constructor throws: message "<Class>: <msg>"

struct AllocateParams {
  int virtual_node_count = AllocateConsistentHash::kDefaultVirtualNodeCount;  // CONSISTENT_HASH
  std::set<std::string> consumer_idcs;                                        // MACHINE_ROOM
  std::vector<client::MessageQueue> config;                                   // CONFIG
  std::string room_separator = "-";  // MACHINE_ROOM_NEARBY: PrefixRoomResolver(room_separator) ...
  std::shared_ptr<const MachineRoomResolver> room_resolver;  // ... unless a resolver is given
  AllocateLog log;                                           // set on the strategy (and an inner one)
};

// The strategy whose getName() is `name`: AVG, AVG_BY_CIRCLE, CONFIG, MACHINE_ROOM, CONSISTENT_HASH, or
// MACHINE_ROOM_NEARBY-<one of these names, recursively>; parameters a strategy does not use are ignored.
// Errors: kUnknownAllocateStrategy (unknown name; an empty room separator), kAllocateConstructorError
// (virtual_node_count < 0: "IllegalArgumentException: illegal virtualNodeCnt :-1").
Result<std::unique_ptr<AllocateStrategy>> make_allocate_strategy(std::string_view name, const AllocateParams& params);

// The names make_allocate_strategy knows, the nearby one as "MACHINE_ROOM_NEARBY-<inner>".
std::vector<std::string> allocate_strategy_names();

}  // namespace rmq::consumer
