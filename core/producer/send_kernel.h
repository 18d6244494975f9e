// The wire side of a send (spec §2.6, §2.7): what sendKernelImpl puts in a SEND_MESSAGE_V2 request and how
// processSendResponse reads the answer. No I/O here.
#pragma once

#include <string>
#include <variant>

#include "core/client/client_api.h"
#include "core/client/client_config.h"
#include "core/client/client_error.h"
#include "core/client/message_queue.h"
#include "core/producer/message.h"
#include "core/producer/producer_options.h"
#include "core/producer/unique_id.h"
#include "core/remoting/remoting_command.h"
#include "core/runtime/runtime.h"

namespace rmq::producer {

// sendKernelImpl's request for `msg` to `mq`. Sets UNIQ_KEY on `msg` when absent (kept for its retries) and,
// for %RETRY% topics, moves RECONSUME_TIME / MAX_RECONSUME_TIMES out of the message after the properties
// string was taken, as Java does. Bodies of compress_msg_body_over_howmuch bytes or more go deflated with
// sysFlag COMPRESSED | ZLIB.
remoting::RemotingCommand build_send_request(const ProducerOptions& options, client::ClientApi& api,
                                             UniqueIdGenerator& ids, int64_t wall_clock_ms, Message& msg,
                                             const client::MessageQueue& mq);

// processSendResponse: 0/10/11/12 -> a SendResult; any other code -> MQBrokerException; an unreadable header
// -> RemotingCommandException.
std::variant<SendResult, client::ClientError> process_send_response(const std::string& broker_name,
                                                                     const Message& msg,
                                                                     const remoting::RemotingCommand& response,
                                                                     const std::string& addr);

// MixAll.brokerVIPChannel: port - 2 when the VIP channel is on.
std::string broker_vip_channel(bool enabled, const std::string& addr);

// The process's MessageClientIDSetter state for a client of this configuration.
UniqueIdGenerator make_unique_id_generator(const client::ClientConfig& config, runtime::Runtime& runtime);

}  // namespace rmq::producer
