#include "sim/cli/produce_command.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <ostream>
#include <variant>

#include <boost/json.hpp>

#include "core/client/client_config.h"
#include "core/client/profile.h"
#include "core/producer/blocking_producer.h"
#include "core/producer/message.h"
#include "core/producer/unique_id.h"
#include "core/producer/validators.h"
#include "core/runtime/asio_runtime.h"
#include "sim/cli/flag_checks.h"

namespace rmq::cli {
namespace {

namespace json = boost::json;

enum class Mode : uint8_t { kSync, kAsync, kOneway };

std::optional<Mode> parse_mode(const std::string& name) {
  if (name == "sync") return Mode::kSync;
  if (name == "async") return Mode::kAsync;
  if (name == "oneway") return Mode::kOneway;
  return std::nullopt;
}

int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
}

json::object error_line(int64_t index, const client::ClientError& error, int64_t elapsed) {
  json::object line;
  line["index"] = index;
  line["error"] = json::object{{"code", error.code}, {"message", error.message}};
  line["elapsedMs"] = elapsed;
  return line;
}

json::object result_line(int64_t index, const producer::SendResult& result, int64_t elapsed) {
  json::object line;
  line["index"] = index;
  line["status"] = std::string(producer::send_status_name(result.status));
  line["msgId"] = result.msg_id;
  line["offsetMsgId"] = result.offset_msg_id;
  line["brokerName"] = result.queue.broker_name;
  line["queueId"] = result.queue.queue_id;
  line["queueOffset"] = result.queue_offset;
  line["elapsedMs"] = elapsed;
  return line;
}

json::object oneway_line(int64_t index, int64_t elapsed) {
  json::object line;
  line["index"] = index;
  line["status"] = "ONEWAY_SENT";
  line["elapsedMs"] = elapsed;
  return line;
}

}  // namespace

Result<producer::ProducerOptions> producer_options_from(const ProduceOptions& options) {
  constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();
  producer::ProducerOptions p;
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
  if (options.topic.empty()) return flag_error("--topic", "\"\"", "a topic is required");
  if (options.count < 1) return flag_error("--count", std::to_string(options.count), "must be at least 1");
  if (options.timeout_ms < 1 || options.timeout_ms > kInt32Max) {
    return flag_error("--timeout-ms", std::to_string(options.timeout_ms), "must be from 1 to 2147483647");
  }
  if (options.retries < 0 || options.retries > kInt32Max) {
    return flag_error("--retries", std::to_string(options.retries), "must be from 0 to 2147483647");
  }
  if (options.async_retries < 0 || options.async_retries > kInt32Max) {
    return flag_error("--async-retries", std::to_string(options.async_retries), "must be from 0 to 2147483647");
  }
  if (!parse_mode(options.mode)) {
    return flag_error("--mode", quoted_if_empty(options.mode), "expected sync, async or oneway");
  }
  auto profile = client::parse_profile(options.profile);
  if (!profile) return flag_error("--profile", quoted_if_empty(options.profile), "expected v4_9_8 or v5");
  if (Status s = producer::check_producer_group(options.group); !s.ok()) {
    return flag_error("--group", quoted_if_empty(options.group), s.error().message);
  }
  if (!producer::ipv4_bytes(options.client_ip)) {
    return flag_error("--client-ip", quoted_if_empty(options.client_ip), "expected an IPv4 address a.b.c.d");
  }
  p.group = options.group;
  p.send_msg_timeout_ms = options.timeout_ms;
  p.retry_times_when_send_failed = static_cast<int32_t>(options.retries);
  p.retry_times_when_send_async_failed = static_cast<int32_t>(options.async_retries);
  p.send_latency_fault_enable = options.latency_fault;
  p.retry_another_broker_when_not_store_ok = options.retry_another_broker;
  p.client.namesrv_addrs = std::move(addrs);
  p.client.client_ip = options.client_ip;
  p.client.profile = *profile;
  // As Java's UtilAll.getPid(): the pid goes into the instance name and the message ids, so two runs at once
  // are two clients.
  p.client.pid = static_cast<int32_t>(::getpid());
  return p;
}

int run_produce(const ProduceOptions& options, std::ostream& out, std::ostream& err) {
  auto producer_options = producer_options_from(options);
  if (!producer_options.ok()) {
    err << "rmqsim produce: " << producer_options.error().message << "\n";
    return 2;
  }
  const Mode mode = *parse_mode(options.mode);
  int64_t failed = 0;
  {
    runtime::AsioRuntime runtime;
    runtime.start_thread();
    {
      producer::BlockingProducer producer(runtime, std::move(*producer_options));
      if (auto start_error = producer.start()) {
        err << "rmqsim produce: the producer did not start: " << start_error->message << "\n";
        failed = -1;
      } else {
        for (int64_t i = 0; i < options.count; ++i) {
          producer::Message msg = producer::Message::make(options.topic, options.body, options.tags);
          auto begin = std::chrono::steady_clock::now();
          json::object line;
          if (mode == Mode::kOneway) {
            auto error = producer.send_oneway(std::move(msg));
            int64_t elapsed = elapsed_ms(begin);
            line = error ? error_line(i, *error, elapsed) : oneway_line(i, elapsed);
            if (error) ++failed;
          } else {
            producer::SendOutcome outcome = mode == Mode::kSync
                                                ? producer.send(std::move(msg), options.timeout_ms)
                                                : producer.send_async_and_wait(std::move(msg), options.timeout_ms);
            int64_t elapsed = elapsed_ms(begin);
            if (auto* result = std::get_if<producer::SendResult>(&outcome)) {
              // A degraded status (flush or slave trouble) is a result Java returns, not an exception: it succeeded.
              line = result_line(i, *result, elapsed);
            } else {
              line = error_line(i, std::get<client::ClientError>(outcome), elapsed);
              ++failed;
            }
          }
          out << json::serialize(line) << "\n" << std::flush;
        }
      }
      // Unregisters from every broker (UNREGISTER_CLIENT) and closes the connections before the thread ends.
      producer.shutdown();
    }
    runtime.stop();
  }
  if (failed < 0) return 1;
  if (failed > 0) {
    err << "rmqsim produce: " << failed << " of " << options.count << " sends failed\n";
    return 1;
  }
  return 0;
}

}  // namespace rmq::cli
