// `rmqsim consume`: our push consumer core (clustering, concurrently) over real sockets (AsioRuntime), pointed at
// any nameserver — `rmqsim serve`, a real RocketMQ 4.x cluster — as users do with the Java push-consumer example.
//
// Prints one JSON line per message handed to its listener, on `out`, flushed at once:
//   {"msgId":"…","topic":"T","brokerName":"broker-0","queueId":1,"queueOffset":7,"tags":"TagA","keys":"K1",
//    "body":"…"}
// msgId is Java's MessageClientExt.getMsgId(): the producer's UNIQ_KEY, else the offset msgId (store host +
// commit-log offset; what ali-ons and other clients that set no UNIQ_KEY get back from the broker); topic is the
// original topic also for a redelivery through %RETRY%<group> (brokerName/queueId/queueOffset are then the
// retry queue's); tags and keys are the TAGS / KEYS properties, null when absent; body is a JSON string: the
// bytes as UTF-8, each byte that is not part of a well-formed UTF-8 sequence written as the four characters
// \xNN (lower-case hex; Python's "backslashreplace"), so the line stays valid JSON and no byte is lost silently.
//
// Acknowledgements. A printed message is answered CONSUME_SUCCESS after its line was written — or, when its KEYS
// holds one of --reconsume-later-keys and it arrives for the first time (reconsumeTimes 0), RECONSUME_LATER: the
// core sends it back to %RETRY%<group> and it is delivered (and printed) again later.
// The run ends after --count printed lines, after --idle-exit-ms without a new line (counted from the start, then
// from the last line), or when `stop` becomes true (SIGINT/SIGTERM); with neither limit only `stop` ends it.
// Messages the listener receives once the run is ending (past the count, or during the shutdown) are neither
// printed nor answered: the listener keeps their callbacks unanswered, so they stay in their ProcessQueue and the
// offset committed for their queue stays at or below the first of them (processConsumeResult commits the
// smallest offset still held) — the next consumer of the group gets them again. Answering RECONSUME_LATER instead
// would send them back to the retry topic, i.e. acknowledge their original offsets and consume them as failures.
// The shutdown is DefaultMQPushConsumer.shutdown(): offsets persisted (UPDATE_CONSUMER_OFFSET to each broker),
// UNREGISTER_CLIENT, connections closed — all before run_consume returns.
// Exit code: 0 on a clean finish (count reached, idle, or stopped), 1 when the consumer did not start (start()'s
// MQClientException) or did not shut down in time, 2 for bad flags.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/common/status.h"
#include "core/consumer/consumer_options.h"

namespace rmq::cli {

struct ConsumeOptions {
  std::string namesrv;  // "host:port" or "a:p;b:p"
  std::string group;
  std::string topic;
  std::string tags = "*";                  // subscription expression: "*", "TagA", "TagA || TagB"
  std::string strategy = "AVG";            // AllocateMessageQueueStrategy.getName()
  std::string from = "last";               // first | last (CONSUME_FROM_FIRST_OFFSET / CONSUME_FROM_LAST_OFFSET)
  std::optional<int64_t> count;            // exit after this many printed lines
  std::optional<int64_t> idle_exit_ms;     // exit after this long without a new line
  int64_t pull_batch_size = 32;            // pullBatchSize
  std::string reconsume_later_keys;        // "K1,K2,…"; empty: none
  std::string client_ip = "127.0.0.1";
};

// Checks the flags and builds the consumer's options (listener aside); the error message names the offending flag.
Result<consumer::PushConsumerOptions> consumer_options_from(const ConsumeOptions& options);

// The keys of --reconsume-later-keys (checked by consumer_options_from).
std::set<std::string> parse_reconsume_later_keys(const std::string& text);

// The body as a JSON-ready UTF-8 string (invalid bytes as \xNN, above).
std::string body_text(std::string_view bytes);

// Runs the consumer; returns the exit code (above; the reason for 1 or 2 on `err`).
int run_consume(const ConsumeOptions& options, const std::atomic<bool>& stop, std::ostream& out, std::ostream& err);

}  // namespace rmq::cli
