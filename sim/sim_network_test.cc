#include "sim/sim_network.h"

#include <gtest/gtest.h>

#include "sim/sim_runtime.h"
#include "sim/sim_test_util.h"

namespace rmq::sim {
namespace {

using runtime::millis;
using testing::attach;
using testing::connect_pair;
using testing::constant_latency_options;
namespace net_error = runtime::net_error;

TEST(SimNetwork, ConnectAcceptAndExchangeBytesBothWays) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  ASSERT_TRUE(pair.client && pair.server);
  EXPECT_EQ(sim.now(), 2000);  // SYN there, SYN-ACK back
  EXPECT_EQ(pair.client->conn->remote_address(), "broker-a:10911");
  EXPECT_EQ(pair.server->conn->local_address(), "broker-a:10911");
  EXPECT_EQ(pair.server->conn->remote_address(), pair.client->conn->local_address());
  EXPECT_EQ(pair.client->conn->local_address().rfind("client:", 0), 0u);
  EXPECT_NE(pair.client->conn->id(), pair.server->conn->id());

  EXPECT_TRUE(pair.client->conn->send("ping"));
  EXPECT_TRUE(pair.server->conn->send("pong"));
  sim.run_until_idle();
  EXPECT_EQ(pair.server->data, "ping");
  EXPECT_EQ(pair.client->data, "pong");
  EXPECT_EQ(pair.server->arrivals, std::vector<Micros>{3000});
  EXPECT_EQ(sim.network().live_connections(), 1u);
}

TEST(SimNetwork, OrderedDeliveryAcrossRandomChunkingAndCoalescing) {
  SimOptions o;
  o.seed = 17;
  o.network.default_latency = LatencyDistribution::exponential(500, 50);
  o.network.split_probability = 0.7;
  o.network.max_chunk = 13;
  SimRuntime sim(o);
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  std::string expected;
  Prng gen(5);
  for (int burst = 0; burst < 60; ++burst) {
    for (int m = 0; m < 3; ++m) {  // several sends per instant: chunks may span them
      std::string msg(static_cast<size_t>(1 + gen.below(40)), static_cast<char>('a' + (burst + m) % 26));
      expected += msg;
      ASSERT_TRUE(pair.client->conn->send(msg));
    }
    sim.run_for(static_cast<Micros>(gen.below(2000)));
  }
  sim.run_until_idle();
  EXPECT_EQ(pair.server->data, expected);
  EXPECT_GT(pair.server->chunks.size(), 180u);  // split into more pieces than sends
  bool coalesced = false;
  for (size_t n : pair.server->chunks) coalesced |= n == 13;  // max_chunk pieces span several small sends
  EXPECT_TRUE(coalesced);
  for (size_t i = 1; i < pair.server->arrivals.size(); ++i) {
    ASSERT_LE(pair.server->arrivals[i - 1], pair.server->arrivals[i]);
  }
}

TEST(SimNetwork, PerLinkLatencyIsApplied) {
  SimRuntime sim(constant_latency_options(1000));
  sim.network().set_link_latency("client", "broker-a", LatencyDistribution::constant(2500));
  sim.network().set_link_latency("broker-a", "client", LatencyDistribution::constant(700));
  auto pair = connect_pair(sim, "client", "broker-a:10911");
  EXPECT_EQ(sim.now(), 3200);
  const Micros t0 = sim.now();
  pair.client->conn->send("x");
  pair.server->conn->send("y");
  sim.run_until_idle();
  EXPECT_EQ(pair.server->arrivals, std::vector<Micros>{t0 + 2500});
  EXPECT_EQ(pair.client->arrivals, std::vector<Micros>{t0 + 700});
  EXPECT_EQ(sim.network().link("client", "broker-a").latency.to_string(), "constant(2500us)");
  EXPECT_EQ(sim.network().link("client", "nameserver").latency.to_string(), "constant(1000us)");
}

TEST(SimNetwork, ExponentialLatencyNeverBeatsTheFloor) {
  SimOptions o = constant_latency_options(0);
  o.network.default_latency = LatencyDistribution::exponential(2000, 800);
  SimRuntime sim(o);
  auto pair = connect_pair(sim, "client", "b:1");
  for (int i = 0; i < 50; ++i) {
    const Micros sent = sim.now();
    pair.client->conn->send("z");
    sim.run_until_idle();
    ASSERT_EQ(pair.server->arrivals.size(), static_cast<size_t>(i + 1));
    EXPECT_GE(pair.server->arrivals.back() - sent, 800);
  }
}

TEST(SimNetwork, ConnectToAPortNobodyListensOnIsRefusedAfterARoundTrip) {
  SimRuntime sim(constant_latency_options(1000));
  std::optional<Error> error;
  Micros at = -1;
  sim.connect("broker-a:10911", millis(3000), [&](Result<ConnectionPtr> r) {
    ASSERT_FALSE(r.ok());
    error = r.error();
    at = sim.now();
  });
  EXPECT_FALSE(error.has_value());  // never inside connect()
  sim.run_until_idle();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, net_error::kRefused);
  EXPECT_EQ(at, 2000);
  EXPECT_EQ(sim.network().counters().refused, 1u);
}

TEST(SimNetwork, BadAddressesFailFromTheLoop) {
  SimRuntime sim;
  std::optional<Error> error;
  sim.connect("no-port", millis(1), [&](Result<ConnectionPtr> r) { error = r.error(); });
  EXPECT_FALSE(error.has_value());
  sim.run_until_idle();
  EXPECT_EQ(error->code, net_error::kBadAddress);
  EXPECT_EQ(sim.listen("nope", [](ConnectionPtr) {}).error().code, net_error::kBadAddress);
}

TEST(SimNetwork, ListenRejectsATakenAddressAndPortZeroPicksOne) {
  SimRuntime sim;
  auto a = sim.listen("broker-a:10911", [](ConnectionPtr) {});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(sim.listen("broker-a:10911", [](ConnectionPtr) {}).error().code, net_error::kAddressInUse);
  auto b = sim.listen("broker-a:0", [](ConnectionPtr) {});
  auto c = sim.listen("broker-a:0", [](ConnectionPtr) {});
  EXPECT_EQ(b.value()->address(), "broker-a:40000");
  EXPECT_EQ(c.value()->address(), "broker-a:40001");
  a.value()->close();
  EXPECT_TRUE(sim.listen("broker-a:10911", [](ConnectionPtr) {}).ok());  // free again
}

TEST(SimNetwork, ConnectTimeoutIsHonoured) {
  SimRuntime sim(constant_latency_options(millis(5000)));
  bool accepted = false;
  auto l = sim.listen("far:1", [&](ConnectionPtr) { accepted = true; });
  std::optional<Error> error;
  Micros at = -1;
  sim.connect("far:1", millis(1000), [&](Result<ConnectionPtr> r) {
    error = r.error();
    at = sim.now();
  });
  sim.run_until_idle();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->code, net_error::kTimedOut);
  EXPECT_EQ(at, millis(1000));
  EXPECT_FALSE(accepted);  // the SYN came after the client gave up
  EXPECT_EQ(sim.network().counters().timed_out, 1u);
}

TEST(SimNetwork, AServerEndAcceptedForAClientThatTimedOutIsReset) {
  SimRuntime sim(constant_latency_options(500));
  sim.network().set_link_latency("far", "client", LatencyDistribution::constant(millis(5000)));
  std::shared_ptr<testing::Peer> server;
  auto l = sim.listen("far:1", [&](ConnectionPtr c) { server = attach(sim, c); });
  std::optional<Error> error;
  sim.connect("far:1", millis(1000), [&](Result<ConnectionPtr> r) { error = r.error(); });
  sim.run_until_idle();
  EXPECT_EQ(error->code, net_error::kTimedOut);
  ASSERT_TRUE(server);  // the SYN arrived at 0.5 ms
  EXPECT_EQ(server->close_reason, CloseReason::kReset);
  EXPECT_EQ(server->closed_at, 500 + millis(5000));  // when the SYN-ACK found the client gone
}

TEST(SimNetwork, GracefulCloseDeliversQueuedBytesThenPeerClosed) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "b:1");
  ASSERT_TRUE(pair.client->conn->send("last words"));
  pair.client->conn->close();
  EXPECT_FALSE(pair.client->conn->is_open());
  EXPECT_FALSE(pair.client->conn->send("more"));
  sim.run_until_idle();
  EXPECT_EQ(pair.server->data, "last words");
  EXPECT_EQ(pair.server->close_reason, CloseReason::kPeerClosed);
  EXPECT_GE(pair.server->closed_at, pair.server->arrivals.back());
  EXPECT_FALSE(pair.client->close_reason.has_value());  // this end's close() is never reported to itself
  EXPECT_FALSE(pair.server->conn->is_open());
  EXPECT_EQ(sim.network().live_connections(), 0u);
}

TEST(SimNetwork, BytesWaitForStart) {
  SimRuntime sim(constant_latency_options(1000));
  ConnectionPtr accepted;
  auto l = sim.listen("b:1", [&](ConnectionPtr c) { accepted = c; });
  ConnectionPtr client;
  sim.connect("b:1", millis(100), [&](Result<ConnectionPtr> r) { client = r.value(); });
  sim.run_until_idle();
  client->send("early");
  client->close();
  sim.run_for(millis(50));
  auto server = attach(sim, accepted);  // started long after the bytes and the FIN arrived
  EXPECT_TRUE(server->data.empty());    // nothing inside start()
  sim.run_until_idle();
  EXPECT_EQ(server->data, "early");
  EXPECT_EQ(server->close_reason, CloseReason::kPeerClosed);
}

TEST(SimNetwork, SendBufferLimitMakesSendReturnFalse) {
  SimOptions o = constant_latency_options(1000);
  o.network.send_buffer_limit = 1000;
  o.network.in_flight_limit = 100;
  SimRuntime sim(o);
  ConnectionPtr accepted;  // never started: its window never opens
  auto l = sim.listen("b:1", [&](ConnectionPtr c) { accepted = c; });
  ConnectionPtr client;
  sim.connect("b:1", millis(100), [&](Result<ConnectionPtr> r) { client = r.value(); });
  sim.run_until_idle();
  EXPECT_FALSE(client->send(std::string(1001, 'x')));  // larger than the whole buffer
  EXPECT_TRUE(client->send(std::string(1000, 'x')));
  EXPECT_FALSE(client->send("y"));
  EXPECT_EQ(client->send_backlog(), 1000u);
  sim.run_until_idle();
  EXPECT_EQ(client->send_backlog(), 900u);  // 100 went into the window
  EXPECT_TRUE(client->send(std::string(100, 'y')));
  EXPECT_FALSE(client->send("z"));
  auto server = attach(sim, accepted);
  sim.run_until_idle();
  EXPECT_EQ(server->data.size(), 1100u);
  EXPECT_EQ(client->send_backlog(), 0u);
  EXPECT_TRUE(client->send("z"));
}

TEST(SimNetwork, ClosedListenerRefusesNewConnectsButKeepsAcceptedOnes) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "b:1");
  pair.listener->close();
  std::optional<Error> error;
  sim.connect("b:1", millis(100), [&](Result<ConnectionPtr> r) { error = r.error(); });
  pair.client->conn->send("still here");
  sim.run_until_idle();
  EXPECT_EQ(error->code, net_error::kRefused);
  EXPECT_EQ(pair.server->data, "still here");
}

TEST(SimNetwork, HostViewsConnectFromTheirHost) {
  SimRuntime sim(constant_latency_options(1000));
  sim.network().set_link_latency("broker-a", "nameserver", LatencyDistribution::constant(5000));
  auto pair = connect_pair(sim, "broker-a", "nameserver:9876");
  EXPECT_EQ(pair.client->conn->local_address().rfind("broker-a:", 0), 0u);
  EXPECT_EQ(sim.now(), 6000);
}

TEST(SimNetwork, TraceRecordsTheConnectionLifecycle) {
  SimRuntime sim(constant_latency_options(1000));
  auto pair = connect_pair(sim, "client", "b:1");
  pair.client->conn->send("abc");
  pair.client->conn->close();
  sim.run_until_idle();
  std::string dump = sim.trace().dump();
  for (const char* kind : {"net.listen b:1", "net.connect c1 client:50000->b:1", "net.accept c2",
                           "net.established c1", "net.send c1 n=3 h=", "net.deliver c2 n=3 h=", "net.close c1",
                           "net.peer_closed c2"}) {
    EXPECT_NE(dump.find(kind), std::string::npos) << kind << "\n" << dump;
  }
}

}  // namespace
}  // namespace rmq::sim
