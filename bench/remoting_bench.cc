// Request/response round trips through the whole remoting stack (RemotingClient -> frame codec -> runtime ->
// RemotingServer handler -> back), on the simulator and over loopback TCP with AsioRuntime. The request is a
// SEND_MESSAGE_V2 as the Java client sends it, the answer a send response with the broker's ext fields.
#include <benchmark/benchmark.h>

#include <optional>

#include "bench/bench_messages.h"
#include "core/remoting/remoting_client.h"
#include "core/remoting/remoting_server.h"
#include "core/runtime/asio_runtime.h"
#include "sim/sim_runtime.h"

namespace rmq::bench {
namespace {

using remoting::InvokeResult;
using remoting::RemotingClient;
using remoting::RemotingCommand;
using remoting::RemotingServer;

void install_send_handler(RemotingServer& server) {
  server.dispatcher().register_handler(
      310, [](const remoting::RequestContext&, RemotingCommand request, remoting::Responder respond) {
        RemotingCommand response = remoting::make_response(request, 0);
        response.ext_fields = remoting::ExtFields{{"queueId", "2"},
                                                  {"TRACE_ON", "true"},
                                                  {"MSG_REGION", "DefaultRegion"},
                                                  {"msgId", "7F000001000051AF0000000000000C7E"},
                                                  {"queueOffset", "5"}};
        respond(std::move(response));
      });
}

// Runs one round trip per iteration; `drive` runs the runtime until the flag is set.
template <typename Drive>
void round_trips(benchmark::State& state, RemotingClient& client, const std::string& address, bool async,
                 Drive drive) {
  RemotingCommand request = send_v2_request(remoting::SerializeType::kJson);
  int64_t failures = 0;
  for (auto _ : state) {
    bool done = false;
    request.opaque = client.next_opaque();
    auto on_result = [&](InvokeResult r) {
      failures += remoting::invoke_ok(r) ? 0 : 1;
      done = true;
    };
    if (async) client.invoke_async(address, request, 3000, on_result);
    else client.invoke_sync(address, request, 3000, on_result);
    drive(done);
  }
  state.counters["round_trips_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()),
                                                           benchmark::Counter::kIsRate);
  state.counters["failures"] = static_cast<double>(failures);
}

void BM_SimRoundTrip(benchmark::State& state) {
  sim::SimOptions options;
  options.network.default_latency = sim::LatencyDistribution::constant(runtime::millis(1));
  options.trace.keep_first = 1000;
  options.trace.keep_last = 100;
  options.trace.keep_hashes = 1000;
  sim::SimRuntime sim(options);
  RemotingServer server(sim);
  install_send_handler(server);
  if (!server.start("broker-a:10911").ok()) state.SkipWithError("listen failed");
  RemotingClient client(sim);
  client.start();
  round_trips(state, client, server.address(), state.range(0) == 1, [&](const bool& done) {
    sim.run_until([&] { return done; }, sim.now() + runtime::millis(10'000));
  });
  state.SetLabel(state.range(0) == 1 ? "async" : "sync");
}

void BM_AsioLoopbackRoundTrip(benchmark::State& state) {
  runtime::AsioRuntime asio;
  RemotingServer server(asio);
  install_send_handler(server);
  if (!server.start("127.0.0.1:0").ok()) state.SkipWithError("listen failed");
  RemotingClient client(asio);
  client.start();
  round_trips(state, client, server.address(), state.range(0) == 1, [&](const bool& done) {
    asio.run_until([&] { return done; }, runtime::millis(10'000));
  });
  state.SetLabel(state.range(0) == 1 ? "async" : "sync");
}

BENCHMARK(BM_SimRoundTrip)->Arg(0)->Arg(1);
BENCHMARK(BM_AsioLoopbackRoundTrip)->Arg(0)->Arg(1)->UseRealTime();

}  // namespace
}  // namespace rmq::bench

BENCHMARK_MAIN();
