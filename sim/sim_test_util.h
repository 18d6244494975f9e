// Helpers for the simulator's own tests: peers that record what a connection receives, and a one-call setup
// of a connected client/server pair.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/sim_runtime.h"

namespace rmq::sim::testing {

using runtime::CloseReason;
using runtime::ConnectionPtr;
using runtime::ListenerPtr;

// What one end of a connection saw.
struct Peer {
  ConnectionPtr conn;
  std::string data;               // all bytes received, in order
  std::vector<Micros> arrivals;   // the time of each on_data
  std::vector<size_t> chunks;     // the size of each on_data
  std::optional<CloseReason> close_reason;
  Micros closed_at = -1;
};

inline std::shared_ptr<Peer> attach(SimRuntime& sim, ConnectionPtr conn) {
  auto peer = std::make_shared<Peer>();
  peer->conn = conn;
  Peer* raw = peer.get();  // the handler must not own the peer, which owns the connection (a cycle)
  conn->start({[raw, &sim](ByteView bytes) {
                 raw->data.append(bytes.data(), bytes.size());
                 raw->arrivals.push_back(sim.now());
                 raw->chunks.push_back(bytes.size());
               },
               [raw, &sim](CloseReason reason) {
                 EXPECT_FALSE(raw->close_reason.has_value()) << "on_close called twice";
                 raw->close_reason = reason;
                 raw->closed_at = sim.now();
               }});
  return peer;
}

inline SimOptions constant_latency_options(Micros latency, uint64_t seed = 1) {
  SimOptions o;
  o.seed = seed;
  o.network.default_latency = LatencyDistribution::constant(latency);
  o.network.split_probability = 0;
  return o;
}

struct ConnectedPair {
  ListenerPtr listener;
  std::shared_ptr<Peer> client, server;
};

// Listens on `address`, connects from `from_host`, runs until both ends exist, and starts both recording.
inline ConnectedPair connect_pair(SimRuntime& sim, const std::string& from_host, const std::string& address) {
  ConnectedPair pair;
  auto accepted = std::make_shared<std::shared_ptr<Peer>>();  // outlives this call with the listener
  auto listener = sim.listen(address, [&sim, accepted](ConnectionPtr c) { *accepted = attach(sim, c); });
  EXPECT_TRUE(listener.ok());
  if (!listener.ok()) return pair;
  pair.listener = listener.value();
  ConnectionPtr client;
  sim.host(from_host).connect(address, runtime::millis(10'000), [&client](Result<ConnectionPtr> r) {
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (r.ok()) client = r.value();
  });
  sim.run_until([&] { return client != nullptr; }, sim.now() + runtime::millis(60'000));
  EXPECT_TRUE(client != nullptr);
  if (client) pair.client = attach(sim, client);
  pair.server = *accepted;
  EXPECT_TRUE(pair.server != nullptr);
  return pair;
}

}  // namespace rmq::sim::testing
