// MessageQueue (topic, brokerName, queueId): Java's value type, ordered as Java's compareTo orders it (topic,
// then brokerName, then queueId), which is the order rebalance sorts queues in.
#pragma once

#include <string>

#include "core/protocol/consumer_list.h"

namespace rmq::client {

using MessageQueue = protocol::MessageQueueRef;

// Java MessageQueue.toString(): "MessageQueue [topic=T, brokerName=B, queueId=0]".
inline std::string to_string(const MessageQueue& mq) {
  return "MessageQueue [topic=" + mq.topic + ", brokerName=" + mq.broker_name +
         ", queueId=" + std::to_string(mq.queue_id) + "]";
}

}  // namespace rmq::client
