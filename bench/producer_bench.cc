// The full producer (core/producer: route lookup, queue selection, SEND_MESSAGE_V2 header, the remoting client,
// the JSON codec) against the fake broker (fake_broker: decode, store, answer), one synchronous send at a time:
//
//   BM_SimProducerSyncSend      in the simulator (SimCluster: fake nameserver and `brokers` brokers on the
//                               simulated network, default latency and trace) — sends per wall second of
//                               simulated work, and how much virtual time one wall second simulates.
//   BM_AsioProducerSyncSend     over real loopback TCP: BlockingProducer on one AsioRuntime (its own thread), the
//                               fake nameserver and broker on another, as two processes would be.
//
// Target (issue: benchmarks): >= 250,000 simulated sync sends per second per core through the full codec.
#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>

#include "bench/bench_messages.h"
#include "core/producer/blocking_producer.h"
#include "fake_broker/broker.h"
#include "fake_nameserver/name_server.h"
#include "sim/cluster/sim_cluster.h"

namespace rmq::bench {
namespace {

using producer::Message;
using producer::SendOutcome;
using producer::SendResult;

// Arguments: brokers, body bytes.
void BM_SimProducerSyncSend(benchmark::State& state) {
  sim::ClusterOptions options;
  options.brokers = static_cast<int>(state.range(0));
  options.topics = {{"TopicBench", 4}};
  sim::SimCluster cluster(options);
  auto producer = cluster.make_producer(cluster.producer_options("PG_BENCH"));
  if (auto error = producer->start()) {
    state.SkipWithError(error->message.c_str());
    return;
  }
  const std::string body(static_cast<size_t>(state.range(1)), 'b');
  int64_t failures = 0;
  std::optional<SendOutcome> outcome;
  auto done = [&outcome](SendOutcome o) { outcome = std::move(o); };
  auto send_one = [&] {
    outcome.reset();
    producer->send(Message::make("TopicBench", body, "TagA", "key"), done);
    cluster.run_until([&] { return outcome.has_value(); }, 60'000);
    failures += outcome && std::holds_alternative<SendResult>(*outcome) ? 0 : 1;
  };
  send_one();  // the route lookup and the connection, outside the measurement
  const int64_t virtual_start_us = cluster.sim().now();
  for (auto _ : state) send_one();
  const double virtual_seconds = static_cast<double>(cluster.sim().now() - virtual_start_us) / 1e6;
  state.counters["sends_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["virtual_s_per_s"] = benchmark::Counter(virtual_seconds, benchmark::Counter::kIsRate);
  state.counters["failures"] = static_cast<double>(failures);
  if (failures > 0) state.SkipWithError("sends failed");
}
BENCHMARK(BM_SimProducerSyncSend)
    ->ArgNames({"brokers", "body"})
    ->Args({1, 128})
    ->Args({2, 128})
    ->Args({4, 128})
    ->Args({8, 128})
    ->Args({2, 4096});

// A fake nameserver and `brokers` brokers on 127.0.0.1 (free ports), served by their own AsioRuntime thread.
class LoopbackServers {
 public:
  explicit LoopbackServers(int brokers) {
    runtime_.start_thread();
    runtime_.run_sync([&] {
      name_server_ = std::make_unique<fake::FakeNameServer>(runtime_);
      ok_ = name_server_->start("127.0.0.1:0").ok();
      for (int i = 0; i < brokers; ++i) {
        fake::BrokerOptions options;
        options.broker_name = "broker-" + std::to_string(i);
        options.topics = {{"TopicBench", 4, 4, 6, 0}};
        brokers_.push_back(std::make_unique<fake::FakeBroker>(runtime_, options));
        ok_ = ok_ && brokers_.back()->start("127.0.0.1:0").ok();
        brokers_.back()->attach_name_server(name_server_.get());
      }
    });
  }
  ~LoopbackServers() {
    runtime_.run_sync([&] {
      for (auto& broker : brokers_) broker->shutdown();
      name_server_->shutdown();
    });
    runtime_.stop();
    brokers_.clear();
    name_server_.reset();
  }
  bool ok() const { return ok_; }
  std::string name_server_address() { return runtime_.run_sync([&] { return name_server_->address(); }); }

 private:
  runtime::AsioRuntime runtime_;
  std::unique_ptr<fake::FakeNameServer> name_server_;
  std::vector<std::unique_ptr<fake::FakeBroker>> brokers_;
  bool ok_ = false;
};

// Arguments: brokers.
void BM_AsioProducerSyncSend(benchmark::State& state) {
  LoopbackServers servers(static_cast<int>(state.range(0)));
  if (!servers.ok()) {
    state.SkipWithError("the fake servers could not listen on 127.0.0.1");
    return;
  }
  runtime::AsioRuntime client_runtime;
  client_runtime.start_thread();
  int64_t failures = 0;
  {
    producer::ProducerOptions options;
    options.group = "PG_BENCH";
    options.client.namesrv_addrs = {servers.name_server_address()};
    producer::BlockingProducer producer(client_runtime, options);
    if (auto error = producer.start()) {
      state.SkipWithError(error->message.c_str());
    } else {
      const std::string body(128, 'b');
      auto send_one = [&] {
        SendOutcome outcome = producer.send(Message::make("TopicBench", body, "TagA", "key"));
        failures += std::holds_alternative<SendResult>(outcome) ? 0 : 1;
      };
      send_one();  // route lookup and connections, outside the measurement
      for (auto _ : state) send_one();
      state.counters["sends_per_s"] =
          benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
      state.counters["failures"] = static_cast<double>(failures);
      if (failures > 0) state.SkipWithError("sends failed");
    }
    producer.shutdown();
  }
  client_runtime.stop();
}
BENCHMARK(BM_AsioProducerSyncSend)->ArgNames({"brokers"})->Arg(1)->Arg(2)->UseRealTime();

}  // namespace
}  // namespace rmq::bench

BENCHMARK_MAIN();
