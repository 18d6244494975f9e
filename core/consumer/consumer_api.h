// ConsumerApi: the consumer-side MQClientAPIImpl calls (spec §5.6, §5.10, §5.15), as values through callbacks on
// the runtime's thread. Requests are built as the Java 4.9.8 client builds them (ClientApi::make_request); answers
// map to results or to the Java exception the call would throw (client::ClientError): a non-success code is an
// MQBrokerException "CODE: <c>  DESC: <remark> BROKER: <addr>", a transport failure its RemotingException.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/client/client_error.h"
#include "core/client/client_instance.h"
#include "core/consumer/message_ext.h"
#include "core/protocol/pull_headers.h"

namespace rmq::consumer {

enum class PullStatus : uint8_t { kFound, kNoNewMsg, kNoMatchedMsg, kOffsetIllegal };
std::string_view pull_status_name(PullStatus status);  // "FOUND", "NO_NEW_MSG", ...

// PullResultExt before processPullResult: the status, the header's offsets and the raw message bytes.
struct PullResult {
  PullStatus status = PullStatus::kNoNewMsg;
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  int64_t suggest_which_broker_id = 0;
  std::string message_binary;       // FOUND: the stored records, one after another
  std::vector<MessageExt> messages; // filled by process_pull_result
};

template <typename T>
using ApiOutcome = std::variant<T, client::ClientError>;

class ConsumerApi {
 public:
  explicit ConsumerApi(client::ClientInstance& instance) : instance_(instance) {}

  // PULL_MESSAGE (11) async: 0 FOUND, 19 NO_NEW_MSG, 20 NO_MATCHED_MSG, 21 OFFSET_ILLEGAL; other codes an
  // MQBrokerException; an unreadable header a RemotingCommandException. No response: the MQClientException
  // (code -1) 4.9.8's pullMessageAsync hands PullCallback.onException — "wait response from <addr> timeout
  // :<t>ms. Request: <RemotingCommand.toString()>" (found by the response-table scan) or "send request failed to
  // <addr>. Request: ..." (write failed, channel closed by the client). What invokeAsync itself throws
  // (RemotingConnectException, RemotingTooMuchRequestException, semaphore RemotingTimeoutException) comes as
  // that RemotingException; Java's pullMessage catches it the same way (retry after the exception delay).
  void pull_message(const std::string& addr, const protocol::PullMessageRequestHeader& header, int64_t timeout_ms,
                    std::function<void(ApiOutcome<PullResult>)> done);
  // QUERY_CONSUMER_OFFSET (14) sync: the offset, or the error (code 22 QUERY_NOT_FOUND is an MQBrokerException).
  void query_consumer_offset(const std::string& addr, const std::string& group, const client::MessageQueue& mq,
                             int64_t timeout_ms, std::function<void(ApiOutcome<int64_t>)> done);
  // UPDATE_CONSUMER_OFFSET (15) oneway.
  void update_consumer_offset_oneway(const std::string& addr, const std::string& group,
                                     const client::MessageQueue& mq, int64_t offset, int64_t timeout_ms);
  // GET_MAX_OFFSET (30) / SEARCH_OFFSET_BY_TIMESTAMP (29) sync.
  void get_max_offset(const std::string& addr, const client::MessageQueue& mq, int64_t timeout_ms,
                      std::function<void(ApiOutcome<int64_t>)> done);
  void search_offset(const std::string& addr, const client::MessageQueue& mq, int64_t timestamp_ms,
                     int64_t timeout_ms, std::function<void(ApiOutcome<int64_t>)> done);
  // GET_CONSUMER_LIST_BY_GROUP (38) sync: the ids in the body's order.
  void get_consumer_id_list(const std::string& addr, const std::string& group, int64_t timeout_ms,
                            std::function<void(ApiOutcome<std::vector<std::string>>)> done);
  // CONSUMER_SEND_MSG_BACK (36) sync: success or the error. originMsgId = msg.msg_id() (UNIQ_KEY first, as
  // MessageClientExt), originTopic = msg.topic(), bname = msg.broker_name (Java's brokerName argument).
  void consumer_send_message_back(const std::string& addr, const MessageExt& msg, const std::string& group,
                                  int32_t delay_level, int64_t timeout_ms, int32_t max_reconsume_times,
                                  std::function<void(std::optional<client::ClientError>)> done);
  // LOCK_BATCH_MQ (41) sync: the queues the broker locked for us; UNLOCK_BATCH_MQ (42) sync or oneway.
  void lock_batch_mq(const std::string& addr, const std::string& group, const std::vector<client::MessageQueue>& mqs,
                     int64_t timeout_ms, std::function<void(ApiOutcome<std::set<client::MessageQueue>>)> done);
  void unlock_batch_mq(const std::string& addr, const std::string& group, const std::vector<client::MessageQueue>& mqs,
                       int64_t timeout_ms, bool oneway);

  client::ClientInstance& instance() { return instance_; }

 private:
  client::ClientInstance& instance_;
};

// PullAPIWrapper.processPullResult: decode the records of a FOUND result (inflating compressed bodies; a bad
// record ends decoding silently, as Java), keep only messages whose TAGS is in the subscription's tagsSet when it
// has one (and it is not class-filter mode), set MIN_OFFSET / MAX_OFFSET properties and the broker name.
void process_pull_result(PullResult& result, const client::MessageQueue& mq,
                         const protocol::SubscriptionData& subscription);

}  // namespace rmq::consumer
