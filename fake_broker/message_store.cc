#include "fake_broker/message_store.h"

#include <algorithm>

#include "core/common/java_compat.h"
#include "core/protocol/header_fields.h"
#include "core/protocol/sys_flags.h"

namespace rmq::fake {
namespace {

using protocol::PropertyList;
using protocol::StoredMessage;
namespace property = protocol::property;

constexpr size_t kMaxPropertiesLength = 32767;   // Short.MAX_VALUE
constexpr int64_t kEndFileMinBlankLength = 8;    // CommitLog.END_FILE_MIN_BLANK_LENGTH
constexpr int64_t kMaxTransferBytesInMemory = 256 * 1024;
constexpr int32_t kMaxTransferCountInMemory = 32;
constexpr int64_t kCqUnitSize = 20;
constexpr size_t kPhysicalOffsetPosition = 28;   // TOTALSIZE..QUEUEOFFSET precede it (spec §5.14)

// Message.getDelayTimeLevel for messages the store may delay (not prepared or rolled-back transactions).
int32_t delay_level_of(const StoredMessage& m) {
  int32_t tx = protocol::message_sys_flag::transaction_value(m.sys_flag);
  if (tx != protocol::message_sys_flag::kTransactionNotType &&
      tx != protocol::message_sys_flag::kTransactionCommitType) {
    return 0;
  }
  auto text = protocol::find_property(m.properties, property::kDelayTimeLevel);
  if (!text) return 0;
  return protocol::parse_java_int(*text).value_or(0);
}

PutResult put_failed(PutStatus status) {
  PutResult r;
  r.status = status;
  return r;
}

void patch_i64(Bytes& bytes, size_t pos, int64_t v) {
  auto u = static_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) bytes[pos + i] = static_cast<char>((u >> (8 * (7 - i))) & 0xFF);
}

}  // namespace

const char* get_status_name(GetStatus status) {
  switch (status) {
    case GetStatus::kFound: return "FOUND";
    case GetStatus::kNoMatchedMessage: return "NO_MATCHED_MESSAGE";
    case GetStatus::kOffsetOverflowBadly: return "OFFSET_OVERFLOW_BADLY";
    case GetStatus::kOffsetOverflowOne: return "OFFSET_OVERFLOW_ONE";
    case GetStatus::kOffsetTooSmall: return "OFFSET_TOO_SMALL";
    case GetStatus::kNoMessageInQueue: return "NO_MESSAGE_IN_QUEUE";
  }
  return "?";
}

bool tags_code_matches(const protocol::SubscriptionData* s, int64_t tags_code) {
  if (s == nullptr || s->class_filter_mode) return true;
  if (s->effective_expression_type() != protocol::kExpressionTypeTag) return true;
  if (s->sub_string == protocol::kSubAll) return true;
  auto code = static_cast<int32_t>(tags_code);
  return std::find(s->code_set.begin(), s->code_set.end(), code) != s->code_set.end();
}

int64_t tags_code_of(const PropertyList& properties) {
  auto tags = protocol::find_property(properties, property::kTags);
  if (!tags || tags->empty()) return 0;
  return java_string_hash(*tags);
}

MessageStore::MessageStore(Options options)
    : options_(std::move(options)), next_offset_(options_.initial_commit_log_offset) {}

int64_t MessageStore::delay_ms(int32_t level) const {
  if (level <= 0 || options_.delay_levels_ms.empty()) return 0;
  level = std::min(level, max_delay_level());
  return options_.delay_levels_ms[static_cast<size_t>(level - 1)];
}

int64_t MessageStore::place(int64_t size) {
  // A record that does not fit in the rest of the current mapped file (with room for the 8-byte blank marker)
  // starts the next file, as CommitLog.doAppend does.
  const int64_t file = options_.commit_log_file_size;
  int64_t remaining = file - (next_offset_ % file);
  if (size + kEndFileMinBlankLength > remaining) next_offset_ += remaining;
  int64_t at = next_offset_;
  next_offset_ += size;
  return at;
}

PutResult MessageStore::put(StoredMessage m, int64_t store_timestamp) {
  PutResult r;
  if (m.topic.size() > 127) return put_failed(PutStatus::kMessageIllegal);
  if (m.properties_raw.size() > kMaxPropertiesLength) return put_failed(PutStatus::kPropertiesSizeExceeded);
  int32_t level = delay_level_of(m);
  if (level > 0) {
    // CommitLog.putMessage: the real destination goes into properties, the message into the schedule queue.
    level = std::min(level, max_delay_level());
    protocol::set_property(m.properties, property::kDelayTimeLevel, std::to_string(level));
    protocol::set_property(m.properties, property::kRealTopic, m.topic);
    protocol::set_property(m.properties, property::kRealQueueId, std::to_string(m.queue_id));
    protocol::sort_properties_java_order(m.properties);
    m.properties_raw = protocol::encode_properties(m.properties);
    m.topic = std::string("SCHEDULE_TOPIC_XXXX");
    m.queue_id = level - 1;
  }
  if (m.body.size() > static_cast<size_t>(options_.max_message_size)) return put_failed(PutStatus::kMessageIllegal);
  auto& entries = queues_[m.topic][m.queue_id];
  m.store_timestamp = store_timestamp;
  m.queue_offset = static_cast<int64_t>(entries.size());
  m.commit_log_offset = 0;
  Result<Bytes> encoded = protocol::encode_stored_message(m);
  if (!encoded.ok()) return put_failed(PutStatus::kMessageIllegal);
  Bytes record = std::move(encoded.value());
  int64_t at = place(static_cast<int64_t>(record.size()));
  patch_i64(record, kPhysicalOffsetPosition, at);
  r.tags_code = level > 0 ? store_timestamp + delay_ms(level) : tags_code_of(m.properties);
  entries.push_back(CqEntry{at, static_cast<int32_t>(record.size()), r.tags_code, store_timestamp});
  commit_log_.emplace(at, std::move(record));
  r.commit_offset = at;
  r.queue_offset = m.queue_offset;
  r.msg_id = protocol::make_offset_msg_id(m.store_host, at);
  r.topic = m.topic;
  r.queue_id = m.queue_id;
  r.delay_level = level;
  r.store_timestamp = store_timestamp;
  return r;
}

const std::vector<MessageStore::CqEntry>* MessageStore::queue(const std::string& topic, int32_t queue_id) const {
  auto t = queues_.find(topic);
  if (t == queues_.end()) return nullptr;
  auto q = t->second.find(queue_id);
  return q == t->second.end() ? nullptr : &q->second;
}

GetResult MessageStore::get(const std::string& topic, int32_t queue_id, int64_t offset, int32_t max_nums,
                            const protocol::SubscriptionData* filter) const {
  GetResult r;
  const auto* entries = queue(topic, queue_id);
  const int64_t max = entries ? static_cast<int64_t>(entries->size()) : 0;
  r.min_offset = 0;
  r.max_offset = max;
  r.next_begin_offset = offset;
  if (max == 0) {
    r.status = GetStatus::kNoMessageInQueue;
    r.next_begin_offset = 0;
  } else if (offset < r.min_offset) {
    r.status = GetStatus::kOffsetTooSmall;
    r.next_begin_offset = r.min_offset;
  } else if (offset == max) {
    r.status = GetStatus::kOffsetOverflowOne;
  } else if (offset > max) {
    r.status = GetStatus::kOffsetOverflowBadly;  // the capture: nextBeginOffset = max even with min 0
    r.next_begin_offset = max;
  } else {
    scan(*entries, offset, max_nums, filter, r);
  }
  return r;
}

void MessageStore::scan(const std::vector<CqEntry>& entries, int64_t offset, int32_t max_nums,
                        const protocol::SubscriptionData* filter, GetResult& r) const {
  r.status = GetStatus::kNoMatchedMessage;
  const int64_t max_scan = std::max<int64_t>(16000, int64_t{max_nums} * kCqUnitSize) / kCqUnitSize;
  const auto count = static_cast<int64_t>(entries.size());
  int64_t total = 0;
  int64_t i = 0;
  for (; offset + i < count && i < max_scan; ++i) {
    const CqEntry& e = entries[static_cast<size_t>(offset + i)];
    if (total != 0 && r.message_count != 0) {  // DefaultMessageStore.isTheBatchFull, message in memory
      if (max_nums <= r.message_count) break;
      if (total + e.size > kMaxTransferBytesInMemory) break;
      if (r.message_count > kMaxTransferCountInMemory - 1) break;
    }
    if (!tags_code_matches(filter, e.tags_code)) continue;
    r.body += commit_log_.at(e.commit_offset);
    total += e.size;
    ++r.message_count;
    r.status = GetStatus::kFound;
  }
  r.next_begin_offset = offset + i;
}

int64_t MessageStore::max_offset(const std::string& topic, int32_t queue_id) const {
  const auto* q = queue(topic, queue_id);
  return q ? static_cast<int64_t>(q->size()) : 0;
}

int64_t MessageStore::min_offset(const std::string&, int32_t) const { return 0; }  // nothing is ever deleted

int64_t MessageStore::search_offset_by_time(const std::string& topic, int32_t queue_id, int64_t timestamp) const {
  // ConsumeQueue.getOffsetInQueueByTime: a binary search that settles on an exact match, else the nearer
  // neighbour (the left one on a tie); all older -> the last entry, all newer -> the first.
  const auto* q = queue(topic, queue_id);
  if (q == nullptr || q->empty()) return 0;
  int64_t low = 0, high = static_cast<int64_t>(q->size()) - 1;
  int64_t target = -1, left = -1, right = -1, left_value = -1, right_value = -1;
  while (high >= low) {
    int64_t mid = (low + high) / 2;
    int64_t t = (*q)[static_cast<size_t>(mid)].store_timestamp;
    if (t == timestamp) {
      target = mid;
      break;
    }
    if (t > timestamp) {
      high = mid - 1;
      right = mid;
      right_value = t;
    } else {
      low = mid + 1;
      left = mid;
      left_value = t;
    }
  }
  if (target != -1) return target;
  if (left_value == -1) return right;
  if (right_value == -1) return left;
  return std::abs(timestamp - left_value) > std::abs(timestamp - right_value) ? right : left;
}

int64_t MessageStore::earliest_store_time(const std::string& topic, int32_t queue_id) const {
  const auto* q = queue(topic, queue_id);
  return q == nullptr || q->empty() ? -1 : q->front().store_timestamp;
}

std::optional<StoredMessage> MessageStore::look_by_commit_offset(int64_t commit_offset) const {
  auto it = commit_log_.find(commit_offset);
  if (it == commit_log_.end()) return std::nullopt;
  auto decoded = protocol::decode_stored_message(it->second);
  if (!decoded.ok()) return std::nullopt;
  return std::move(decoded.value());
}

std::optional<StoredMessage> MessageStore::look_by_queue_offset(const std::string& topic, int32_t queue_id,
                                                               int64_t offset) const {
  const auto* q = queue(topic, queue_id);
  if (q == nullptr || offset < 0 || offset >= static_cast<int64_t>(q->size())) return std::nullopt;
  return look_by_commit_offset((*q)[static_cast<size_t>(offset)].commit_offset);
}

void MessageStore::clear() {
  commit_log_.clear();
  queues_.clear();
  next_offset_ = options_.initial_commit_log_offset;
}

}  // namespace rmq::fake
