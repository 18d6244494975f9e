// Determinism end to end: remoting clients and servers on the simulator under random network faults. The same
// seed gives the same trace digest; another seed another; a one-byte change in one request is the first
// divergence first_divergence reports.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "core/remoting/remoting_client.h"
#include "core/remoting/remoting_server.h"
#include "sim/sim_runtime.h"

namespace rmq::remoting {
namespace {

using runtime::millis;

constexpr int32_t kWork = 1001;
constexpr runtime::Micros kFaultPhaseEnd = millis(20'000);
constexpr int kInvocationsPerClient = 60;

struct WorkloadRun {
  sim::Trace trace;
  int responses = 0;
  int errors = 0;
};

sim::SimOptions faulty_options(uint64_t seed) {
  sim::SimOptions o;
  o.seed = seed;
  o.network.default_latency = sim::LatencyDistribution::exponential(millis(2), millis(1) / 2);
  o.faults.active_until = kFaultPhaseEnd;  // then the heal phase
  o.faults.reset_p = 0.02;
  o.faults.clog_p = 0.02;
  o.faults.partition_p = 0.01;
  o.faults.slow_p = 0.02;
  o.faults.connect_refuse_p = 0.05;
  return o;
}

// A server that answers after a random delay, or (1 in 10) never.
void install_worker(sim::SimRuntime& sim, RemotingServer& server) {
  server.dispatcher().register_handler(kWork, [&sim](const RequestContext&, RemotingCommand r, Responder respond) {
    uint64_t roll = runtime::random_below(sim, 10);
    if (roll == 0) return;
    sim.after(millis(static_cast<int64_t>(roll) * 40), [respond, r] {
      RemotingCommand response = make_response(r, 0, "done");
      response.body = r.body;
      respond(std::move(response));
    });
  });
}

WorkloadRun run_workload(uint64_t seed, int perturbed_invocation) {
  sim::SimRuntime sim(faulty_options(seed));
  WorkloadRun out;
  std::vector<std::unique_ptr<RemotingServer>> servers;
  for (const char* address : {"broker-a:10911", "broker-b:10911"}) {
    servers.push_back(std::make_unique<RemotingServer>(sim));
    install_worker(sim, *servers.back());
    EXPECT_TRUE(servers.back()->start(address).ok());
  }
  std::vector<std::unique_ptr<RemotingClient>> clients;
  int invocation = 0;
  for (const char* host : {"client-1", "client-2"}) {
    clients.push_back(std::make_unique<RemotingClient>(sim.host(host)));
    RemotingClient& client = *clients.back();
    client.start();
    for (int i = 0; i < kInvocationsPerClient; ++i, ++invocation) {
      sim.after(millis(100 + 300 * i), [&, invocation, host] {
        const char* target = runtime::random_below(sim, 2) == 0 ? "broker-a:10911" : "broker-b:10911";
        RemotingCommand request = make_request(kWork, client.next_opaque(), {{"n", std::to_string(invocation)}});
        request.body = std::string(16, 'x');
        if (invocation == perturbed_invocation) request.body[3] = 'y';
        auto done = [&sim, &out, invocation, host](InvokeResult r) {
          bool ok = invoke_ok(r);
          (ok ? out.responses : out.errors)++;
          sim.record("test.result", std::string(host) + " #" + std::to_string(invocation) + " " +
                                        (ok ? "ok" : std::get<RemotingError>(r).message));
        };
        if (invocation % 2 == 0) client.invoke_sync(target, std::move(request), 1000, done);
        else client.invoke_async(target, std::move(request), 1000, done);
      });
    }
  }
  // The clients' response-table scans tick forever: run a fixed virtual span (fault phase, then heal).
  sim.run_for(kFaultPhaseEnd + millis(10'000));
  clients.clear();
  servers.clear();
  out.trace = sim.trace();
  return out;
}

TEST(RemotingDeterminism, SameSeedSameDigestOtherSeedOtherDigest) {
  WorkloadRun a = run_workload(42, -1);
  WorkloadRun b = run_workload(42, -1);
  WorkloadRun c = run_workload(43, -1);
  EXPECT_EQ(a.trace.digest(), b.trace.digest());
  EXPECT_EQ(a.trace.size(), b.trace.size());
  EXPECT_FALSE(sim::first_divergence(a.trace, b.trace).has_value());
  EXPECT_NE(a.trace.digest(), c.trace.digest());
  // The faults did something and the workload still got answers: the run is not trivially quiet.
  EXPECT_GT(a.errors, 0);
  EXPECT_GT(a.responses, a.errors);
  std::printf("seed 42: digest %s, %zu events, %d responses, %d errors\n", a.trace.digest_hex().c_str(),
              a.trace.size(), a.responses, a.errors);
}

// An invocation of client-1 that got its answer in the unperturbed run (so its frame surely went out).
int answered_invocation(const sim::Trace& trace, int at_least) {
  for (size_t i = 0; i < trace.size(); ++i) {
    std::string line = trace.text(i).value_or("");
    auto pos = line.find("test.result client-1 #");
    if (pos == std::string::npos || line.find(" ok") == std::string::npos) continue;
    int n = std::stoi(line.substr(pos + 22));
    if (n >= at_least) return n;
  }
  return -1;
}

TEST(RemotingDeterminism, FirstDivergenceNamesThePerturbedRequest) {
  WorkloadRun a = run_workload(42, -1);
  const int kPerturbed = answered_invocation(a.trace, 30);
  ASSERT_GE(kPerturbed, 30);
  WorkloadRun b = run_workload(42, kPerturbed);
  auto divergence = sim::first_divergence(a.trace, b.trace);
  ASSERT_TRUE(divergence.has_value());
  // The one changed byte shows first in the payload hash of the frame that carries invocation 37.
  EXPECT_NE(divergence->text_a.find("net.send"), std::string::npos) << divergence->describe();
  // The invocation belongs to client-1 and starts at 100 ms + n x 300 ms; its frame leaves then or, when the
  // channel is being re-established after a fault, a little later.
  EXPECT_GE(divergence->time_a, millis(100 + 300 * kPerturbed)) << divergence->describe();
  EXPECT_LT(divergence->time_a, millis(100 + 300 * (kPerturbed + 1))) << divergence->describe();
  std::printf("%s\n", divergence->describe().c_str());
}

}  // namespace
}  // namespace rmq::remoting
