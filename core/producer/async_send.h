// AsyncSendChain: MQClientAPIImpl.sendMessageAsync and onExceptionImpl (spec §2.5): one ASYNC send after
// sendDefaultImpl handed it over. A broker's error answer is never retried; a transport failure is retried
// up to retryTimesWhenSendAsyncFailed times on a broker chosen avoiding the failed one, with the same request
// (the original queueId and broker name stay in its header, DESIGN §6.3) under a fresh opaque, and the rest of
// the failed attempt's budget. 4.9.8 has no guard on that budget (a retry after a timeout fails at once with
// "invokeAsync call the addr[...] timeout"); v5 stops when it is spent.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/producer/producer.h"

namespace rmq::producer {

class AsyncSendChain : public std::enable_shared_from_this<AsyncSendChain> {
 public:
  AsyncSendChain(Producer& producer, uint64_t send_id, Message msg, remoting::RemotingCommand request,
                 std::shared_ptr<TopicPublishInfo> info, SendCallback callback);

  // sendMessageAsync(addr, brokerName, timeout). `returned` runs once, when Java's call would return to
  // sendDefaultImpl: after the request was written, or after the chain gave up before writing anything.
  void send(const std::string& addr, const std::string& broker_name, int64_t timeout_ms,
            std::function<void()> returned);

 private:
  void on_complete(const std::string& addr, const std::string& broker_name, int64_t begin_ms, int64_t timeout_ms,
                   remoting::InvokeResult result);
  void on_response(const std::string& addr, const std::string& broker_name, int64_t begin_ms,
                   const remoting::RemotingCommand& response);
  void on_transport_failure(const std::string& broker_name, int64_t begin_ms, int64_t timeout_ms,
                            const remoting::RemotingError& error);
  void on_exception(const std::string& broker_name, int64_t timeout_ms, client::ClientError error,
                    bool need_retry);
  void retry(const std::string& failed_broker, int64_t timeout_ms);
  void finish(SendOutcome outcome);
  void mark_returned();
  void emit_attempt(const std::string& broker_name, const std::string& addr, int64_t timeout_ms);
  void emit_attempt_result(const SendOutcome& outcome, int64_t latency_ms, const std::string& broker_name);

  Producer& producer_;
  uint64_t send_id_;
  Message msg_;
  remoting::RemotingCommand request_;
  std::shared_ptr<TopicPublishInfo> info_;
  SendCallback callback_;
  std::weak_ptr<int> producer_alive_;
  int cur_times_ = 0;
  int attempt_ = 0;
  std::function<void()> returned_;
  bool finished_ = false;
};

}  // namespace rmq::producer
