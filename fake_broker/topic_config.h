// The broker's topic table (Java TopicConfigManager, 4.9.8) and the topic-name rules (TopicValidator): the system
// topics a broker creates at start, auto-create from TBW102 on send, the %RETRY% / %DLQ% topics of send-back, and
// UPDATE_AND_CREATE_TOPIC. Ordered containers only, so registrations list topics in a fixed order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fake_nameserver/name_server.h"

namespace rmq::fake {

inline constexpr std::string_view kAutoCreateTopic = "TBW102";
inline constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";
inline constexpr std::string_view kOffsetMovedEventTopic = "OFFSET_MOVED_EVENT";
inline constexpr std::string_view kRetryPrefix = "%RETRY%";
inline constexpr std::string_view kDlqPrefix = "%DLQ%";
inline constexpr size_t kTopicMaxLength = 127;

struct TopicConfig {
  std::string topic_name;
  int32_t read_queue_nums = 16;  // Java's TopicConfig defaults
  int32_t write_queue_nums = 16;
  int32_t perm = 6;
  int32_t topic_sys_flag = 0;
  bool order = false;

  // TopicConfig.toString(), as remarks quote it: "TopicConfig [topicName=T, readQueueNums=4, ...]".
  std::string to_java_string() const;
};

// TopicValidator.validateTopic: nullopt when valid, else the remark of the code-1 answer (blank, illegal
// characters, too long — checked in that order).
std::optional<std::string> validate_topic_name(std::string_view topic);
// TopicValidator.isSystemTopic (17 refuses them) and isNotAllowedSendTopic (sends answered 16).
bool is_system_topic(std::string_view topic);
bool is_not_allowed_send_topic(std::string_view topic);
inline bool is_retry_topic(std::string_view topic) { return topic.starts_with(kRetryPrefix); }

class TopicConfigTable {
 public:
  // The topics a 4.9.8 broker makes in its TopicConfigManager constructor (TBW102 only with auto-create), then
  // `initial`.
  TopicConfigTable(const std::string& cluster, const std::string& broker_name, bool auto_create,
                   int32_t default_queue_nums, const std::vector<TopicQueueConfig>& initial);

  const TopicConfig* find(std::string_view topic) const;
  // createTopicInSendMessageMethod: the topic if it exists; else created from `default_topic` when that exists
  // and is inheritable (queues min(client, default's write queues), perm without INHERIT). *created tells whether
  // a new topic was made (the broker then re-registers). nullptr when it cannot be made.
  const TopicConfig* create_for_send(const std::string& topic, const std::string& default_topic,
                                     int32_t client_queue_nums, int32_t topic_sys_flag, bool* created);
  // createTopicInSendMessageBackMethod: the topic, created with these queues and perm when absent.
  const TopicConfig* create_for_send_back(const std::string& topic, int32_t queue_nums, int32_t perm,
                                          int32_t topic_sys_flag, bool* created);
  void update(TopicConfig config);  // UPDATE_AND_CREATE_TOPIC: create or replace

  // What the nameserver is told; with a broker permission that lacks R or W every topic carries that perm.
  std::vector<TopicQueueConfig> registration_topics(int32_t broker_perm) const;

 private:
  void add(std::string name, int32_t read, int32_t write, int32_t perm);
  std::map<std::string, TopicConfig, std::less<>> table_;
};

}  // namespace rmq::fake
