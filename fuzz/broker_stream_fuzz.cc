// The fake broker (and the nameserver it registers with) fed arbitrary byte streams through the simulator
// (sim::SimRuntime + fake::FakeBroker + fake::FakeNameServer), the way `rmqsim serve` meets hostile clients.
//
// Input: a sequence of records, each  [op u8] [length u16 little-endian] [length bytes]:
//   op bits 0-1  which client connection (0-2 to the broker, 3 to the nameserver); opened on first use
//   op bit 2     close that connection after writing (a later record opens a fresh one)
//   op bits 3-7  virtual time to let pass after the write, in 250 ms steps (0-7.75 s)
// The record's bytes are written as they are: frames, fragments of frames, garbage. The clients never read
// what comes back (answers are discarded as they arrive).
//
// Checks: no crash or sanitizer report; afterwards the simulation drains (no livelock: the event limit holds),
// pending events stay bounded, the server holds no more connections than were opened, the broker stored no
// more messages than requests it got, and memory stays bounded (ci/fuzz runs with -malloc_limit_mb and
// -rss_limit_mb).
#include <array>
#include <memory>

#include "fake_broker/broker.h"
#include "fake_nameserver/name_server.h"
#include "fuzz/fuzz_util.h"
#include "sim/sim_runtime.h"

using namespace rmq;

namespace {

constexpr const char* kBrokerAddress = "127.0.0.1:10911";
constexpr const char* kNameServerAddress = "127.0.0.1:9876";
constexpr uint64_t kEventLimit = 2'000'000;

struct Client {
  runtime::ConnectionPtr connection;
  bool connecting = false;
  bool failed = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in = fuzz::view(data, size);
  sim::SimOptions options;
  options.seed = 7;
  options.default_host = "127.0.0.1";
  options.trace.keep_first = 0;
  options.trace.keep_last = 16;
  options.trace.keep_hashes = 0;
  sim::SimRuntime sim(options);

  fake::FakeNameServer name_server(sim);
  RMQ_FUZZ_CHECK(name_server.start(kNameServerAddress).ok());
  fake::BrokerOptions broker_options;
  broker_options.broker_name = "broker-a";
  broker_options.topics.push_back({"TopicTest", 4, 4, 6, 0});
  fake::FakeBroker broker(sim, broker_options);
  RMQ_FUZZ_CHECK(broker.start(kBrokerAddress).ok());
  broker.attach_name_server(&name_server);

  std::array<Client, 4> clients;
  uint64_t opened = 0;
  auto open = [&](size_t index) -> Client& {
    Client& c = clients[index];
    if (c.connection && c.connection->is_open()) return c;
    c = Client{};
    c.connecting = true;
    ++opened;
    sim.connect(index == 3 ? kNameServerAddress : kBrokerAddress, runtime::millis(3000),
                [&c](Result<runtime::ConnectionPtr> r) {
                  c.connecting = false;
                  if (!r.ok()) {
                    c.failed = true;
                    return;
                  }
                  c.connection = r.value();
                  c.connection->start(runtime::ConnectionHandler{[](ByteView) {}, [](runtime::CloseReason) {}});
                });
    sim.run_until([&c] { return !c.connecting; }, sim.now() + runtime::millis(5000), kEventLimit);
    return c;
  };

  while (in.size() >= 3) {
    auto op = static_cast<uint8_t>(fuzz::take(in, 1));
    auto length = static_cast<size_t>(fuzz::take(in, 2));
    ByteView bytes = in.substr(0, length);
    in.remove_prefix(bytes.size());
    Client& c = open(op & 3);
    if (c.connection) {
      (void)c.connection->send(bytes);
      if (op & 4) {
        c.connection->close();
        c.connection.reset();
      }
    }
    auto outcome = sim.run_for(runtime::millis(250 * (op >> 3)), kEventLimit);
    RMQ_FUZZ_CHECK(outcome.outcome != sim::RunOutcome::kEventLimit);
    RMQ_FUZZ_CHECK(sim.pending_events() < 100'000);
  }
  // Let held pulls time out and answers drain.
  auto outcome = sim.run_for(runtime::millis(40'000), kEventLimit);
  RMQ_FUZZ_CHECK(outcome.outcome != sim::RunOutcome::kEventLimit);
  RMQ_FUZZ_CHECK(sim.pending_events() < 10'000);
  RMQ_FUZZ_CHECK(broker.server().connection_count() <= opened);
  RMQ_FUZZ_CHECK(broker.stats().messages_stored <= 2 * broker.stats().requests);  // a send-back stores at most 2
  for (auto& c : clients) {
    if (c.connection) c.connection->close();
  }
  broker.shutdown();
  name_server.shutdown();
  sim.run_for(runtime::millis(1000), kEventLimit);
  return 0;
}
