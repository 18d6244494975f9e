#include "core/consumer/allocate/allocate_strategy.h"

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <map>

#include "core/consumer/allocate/java_order.h"

namespace rmq::consumer {
namespace {

using client::ClientError;
using client::JavaException;
using client::MessageQueue;

ClientError illegal_argument(std::string message) {
  return ClientError{JavaException::kIllegalArgumentException, -1, std::move(message), {}};
}

// List.toString(): "[a, b]".
std::string java_list_text(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out + "]";
}

size_t index_of(const std::vector<std::string>& cid_all, const std::string& cid) {
  return static_cast<size_t>(std::find(cid_all.begin(), cid_all.end(), cid) - cid_all.begin());
}

const std::string& current(const std::optional<std::string>& current_cid) {
  assert(current_cid.has_value());  // check() passed
  return *current_cid;
}

}  // namespace

std::string allocate_error_text(const ClientError& error) {
  return std::string(client::java_exception_name(error.exception)) + ": " + error.message;
}

std::optional<AllocateResult> AllocateStrategy::check(const std::string& consumer_group,
                                                      const std::optional<std::string>& current_cid,
                                                      const std::vector<MessageQueue>& mq_all,
                                                      const std::vector<std::string>& cid_all) const {
  if (!current_cid || current_cid->empty()) return AllocateResult(illegal_argument("currentCID is empty"));
  if (mq_all.empty()) return AllocateResult(illegal_argument("mqAll is null or mqAll empty"));
  if (cid_all.empty()) return AllocateResult(illegal_argument("cidAll is null or cidAll empty"));
  if (std::find(cid_all.begin(), cid_all.end(), *current_cid) == cid_all.end()) {
    if (log_) {
      log_("[BUG] ConsumerGroup: " + consumer_group + " The consumerId: " + *current_cid +
           " not in cidAll: " + java_list_text(cid_all));
    }
    return AllocateResult(std::vector<MessageQueue>{});
  }
  return std::nullopt;
}

// --- AVG ----------------------------------------------------------------------------------------------------------

AllocateResult AllocateAveragely::allocate(const std::string& consumer_group,
                                           const std::optional<std::string>& current_cid,
                                           const std::vector<MessageQueue>& mq_all,
                                           const std::vector<std::string>& cid_all) const {
  if (auto stop = check(consumer_group, current_cid, mq_all, cid_all)) return std::move(*stop);
  const auto n = static_cast<int64_t>(mq_all.size());
  const auto c = static_cast<int64_t>(cid_all.size());
  const auto index = static_cast<int64_t>(index_of(cid_all, current(current_cid)));
  const int64_t mod = n % c;
  const bool extra = mod > 0 && index < mod;
  const int64_t average_size = n <= c ? 1 : (extra ? n / c + 1 : n / c);
  const int64_t start_index = extra ? index * average_size : index * average_size + mod;
  const int64_t range = std::min(average_size, n - start_index);
  std::vector<MessageQueue> result;
  for (int64_t i = 0; i < range; ++i) result.push_back(mq_all[static_cast<size_t>((start_index + i) % n)]);
  return result;
}

// --- AVG_BY_CIRCLE ------------------------------------------------------------------------------------------------

AllocateResult AllocateAveragelyByCircle::allocate(const std::string& consumer_group,
                                                   const std::optional<std::string>& current_cid,
                                                   const std::vector<MessageQueue>& mq_all,
                                                   const std::vector<std::string>& cid_all) const {
  if (auto stop = check(consumer_group, current_cid, mq_all, cid_all)) return std::move(*stop);
  const size_t index = index_of(cid_all, current(current_cid));
  std::vector<MessageQueue> result;
  for (size_t i = index; i < mq_all.size(); ++i) {
    if (i % cid_all.size() == index) result.push_back(mq_all[i]);
  }
  return result;
}

// --- CONFIG -------------------------------------------------------------------------------------------------------

AllocateResult AllocateByConfig::allocate(const std::string& /*consumer_group*/,
                                          const std::optional<std::string>& /*current_cid*/,
                                          const std::vector<MessageQueue>& /*mq_all*/,
                                          const std::vector<std::string>& /*cid_all*/) const {
  return message_queue_list_;
}

// --- MACHINE_ROOM -------------------------------------------------------------------------------------------------

AllocateResult AllocateByMachineRoom::allocate(const std::string& consumer_group,
                                               const std::optional<std::string>& current_cid,
                                               const std::vector<MessageQueue>& mq_all,
                                               const std::vector<std::string>& cid_all) const {
  if (auto stop = check(consumer_group, current_cid, mq_all, cid_all)) return std::move(*stop);
  const size_t current_index = index_of(cid_all, current(current_cid));
  std::vector<MessageQueue> premq_all;
  for (const MessageQueue& mq : mq_all) {
    std::vector<std::string_view> pieces = java_split(mq.broker_name, '@');
    if (pieces.size() == 2 && consumer_idcs_.count(std::string(pieces[0])) > 0) premq_all.push_back(mq);
  }
  const size_t c = cid_all.size();
  const size_t mod = premq_all.size() / c;
  const size_t rem = premq_all.size() % c;
  const size_t start_index = mod * current_index;
  std::vector<MessageQueue> result(premq_all.begin() + static_cast<ptrdiff_t>(start_index),
                                   premq_all.begin() + static_cast<ptrdiff_t>(start_index + mod));
  if (rem > current_index) result.push_back(premq_all[current_index + mod * c]);
  return result;
}

// --- CONSISTENT_HASH ----------------------------------------------------------------------------------------------

std::optional<ClientError> AllocateConsistentHash::check_virtual_node_count(int virtual_node_count) {
  if (virtual_node_count < 0) return illegal_argument("illegal virtualNodeCnt :" + std::to_string(virtual_node_count));
  return std::nullopt;
}

AllocateConsistentHash::AllocateConsistentHash(int virtual_node_count, HashFunction hash)
    : virtual_node_count_(virtual_node_count), hash_(std::move(hash)) {
  assert(!check_virtual_node_count(virtual_node_count));
}

AllocateResult AllocateConsistentHash::allocate(const std::string& consumer_group,
                                                const std::optional<std::string>& current_cid,
                                                const std::vector<MessageQueue>& mq_all,
                                                const std::vector<std::string>& cid_all) const {
  if (auto stop = check(consumer_group, current_cid, mq_all, cid_all)) return std::move(*stop);
  const std::string& me = current(current_cid);
  ConsistentHashRouter router(cid_all, virtual_node_count_, hash_);
  std::vector<MessageQueue> result;
  for (const MessageQueue& mq : mq_all) {
    const std::string* owner = router.route(client::to_string(mq));
    if (owner != nullptr && *owner == me) result.push_back(mq);
  }
  return result;
}

// --- MACHINE_ROOM_NEARBY ------------------------------------------------------------------------------------------

std::string PrefixRoomResolver::prefix(const std::string& name) const {
  size_t at = name.find(separator_);
  return at == std::string::npos ? name : name.substr(0, at);
}

std::optional<std::string> PrefixRoomResolver::broker_deploy_in(const MessageQueue& mq) const {
  return prefix(mq.broker_name);
}

std::optional<std::string> PrefixRoomResolver::consumer_deploy_in(const std::string& client_id) const {
  return prefix(client_id);
}

AllocateMachineRoomNearby::AllocateMachineRoomNearby(std::shared_ptr<const AllocateStrategy> inner,
                                                     std::shared_ptr<const MachineRoomResolver> resolver)
    : inner_(std::move(inner)), resolver_(std::move(resolver)) {
  // Java's constructor throws NullPointerException ("allocateMessageQueueStrategy is null" /
  // "machineRoomResolver is null"); here both are preconditions.
  assert(inner_ != nullptr);
  assert(resolver_ != nullptr);
}

AllocateResult AllocateMachineRoomNearby::allocate(const std::string& consumer_group,
                                                   const std::optional<std::string>& current_cid,
                                                   const std::vector<MessageQueue>& mq_all,
                                                   const std::vector<std::string>& cid_all) const {
  if (auto stop = check(consumer_group, current_cid, mq_all, cid_all)) return std::move(*stop);

  // Rooms in String.compareTo order, as Java's TreeMaps keep them.
  std::map<std::string, std::vector<MessageQueue>, JavaStringLess> room_queues;
  for (const MessageQueue& mq : mq_all) {
    std::optional<std::string> room = resolver_->broker_deploy_in(mq);
    if (!room || room->empty()) return illegal_argument("Machine room is null for mq " + client::to_string(mq));
    room_queues[*room].push_back(mq);
  }
  std::map<std::string, std::vector<std::string>, JavaStringLess> room_consumers;
  for (const std::string& cid : cid_all) {
    std::optional<std::string> room = resolver_->consumer_deploy_in(cid);
    if (!room || room->empty()) return illegal_argument("Machine room is null for consumer id " + cid);
    room_consumers[*room].push_back(cid);
  }

  std::vector<MessageQueue> result;
  auto append = [&result](AllocateResult part) -> std::optional<ClientError> {
    if (auto* error = std::get_if<ClientError>(&part)) return std::move(*error);
    auto& queues = std::get<std::vector<MessageQueue>>(part);
    result.insert(result.end(), queues.begin(), queues.end());
    return std::nullopt;
  };

  // 1. The queues of my room go to the consumers of my room.
  std::optional<std::string> my_room = resolver_->consumer_deploy_in(current(current_cid));
  std::vector<MessageQueue> my_queues;
  std::vector<std::string> my_consumers;
  if (my_room) {
    if (auto it = room_queues.find(*my_room); it != room_queues.end()) {
      my_queues = std::move(it->second);
      room_queues.erase(it);
    }
    if (auto it = room_consumers.find(*my_room); it != room_consumers.end()) my_consumers = it->second;
  }
  if (!my_queues.empty()) {
    if (auto error = append(inner_->allocate(consumer_group, current_cid, my_queues, my_consumers))) return *error;
  }

  // 2. The queues of a room without consumers are shared by everyone.
  for (const auto& [room, queues] : room_queues) {
    if (room_consumers.count(room) > 0) continue;
    if (auto error = append(inner_->allocate(consumer_group, current_cid, queues, cid_all))) return *error;
  }
  return result;
}

// --- by name ------------------------------------------------------------------------------------------------------

namespace {

constexpr std::string_view kNearbyPrefix = "MACHINE_ROOM_NEARBY-";

std::unique_ptr<AllocateStrategy> logging(std::unique_ptr<AllocateStrategy> strategy, const AllocateParams& params) {
  if (params.log) strategy->set_log(params.log);
  return strategy;
}

Result<std::unique_ptr<AllocateStrategy>> make_named(std::string_view name, const AllocateParams& params) {
  if (name == "AVG") return logging(std::make_unique<AllocateAveragely>(), params);
  if (name == "AVG_BY_CIRCLE") return logging(std::make_unique<AllocateAveragelyByCircle>(), params);
  if (name == "CONFIG") return logging(std::make_unique<AllocateByConfig>(params.config), params);
  if (name == "MACHINE_ROOM") return logging(std::make_unique<AllocateByMachineRoom>(params.consumer_idcs), params);
  if (name == "CONSISTENT_HASH") {
    if (auto error = AllocateConsistentHash::check_virtual_node_count(params.virtual_node_count)) {
      return Error{kAllocateConstructorError, allocate_error_text(*error)};
    }
    return logging(std::make_unique<AllocateConsistentHash>(params.virtual_node_count), params);
  }
  if (name.substr(0, kNearbyPrefix.size()) == kNearbyPrefix) {
    Result<std::unique_ptr<AllocateStrategy>> inner = make_named(name.substr(kNearbyPrefix.size()), params);
    if (!inner.ok()) return inner.error();
    std::shared_ptr<const MachineRoomResolver> resolver = params.room_resolver;
    if (!resolver) {
      if (params.room_separator.empty()) {
        return Error{kUnknownAllocateStrategy, "the room separator of " + std::string(name) + " is empty"};
      }
      resolver = std::make_shared<PrefixRoomResolver>(params.room_separator);
    }
    std::shared_ptr<const AllocateStrategy> shared_inner = std::move(inner).value();
    return logging(std::make_unique<AllocateMachineRoomNearby>(std::move(shared_inner), std::move(resolver)), params);
  }
  std::string known;
  for (const std::string& n : allocate_strategy_names()) known += (known.empty() ? "" : ", ") + n;
  return Error{kUnknownAllocateStrategy,
               "unknown allocate strategy \"" + std::string(name) + "\" (known: " + known + ")"};
}

}  // namespace

Result<std::unique_ptr<AllocateStrategy>> make_allocate_strategy(std::string_view name, const AllocateParams& params) {
  return make_named(name, params);
}

std::vector<std::string> allocate_strategy_names() {
  return {"AVG", "AVG_BY_CIRCLE", "CONFIG", "MACHINE_ROOM", "CONSISTENT_HASH", "MACHINE_ROOM_NEARBY-<inner>"};
}

}  // namespace rmq::consumer
