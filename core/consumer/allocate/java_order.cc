#include "core/consumer/allocate/java_order.h"

#include <algorithm>

#include "core/common/java_compat.h"

namespace rmq::consumer {
namespace {

// Walks a UTF-8 string as UTF-16 code units.
class Utf16Units {
 public:
  explicit Utf16Units(std::string_view utf8) : utf8_(utf8) {}

  bool done() const { return pending_low_ == 0 && pos_ >= utf8_.size(); }

  uint32_t next() {
    if (pending_low_ != 0) {
      uint32_t low = pending_low_;
      pending_low_ = 0;
      return low;
    }
    uint32_t cp = next_utf8_code_point(utf8_, pos_);
    if (cp < 0x10000) return cp;
    cp -= 0x10000;
    pending_low_ = 0xDC00 + (cp & 0x3FF);
    return 0xD800 + (cp >> 10);
  }

 private:
  std::string_view utf8_;
  size_t pos_ = 0;
  uint32_t pending_low_ = 0;
};

}  // namespace

int java_string_compare(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  Utf16Units ua(a);
  Utf16Units ub(b);
  while (!ua.done() && !ub.done()) {
    uint32_t ca = ua.next();
    uint32_t cb = ub.next();
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  if (!ua.done()) return 1;
  if (!ub.done()) return -1;
  return a < b ? -1 : 1;  // different bytes that decode alike (ill-formed UTF-8 only)
}

int java_queue_compare(const client::MessageQueue& a, const client::MessageQueue& b) {
  if (int c = java_string_compare(a.topic, b.topic); c != 0) return c;
  if (int c = java_string_compare(a.broker_name, b.broker_name); c != 0) return c;
  if (a.queue_id != b.queue_id) return a.queue_id < b.queue_id ? -1 : 1;
  return 0;
}

void sort_for_allocation(std::vector<client::MessageQueue>& mq_all, std::vector<std::string>& cid_all) {
  std::stable_sort(mq_all.begin(), mq_all.end(), [](const client::MessageQueue& a, const client::MessageQueue& b) {
    return java_queue_compare(a, b) < 0;
  });
  std::stable_sort(cid_all.begin(), cid_all.end(), JavaStringLess{});
}

std::vector<std::string_view> java_split(std::string_view text, char separator) {
  if (text.find(separator) == std::string_view::npos) return {text};
  std::vector<std::string_view> pieces;
  size_t begin = 0;
  for (;;) {
    size_t end = text.find(separator, begin);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(begin));
      break;
    }
    pieces.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  while (!pieces.empty() && pieces.back().empty()) pieces.pop_back();
  return pieces;
}

}  // namespace rmq::consumer
