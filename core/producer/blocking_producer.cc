#include "core/producer/blocking_producer.h"

#include <cassert>
#include <future>

#include <unistd.h>

namespace rmq::producer {

BlockingProducer::BlockingProducer(runtime::AsioRuntime& runtime, ProducerOptions options) : runtime_(runtime) {
  // Over real sockets the client id and message ids should carry this process's id, as Java's do.
  if (options.client.pid <= 1) options.client.pid = static_cast<int32_t>(::getpid());
  runtime_.run_sync([&] {
    manager_ = std::make_unique<client::ClientManager>(runtime_);
    producer_ = std::make_unique<Producer>(runtime_, *manager_, std::move(options));
  });
}

BlockingProducer::~BlockingProducer() {
  shutdown();
  runtime_.run_sync([&] {
    producer_.reset();
    manager_.reset();
  });
}

std::optional<client::ClientError> BlockingProducer::start() {
  return runtime_.run_sync([&] { return producer_->start(); });
}

void BlockingProducer::shutdown() {
  assert(!runtime_.on_event_thread());
  std::promise<void> finished;
  auto future = finished.get_future();
  runtime_.post([&] { producer_->shutdown([&] { finished.set_value(); }); });
  future.wait();
}

SendOutcome BlockingProducer::wait_for(std::function<void(SendCallback)> start) {
  assert(!runtime_.on_event_thread());
  // Shared, and set once: a callback that came twice must not touch a promise that is gone.
  auto outcome = std::make_shared<std::promise<SendOutcome>>();
  auto future = outcome->get_future();
  runtime_.post([&start, outcome] {
    auto answered = std::make_shared<bool>(false);
    start([outcome, answered](SendOutcome result) {
      if (*answered) return;
      *answered = true;
      outcome->set_value(std::move(result));
    });
  });
  return future.get();
}

SendOutcome BlockingProducer::send(Message msg) {
  return wait_for([&](SendCallback done) { producer_->send(std::move(msg), std::move(done)); });
}

SendOutcome BlockingProducer::send(Message msg, int64_t timeout_ms) {
  return wait_for([&](SendCallback done) { producer_->send(std::move(msg), timeout_ms, std::move(done)); });
}

SendOutcome BlockingProducer::send_async_and_wait(Message msg, int64_t timeout_ms) {
  return wait_for([&](SendCallback done) { producer_->send_async(std::move(msg), timeout_ms, std::move(done)); });
}

std::optional<client::ClientError> BlockingProducer::send_oneway(Message msg) {
  SendOutcome outcome = wait_for([&](SendCallback done) {
    producer_->send_oneway(std::move(msg), [done = std::move(done)](std::optional<client::ClientError> error) {
      if (error) return done(*error);
      done(SendResult{});
    });
  });
  if (auto* error = std::get_if<client::ClientError>(&outcome)) return *error;
  return std::nullopt;
}

}  // namespace rmq::producer
