// The client instance's scheduling in the simulated cluster (spec §1.5, §3.2): the scheduled tasks on Java's
// timetable (route poll at 10 ms then every 30 s, clean-offline + heartbeat at 1 s then every 30 s, offset
// persist at 10 s then every 5 s), one task at a time (a route poll stuck on the name server delays the
// heartbeat), and lockNamesrv shared by the scheduled poll and a send's route lookup. The contracts of
// SerialScheduler and TimedLock alone are in core/client/*_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "sim/cluster/sim_cluster.h"

namespace rmq::sim {
namespace {

using producer::Message;
using producer::Producer;
using producer::SendOutcome;
using producer::SendResult;

constexpr const char* kRoutes = "updateTopicRouteInfoFromNameServer";
constexpr const char* kHeartbeat = "cleanOfflineBrokerAndHeartbeat";
constexpr const char* kPersist = "persistAllConsumerOffset";

class ClientScheduling : public ::testing::Test {
 protected:
  void TearDown() override {
    producer_.reset();
    cluster_.reset();
  }
  void make() {
    ClusterOptions options;
    options.network.default_latency = LatencyDistribution::constant(0);
    cluster_ = std::make_unique<SimCluster>(options);
  }
  Producer& start() {
    producer_ = cluster_->make_producer(cluster_->producer_options("PG"));
    auto error = producer_->start();
    EXPECT_FALSE(error.has_value());
    return *producer_;
  }
  void run_to(int64_t at_ms) {
    ASSERT_GE(at_ms, cluster_->now_ms());
    cluster_->run_for(at_ms - cluster_->now_ms());
  }
  uint64_t runs(const char* task) { return producer_->instance()->scheduler().runs(task); }

  std::unique_ptr<SimCluster> cluster_;
  std::unique_ptr<Producer> producer_;
};

TEST_F(ClientScheduling, TasksRunOnJavasTimetable) {
  make();
  start();
  auto* instance = producer_->instance();
  run_to(9);
  EXPECT_EQ(runs(kRoutes), 0u);
  run_to(10);
  EXPECT_EQ(runs(kRoutes), 1u);
  // The poll fetched TBW102 (the 4.9.8 producer keeps it in its publish table): both brokers are known.
  EXPECT_EQ(instance->broker_addr_table().size(), 2u);
  run_to(999);
  EXPECT_EQ(runs(kHeartbeat), 0u);
  EXPECT_EQ(instance->heartbeats_sent(), 0u);
  run_to(1000);
  EXPECT_EQ(runs(kHeartbeat), 1u);
  EXPECT_EQ(instance->heartbeats_sent(), 2u) << "one per master";
  run_to(9999);
  EXPECT_EQ(runs(kPersist), 0u);
  run_to(10'000);
  EXPECT_EQ(runs(kPersist), 1u);
  run_to(15'000);
  EXPECT_EQ(runs(kPersist), 2u);
  run_to(30'009);
  EXPECT_EQ(runs(kRoutes), 1u);
  run_to(30'010);
  EXPECT_EQ(runs(kRoutes), 2u);
  run_to(31'000);
  EXPECT_EQ(runs(kHeartbeat), 2u);
  EXPECT_EQ(instance->heartbeats_sent(), 4u);
  run_to(91'000);
  EXPECT_EQ(runs(kRoutes), 4u);
  EXPECT_EQ(runs(kHeartbeat), 4u);
  EXPECT_EQ(runs(kPersist), 17u);  // 10 s, 15 s, ..., 90 s
}

// The name server unreachable: the route poll at 10 ms waits for its connect timeout (3000 ms) on the one
// scheduler "thread", so the heartbeat due at 1000 ms runs only at 3010 ms.
TEST_F(ClientScheduling, AStuckRoutePollDelaysTheHeartbeat) {
  make();
  cluster_->sim().network().partition(SimCluster::kClientHost, "10.0.0.100", true);
  start();
  run_to(1000);
  EXPECT_EQ(runs(kRoutes), 1u);
  EXPECT_TRUE(producer_->instance()->scheduler().running_task());
  EXPECT_EQ(runs(kHeartbeat), 0u);
  run_to(3009);
  EXPECT_EQ(runs(kHeartbeat), 0u);
  run_to(3010);
  EXPECT_EQ(runs(kHeartbeat), 1u);
  EXPECT_FALSE(producer_->instance()->scheduler().running_task());
}

// lockNamesrv: while the scheduled poll holds it (its name-server connect is held by a partition that heals at
// 2000 ms), a send's route lookup waits for it (tryLock up to 3000 ms) and goes on once the poll is done.
TEST_F(ClientScheduling, SendRouteLookupWaitsForThePollHoldingTheNameServerLock) {
  make();
  cluster_->sim().network().partition(SimCluster::kClientHost, "10.0.0.100", true, runtime::millis(2000));
  start();
  run_to(100);
  std::optional<SendOutcome> out;
  int64_t done_at = -1;
  producer_->send(Message::make("TopicTest", "hello"), [&](SendOutcome o) {
    out = std::move(o);
    done_at = cluster_->now_ms();
  });
  run_to(1999);
  EXPECT_FALSE(out.has_value());
  ASSERT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 10'000));
  ASSERT_TRUE(std::holds_alternative<SendResult>(*out)) << std::get<client::ClientError>(*out).message;
  EXPECT_EQ(done_at, 2000);
  EXPECT_EQ(runs(kRoutes), 1u);
}

}  // namespace
}  // namespace rmq::sim
