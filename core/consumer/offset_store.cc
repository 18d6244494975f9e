// RemoteBrokerOffsetStore (4.9.8): offsets in memory, read from and persisted to the master of each queue's
// broker (QUERY_CONSUMER_OFFSET sync, UPDATE_CONSUMER_OFFSET oneway, both with Java's fixed 5000 ms).
#include "core/consumer/offset_store.h"

#include <algorithm>

#include "core/consumer/offset_json.h"

namespace rmq::consumer {

namespace {
constexpr int64_t kOffsetRpcTimeoutMs = 1000 * 5;  // RemoteBrokerOffsetStore's literal, not mqClientApiTimeout
constexpr int64_t kMasterId = 0;                   // MixAll.MASTER_ID

// UtilAll.isBlank.
bool is_blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}
}  // namespace

std::string default_local_offset_store_dir(const std::string& home) { return home + "/.rocketmq_offsets"; }

RemoteBrokerOffsetStore::RemoteBrokerOffsetStore(client::ClientInstance& instance, ConsumerApi& api,
                                                 std::string group)
    : instance_(instance), api_(api), group_(std::move(group)) {}

void RemoteBrokerOffsetStore::update_offset(const client::MessageQueue& mq, int64_t offset, bool increase_only) {
  auto [it, inserted] = offsets_.emplace(mq, offset);
  peak_size_ = std::max(peak_size_, offsets_.size());
  if (inserted) return;
  // MixAll.compareAndIncreaseOnly: only a strictly larger value replaces the old one.
  if (!increase_only || offset > it->second) it->second = offset;
}

int64_t RemoteBrokerOffsetStore::read_offset_from_memory(const client::MessageQueue& mq) const {
  auto it = offsets_.find(mq);
  return it == offsets_.end() ? -1 : it->second;
}

void RemoteBrokerOffsetStore::answer_later(std::function<void(int64_t)> done, int64_t value) {
  std::weak_ptr<int> alive = alive_;
  instance_.runtime().after(0, [alive, done = std::move(done), value] {
    if (!alive.expired()) done(value);
  });
}

void RemoteBrokerOffsetStore::read_offset(const client::MessageQueue& mq, ReadOffsetType type,
                                          std::function<void(int64_t)> done) {
  if (type != ReadOffsetType::kReadFromStore) {
    auto it = offsets_.find(mq);
    if (it != offsets_.end()) return answer_later(std::move(done), it->second);
    if (type == ReadOffsetType::kReadFromMemory) return answer_later(std::move(done), -1);
  }
  read_from_store(mq, std::move(done));
}

// readOffset(READ_FROM_STORE): the broker's offset, kept in memory; 4.9.8 maps any MQBrokerException (code 22
// QUERY_NOT_FOUND or another) to -1 and every other exception — RemotingException, RemotingCommandException,
// the MQClientException "The broker[<name>] not exist", an IllegalStateException escaping the route refresh —
// to -2.
void RemoteBrokerOffsetStore::read_from_store(const client::MessageQueue& mq, std::function<void(int64_t)> done) {
  std::weak_ptr<int> alive = alive_;
  with_master_address(mq, [this, alive, mq, done = std::move(done)](std::optional<std::string> addr) mutable {
    if (alive.expired()) return;
    if (!addr) return done(-2);
    api_.query_consumer_offset(*addr, group_, mq, kOffsetRpcTimeoutMs,
                               [this, alive, mq, done = std::move(done)](ApiOutcome<int64_t> outcome) {
                                 if (alive.expired()) return;
                                 if (auto* offset = std::get_if<int64_t>(&outcome)) {
                                   update_offset(mq, *offset, false);
                                   return done(*offset);
                                 }
                                 const auto& error = std::get<client::ClientError>(outcome);
                                 done(error.exception == client::JavaException::kMQBrokerException ? -1 : -2);
                               });
  });
}

// fetchConsumeOffsetFromBroker / updateConsumeOffsetToBroker: findBrokerAddressInSubscribe(name, MASTER_ID,
// onlyThisBroker=true); when missing, updateTopicRouteInfoFromNameServer(topic) and again with
// onlyThisBroker=false (so a slave can answer then). nullopt = Java's MQClientException "The broker[<name>] not
// exist" or the route refresh's escaping exception; its callers only log it or turn it into -2.
void RemoteBrokerOffsetStore::with_master_address(const client::MessageQueue& mq,
                                                  std::function<void(std::optional<std::string>)> done) {
  if (auto found = instance_.find_broker_address_in_subscribe(mq.broker_name, kMasterId, true))
    return done(found->address);
  std::weak_ptr<int> alive = alive_;
  instance_.update_topic_route(mq.topic, std::nullopt,
                               [this, alive, mq, done = std::move(done)](client::RouteUpdate update) {
                                 if (alive.expired()) return;
                                 if (update.escaped) return done(std::nullopt);
                                 auto found = instance_.find_broker_address_in_subscribe(mq.broker_name, kMasterId,
                                                                                         false);
                                 done(found ? std::optional<std::string>(found->address) : std::nullopt);
                               });
}

void RemoteBrokerOffsetStore::update_consume_offset_to_broker(
    std::shared_ptr<std::vector<std::pair<client::MessageQueue, int64_t>>> entries, size_t index) {
  for (; index < entries->size(); ++index) {
    const auto& [mq, offset] = (*entries)[index];
    if (auto found = instance_.find_broker_address_in_subscribe(mq.broker_name, kMasterId, true)) {
      api_.update_consumer_offset_oneway(found->address, group_, mq, offset, kOffsetRpcTimeoutMs);
      continue;
    }
    // The route refresh blocks Java's persist loop: the entries after this one wait for it.
    std::weak_ptr<int> alive = alive_;
    return with_master_address(mq, [this, alive, entries, index](std::optional<std::string> addr) {
      if (alive.expired()) return;
      const auto& [queue, value] = (*entries)[index];
      if (addr) api_.update_consumer_offset_oneway(*addr, group_, queue, value, kOffsetRpcTimeoutMs);
      update_consume_offset_to_broker(entries, index + 1);
    });
  }
}

std::vector<std::pair<client::MessageQueue, int64_t>> RemoteBrokerOffsetStore::entries_in_java_order() const {
  std::vector<client::MessageQueue> keys;
  for (const auto& [mq, offset] : offsets_) keys.push_back(mq);
  std::vector<std::pair<client::MessageQueue, int64_t>> out;
  for (const auto& mq : concurrent_hash_map_order(keys, peak_size_)) out.emplace_back(mq, offsets_.at(mq));
  return out;
}

// persistAll: the allocated queues' offsets go out oneway, in the map's iteration order; the others are
// forgotten (Java removes them after its loop, which nothing observes in between here).
void RemoteBrokerOffsetStore::persist_all(const std::set<client::MessageQueue>& mqs) {
  if (mqs.empty()) return;
  auto entries = std::make_shared<std::vector<std::pair<client::MessageQueue, int64_t>>>();
  for (auto& entry : entries_in_java_order()) {
    if (mqs.count(entry.first)) entries->push_back(entry);
    else offsets_.erase(entry.first);
  }
  update_consume_offset_to_broker(std::move(entries), 0);
}

void RemoteBrokerOffsetStore::persist(const client::MessageQueue& mq) {
  auto it = offsets_.find(mq);
  if (it == offsets_.end()) return;
  auto entries = std::make_shared<std::vector<std::pair<client::MessageQueue, int64_t>>>();
  entries->emplace_back(mq, it->second);
  update_consume_offset_to_broker(std::move(entries), 0);
}

void RemoteBrokerOffsetStore::remove_offset(const client::MessageQueue& mq) { offsets_.erase(mq); }

std::map<client::MessageQueue, int64_t> RemoteBrokerOffsetStore::clone_offset_table(const std::string& topic) const {
  std::map<client::MessageQueue, int64_t> out;
  for (const auto& [mq, offset] : offsets_) {
    if (is_blank(topic) || mq.topic == topic) out.emplace(mq, offset);
  }
  return out;
}

}  // namespace rmq::consumer
