// SendOperation: one call of DefaultMQProducerImpl.sendDefaultImpl (spec §2.2, §2.3), for all three modes.
// It validates, finds the publish info, then loops over attempts: pick a queue (avoiding the last broker),
// check the shared budget with Java's strict `timeout < cost`, run sendKernelImpl, and classify the outcome as
// the Java catch blocks do (retry remoting and client errors, retry broker errors only for the profile's
// codes). ASYNC makes a single attempt here and hands the request to an AsyncSendChain; ONEWAY one write.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/producer/producer.h"

namespace rmq::producer {

class SendOperation : public std::enable_shared_from_this<SendOperation> {
 public:
  SendOperation(Producer& producer, CommunicationMode mode, Message msg, int64_t timeout_ms, SendCallback done);

  // Runs the operation; `done` receives the outcome exactly once (for ASYNC, possibly from the chain).
  void begin();

 private:
  void begin_default_impl(int64_t timeout_ms);
  void on_publish_info(std::shared_ptr<TopicPublishInfo> info, std::optional<client::ClientError> escaped);
  void next_attempt();
  void run_kernel(const client::MessageQueue& mq, int64_t timeout_ms);
  void invoke_kernel(const client::MessageQueue& mq, const std::string& addr, int64_t kernel_begin_ms,
                     int64_t timeout_ms);
  void on_attempt_outcome(SendOutcome outcome);
  void finish_loop();
  void complete(SendOutcome outcome);
  void emit_attempt(const client::MessageQueue& mq, const std::string& addr, int64_t timeout_ms);
  void emit_attempt_result(const SendOutcome& outcome);
  int64_t per_attempt_timeout(int64_t remaining) const;
  std::string brokers_sent_string() const;

  Producer& producer_;
  CommunicationMode mode_;
  Message msg_;
  int64_t timeout_ms_;
  SendCallback done_;
  uint64_t send_id_;
  int64_t submit_ms_;
  std::weak_ptr<int> producer_alive_;
  int64_t begin_first_ms_ = 0;
  int64_t begin_prev_ms_ = 0;
  std::shared_ptr<TopicPublishInfo> info_;
  int times_total_ = 1;
  int times_ = 0;
  std::vector<std::optional<std::string>> brokers_sent_;
  std::optional<client::MessageQueue> mq_;
  std::optional<client::ClientError> last_exception_;
  std::optional<SendResult> send_result_;
  bool call_timeout_ = false;
  bool completed_ = false;
};

}  // namespace rmq::producer
