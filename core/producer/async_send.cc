#include "core/producer/async_send.h"

#include "core/producer/send_kernel.h"

namespace rmq::producer {

using client::ClientError;
using client::JavaException;

AsyncSendChain::AsyncSendChain(Producer& producer, uint64_t send_id, Message msg, remoting::RemotingCommand request,
                               std::shared_ptr<TopicPublishInfo> info, SendCallback callback)
    : producer_(producer),
      send_id_(send_id),
      msg_(std::move(msg)),
      request_(std::move(request)),
      info_(std::move(info)),
      callback_(std::move(callback)),
      producer_alive_(producer.alive_token()) {}

void AsyncSendChain::send(const std::string& addr, const std::string& broker_name, int64_t timeout_ms,
                          std::function<void()> returned) {
  if (returned) returned_ = std::move(returned);
  int64_t begin = producer_.now_ms();
  emit_attempt(broker_name, addr, timeout_ms);
  auto self = shared_from_this();
  producer_.instance()->remoting().invoke_async(
      addr, request_, timeout_ms,
      [self, addr, broker_name, begin, timeout_ms](remoting::InvokeResult result) {
        if (self->producer_alive_.expired()) return;
        self->on_complete(addr, broker_name, begin, timeout_ms, std::move(result));
      },
      [self] {
        if (!self->producer_alive_.expired()) self->mark_returned();
      });
}

void AsyncSendChain::on_complete(const std::string& addr, const std::string& broker_name, int64_t begin_ms,
                                 int64_t timeout_ms, remoting::InvokeResult result) {
  if (auto* response = std::get_if<remoting::RemotingCommand>(&result))
    return on_response(addr, broker_name, begin_ms, *response);
  on_transport_failure(broker_name, begin_ms, timeout_ms, std::get<remoting::RemotingError>(result));
}

void AsyncSendChain::on_response(const std::string& addr, const std::string& broker_name, int64_t begin_ms,
                                 const remoting::RemotingCommand& response) {
  int64_t latency = producer_.now_ms() - begin_ms;
  SendOutcome outcome = process_send_response(broker_name, msg_, response, addr);
  emit_attempt_result(outcome, latency, broker_name);
  if (std::holds_alternative<SendResult>(outcome)) {
    finish(std::move(outcome));
    producer_.update_fault_item(send_id_, broker_name, latency, false, true);
    return;
  }
  producer_.update_fault_item(send_id_, broker_name, latency, true, true);
  on_exception(broker_name, 0, std::get<ClientError>(std::move(outcome)), false);
}

// No response: Java either threw from invokeAsync (4.9.8: the raw exception, retried) or completed the future
// without a response ("send request failed" / "wait response timeout <t>ms"); 5.x classifies every failure in
// operationFail.
void AsyncSendChain::on_transport_failure(const std::string& broker_name, int64_t begin_ms, int64_t timeout_ms,
                                          const remoting::RemotingError& error) {
  int64_t cost = producer_.now_ms() - begin_ms;
  ClientError raw = client::from_remoting(error);
  emit_attempt_result(raw, cost, broker_name);
  producer_.update_fault_item(send_id_, broker_name, cost, true, true);
  if (producer_.options().client.profile == client::Profile::kV5) {
    using remoting::RemotingErrorKind;
    if (error.kind == RemotingErrorKind::kSendRequest)
      return on_exception(broker_name, timeout_ms - cost, client::mq_client_error_plain("send request failed"), true);
    if (error.kind == RemotingErrorKind::kTimeout)
      return on_exception(broker_name, timeout_ms - cost,
                          client::mq_client_error_plain("wait response timeout, cost=" + std::to_string(cost)), true);
    return on_exception(broker_name, timeout_ms - cost, client::mq_client_error_plain("unknown reason"),
                        error.kind != RemotingErrorKind::kTooMuchRequest);
  }
  if (!error.from_future) return on_exception(broker_name, timeout_ms - cost, std::move(raw), true);
  if (error.kind == remoting::RemotingErrorKind::kTimeout) {
    return on_exception(broker_name, timeout_ms - cost,
                        client::mq_client_error_plain("wait response timeout " + std::to_string(error.timeout_ms) + "ms"),
                        true);
  }
  on_exception(broker_name, timeout_ms - cost, client::mq_client_error_plain("send request failed"), true);
}

void AsyncSendChain::on_exception(const std::string& broker_name, int64_t timeout_ms, ClientError error,
                                  bool need_retry) {
  int tmp = ++cur_times_;
  bool budget_ok = producer_.options().client.profile != client::Profile::kV5 || timeout_ms > 0;
  if (need_retry && tmp <= producer_.options().retry_times_when_send_async_failed && budget_ok)
    return retry(broker_name, timeout_ms);
  finish(std::move(error));
}

void AsyncSendChain::retry(const std::string& failed_broker, int64_t timeout_ms) {
  std::string retry_broker = failed_broker;
  if (info_) {
    if (auto mq = producer_.select_one_message_queue(*info_, failed_broker, false)) retry_broker = mq->broker_name;
  }
  auto* instance = producer_.instance();
  // No master address: Java's invokeAsync(null, ...) goes to the name server's channel.
  std::string addr = instance->find_broker_address_in_publish(retry_broker)
                         .value_or(instance->api().chosen_name_server().value_or(""));
  addr = broker_vip_channel(producer_.options().client.vip_channel_enabled, addr);
  request_.opaque = instance->remoting().next_opaque();
  ++attempt_;
  send(addr, retry_broker, timeout_ms, nullptr);
}

void AsyncSendChain::finish(SendOutcome outcome) {
  auto self = shared_from_this();
  if (finished_) return;
  finished_ = true;
  SendEvent event;
  event.type = SendEventType::kSendEnd;
  event.send_id = send_id_;
  event.mode = CommunicationMode::kAsync;
  event.topic = msg_.topic;
  if (auto* r = std::get_if<SendResult>(&outcome)) event.result = *r;
  else event.error = std::get<ClientError>(outcome);
  producer_.emit(std::move(event));
  if (callback_) callback_(std::move(outcome));
  mark_returned();
  producer_.untrack(this);
}

void AsyncSendChain::mark_returned() {
  if (!returned_) return;
  auto returned = std::move(returned_);
  returned_ = nullptr;
  returned();
}

void AsyncSendChain::emit_attempt(const std::string& broker_name, const std::string& addr, int64_t timeout_ms) {
  SendEvent event;
  event.type = SendEventType::kAttempt;
  event.send_id = send_id_;
  event.mode = CommunicationMode::kAsync;
  event.topic = msg_.topic;
  event.attempt = attempt_;
  event.queue = client::MessageQueue{msg_.topic, broker_name, 0};
  if (auto q = request_.ext("e")) event.queue->queue_id = std::atoi(std::string(*q).c_str());
  event.broker_addr = addr;
  event.timeout_ms = timeout_ms;
  producer_.emit(std::move(event));
}

void AsyncSendChain::emit_attempt_result(const SendOutcome& outcome, int64_t latency_ms,
                                         const std::string& broker_name) {
  SendEvent event;
  event.type = SendEventType::kAttemptResult;
  event.send_id = send_id_;
  event.mode = CommunicationMode::kAsync;
  event.topic = msg_.topic;
  event.attempt = attempt_;
  event.queue = client::MessageQueue{msg_.topic, broker_name, 0};
  if (auto q = request_.ext("e")) event.queue->queue_id = std::atoi(std::string(*q).c_str());
  event.latency_ms = latency_ms;
  if (auto* r = std::get_if<SendResult>(&outcome)) {
    event.result = *r;
    event.response_code_known = true;
  } else {
    event.error = std::get<ClientError>(outcome);
    event.response_code_known = event.error->exception == JavaException::kMQBrokerException;
    event.response_code = event.error->code;
  }
  producer_.emit(std::move(event));
}

}  // namespace rmq::producer
