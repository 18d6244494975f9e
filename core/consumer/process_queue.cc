#include "core/consumer/process_queue.h"

namespace rmq::consumer {

bool ProcessQueue::put_messages(const std::vector<MessageExt>& msgs) {
  for (const auto& msg : msgs) {
    auto [it, inserted] = messages_.insert_or_assign(msg.queue_offset(), msg);
    if (!inserted) continue;  // Java's TreeMap.put replaces it but counts nothing
    ++msg_count_;
    queue_offset_max_ = msg.queue_offset();
    msg_size_ += static_cast<int64_t>(msg.body().size());
  }
  if (!messages_.empty() && !consuming) {
    consuming = true;
    return true;
  }
  return false;
}

int64_t ProcessQueue::remove_messages(const std::vector<int64_t>& offsets, int64_t now_ms) {
  last_consume_timestamp_ms = now_ms;
  if (messages_.empty()) return -1;
  int64_t result = queue_offset_max_ + 1;
  for (int64_t offset : offsets) {
    auto it = messages_.find(offset);
    if (it == messages_.end()) continue;
    msg_size_ -= static_cast<int64_t>(it->second.body().size());
    --msg_count_;
    messages_.erase(it);
  }
  if (!messages_.empty()) result = messages_.begin()->first;
  return result;
}

int64_t ProcessQueue::max_span() const {
  if (messages_.empty()) return 0;
  return messages_.rbegin()->first - messages_.begin()->first;
}

std::vector<MessageExt> ProcessQueue::take_messages(int batch) {
  std::vector<MessageExt> taken;
  for (int i = 0; i < batch && !messages_.empty(); ++i) {
    auto node = messages_.extract(messages_.begin());
    taken.push_back(node.mapped());
    consuming_.insert(std::move(node));
  }
  if (taken.empty()) consuming = false;
  return taken;
}

std::vector<MessageExt> ProcessQueue::take_messages(int batch, int64_t now_ms) {
  last_consume_timestamp_ms = now_ms;
  return take_messages(batch);
}

int64_t ProcessQueue::commit() {
  if (consuming_.empty()) return -1;
  int64_t last = consuming_.rbegin()->first;
  msg_count_ -= static_cast<int64_t>(consuming_.size());
  for (const auto& [offset, msg] : consuming_) msg_size_ -= static_cast<int64_t>(msg.body().size());
  consuming_.clear();
  return last + 1;
}

void ProcessQueue::make_message_to_consume_again(const std::vector<MessageExt>& msgs) {
  for (const auto& msg : msgs) {
    consuming_.erase(msg.queue_offset());
    messages_.insert_or_assign(msg.queue_offset(), msg);
  }
}

}  // namespace rmq::consumer
