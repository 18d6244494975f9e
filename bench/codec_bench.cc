// Codec costs: encode and decode of a SEND_MESSAGE_V2 request and of a PULL response carrying 32 messages, in
// both header serializations. Targets (issue: benchmarks): SEND_MESSAGE_V2 encode+decode under 1 us (JSON) and
// 300 ns (ROCKETMQ).
#include <benchmark/benchmark.h>

#include "bench/bench_messages.h"
#include "core/remoting/frame_codec.h"

namespace rmq::bench {
namespace {

using remoting::RemotingCommand;
using remoting::SerializeType;

SerializeType serialize_arg(const benchmark::State& state) {
  return state.range(0) == 0 ? SerializeType::kJson : SerializeType::kRocketMq;
}

void label(benchmark::State& state, const Bytes& frame) {
  state.SetLabel(state.range(0) == 0 ? "JSON" : "ROCKETMQ");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
}

// Encodes `cmd` into a reused buffer once per iteration.
void encode_loop(benchmark::State& state, const RemotingCommand& cmd) {
  Bytes out;
  for (auto _ : state) {
    out.clear();
    remoting::append_frame(cmd, out);
    benchmark::DoNotOptimize(out.data());
  }
  label(state, out);
}

void BM_SendV2Encode(benchmark::State& state) { encode_loop(state, send_v2_request(serialize_arg(state))); }

void BM_SendV2Decode(benchmark::State& state) {
  Bytes frame = remoting::encode_frame(send_v2_request(serialize_arg(state)));
  for (auto _ : state) {
    auto decoded = remoting::decode_frame_content(ByteView(frame).substr(4));
    benchmark::DoNotOptimize(decoded);
  }
  label(state, frame);
}

void BM_SendV2EncodeDecode(benchmark::State& state) {
  RemotingCommand cmd = send_v2_request(serialize_arg(state));
  Bytes out;
  for (auto _ : state) {
    out.clear();
    remoting::append_frame(cmd, out);
    auto decoded = remoting::decode_frame_content(ByteView(out).substr(4));
    benchmark::DoNotOptimize(decoded);
    injected_slowdown();
  }
  label(state, out);
}

void BM_Pull32Encode(benchmark::State& state) { encode_loop(state, pull_response_32(serialize_arg(state))); }

// Frame decode plus decoding all 32 stored messages of the body, as the consumer does.
void BM_Pull32Decode(benchmark::State& state) {
  Bytes frame = remoting::encode_frame(pull_response_32(serialize_arg(state)));
  for (auto _ : state) {
    auto decoded = remoting::decode_frame_content(ByteView(frame).substr(4));
    auto messages = decode_pull_body(std::get<RemotingCommand>(decoded).body);
    benchmark::DoNotOptimize(messages);
  }
  label(state, frame);
}

BENCHMARK(BM_SendV2Encode)->Arg(0)->Arg(1);
BENCHMARK(BM_SendV2Decode)->Arg(0)->Arg(1);
BENCHMARK(BM_SendV2EncodeDecode)->Arg(0)->Arg(1);
BENCHMARK(BM_Pull32Encode)->Arg(0)->Arg(1);
BENCHMARK(BM_Pull32Decode)->Arg(0)->Arg(1);

}  // namespace
}  // namespace rmq::bench

BENCHMARK_MAIN();
