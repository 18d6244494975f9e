// Small JSON bodies of the consumer-group requests:
//  - GET_CONSUMER_LIST_BY_GROUP (38) answer: {"consumerIdList":[...]}
//  - LOCK_BATCH_MQ (41) / UNLOCK_BATCH_MQ (42) request: {"clientId","consumerGroup","mqSet":[...]}
//  - LOCK_BATCH_MQ answer: {"lockOKMQSet":[...]}
// Encoding is fastjson's form (keys alphabetical), byte for byte what the Java peers write; lists are written in
// the order held (sort_queues_java_order gives a Java HashSet<MessageQueue>'s order).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"

namespace rmq::protocol {

Result<std::vector<std::string>> parse_consumer_id_list(std::string_view json);
std::string encode_consumer_id_list(const std::vector<std::string>& consumer_ids);

// A MessageQueue as these bodies carry it: {"brokerName","queueId","topic"}.
struct MessageQueueRef {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;

  // MessageQueue.hashCode(), which orders a Java HashSet<MessageQueue>.
  int32_t java_hash_code() const;
  friend auto operator<=>(const MessageQueueRef&, const MessageQueueRef&) = default;
};

void sort_queues_java_order(std::vector<MessageQueueRef>& queues);

// LockBatchRequestBody and UnlockBatchRequestBody have the same fields.
struct LockBatchRequestBody {
  std::string consumer_group;
  std::string client_id;
  std::vector<MessageQueueRef> mq_set;
  friend bool operator==(const LockBatchRequestBody&, const LockBatchRequestBody&) = default;
};

Result<LockBatchRequestBody> parse_lock_batch_request(std::string_view json);
std::string encode_lock_batch_request(const LockBatchRequestBody& body);

// LockBatchResponseBody: the queues the caller now holds.
Result<std::vector<MessageQueueRef>> parse_lock_batch_response(std::string_view json);
std::string encode_lock_batch_response(const std::vector<MessageQueueRef>& lock_ok_mq_set);

}  // namespace rmq::protocol
