#include "sim/cli/consume_command.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <ostream>

#include <boost/json.hpp>

#include "core/client/client_config.h"
#include "core/client/client_manager.h"
#include "core/consumer/allocate/allocate_strategy.h"
#include "core/consumer/push_consumer.h"
#include "core/producer/unique_id.h"
#include "core/producer/validators.h"
#include "core/protocol/message_codec.h"
#include "core/runtime/asio_runtime.h"
#include "sim/cli/utf8.h"
#include "sim/cli/flag_checks.h"

namespace rmq::cli {
namespace {

namespace json = boost::json;
using consumer::ConsumeConcurrentlyContext;
using consumer::ConsumeConcurrentlyStatus;
using consumer::MessageExt;

// The innermost strategy name of "MACHINE_ROOM_NEARBY-<inner>" (recursively), or the name itself.
std::string_view innermost_strategy(std::string_view name) {
  constexpr std::string_view kNearby = "MACHINE_ROOM_NEARBY-";
  while (name.starts_with(kNearby)) name.remove_prefix(kNearby.size());
  return name;
}

// KEYS holds one or more keys separated by spaces (MessageConst.KEY_SEPARATOR).
bool has_listed_key(const MessageExt& msg, const std::set<std::string>& listed) {
  auto keys = msg.property(protocol::property::kKeys);
  if (!keys || listed.empty()) return false;
  std::string_view rest = *keys;
  while (!rest.empty()) {
    auto space = rest.find(' ');
    std::string_view key = rest.substr(0, space);
    if (!key.empty() && listed.contains(std::string(key))) return true;
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return false;
}

json::value optional_property(const MessageExt& msg, std::string_view name) {
  auto value = msg.property(name);
  if (!value) return nullptr;
  return json::string(body_text(*value));
}

json::object message_line(const MessageExt& msg) {
  json::object line;
  line["msgId"] = msg.msg_id();
  line["topic"] = msg.topic();
  line["brokerName"] = msg.broker_name;
  line["queueId"] = msg.queue_id();
  line["queueOffset"] = msg.queue_offset();
  line["tags"] = optional_property(msg, protocol::property::kTags);
  line["keys"] = optional_property(msg, protocol::property::kKeys);
  line["body"] = body_text(msg.body());
  return line;
}

// What the listener (event thread) and the waiting caller share.
struct RunState {
  std::mutex mutex;
  std::condition_variable changed;
  std::ostream* out = nullptr;
  std::optional<int64_t> count;
  std::set<std::string> reconsume_later_keys;
  int64_t printed = 0;
  bool closing = false;    // set by the caller once it decided to end: no more lines, no more answers
  // Real mode only: --idle-exit-ms is wall time, waited for on the caller's thread with a condition variable
  // (which needs a steady clock); the consumer itself runs on the AsioRuntime's clock.
  std::chrono::steady_clock::time_point last_line = std::chrono::steady_clock::now();

  bool count_reached() const { return count && printed >= *count; }
};

void on_messages(const std::shared_ptr<RunState>& state, const std::vector<MessageExt>& msgs,
                 const std::function<void(ConsumeConcurrentlyStatus)>& done) {
  bool later = false;
  {
    std::lock_guard lock(state->mutex);
    // consumeMessageBatchMaxSize is 1 (the default; not a flag), so a call holds one message. Were it more, only
    // the lines that fit the count are printed and the call is left unanswered when not all of them were: a
    // partial answer (ackIndex) would send the rest back to the retry topic.
    bool all_printed = true;
    for (const auto& msg : msgs) {
      if (state->closing || state->count_reached()) {
        all_printed = false;
        break;
      }
      *state->out << json::serialize(message_line(msg)) << "\n" << std::flush;
      ++state->printed;
      state->last_line = std::chrono::steady_clock::now();
      // First arrival only: a redelivery (send-back, or the local retry after a failed send-back) has
      // reconsumeTimes >= 1.
      if (msg.reconsume_times() == 0 && has_listed_key(msg, state->reconsume_later_keys)) later = true;
    }
    state->changed.notify_all();
    // Left unanswered (`done` dropped): the messages stay in their ProcessQueue, their offsets uncommitted.
    if (!all_printed) return;
  }
  done(later ? ConsumeConcurrentlyStatus::kReconsumeLater : ConsumeConcurrentlyStatus::kConsumeSuccess);
}

}  // namespace

std::set<std::string> parse_reconsume_later_keys(const std::string& text) {
  std::set<std::string> keys;
  if (text.empty()) return keys;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    keys.insert(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return keys;
}

std::string body_text(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (is_valid_utf8(bytes)) return std::string(bytes);
  std::string text;
  text.reserve(bytes.size() + 16);
  size_t i = 0;
  while (i < bytes.size()) {
    auto lead = static_cast<uint8_t>(bytes[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length > 0 && i + length <= bytes.size() && is_valid_utf8(bytes.substr(i, length))) {
      text.append(bytes.substr(i, length));
      i += length;
    } else {
      text += "\\x";
      text += kHex[lead >> 4];
      text += kHex[lead & 0xF];
      ++i;
    }
  }
  return text;
}

Result<consumer::PushConsumerOptions> consumer_options_from(const ConsumeOptions& options) {
  consumer::PushConsumerOptions c;
  std::vector<std::string> addrs = client::split_namesrv_addrs(options.namesrv);
  if (addrs.empty()) {
    return flag_error("--namesrv", quoted_if_empty(options.namesrv),
                      "expected HOST:PORT, several separated by ';' (e.g. 127.0.0.1:9876)");
  }
  for (const auto& addr : addrs) {
    if (!valid_address(addr)) {
      return flag_error("--namesrv", options.namesrv,
                        "\"" + addr + "\" is not HOST:PORT with a port from 1 to 65535");
    }
  }
  // DefaultMQPushConsumerImpl.checkConfig's group checks, with Java's messages.
  if (Status s = producer::check_group(options.group); !s.ok()) {
    return flag_error("--group", quoted_if_empty(options.group), s.error().message);
  }
  if (options.group == consumer::kDefaultConsumerGroup) {
    return flag_error("--group", options.group,
                      "consumerGroup can not equal DEFAULT_CONSUMER, please specify another one.");
  }
  if (Status s = producer::check_topic(options.topic); !s.ok()) {
    return flag_error("--topic", quoted_if_empty(options.topic), s.error().message);
  }
  auto strategy = consumer::make_allocate_strategy(options.strategy, consumer::AllocateParams{});
  if (!strategy.ok()) {
    // The names make_allocate_strategy knows, less the ones refused below.
    std::string known;
    for (std::string name : consumer::allocate_strategy_names()) {
      if (name == "CONFIG" || name == "MACHINE_ROOM") continue;
      if (name.starts_with("MACHINE_ROOM_NEARBY-")) name = "MACHINE_ROOM_NEARBY-<one of these>";
      known += (known.empty() ? "" : ", ") + name;
    }
    return flag_error("--strategy", quoted_if_empty(options.strategy), "unknown strategy; expected one of " + known);
  }
  // Their parameters (the queue list, the consumer's rooms) are not flags here: without them they allocate
  // nothing, and the consumer would wait for messages that never come.
  auto inner = innermost_strategy(options.strategy);
  if (inner == "CONFIG" || inner == "MACHINE_ROOM") {
    return flag_error("--strategy", options.strategy,
                      std::string(inner) +
                          " needs parameters rmqsim consume does not take (it would get no queues); use AVG, "
                          "AVG_BY_CIRCLE, CONSISTENT_HASH or MACHINE_ROOM_NEARBY-<one of them>");
  }
  if (options.from == "first") {
    c.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
  } else if (options.from == "last") {
    c.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromLastOffset;
  } else {
    return flag_error("--from", quoted_if_empty(options.from), "expected first or last");
  }
  if (options.count && *options.count < 1) {
    return flag_error("--count", std::to_string(*options.count), "must be at least 1");
  }
  if (options.idle_exit_ms && *options.idle_exit_ms < 1) {
    return flag_error("--idle-exit-ms", std::to_string(*options.idle_exit_ms), "must be at least 1");
  }
  if (options.pull_batch_size < 1 || options.pull_batch_size > 1024) {
    return flag_error("--pull-batch-size", std::to_string(options.pull_batch_size), "must be from 1 to 1024");
  }
  for (const auto& key : parse_reconsume_later_keys(options.reconsume_later_keys)) {
    if (key.empty() || key.find(' ') != std::string::npos) {
      return flag_error("--reconsume-later-keys", quoted_if_empty(options.reconsume_later_keys),
                        "expected KEY[,KEY...] with no empty key and no space in a key");
    }
  }
  if (!producer::ipv4_bytes(options.client_ip)) {
    return flag_error("--client-ip", quoted_if_empty(options.client_ip), "expected an IPv4 address a.b.c.d");
  }
  c.group = options.group;
  c.subscription[options.topic] = options.tags;
  c.allocate_strategy = std::shared_ptr<consumer::AllocateStrategy>(std::move(strategy).value());
  c.pull_batch_size = static_cast<int>(options.pull_batch_size);
  c.client.namesrv_addrs = std::move(addrs);
  c.client.client_ip = options.client_ip;
  // As Java's UtilAll.getPid(): the pid goes into the instance name ("<pid>#<nanoTime>"), so two consumers of the
  // group on one host are two clients.
  c.client.pid = static_cast<int32_t>(::getpid());
  return c;
}

int run_consume(const ConsumeOptions& options, const std::atomic<bool>& stop, std::ostream& out, std::ostream& err) {
  auto consumer_options = consumer_options_from(options);
  if (!consumer_options.ok()) {
    err << "rmqsim consume: " << consumer_options.error().message << "\n";
    return 2;
  }
  auto state = std::make_shared<RunState>();
  state->out = &out;
  state->count = options.count;
  state->reconsume_later_keys = parse_reconsume_later_keys(options.reconsume_later_keys);

  int exit_code = 0;
  runtime::AsioRuntime runtime;
  runtime.start_thread();
  std::unique_ptr<client::ClientManager> manager;
  std::unique_ptr<consumer::PushConsumer> push_consumer;
  auto start_error = runtime.run_sync([&]() -> std::optional<client::ClientError> {
    manager = std::make_unique<client::ClientManager>(runtime);
    push_consumer = std::make_unique<consumer::PushConsumer>(runtime, *manager, std::move(*consumer_options));
    push_consumer->register_listener(consumer::ConcurrentlyListener(
        [state](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&,
                std::function<void(ConsumeConcurrentlyStatus)> done) { on_messages(state, msgs, done); }));
    return push_consumer->start();
  });
  if (start_error) {
    err << "rmqsim consume: the consumer did not start: " << start_error->message << "\n";
    exit_code = 1;
  } else {
    std::unique_lock lock(state->mutex);
    state->last_line = std::chrono::steady_clock::now();
    // The signal flag cannot notify: it is polled.
    constexpr auto kPoll = std::chrono::milliseconds(50);
    while (!state->count_reached() && !stop.load()) {
      auto now = std::chrono::steady_clock::now();
      if (options.idle_exit_ms && now - state->last_line >= std::chrono::milliseconds(*options.idle_exit_ms)) break;
      auto wake = now + kPoll;
      if (options.idle_exit_ms) {
        wake = std::min(wake, state->last_line + std::chrono::milliseconds(*options.idle_exit_ms));
      }
      state->changed.wait_until(lock, wake);
    }
    state->closing = true;
    lock.unlock();

    // DefaultMQPushConsumer.shutdown(): persists the offsets, unregisters, closes the connections.
    auto finished = std::make_shared<std::promise<void>>();
    auto future = finished->get_future();
    runtime.post([&push_consumer, finished] { push_consumer->shutdown([finished] { finished->set_value(); }); });
    // UNREGISTER_CLIENT waits at most its 3 s timeout per broker; a shutdown far beyond that is a hang.
    if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
      err << "rmqsim consume: the consumer did not shut down within 60 s\n";
      exit_code = 1;
    }
  }
  runtime.run_sync([&] {
    push_consumer.reset();
    manager.reset();
  });
  runtime.stop();
  return exit_code;
}

}  // namespace rmq::cli
