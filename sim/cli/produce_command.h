// `rmqsim produce`: our producer core over real sockets (AsioRuntime + BlockingProducer), pointed at any
// nameserver — `rmqsim serve`, a real RocketMQ 4.x cluster — as users do with the Java examples.
//
// Sends --count messages one after another (ASYNC: the next once the previous callback ran) and prints one JSON
// line per send on `out`, flushed at once:
//   success (sync, async): {"index":i,"status":"SEND_OK","msgId":"…","offsetMsgId":"…","brokerName":"…",
//                           "queueId":q,"queueOffset":o,"elapsedMs":n}
//   success (oneway):      {"index":i,"status":"ONEWAY_SENT","elapsedMs":n}   (written; no answer exists)
//   failure:               {"index":i,"error":{"code":c,"message":"…"},"elapsedMs":n}
// `index` counts from 0; `status` is SendStatus (SEND_OK, FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT,
// SLAVE_NOT_AVAILABLE); `msgId` is the client's UNIQ_KEY and `offsetMsgId` the broker's (store host + commit-log
// offset), as in Java's SendResult; `code`/`message` are ClientError's (Java's responseCode and getMessage()
// without the FAQ link); `elapsedMs` is measured with a steady clock around the send call.
// Exit code: 0 when every send succeeded (SEND_OK, or ONEWAY_SENT), 1 otherwise (an error, a status other than
// SEND_OK, or a producer that would not start), 2 for bad flags. The producer is shut down (UNREGISTER_CLIENT to
// every broker) before run_produce returns.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>

#include "core/common/status.h"
#include "core/producer/producer_options.h"

namespace rmq::cli {

struct ProduceOptions {
  std::string namesrv;  // "host:port" or "a:p;b:p"
  std::string topic;
  int64_t count = 1;
  std::string body = "Hello RocketMQ";
  std::string tags;  // none when empty
  std::string group = "rmqsim_producer";
  std::string mode = "sync";  // sync | async | oneway
  int64_t timeout_ms = 3000;
  int64_t retries = 2;        // retryTimesWhenSendFailed
  int64_t async_retries = 2;  // retryTimesWhenSendAsyncFailed
  bool latency_fault = false;         // sendLatencyFaultEnable
  bool retry_another_broker = false;  // retryAnotherBrokerWhenNotStoreOK
  std::string profile = "v4_9_8";     // v4_9_8 | v5
  std::string client_ip = "127.0.0.1";
};

// Checks the flags and builds the producer's options; the error message names the offending flag.
Result<producer::ProducerOptions> producer_options_from(const ProduceOptions& options);

// Runs the sends; returns the exit code (above; the reason for 1 or 2 on `err`).
int run_produce(const ProduceOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rmq::cli
