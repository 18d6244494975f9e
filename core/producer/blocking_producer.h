// BlockingProducer: the Java-style blocking API (start, send that waits, shutdown) over an AsioRuntime whose
// background thread runs the event-driven Producer (DESIGN §2: the only place the core's results are waited
// for). Call it from any thread except the runtime's own event thread (that would wait for itself).
#pragma once

#include <memory>
#include <optional>

#include "core/client/client_manager.h"
#include "core/producer/producer.h"
#include "core/runtime/asio_runtime.h"

namespace rmq::producer {

class BlockingProducer {
 public:
  // `runtime` must run its background thread (start_thread) for as long as this object lives.
  BlockingProducer(runtime::AsioRuntime& runtime, ProducerOptions options);
  ~BlockingProducer();
  BlockingProducer(const BlockingProducer&) = delete;
  BlockingProducer& operator=(const BlockingProducer&) = delete;

  std::optional<client::ClientError> start();
  // Waits for shutdown() to have unregistered from the brokers and closed the connections.
  void shutdown();

  SendOutcome send(Message msg);
  SendOutcome send(Message msg, int64_t timeout_ms);
  // send(msg, callback) but waiting for the callback: the ASYNC path's outcome.
  SendOutcome send_async_and_wait(Message msg, int64_t timeout_ms);
  std::optional<client::ClientError> send_oneway(Message msg);

  // Runs `fn(producer)` on the event thread, e.g. to read its state.
  template <typename F>
  auto with_producer(F&& fn) {
    return runtime_.run_sync([&] { return fn(*producer_); });
  }

 private:
  SendOutcome wait_for(std::function<void(SendCallback)> start);

  runtime::AsioRuntime& runtime_;
  std::unique_ptr<client::ClientManager> manager_;
  std::unique_ptr<Producer> producer_;
};

}  // namespace rmq::producer
