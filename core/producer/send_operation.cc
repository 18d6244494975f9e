#include "core/producer/send_operation.h"

#include <algorithm>

#include "core/producer/async_send.h"
#include "core/producer/send_kernel.h"
#include "core/producer/validators.h"

namespace rmq::producer {

using client::ClientError;
using client::JavaException;

namespace {

ClientError too_much_request(std::string message) {
  return ClientError{JavaException::kRemotingTooMuchRequestException, -1, std::move(message), {}};
}

// The responseCode sendDefaultImpl gives its final MQClientException, from the last exception's class.
int final_error_code(const std::optional<ClientError>& last) {
  if (!last) return -1;
  switch (last->exception) {
    case JavaException::kMQBrokerException: return last->code;
    case JavaException::kRemotingConnectException: return client::client_error_code::kConnectBrokerException;
    case JavaException::kRemotingTimeoutException: return client::client_error_code::kAccessBrokerTimeout;
    case JavaException::kMQClientException: return client::client_error_code::kBrokerNotExistException;
    default: return -1;
  }
}

}  // namespace

SendOperation::SendOperation(Producer& producer, CommunicationMode mode, Message msg, int64_t timeout_ms,
                             SendCallback done)
    : producer_(producer),
      mode_(mode),
      msg_(std::move(msg)),
      timeout_ms_(timeout_ms),
      done_(std::move(done)),
      send_id_(producer.next_send_id()),
      submit_ms_(producer.now_ms()),
      producer_alive_(producer.alive_token()) {}

void SendOperation::begin() {
  SendEvent event;
  event.type = SendEventType::kSendBegin;
  event.send_id = send_id_;
  event.mode = mode_;
  event.topic = msg_.topic;
  event.timeout_ms = timeout_ms_;
  producer_.emit(std::move(event));
  if (mode_ == CommunicationMode::kSync) {
    // DefaultMQProducer.send validates before the impl checks the state.
    if (auto error = check_message(msg_, producer_.options().max_message_size)) return complete(*error);
  }
  if (mode_ == CommunicationMode::kAsync) {
    int64_t cost = producer_.now_ms() - submit_ms_;
    if (timeout_ms_ <= cost) return complete(too_much_request("DEFAULT ASYNC send call timeout"));
    return begin_default_impl(timeout_ms_ - cost);
  }
  begin_default_impl(timeout_ms_);
}

void SendOperation::begin_default_impl(int64_t timeout_ms) {
  timeout_ms_ = timeout_ms;
  if (auto error = producer_.state_error()) return complete(*error);
  if (auto error = check_message(msg_, producer_.options().max_message_size)) return complete(*error);
  begin_first_ms_ = producer_.now_ms();
  auto self = shared_from_this();
  producer_.find_topic_publish_info(msg_.topic, [self](std::shared_ptr<TopicPublishInfo> info,
                                                       std::optional<ClientError> escaped) {
    self->on_publish_info(std::move(info), std::move(escaped));
  });
}

void SendOperation::on_publish_info(std::shared_ptr<TopicPublishInfo> info, std::optional<ClientError> escaped) {
  if (escaped) return complete(*escaped);
  if (!info || !info->ok()) {
    ClientError error = client::mq_client_error_plain("No route info of this topic: " + msg_.topic);
    error.code = client::client_error_code::kNotFoundTopicException;
    if (producer_.instance()->api().name_server_address_list().empty()) {
      error = client::mq_client_error_plain("No name server address, please set it.");
      error.code = client::client_error_code::kNoNameServerException;
    }
    return complete(error);
  }
  info_ = std::move(info);
  times_total_ = mode_ == CommunicationMode::kSync ? 1 + producer_.options().retry_times_when_send_failed : 1;
  brokers_sent_.assign(static_cast<size_t>(std::max(times_total_, 0)), std::nullopt);
  next_attempt();
}

void SendOperation::next_attempt() {
  if (times_ >= times_total_) return finish_loop();
  std::optional<std::string> last_broker;
  if (mq_) last_broker = mq_->broker_name;
  auto selected = producer_.select_one_message_queue(*info_, last_broker, times_ > 0);
  if (!selected) return finish_loop();
  mq_ = std::move(selected);
  brokers_sent_[static_cast<size_t>(times_)] = mq_->broker_name;
  begin_prev_ms_ = producer_.now_ms();
  int64_t cost = begin_prev_ms_ - begin_first_ms_;
  if (timeout_ms_ < cost) {
    call_timeout_ = true;
    return finish_loop();
  }
  run_kernel(*mq_, per_attempt_timeout(timeout_ms_ - cost));
}

int64_t SendOperation::per_attempt_timeout(int64_t remaining) const {
  int64_t cap = producer_.options().send_msg_max_timeout_per_request;
  bool more_attempts = times_ < times_total_ - 1;
  if (producer_.options().client.profile == client::Profile::kV5 && cap > -1 && more_attempts)
    return std::min(remaining, cap);
  return remaining;
}

// sendKernelImpl: the master's address (one more route lookup when it is unknown), then the request.
void SendOperation::run_kernel(const client::MessageQueue& mq, int64_t timeout_ms) {
  int64_t kernel_begin = producer_.now_ms();
  auto* instance = producer_.instance();
  if (auto addr = instance->find_broker_address_in_publish(mq.broker_name))
    return invoke_kernel(mq, *addr, kernel_begin, timeout_ms);
  auto self = shared_from_this();
  producer_.find_topic_publish_info(mq.topic, [self, mq, kernel_begin, timeout_ms](
                                                  std::shared_ptr<TopicPublishInfo>, std::optional<ClientError> escaped) {
    if (escaped) return self->complete(*escaped);  // not caught by the send loop
    if (auto addr = self->producer_.instance()->find_broker_address_in_publish(mq.broker_name))
      return self->invoke_kernel(mq, *addr, kernel_begin, timeout_ms);
    self->emit_attempt(mq, "", timeout_ms);
    self->on_attempt_outcome(client::mq_client_error_plain("The broker[" + mq.broker_name + "] not exist"));
  });
}

void SendOperation::invoke_kernel(const client::MessageQueue& mq, const std::string& master_addr,
                                  int64_t kernel_begin_ms, int64_t timeout_ms) {
  const auto& options = producer_.options();
  std::string addr = broker_vip_channel(options.client.vip_channel_enabled, master_addr);
  auto* instance = producer_.instance();
  auto request = build_send_request(options, instance->api(), producer_.unique_ids(),
                                    producer_.runtime().wall_clock_ms(), msg_, mq);
  int64_t cost = producer_.now_ms() - kernel_begin_ms;
  // An ASYNC request is reported by its chain, which also reports the retries.
  if (mode_ != CommunicationMode::kAsync || timeout_ms < cost) emit_attempt(mq, addr, timeout_ms - cost);
  if (timeout_ms < cost) return on_attempt_outcome(too_much_request("sendKernelImpl call timeout"));
  auto self = shared_from_this();
  auto& remoting = instance->remoting();
  switch (mode_) {
    case CommunicationMode::kSync:
      return remoting.invoke_sync(addr, std::move(request), timeout_ms - cost,
                                  [self, broker = mq.broker_name, addr](remoting::InvokeResult result) {
                                    if (self->producer_alive_.expired()) return;
                                    if (auto* error = std::get_if<remoting::RemotingError>(&result))
                                      return self->on_attempt_outcome(client::from_remoting(*error));
                                    self->on_attempt_outcome(process_send_response(
                                        broker, self->msg_, std::get<remoting::RemotingCommand>(result), addr));
                                  });
    case CommunicationMode::kOneway:
      return remoting.invoke_oneway(addr, std::move(request), timeout_ms - cost,
                                    [self](std::optional<remoting::RemotingError> error) {
                                      if (self->producer_alive_.expired()) return;
                                      if (error) return self->on_attempt_outcome(client::from_remoting(*error));
                                      self->on_attempt_outcome(SendResult{});
                                    });
    case CommunicationMode::kAsync: {
      auto chain = std::make_shared<AsyncSendChain>(producer_, send_id_, msg_, std::move(request), info_,
                                                    std::move(done_));
      completed_ = true;  // the chain reports to the user from now on
      producer_.track(chain);
      // When Java's invokeAsync returns, sendDefaultImpl records the (short) latency as a success.
      return chain->send(addr, mq.broker_name, timeout_ms - cost, [self, broker = mq.broker_name] {
        if (self->producer_alive_.expired()) return;
        int64_t latency = self->producer_.now_ms() - self->begin_prev_ms_;
        self->producer_.update_fault_item(self->send_id_, broker, latency, false, true);
        self->producer_.untrack(self.get());
      });
    }
  }
}

void SendOperation::on_attempt_outcome(SendOutcome outcome) {
  emit_attempt_result(outcome);
  int64_t latency = producer_.now_ms() - begin_prev_ms_;
  const std::string broker = mq_->broker_name;
  bool v5 = producer_.options().client.profile == client::Profile::kV5;
  if (auto* result = std::get_if<SendResult>(&outcome)) {
    producer_.update_fault_item(send_id_, broker, latency, false, true);
    if (mode_ == CommunicationMode::kSync && result->status != SendStatus::kSendOk &&
        producer_.options().retry_another_broker_when_not_store_ok) {
      send_result_ = *result;
      ++times_;
      return next_attempt();
    }
    return complete(std::move(outcome));
  }
  ClientError error = std::get<ClientError>(std::move(outcome));
  if (error.is_remoting()) {
    producer_.update_fault_item(send_id_, broker, latency, true, true);
  } else if (error.exception == JavaException::kMQClientException) {
    producer_.update_fault_item(send_id_, broker, latency, !v5, true);
  } else if (error.exception == JavaException::kMQBrokerException) {
    producer_.update_fault_item(send_id_, broker, latency, true, !v5);
    if (!producer_.retry_response_codes().contains(error.code)) {
      if (send_result_) return complete(*send_result_);
      return complete(std::move(error));
    }
  } else {
    return complete(std::move(error));  // not one of the exceptions the loop catches
  }
  last_exception_ = std::move(error);
  ++times_;
  next_attempt();
}

void SendOperation::finish_loop() {
  if (send_result_) return complete(*send_result_);
  if (call_timeout_) return complete(too_much_request("sendDefaultImpl call timeout"));
  std::string info = "Send [" + std::to_string(times_) + "] times, still failed, cost [" +
                     std::to_string(producer_.now_ms() - begin_first_ms_) + "]ms, Topic: " + msg_.topic +
                     ", BrokersSent: " + brokers_sent_string();
  ClientError error = client::mq_client_error_plain(std::move(info));
  error.code = final_error_code(last_exception_);
  complete(std::move(error));
}

std::string SendOperation::brokers_sent_string() const {
  std::string out = "[";
  for (size_t i = 0; i < brokers_sent_.size(); ++i) out += (i ? ", " : "") + brokers_sent_[i].value_or("null");
  return out + "]";
}

void SendOperation::complete(SendOutcome outcome) {
  auto self = shared_from_this();
  if (completed_) return;
  completed_ = true;
  SendEvent event;
  event.type = SendEventType::kSendEnd;
  event.send_id = send_id_;
  event.mode = mode_;
  event.topic = msg_.topic;
  if (auto* r = std::get_if<SendResult>(&outcome)) event.result = *r;
  else event.error = std::get<ClientError>(outcome);
  producer_.emit(std::move(event));
  if (done_) done_(std::move(outcome));
  producer_.untrack(this);
}

void SendOperation::emit_attempt(const client::MessageQueue& mq, const std::string& addr, int64_t timeout_ms) {
  SendEvent event;
  event.type = SendEventType::kAttempt;
  event.send_id = send_id_;
  event.mode = mode_;
  event.topic = msg_.topic;
  event.attempt = times_;
  event.queue = mq;
  event.broker_addr = addr;
  event.timeout_ms = timeout_ms;
  producer_.emit(std::move(event));
}

void SendOperation::emit_attempt_result(const SendOutcome& outcome) {
  SendEvent event;
  event.type = SendEventType::kAttemptResult;
  event.send_id = send_id_;
  event.mode = mode_;
  event.topic = msg_.topic;
  event.attempt = times_;
  event.queue = mq_;
  event.latency_ms = producer_.now_ms() - begin_prev_ms_;
  if (auto* r = std::get_if<SendResult>(&outcome)) {
    event.result = *r;
    event.response_code_known = mode_ == CommunicationMode::kSync;
  } else {
    event.error = std::get<ClientError>(outcome);
    event.response_code_known = event.error->exception == JavaException::kMQBrokerException;
    event.response_code = event.error->code;
  }
  producer_.emit(std::move(event));
}

}  // namespace rmq::producer
