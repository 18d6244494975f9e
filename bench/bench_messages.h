// Realistic protocol messages for the benchmarks, built once per benchmark.
#pragma once

#include <vector>

#include "core/protocol/message_codec.h"
#include "core/remoting/remoting_command.h"

namespace rmq::bench {

// A SEND_MESSAGE_V2 request as the Java 4.9.8 client sends it: header a..n with TAGS/KEYS/UNIQ_KEY/WAIT
// properties, a 128-byte body.
remoting::RemotingCommand send_v2_request(remoting::SerializeType type);

// A PULL_MESSAGE FOUND response carrying 32 stored messages of 128-byte bodies (about 7 KiB of body).
remoting::RemotingCommand pull_response_32(remoting::SerializeType type);

// What a consumer does with a pull body: decode every stored message.
std::vector<protocol::StoredMessage> decode_pull_body(ByteView body);

}  // namespace rmq::bench
