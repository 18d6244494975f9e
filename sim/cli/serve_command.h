// `rmqsim serve`: one fake nameserver and N fake brokers on real sockets (AsioRuntime), registered with each
// other, for any RocketMQ 4.x client (Java, C++, Go, Node) to be tested against — with a fault plan if asked.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "fake_nameserver/name_server.h"

namespace rmq::cli {

struct ServeOptions {
  uint16_t namesrv_port = 9876;
  int brokers = 2;
  uint16_t broker_base_port = 10911;  // broker i listens on base + 10 * i
  std::vector<std::string> topics;    // "NAME:QUEUES", created on every broker
  std::string faults_file;
  bool log_requests = false;
  std::string bind = "127.0.0.1";
  // Per-server and per-connection limits (docs/hardening.md): what bounds the memory hostile clients can take.
  size_t max_connections = 4096;             // per server; further connections are closed at once
  uint32_t max_frame = 16 * 1024 * 1024;     // bytes, length word included (the real servers' 16 MiB)
  size_t send_backlog = size_t{64} << 20;    // unsent answer bytes per connection; answers past it are dropped
  int64_t idle_timeout_s = 120;              // silent connections are closed (0 = never)
};

// Parses and checks "NAME:QUEUES" topic specs; the error names the bad spec.
Result<std::vector<fake::TopicQueueConfig>> parse_topic_specs(const std::vector<std::string>& specs);

// Serves until `stop` becomes true (the signal handler sets it). Prints one "ready" line on `out` once every
// listener is up. Returns the exit code: 0 after a clean stop, 2 when it could not start (reason on `err`).
int run_serve(const ServeOptions& options, const std::atomic<bool>& stop, std::ostream& out, std::ostream& err);

}  // namespace rmq::cli
