// Determinism of the whole simulator: a randomized workload (clients that connect, send and reconnect; echo
// servers; random and scripted faults) gives the same trace for the same seed, another for another seed, and a
// single perturbed event is found by first_divergence.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "sim/sim_runtime.h"
#include "sim/trace.h"

namespace rmq::sim {
namespace {

using runtime::millis;

constexpr Micros kWorkEnd = millis(20'000);

struct Workload {
  Workload(SimRuntime& s, int perturb) : sim(s), perturb_send(perturb) {}

  SimRuntime& sim;
  int perturb_send;  // the 0-based send whose payload gets one byte changed; -1: none
  int sends = 0;
  std::vector<ConnectionPtr> server_conns;
  std::vector<ListenerPtr> listeners;
  const std::vector<std::string> servers = {"broker-a:10911", "broker-b:10911", "nameserver:9876"};

  void listen(const std::string& address) {
    auto l = sim.listen(address, [this](ConnectionPtr c) {
      server_conns.push_back(c);
      runtime::Connection* raw = c.get();  // server_conns owns it; no cycle through the handler
      c->start({[raw](ByteView bytes) { raw->send(bytes); }, [](CloseReason) {}});
    });
    ASSERT_TRUE(l.ok());
    listeners.push_back(l.value());
  }

  struct Client {
    std::string host;
    ConnectionPtr conn;
    uint64_t received = 0;
  };

  void tick(Client& c) {
    if (sim.now() >= kWorkEnd) return;
    if (!c.conn || !c.conn->is_open()) {
      const std::string& to = servers[runtime::random_below(sim, servers.size())];
      sim.host(c.host).connect(to, millis(500), [this, &c](Result<ConnectionPtr> r) {
        if (r.ok()) {
          c.conn = r.value();
          c.conn->start({[&c](ByteView bytes) { c.received += bytes.size(); }, [](CloseReason) {}});
        }
        sim.after(millis(10), [this, &c] { tick(c); });
      });
      return;
    }
    std::string payload(static_cast<size_t>(1 + runtime::random_below(sim, 300)), 'p');
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + (sends + i) % 26);
    if (sends == perturb_send) payload[0] = '#';
    ++sends;
    c.conn->send(payload);
    if (runtime::random_below(sim, 20) == 0) c.conn->close();
    sim.after(static_cast<Micros>(runtime::random_below(sim, 20'000)), [this, &c] { tick(c); });
  }
};

Trace run_workload(uint64_t seed, int perturb_send = -1) {
  std::vector<std::unique_ptr<Workload::Client>> clients;  // declared before the sim: outlive its callbacks
  SimOptions o;
  o.seed = seed;
  o.network.default_latency = LatencyDistribution::exponential(800, 100);
  o.network.split_probability = 0.3;
  o.network.max_chunk = 128;
  o.network.partition_give_up = millis(3000);
  o.faults.active_until = millis(15'000);
  o.faults.connect_refuse_p = 0.05;
  o.faults.reset_p = 0.005;
  o.faults.clog_p = 0.01;
  o.faults.partition_p = 0.005;
  o.faults.slow_p = 0.01;
  SimRuntime sim(o);
  sim.network().set_link_latency("client-1", "broker-a", LatencyDistribution::long_tail(300, 0.05, 1000, 500'000));
  Workload w(sim, perturb_send);
  for (const auto& address : w.servers) w.listen(address);
  FaultSchedule plan;
  plan.crash(millis(8000), "broker-b").partition(millis(9000), "client-2", "nameserver", millis(2000), false);
  sim.network().schedule(plan);
  sim.after(millis(9500), [&w] { w.listen("broker-b:10911"); });  // broker-b restarts
  for (int i = 1; i <= 4; ++i) {
    clients.push_back(std::make_unique<Workload::Client>(Workload::Client{"client-" + std::to_string(i), {}, 0}));
    Workload::Client* c = clients.back().get();
    sim.after(static_cast<Micros>(i) * 1000, [&w, c] { w.tick(*c); });
  }
  RunResult r = sim.run_until_idle(10'000'000);
  EXPECT_EQ(r.outcome, RunOutcome::kIdle);
  sim.record("workload.done", "sends=" + std::to_string(w.sends));
  return sim.trace();
}

TEST(Determinism, SameSeedSameTraceOtherSeedOtherTrace) {
  const Trace a = run_workload(7);
  const Trace b = run_workload(7);
  const Trace c = run_workload(8);
  EXPECT_GT(a.size(), 2000u);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_EQ(a.digest(), b.digest());
  EXPECT_FALSE(first_divergence(a, b).has_value());
  EXPECT_NE(a.digest(), c.digest());
  // The run exercised the faults it claims to test.
  const std::string dump = a.dump();
  for (const char* needle : {"fault.inject", "fault.heal", "net.reset", "net.refused", "net.held", "net.release",
                             "crash broker-b", "net.peer_closed"}) {
    EXPECT_NE(dump.find(needle), std::string::npos) << needle;
  }
}

TEST(Determinism, CheckDeterminismPassesForSeveralSeeds) {
  for (uint64_t seed : {1, 2, 3}) {
    DeterminismReport report = check_determinism([](uint64_t s) { return run_workload(s); }, seed);
    EXPECT_TRUE(report.deterministic) << report.describe();
  }
}

TEST(Determinism, FirstDivergenceNamesThePerturbedEvent) {
  const int k = 25;
  const Trace a = run_workload(11);
  const Trace b = run_workload(11, k);
  // The k-th client send is the k-th "net.send" event from a client end (odd ids; accepted ends are even).
  uint64_t expected = UINT64_MAX;
  int seen = 0;
  for (uint64_t i = 0; i < a.size() && expected == UINT64_MAX; ++i) {
    const std::string line = *a.text(i);
    const size_t at = line.find(" net.send c");
    if (at == std::string::npos) continue;
    const uint64_t id = std::stoull(line.substr(at + 11));
    if (id % 2 == 1 && seen++ == k) expected = i;
  }
  ASSERT_NE(expected, UINT64_MAX);
  auto d = first_divergence(a, b);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->index, expected) << d->describe();
  EXPECT_NE(d->text_a.find(" net.send "), std::string::npos);
  EXPECT_NE(d->text_a, d->text_b);
  // Same event but another payload: only the hash differs.
  EXPECT_EQ(d->text_a.substr(0, d->text_a.find(" h=")), d->text_b.substr(0, d->text_b.find(" h=")));
  EXPECT_EQ(d->time_a, d->time_b);
}

}  // namespace
}  // namespace rmq::sim
