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

// The regression gate's self-test hook (ci/bench-gate --self-test): busy-waits RMQSIM_BENCH_SLOWDOWN_NS
// nanoseconds (the variable is read once; unset or 0 = returns at once, a load and a branch). Called once per
// iteration by BM_SendV2EncodeDecode only.
void injected_slowdown();

}  // namespace rmq::bench
