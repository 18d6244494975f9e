// Rebalance::compute_pull_from_where: RebalancePushImpl.computePullFromWhereWithException (spec §6.8, 4.9.8).
#include <ctime>

#include "core/consumer/push_consumer.h"
#include "core/consumer/rebalance.h"

namespace rmq::consumer {

namespace {

inline constexpr int64_t kAdminTimeoutMs = 6000;  // MQAdminImpl.timeoutMillis

using protocol::ConsumeFromWhere;

// UtilAll.parseDate(yyyyMMddHHmmss), taken as UTC; nullopt when malformed.
std::optional<int64_t> parse_consume_timestamp(const std::string& text) {
  if (text.size() != 14) return std::nullopt;
  std::tm tm{};
  for (char c : text)
    if (c < '0' || c > '9') return std::nullopt;
  tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(text.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(text.substr(6, 2));
  tm.tm_hour = std::stoi(text.substr(8, 2));
  tm.tm_min = std::stoi(text.substr(10, 2));
  tm.tm_sec = std::stoi(text.substr(12, 2));
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace

// MQAdminImpl.maxOffset / searchOffset: the master of the queue's broker (the route refreshed once when it is
// unknown); any failure is an exception, so the queue is not added this round.
static void admin_offset(PushConsumer& consumer, const client::MessageQueue& mq, std::optional<int64_t> timestamp,
                         std::function<void(std::optional<int64_t>)> done) {
  auto ask = [&consumer, mq, timestamp, done](const std::string& addr) {
    auto reply = [done](ApiOutcome<int64_t> outcome) {
      if (auto* offset = std::get_if<int64_t>(&outcome)) return done(*offset);
      done(std::nullopt);  // MQClientException("Invoke Broker[<addr>] exception", e)
    };
    if (timestamp) return consumer.api().search_offset(addr, mq, *timestamp, kAdminTimeoutMs, reply);
    consumer.api().get_max_offset(addr, mq, kAdminTimeoutMs, reply);
  };
  auto* instance = consumer.instance();
  if (auto addr = instance->find_broker_address_in_publish(mq.broker_name)) return ask(*addr);
  std::weak_ptr<int> alive = consumer.alive_token();
  instance->update_topic_route(mq.topic, std::nullopt, [&consumer, alive, mq, ask, done](client::RouteUpdate) {
    if (alive.expired()) return;
    if (auto addr = consumer.instance()->find_broker_address_in_publish(mq.broker_name)) return ask(*addr);
    done(std::nullopt);  // "The broker[<name>] not exist"
  });
}

void Rebalance::compute_pull_from_where(const client::MessageQueue& mq,
                                        std::function<void(std::optional<int64_t>)> done) {
  ConsumeFromWhere where = consumer_.options().consume_from_where;
  std::weak_ptr<int> alive = consumer_.alive_token();
  consumer_.offset_store()->read_offset(
      mq, ReadOffsetType::kReadFromStore, [this, alive, mq, where, done](int64_t last) {
        if (alive.expired()) return;
        if (last >= 0) return done(last);
        if (last != -1) return done(-1);  // 4.9.8: an error reading the store gives -1 (the queue waits a round)
        bool retry = mq.topic.starts_with(client::kRetryGroupTopicPrefix);
        switch (where) {
          case ConsumeFromWhere::kConsumeFromFirstOffset:
            return done(0);
          case ConsumeFromWhere::kConsumeFromTimestamp: {
            if (retry) return admin_offset(consumer_, mq, std::nullopt, done);
            auto timestamp = parse_consume_timestamp(consumer_.options().consume_timestamp);
            if (!timestamp) return done(std::nullopt);
            return admin_offset(consumer_, mq, timestamp, done);
          }
          default:  // LAST_OFFSET and its deprecated aliases
            if (retry) return done(0);
            return admin_offset(consumer_, mq, std::nullopt, done);
        }
      });
}

}  // namespace rmq::consumer
