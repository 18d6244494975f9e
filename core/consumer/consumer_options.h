// PushConsumerOptions: DefaultMQPushConsumer's settings with the Java 4.9.8 defaults (spec §6.1), the listener
// types, and the client settings the consumer shares with its instance.
#pragma once

#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/client/client_config.h"
#include "core/consumer/allocate/allocate_strategy.h"
#include "core/consumer/message_ext.h"
#include "core/protocol/heartbeat_data.h"

namespace rmq::consumer {

inline constexpr std::string_view kDefaultConsumerGroup = "DEFAULT_CONSUMER";

enum class ConsumeConcurrentlyStatus : uint8_t { kConsumeSuccess, kReconsumeLater };
enum class ConsumeOrderlyStatus : uint8_t { kSuccess, kSuspendCurrentQueueAMoment };

struct ConsumeConcurrentlyContext {
  client::MessageQueue queue;
  int32_t delay_level_when_next_consume = 0;  // 0: the broker picks 3 + reconsumeTimes
  int32_t ack_index = INT32_MAX;
};

struct ConsumeOrderlyContext {
  client::MessageQueue queue;
  bool auto_commit = true;
  int64_t suspend_current_queue_time_millis = -1;
};

// Listeners answer through `done`, now or later (a listener may model consumption time); the consumer counts
// a listener that has not answered as a busy consume thread.
using ConcurrentlyListener = std::function<void(const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext& ctx,
                                                std::function<void(ConsumeConcurrentlyStatus)> done)>;
using OrderlyListener = std::function<void(const std::vector<MessageExt>& msgs, ConsumeOrderlyContext& ctx,
                                           std::function<void(ConsumeOrderlyStatus)> done)>;

struct PushConsumerOptions {
  std::string group = std::string(kDefaultConsumerGroup);
  protocol::MessageModel message_model = protocol::MessageModel::kClustering;
  protocol::ConsumeFromWhere consume_from_where = protocol::ConsumeFromWhere::kConsumeFromLastOffset;
  std::string consume_timestamp;                        // yyyyMMddHHmmss (UTC); empty: 30 minutes before start
  std::shared_ptr<AllocateStrategy> allocate_strategy;  // null: AVG
  std::map<std::string, std::string> subscription;      // topic -> tag expression ("*", "TagA || TagB")
  int consume_thread_min = 20;
  int consume_thread_max = 20;
  int consume_concurrently_max_span = 2000;
  int pull_threshold_for_queue = 1000;
  int pull_threshold_size_for_queue = 100;  // MiB
  int pull_threshold_for_topic = -1;
  int pull_threshold_size_for_topic = -1;
  int64_t pull_interval_ms = 0;
  int consume_message_batch_max_size = 1;
  int pull_batch_size = 32;
  bool post_subscription_when_pull = false;
  int max_reconsume_times = -1;  // -1: 16
  int64_t suspend_current_queue_time_millis = 1000;
  int64_t consume_timeout_minutes = 15;
  int64_t broker_suspend_max_time_millis = 15'000;
  int64_t consumer_timeout_millis_when_suspend = 30'000;
  int64_t consumer_pull_timeout_millis = 10'000;
  std::string offset_store_dir = ".rocketmq_offsets";  // broadcasting: the local offset file's directory
  // Broadcasting: where the local offset file lives; null = in memory (the simulator). Real programs pass
  // make_disk_offset_file (offset_store.h).
  std::function<std::unique_ptr<class OffsetFile>()> local_offset_file;
  client::ClientConfig client;
};

}  // namespace rmq::consumer
