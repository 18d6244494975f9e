// FakeBroker: answers like a real Apache RocketMQ 4.9.8 broker (spec §9, captures/real-4.9.8/broker-*.jsonl), on any
// runtime, through a RemotingServer: in-memory topics and queues, sends with auto-create through TBW102, pulls with
// long polling, consumer offsets, consumer groups with NOTIFY_CONSUMER_IDS_CHANGED, send-back into retry and DLQ
// topics, and fault hooks (DESIGN §4, broker part).
//
// Contract:
// - Every answer, store layout and commit-log offset follows the real broker as captured (see
//   fake_broker/conformance_test.cc for the replay and the few documented deviations). Commit-log offsets grow by
//   each record's encoded size, OFFSET_MOVED_EVENT records included, so msgIds match a real broker fed the same
//   requests.
// - Time, timers and randomness come only from the runtime: the same seed gives the same answers.
// - Deliberate deviation: a suspended pull that times out is answered exactly suspendTimeoutMillis after it was
//   suspended (the real broker answers at its next 5 s tick), and a delayed message is delivered exactly at its
//   delay (the real one polls every 100 ms).
// - Queue locks for orderly consumers (41/42) as RebalanceLockManager (60 s lease).
// - Not modelled: transactions, batch sends (320), SQL92 filters, 12/33/46, client channel expiry.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/status.h"
#include "core/protocol/message_codec.h"
#include "core/remoting/remoting_server.h"
#include "core/runtime/runtime.h"
#include "fake_nameserver/name_server.h"

namespace rmq::fake {

// Java's messageDelayLevel default "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h", in ms.
std::vector<int64_t> default_message_delay_levels_ms();

struct BrokerOptions {
  std::string cluster = "DefaultCluster";
  std::string broker_name = "broker-a";
  int64_t broker_id = 0;
  // The address clients are told to use (the route's brokerAddrs) and the store host of msgIds; defaults to the
  // listen address. Must be "a.b.c.d:port" for msgIds (otherwise 0.0.0.0:0 is stored).
  std::string advertised_address;
  bool auto_create_topic = true;            // autoCreateTopicEnable
  int32_t default_topic_queue_nums = 8;     // TBW102's queues
  std::vector<TopicQueueConfig> topics;     // created at start (besides TBW102 and the system topics)
  // QUERY_CONSUMER_OFFSET for a group with no stored offset: 4.9.8 answers 0 (true) or 22 QUERY_NOT_FOUND.
  bool new_group_offset_zero = true;
  int64_t long_polling_suspend_max_ms = 15'000;
  // When set (rmqsim serve --log-requests): exactly one line per request ("<broker>: <code> <NAME> opaque=<n>
  // v<version> <serialization> from <client> -> <answer code> <NAME>", or why nothing was answered at once), one per
  // connection closed for a malformed frame (client, byte offset, decoder message), and crashes.
  std::function<void(const std::string&)> log;

  int32_t max_message_size = 4'194'304;                    // maxMessageSize: the largest body stored
  int64_t commit_log_file_size = int64_t{1} << 30;        // mappedFileSizeCommitLog (the captures used 64 MiB)
  int64_t initial_commit_log_offset = 0;                  // where an empty commit log starts
  std::vector<int64_t> message_delay_levels_ms = default_message_delay_levels_ms();
  int64_t register_period_ms = 30'000;  // re-registration with an attached nameserver (it expires brokers)
  bool keep_store_on_crash = true;      // crash(): messages, offsets and topics survive a restart, or not
  // Connections silent this long are closed (serverChannelMaxIdleTimeSeconds); a consumer's closed connection
  // leaves its groups. 0 = never.
  int64_t idle_timeout_ms = 120'000;
  size_t max_connections = 4096;                                 // further connections are closed at once
  uint32_t max_frame_length = remoting::kDefaultMaxFrameLength;  // a longer frame closes its connection
};

// Fault hooks (DESIGN §4, broker part). A request takes the first rule whose code and window match and whose
// probability draw (runtime.random(), only for 0 < probability < 1) succeeds.
enum class FaultAction : uint8_t {
  kRespondCode,  // answer response_code / remark without handling; send codes 10/11/12 are handled (stored) first
  kNoAnswer,     // handled, never answered
  kDelayAnswer,  // handled now, answered delay_ms later (e.g. after the client's deadline)
  kAnswerTwice,  // handled, answered twice with the same opaque
  kSlowHandler,  // handled (side effects and answer) delay_ms later
};

inline constexpr int32_t kAnyRequestCode = -1;

struct FaultRule {
  int32_t request_code = kAnyRequestCode;
  FaultAction action = FaultAction::kRespondCode;
  int32_t response_code = 1;
  std::optional<std::string> remark;  // kRespondCode; nullopt = "[fault] injected <code>"
  double probability = 1.0;
  int64_t from_ms = 0;  // active window in runtime time (now() / 1000): [from_ms, until_ms)
  int64_t until_ms = std::numeric_limits<int64_t>::max();
  int64_t delay_ms = 0;  // kDelayAnswer, kSlowHandler
};

struct BrokerFaults {
  std::vector<FaultRule> rules;
  // brokerPermission without W: routes carry the broker's perm (4) for every topic, send-backs get 16. Java
  // rejects plain sends (16 "the broker[ip] sending message is forbidden") only for order topics;
  // reject_every_send applies that answer to every send, the usual intent of the fault.
  bool write_permission_revoked = false;
  bool reject_every_send = true;
};

struct BrokerStats {
  uint64_t requests = 0;
  uint64_t faults_applied = 0;
  uint64_t notifications = 0;  // code-40 frames pushed
  uint64_t messages_stored = 0;
  uint64_t registrations = 0;  // calls to the nameserver
};

class FakeBroker {
 public:
  FakeBroker(runtime::Runtime& runtime, BrokerOptions options = {});
  ~FakeBroker();

  Status start(const std::string& listen_address);
  void shutdown();
  const std::string& address() const;

  // Registers with a nameserver in the same process (and again whenever a topic is auto-created).
  void attach_name_server(FakeNameServer* name_server);
  BrokerRegistration registration() const;

  // The current server (stats); valid while running — crash() retires it and restart() makes a new one.
  remoting::RemotingServer& server();

  // Faults. set_faults applies from the next request; revoking write permission re-registers at once.
  void set_faults(BrokerFaults faults);
  const BrokerFaults& faults() const;
  // Crash: every connection drops (server shutdown), held pulls and consumer registrations vanish, the nameserver
  // forgets the broker; the store survives or not per options.keep_store_on_crash. restart() listens again on the
  // same address and re-registers.
  void crash();
  Status restart();
  bool running() const;

  // Inspection for tests and checkers.
  const BrokerStats& stats() const;
  int64_t max_offset(const std::string& topic, int32_t queue_id) const;
  // The stored message at a consume-queue offset (nullopt when there is none).
  std::optional<protocol::StoredMessage> stored_message(const std::string& topic, int32_t queue_id,
                                                        int64_t offset) const;
  std::optional<int64_t> consumer_offset(const std::string& group, const std::string& topic, int32_t queue_id) const;
  std::vector<std::string> consumer_ids(const std::string& group) const;
  bool has_topic(const std::string& topic) const;
  size_t held_pulls() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rmq::fake
