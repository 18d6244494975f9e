// MessageStore: the fake broker's in-memory store, shaped like Java's DefaultMessageStore (4.9.8) so that offsets
// and answers match a real broker: one commit log of encoded records (spec §5.14) addressed by commit-log offset
// (records laid end to end, a mapped-file boundary skipped as Java's END_OF_FILE blank does), and one consume
// queue per (topic, queueId) whose logical offsets start at 0. Delayed messages (property DELAY > 0) are rewritten
// into SCHEDULE_TOPIC_XXXX as CommitLog.putMessage does; delivering them is the caller's job (timers).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol/message_codec.h"
#include "core/protocol/subscription_data.h"

namespace rmq::fake {

enum class PutStatus : uint8_t { kOk, kMessageIllegal, kPropertiesSizeExceeded };

struct PutResult {
  PutStatus status = PutStatus::kOk;
  int64_t commit_offset = 0;
  int64_t queue_offset = 0;
  std::string msg_id;      // offset msgId of the stored record
  std::string topic;       // where it went (SCHEDULE_TOPIC_XXXX for a delayed message)
  int32_t queue_id = 0;
  int64_t tags_code = 0;
  int32_t delay_level = 0;  // > 0: went to the schedule topic
  int64_t store_timestamp = 0;
};

// GetMessageStatus names, which pull answers carry as remark.
enum class GetStatus : uint8_t {
  kFound, kNoMatchedMessage, kOffsetOverflowBadly, kOffsetOverflowOne, kOffsetTooSmall, kNoMessageInQueue,
};
const char* get_status_name(GetStatus status);

struct GetResult {
  GetStatus status = GetStatus::kNoMessageInQueue;
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  Bytes body;  // the found records, concatenated
  int32_t message_count = 0;
};

// ExpressionMessageFilter.isMatchedByConsumeQueue for TAG subscriptions (no subscription: everything matches).
bool tags_code_matches(const protocol::SubscriptionData* subscription, int64_t tags_code);

class MessageStore {
 public:
  struct Options {
    int32_t max_message_size = 4'194'304;
    int64_t commit_log_file_size = int64_t{1} << 30;
    int64_t initial_commit_log_offset = 0;
    std::vector<int64_t> delay_levels_ms;
  };
  explicit MessageStore(Options options);

  // Stores `message` (topic, queue_id, flag, body, sys_flag, born_*, store_host, reconsume_times and
  // properties_raw as the broker computed them; `properties` = the map in Java insertion order). Sets the store
  // timestamp, offsets and record layout.
  PutResult put(protocol::StoredMessage message, int64_t store_timestamp);

  GetResult get(const std::string& topic, int32_t queue_id, int64_t offset, int32_t max_nums,
                const protocol::SubscriptionData* filter) const;

  int64_t max_offset(const std::string& topic, int32_t queue_id) const;
  int64_t min_offset(const std::string& topic, int32_t queue_id) const;
  int64_t search_offset_by_time(const std::string& topic, int32_t queue_id, int64_t timestamp) const;
  int64_t earliest_store_time(const std::string& topic, int32_t queue_id) const;  // -1 when empty
  std::optional<protocol::StoredMessage> look_by_commit_offset(int64_t commit_offset) const;
  // The message at a consume-queue offset (nullopt when the queue has no such offset).
  std::optional<protocol::StoredMessage> look_by_queue_offset(const std::string& topic, int32_t queue_id,
                                                              int64_t offset) const;
  int64_t commit_log_max_offset() const { return next_offset_; }

  int64_t delay_ms(int32_t level) const;  // level 1.. max
  int32_t max_delay_level() const { return static_cast<int32_t>(options_.delay_levels_ms.size()); }

  void clear();  // a crash that loses the store

 private:
  struct CqEntry {
    int64_t commit_offset;
    int32_t size;
    int64_t tags_code;
    int64_t store_timestamp;
  };
  const std::vector<CqEntry>* queue(const std::string& topic, int32_t queue_id) const;
  void scan(const std::vector<CqEntry>& entries, int64_t offset, int32_t max_nums,
            const protocol::SubscriptionData* filter, GetResult& result) const;
  int64_t place(int64_t size);

  Options options_;
  int64_t next_offset_;
  std::map<int64_t, Bytes> commit_log_;
  std::map<std::string, std::map<int32_t, std::vector<CqEntry>>> queues_;
};

// Java's tagsString2tagsCode: String.hashCode of the tag (0 for none).
int64_t tags_code_of(const protocol::PropertyList& properties);

}  // namespace rmq::fake
