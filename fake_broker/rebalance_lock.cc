#include "fake_broker/rebalance_lock.h"

#include "fake_broker/broker_impl.h"
#include "core/protocol/response_code.h"

namespace rmq::fake {

namespace resp = protocol::response_code;

std::vector<protocol::MessageQueueRef> RebalanceLockManager::try_lock_batch(
    const std::string& group, const std::vector<protocol::MessageQueueRef>& mqs, const std::string& client_id,
    int64_t now_ms) {
  std::vector<protocol::MessageQueueRef> locked;
  auto& table = locks_[group];
  for (const auto& mq : mqs) {
    auto it = table.find(mq);
    bool expired = it != table.end() && now_ms - it->second.last_update_ms > kLockMaxLiveTimeMs;
    if (it == table.end() || it->second.client_id == client_id || expired) {
      table[mq] = Entry{client_id, now_ms};
      locked.push_back(mq);
    }
  }
  return locked;
}

void RebalanceLockManager::unlock_batch(const std::string& group, const std::vector<protocol::MessageQueueRef>& mqs,
                                        const std::string& client_id) {
  auto table = locks_.find(group);
  if (table == locks_.end()) return;
  for (const auto& mq : mqs) {
    auto it = table->second.find(mq);
    if (it != table->second.end() && it->second.client_id == client_id) table->second.erase(it);
  }
}

std::optional<std::string> RebalanceLockManager::holder(const std::string& group, const protocol::MessageQueueRef& mq,
                                                        int64_t now_ms) const {
  auto table = locks_.find(group);
  if (table == locks_.end()) return std::nullopt;
  auto it = table->second.find(mq);
  if (it == table->second.end() || now_ms - it->second.last_update_ms > kLockMaxLiveTimeMs) return std::nullopt;
  return it->second.client_id;
}

// What the broker answers for a lock body fastjson cannot parse. The real text is fastjson's own parser message
// and frame (e.g. "illegal state. x, ...JSONLexerBase.scanHex(JSONLexerBase.java:5091)"), which depends on the
// input; the fake names the class and the parse entry point (documented deviation, docs/fakes.md).
const char* const kLockBodyJsonError =
    "com.alibaba.fastjson.JSONException: syntax error, "
    "com.alibaba.fastjson.parser.DefaultJSONParser.parse(DefaultJSONParser.java)";

// LOCK_BATCH_MQ (41): the body names group, client and queues; the answer's body the queues now held.
void FakeBroker::Impl::handle_lock_batch(const RequestContext&, RemotingCommand request, Responder respond) {
  auto body = protocol::parse_lock_batch_request(request.body);
  if (!body.ok()) return respond(exception_response(request, kLockBodyJsonError));
  auto locked = locks.try_lock_batch(body->consumer_group, body->mq_set, body->client_id,
                                       runtime.now() / runtime::kMicrosPerMilli);
  protocol::sort_queues_java_order(locked);  // lockOKMQSet is a HashSet
  RemotingCommand response = remoting::make_response(request, resp::kSuccess);
  response.body = protocol::encode_lock_batch_response(locked);
  respond(std::move(response));
}

// UNLOCK_BATCH_MQ (42): releases; answered with success (the client may send it oneway).
void FakeBroker::Impl::handle_unlock_batch(const RequestContext&, RemotingCommand request, Responder respond) {
  auto body = protocol::parse_lock_batch_request(request.body);
  if (!body.ok()) return respond(exception_response(request, kLockBodyJsonError));
  locks.unlock_batch(body->consumer_group, body->mq_set, body->client_id);
  respond(remoting::make_response(request, resp::kSuccess));
}

}  // namespace rmq::fake
