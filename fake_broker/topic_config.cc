#include "fake_broker/topic_config.h"

#include <algorithm>

#include "core/protocol/perm.h"

namespace rmq::fake {
namespace {

using protocol::kPermInherit;
using protocol::kPermRead;
using protocol::kPermWrite;

// TopicValidator.VALID_PATTERN_STR = "^[%|a-zA-Z0-9_-]+$".
bool valid_topic_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '%' || c == '|' ||
         c == '_' || c == '-';
}

// UtilAll.isBlank: empty or only Character.isWhitespace characters.
bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f); });
}

constexpr std::string_view kSystemTopics[] = {
    "TBW102", "SCHEDULE_TOPIC_XXXX", "BenchmarkTest", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRACE_TOPIC",
    "RMQ_SYS_TRANS_OP_HALF_TOPIC", "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT"};
constexpr std::string_view kNotAllowedSendTopics[] = {
    "SCHEDULE_TOPIC_XXXX", "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC", "TRANS_CHECK_MAX_TIME_TOPIC",
    "SELF_TEST_TOPIC", "OFFSET_MOVED_EVENT"};

}  // namespace

std::string TopicConfig::to_java_string() const {
  return "TopicConfig [topicName=" + topic_name + ", readQueueNums=" + std::to_string(read_queue_nums) +
         ", writeQueueNums=" + std::to_string(write_queue_nums) + ", perm=" + protocol::perm_to_string(perm) +
         ", topicFilterType=SINGLE_TAG, topicSysFlag=" + std::to_string(topic_sys_flag) +
         ", order=" + (order ? "true" : "false") + "]";
}

std::optional<std::string> validate_topic_name(std::string_view topic) {
  if (is_blank(topic)) return std::string("The specified topic is blank.");
  if (!std::all_of(topic.begin(), topic.end(), valid_topic_char)) {
    return std::string("The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
  }
  if (topic.size() > kTopicMaxLength) return std::string("The specified topic is longer than topic max length.");
  return std::nullopt;
}

bool is_system_topic(std::string_view topic) {
  return std::find(std::begin(kSystemTopics), std::end(kSystemTopics), topic) != std::end(kSystemTopics) ||
         topic.starts_with("rmq_sys_");
}

bool is_not_allowed_send_topic(std::string_view topic) {
  return std::find(std::begin(kNotAllowedSendTopics), std::end(kNotAllowedSendTopics), topic) !=
         std::end(kNotAllowedSendTopics);
}

TopicConfigTable::TopicConfigTable(const std::string& cluster, const std::string& broker_name, bool auto_create,
                                   int32_t default_queue_nums, const std::vector<TopicQueueConfig>& initial) {
  add("SELF_TEST_TOPIC", 1, 1, kPermRead | kPermWrite);
  if (auto_create) add(std::string(kAutoCreateTopic), default_queue_nums, default_queue_nums,
                       kPermInherit | kPermRead | kPermWrite);
  add("BenchmarkTest", 1024, 1024, kPermRead | kPermWrite);
  add(cluster, 16, 16, kPermInherit | kPermRead | kPermWrite);      // clusterTopicEnable
  add(broker_name, 1, 1, kPermInherit | kPermRead | kPermWrite);    // brokerTopicEnable
  add(std::string(kOffsetMovedEventTopic), 1, 1, kPermRead | kPermWrite);
  add(std::string(kScheduleTopic), 18, 18, kPermRead | kPermWrite);
  add(cluster + "_REPLY_TOPIC", 1, 1, kPermRead | kPermWrite);
  for (const TopicQueueConfig& t : initial) {
    TopicConfig config{t.topic, t.read_queue_nums, t.write_queue_nums, t.perm, t.topic_sys_flag, false};
    table_[t.topic] = config;
  }
}

void TopicConfigTable::add(std::string name, int32_t read, int32_t write, int32_t perm) {
  TopicConfig config{name, read, write, perm, 0, false};
  table_[std::move(name)] = std::move(config);
}

const TopicConfig* TopicConfigTable::find(std::string_view topic) const {
  auto it = table_.find(topic);
  return it == table_.end() ? nullptr : &it->second;
}

const TopicConfig* TopicConfigTable::create_for_send(const std::string& topic, const std::string& default_topic,
                                                     int32_t client_queue_nums, int32_t topic_sys_flag,
                                                     bool* created) {
  *created = false;
  if (const TopicConfig* existing = find(topic)) return existing;
  const TopicConfig* templ = find(default_topic);
  if (templ == nullptr || !protocol::is_inherited(templ->perm)) return nullptr;
  TopicConfig config;
  config.topic_name = topic;
  int32_t queues = std::max(0, std::min(client_queue_nums, templ->write_queue_nums));
  config.read_queue_nums = queues;
  config.write_queue_nums = queues;
  config.perm = templ->perm & ~kPermInherit;
  config.topic_sys_flag = topic_sys_flag;
  *created = true;
  return &(table_[topic] = std::move(config));
}

const TopicConfig* TopicConfigTable::create_for_send_back(const std::string& topic, int32_t queue_nums, int32_t perm,
                                                          int32_t topic_sys_flag, bool* created) {
  *created = false;
  if (const TopicConfig* existing = find(topic)) return existing;
  *created = true;
  return &(table_[topic] = TopicConfig{topic, queue_nums, queue_nums, perm, topic_sys_flag, false});
}

void TopicConfigTable::update(TopicConfig config) {
  std::string name = config.topic_name;
  table_[name] = std::move(config);
}

std::vector<TopicQueueConfig> TopicConfigTable::registration_topics(int32_t broker_perm) const {
  const bool restricted = !protocol::is_writeable(broker_perm) || !protocol::is_readable(broker_perm);
  std::vector<TopicQueueConfig> out;
  out.reserve(table_.size());
  for (const auto& [name, c] : table_) {
    out.push_back(TopicQueueConfig{name, c.read_queue_nums, c.write_queue_nums, restricted ? broker_perm : c.perm,
                                   c.topic_sys_flag});
  }
  return out;
}

}  // namespace rmq::fake
