#include "core/producer/topic_publish_info.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <limits>

#include "core/common/java_compat.h"
#include "core/protocol/perm.h"

namespace rmq::producer {

namespace {

int32_t queue_count(const std::vector<client::MessageQueue>& queues) {
  assert(queues.size() <= static_cast<size_t>(std::numeric_limits<int32_t>::max()));
  return static_cast<int32_t>(queues.size());
}

// Java String.split(sep) with a one-character separator: trailing empty strings are dropped.
std::vector<std::string_view> java_split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();
  return parts;
}

// Integer.parseInt: optional sign, decimal digits, within int32.
std::optional<int32_t> java_parse_int(std::string_view text) {
  bool plus = !text.empty() && text.front() == '+';
  if (plus) text.remove_prefix(1);
  if (text.empty() || (plus && (text.front() == '-' || text.front() == '+'))) return std::nullopt;
  int32_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

void append_queues(std::vector<client::MessageQueue>& out, const std::string& topic, const std::string& broker,
                   int32_t count) {
  for (int32_t id = 0; id < count; ++id) out.push_back(client::MessageQueue{topic, broker, id});
}

void add_order_topic_queues(TopicPublishInfo& info, const std::string& topic, std::string_view conf) {
  for (std::string_view entry : java_split(conf, ';')) {
    std::vector<std::string_view> item = java_split(entry, ':');
    if (item.size() < 2) continue;  // Java: ArrayIndexOutOfBoundsException
    std::optional<int32_t> nums = java_parse_int(item[1]);
    if (!nums) continue;  // Java: NumberFormatException
    append_queues(info.queues, topic, std::string(item[0]), *nums);
  }
  info.order_topic = true;
}

bool has_master(const protocol::TopicRouteData& route, const std::string& broker_name) {
  auto broker = std::find_if(route.broker_datas.begin(), route.broker_datas.end(),
                             [&](const protocol::BrokerData& bd) { return bd.broker_name == broker_name; });
  return broker != route.broker_datas.end() && broker->address(protocol::kMasterBrokerId).has_value();
}

void add_writable_master_queues(TopicPublishInfo& info, const std::string& topic, protocol::TopicRouteData& route) {
  std::stable_sort(route.queue_datas.begin(), route.queue_datas.end(),
                   [](const protocol::QueueData& a, const protocol::QueueData& b) {
                     return java_string_compare(a.broker_name, b.broker_name) < 0;
                   });
  for (const protocol::QueueData& qd : route.queue_datas) {
    if (!protocol::is_writeable(qd.perm) || !has_master(route, qd.broker_name)) continue;
    append_queues(info.queues, topic, qd.broker_name, qd.write_queue_nums);
  }
  info.order_topic = false;
}

std::u16string to_utf16(std::string_view utf8) {
  std::u16string out;
  out.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = next_utf8_code_point(utf8, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

}  // namespace

const client::MessageQueue& TopicPublishInfo::select_one() {
  assert(ok());
  int32_t pos = java_int_abs(send_which_queue.increment_and_get()) % queue_count(queues);
  if (pos < 0) pos = 0;  // kept from Java; the masked index never makes it negative
  return queues[static_cast<size_t>(pos)];
}

const client::MessageQueue& TopicPublishInfo::select_one_avoiding(const std::optional<std::string>& last_broker) {
  assert(ok());
  if (!last_broker) return select_one();
  for (size_t attempt = 0; attempt < queues.size(); ++attempt) {
    const client::MessageQueue& mq = select_one();
    if (mq.broker_name != *last_broker) return mq;
  }
  return select_one();
}

const client::MessageQueue* TopicPublishInfo::select_v5(
    const std::function<bool(const client::MessageQueue&)>& pass) {
  if (queues.empty()) return nullptr;
  int32_t n = queue_count(queues);
  for (int32_t attempt = 0; attempt < n; ++attempt) {
    int32_t pos = java_int_abs(send_which_queue.increment_and_get() % n);
    const client::MessageQueue& mq = queues[static_cast<size_t>(pos)];
    if (pass(mq)) return &mq;
  }
  return nullptr;
}

int32_t TopicPublishInfo::write_queue_nums_of(std::string_view broker_name) const {
  if (!route) return -1;
  for (const protocol::QueueData& qd : route->queue_datas) {
    if (qd.broker_name == broker_name) return qd.write_queue_nums;
  }
  return -1;
}

TopicPublishInfo make_topic_publish_info(const std::string& topic, const protocol::TopicRouteData& route,
                                         client::Profile profile, uint32_t index_draw) {
  TopicPublishInfo info;
  info.send_which_queue = SendQueueIndex(profile, index_draw);
  info.route = route;
  if (route.order_topic_conf && !route.order_topic_conf->empty()) {
    add_order_topic_queues(info, topic, *route.order_topic_conf);
  } else {
    add_writable_master_queues(info, topic, *info.route);
  }
  return info;
}

std::set<client::MessageQueue> make_topic_subscribe_info(const std::string& topic,
                                                         const protocol::TopicRouteData& route) {
  std::set<client::MessageQueue> queues;
  for (const protocol::QueueData& qd : route.queue_datas) {
    if (!protocol::is_readable(qd.perm)) continue;
    for (int32_t id = 0; id < qd.read_queue_nums; ++id) queues.insert(client::MessageQueue{topic, qd.broker_name, id});
  }
  return queues;
}

int java_string_compare(std::string_view a, std::string_view b) {
  bool ascii = std::all_of(a.begin(), a.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }) &&
               std::all_of(b.begin(), b.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  int order = ascii ? a.compare(b) : to_utf16(a).compare(to_utf16(b));
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

}  // namespace rmq::producer
