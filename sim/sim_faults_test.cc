// One test per network fault; each assertion would fail without its fault.
#include <gtest/gtest.h>

#include "sim/sim_network.h"
#include "sim/sim_runtime.h"
#include "sim/sim_test_util.h"

namespace rmq::sim {
namespace {

using runtime::millis;
using testing::attach;
using testing::connect_pair;
using testing::constant_latency_options;
namespace net_error = runtime::net_error;

TEST(SimFaults, TwoWayPartitionHoldsBytesUntilTheHeal) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  const Micros t0 = sim.now();
  sim.network().partition("client", "broker-a", /*two_way=*/true, millis(500));
  pair.client->conn->send("one");
  pair.client->conn->send("two");
  pair.server->conn->send("back");
  sim.run_for(millis(499));
  EXPECT_TRUE(pair.server->data.empty());
  EXPECT_TRUE(pair.client->data.empty());
  sim.run_until_idle();
  EXPECT_EQ(pair.server->data, "onetwo");  // nothing lost, order kept
  EXPECT_EQ(pair.client->data, "back");
  EXPECT_EQ(pair.server->arrivals.front(), t0 + millis(500) + 1000);  // retransmitted at the heal
  EXPECT_FALSE(pair.server->close_reason.has_value());
}

TEST(SimFaults, OneWayPartitionBlocksOnlyOneDirection) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  FaultId f = sim.network().partition("client", "broker-a", /*two_way=*/false);
  pair.client->conn->send("request");
  pair.server->conn->send("push");
  sim.run_for(millis(100));
  EXPECT_TRUE(pair.server->data.empty());
  EXPECT_EQ(pair.client->data, "push");
  EXPECT_TRUE(sim.network().heal(f));
  EXPECT_FALSE(sim.network().heal(f));
  sim.run_until_idle();
  EXPECT_EQ(pair.server->data, "request");
}

TEST(SimFaults, APartitionLongerThanTheGiveUpTimeResetsBusyConnectionsOnly) {
  SimOptions o = constant_latency_options(1000);
  o.network.partition_give_up = millis(2000);
  SimRuntime sim(o);
  auto busy = connect_pair(sim, "client", "broker-a:1");
  auto idle = connect_pair(sim, "client", "broker-a:2");
  sim.network().partition("client", "broker-a", true, millis(10'000));
  const Micros t0 = sim.now();
  busy.client->conn->send("stuck");
  sim.run_until_idle();
  EXPECT_EQ(busy.client->close_reason, CloseReason::kReset);
  EXPECT_EQ(busy.server->close_reason, CloseReason::kReset);
  EXPECT_EQ(busy.client->closed_at, t0 + 1000 + millis(2000));  // held at arrival, given up 2 s later
  EXPECT_TRUE(busy.server->data.empty());
  EXPECT_FALSE(idle.client->close_reason.has_value());  // idle connections survive, as with TCP
  idle.client->conn->send("after");
  sim.run_until_idle();
  EXPECT_EQ(idle.server->data, "after");
}

TEST(SimFaults, ConnectAcrossAPartitionTimesOut) {
  SimRuntime sim(constant_latency_options(1000));
  auto l = sim.listen("broker-a:1", [](ConnectionPtr) {});
  sim.network().partition("client", "broker-a", /*two_way=*/false, millis(5000));  // even one way: no SYN-ACK
  std::optional<Error> error;
  sim.connect("broker-a:1", millis(3000), [&](Result<ConnectionPtr> r) { error = r.error(); });
  sim.run_until_idle();
  EXPECT_EQ(error->code, net_error::kTimedOut);
  EXPECT_EQ(sim.network().parked_connects(), 0u);
  bool ok = false;
  sim.connect("broker-a:1", millis(3000), [&](Result<ConnectionPtr> r) { ok = r.ok(); });
  sim.run_until_idle();
  EXPECT_TRUE(ok);  // after the heal
}

TEST(SimFaults, AHandshakeParkedByAShortPartitionCompletesAfterTheHeal) {
  SimRuntime sim(constant_latency_options(1000));
  auto l = sim.listen("broker-a:1", [](ConnectionPtr) {});
  sim.network().partition("client", "broker-a", true, millis(100));
  Micros at = -1;
  sim.connect("broker-a:1", millis(3000), [&](Result<ConnectionPtr> r) {
    EXPECT_TRUE(r.ok());
    at = sim.now();
  });
  sim.run_until_idle();
  EXPECT_EQ(at, millis(100) + 2000);
}

TEST(SimFaults, ResetMidFlightLosesBytesAndBothEndsSeeReset) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  pair.client->conn->send("in flight");
  sim.run_for(500);
  EXPECT_TRUE(sim.network().reset_connection(pair.server->conn->id()));  // either end's id names it
  sim.run_until_idle();
  EXPECT_TRUE(pair.server->data.empty());
  EXPECT_EQ(pair.client->close_reason, CloseReason::kReset);
  EXPECT_EQ(pair.server->close_reason, CloseReason::kReset);
  EXPECT_FALSE(pair.client->conn->send("x"));
  EXPECT_FALSE(pair.client->conn->is_open());
  EXPECT_EQ(sim.network().counters().bytes_dropped, 9u);
  EXPECT_FALSE(sim.network().reset_connection(pair.client->conn->id()));  // gone
}

TEST(SimFaults, ClogHoldsThenReleasesInOrderAndNeverGivesUp) {
  SimOptions o = constant_latency_options(1000);
  o.network.partition_give_up = millis(100);  // a clog ignores it
  SimRuntime sim(o);
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  sim.network().clog("client", "broker-a", /*two_way=*/false, millis(3000));
  const Micros t0 = sim.now();
  for (const char* m : {"1", "2", "3"}) {
    pair.client->conn->send(m);
    sim.run_for(millis(10));
  }
  pair.server->conn->send("reverse flows");
  sim.run_for(millis(2900));
  EXPECT_TRUE(pair.server->data.empty());
  EXPECT_EQ(pair.client->data, "reverse flows");
  sim.run_until_idle();
  EXPECT_EQ(pair.server->data, "123");
  EXPECT_GE(pair.server->arrivals.front(), t0 + millis(3000));
  EXPECT_FALSE(pair.server->close_reason.has_value());
}

TEST(SimFaults, SlowLinkAddsLatencyForItsWindow) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  sim.network().slow("client", "broker-a", false, millis(10), 0, millis(100));
  Micros t0 = sim.now();
  pair.client->conn->send("slow");
  sim.run_for(millis(200));
  EXPECT_EQ(pair.server->arrivals.back(), t0 + 1000 + millis(10));
  t0 = sim.now();
  pair.client->conn->send("fast again");
  sim.run_until_idle();
  EXPECT_EQ(pair.server->arrivals.back(), t0 + 1000);
}

TEST(SimFaults, SlowLinkBandwidthSerializesBytes) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  sim.network().slow("client", "broker-a", false, 0, /*bytes_per_second=*/1000);
  const Micros t0 = sim.now();
  pair.client->conn->send(std::string(500, 'b'));
  sim.run_until_idle();
  EXPECT_EQ(pair.server->data.size(), 500u);
  EXPECT_EQ(pair.server->arrivals.back(), t0 + millis(500) + 1000);  // 500 B at 1000 B/s, then the latency
}

TEST(SimFaults, RefuseFaultRefusesAListeningAddressForItsWindow) {
  SimRuntime sim(constant_latency_options(1000));
  auto l = sim.listen("broker-a:10911", [](ConnectionPtr) {});
  sim.network().refuse("broker-a:10911", millis(50));
  std::optional<Error> first;
  sim.connect("broker-a:10911", millis(1000), [&](Result<ConnectionPtr> r) { first = r.error(); });
  sim.run_until_idle();
  EXPECT_EQ(first->code, net_error::kRefused);
  sim.run_for(millis(50));
  bool ok = false;
  sim.connect("broker-a:10911", millis(1000), [&](Result<ConnectionPtr> r) { ok = r.ok(); });
  sim.run_until_idle();
  EXPECT_TRUE(ok);
  sim.network().refuse("broker-a");  // a whole host, until healed
  std::optional<Error> third;
  sim.connect("broker-a:10911", millis(1000), [&](Result<ConnectionPtr> r) { third = r.error(); });
  sim.run_until_idle();
  EXPECT_EQ(third->code, net_error::kRefused);
}

TEST(SimFaults, CrashResetsTheHostsConnectionsAndRemovesItsListeners) {
  SimRuntime sim(constant_latency_options(1000));
  auto to_a = connect_pair(sim, "client", "broker-a:10911");
  auto to_b = connect_pair(sim, "client", "broker-b:10911");
  sim.network().crash_host("broker-a");
  sim.run_until_idle();
  EXPECT_EQ(to_a.client->close_reason, CloseReason::kReset);
  EXPECT_EQ(to_a.server->close_reason, CloseReason::kReset);
  EXPECT_FALSE(to_b.client->close_reason.has_value());
  std::optional<Error> error;
  sim.connect("broker-a:10911", millis(1000), [&](Result<ConnectionPtr> r) { error = r.error(); });
  sim.run_until_idle();
  EXPECT_EQ(error->code, net_error::kRefused);
  auto restarted = connect_pair(sim, "client", "broker-a:10911");  // the owner listens again
  EXPECT_TRUE(restarted.client && restarted.server);
}

TEST(SimFaults, ScheduledActionsApplyAtTheirTimeAndAreTraced) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  FaultSchedule plan;
  plan.partition(millis(10), "client", "broker-a", millis(20)).reset(millis(50));
  sim.network().schedule(plan);
  sim.after(millis(15) - sim.now(), [&] { pair.client->conn->send("during"); });
  sim.run_until_idle();
  EXPECT_EQ(pair.server->arrivals.front(), millis(30) + 1000);
  EXPECT_EQ(pair.client->close_reason, CloseReason::kReset);
  EXPECT_EQ(pair.client->closed_at, millis(50));
  const std::string dump = sim.trace().dump();
  EXPECT_NE(dump.find("t=10000 fault.inject f1 partition client<->broker-a for=20000"), std::string::npos) << dump;
  EXPECT_NE(dump.find("t=30000 fault.heal f1 partition client<->broker-a"), std::string::npos) << dump;
  EXPECT_NE(dump.find("t=50000 fault.inject reset c"), std::string::npos) << dump;
  EXPECT_EQ(plan.actions[0].to_string(), "at=10000 partition a=client b=broker-a two_way duration=20000");
}

TEST(SimFaults, RandomFaultsComeFromTheOptions) {
  SimOptions o = constant_latency_options(1000);
  o.faults.reset_p = 1.0;
  SimRuntime sim(o);
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  pair.client->conn->send("doomed");
  sim.run_until_idle();
  EXPECT_EQ(pair.client->close_reason, CloseReason::kReset);
  o.faults.reset_p = 0;
  o.faults.connect_refuse_p = 1.0;
  SimRuntime refusing(o);
  auto l = refusing.listen("b:1", [](ConnectionPtr) {});
  std::optional<Error> error;
  refusing.connect("b:1", millis(100), [&](Result<ConnectionPtr> r) { error = r.error(); });
  refusing.run_until_idle();
  EXPECT_EQ(error->code, net_error::kRefused);
}

TEST(SimFaults, RandomFaultsStopAtTheHealPhase) {
  SimOptions o = constant_latency_options(1000);
  o.faults.reset_p = 1.0;
  o.faults.active_until = millis(1);
  SimRuntime sim(o);
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  sim.run_for(millis(5));
  pair.client->conn->send("safe");
  sim.run_until_idle();
  EXPECT_EQ(pair.server->data, "safe");
}

}  // namespace
}  // namespace rmq::sim
