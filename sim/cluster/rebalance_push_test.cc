// RebalancePushImpl in the simulator: where consumption starts (computePullFromWhereWithException, spec §6.8,
// the RebalancePushImplTest cases with a real broker behind them) and the per-topic pull thresholds (§7.3).
#include <gtest/gtest.h>

#include "sim/cluster/sim_cluster.h"

namespace rmq::sim {
namespace {

using consumer::PushConsumer;
using protocol::ConsumeFromWhere;

class RebalancePush : public ::testing::Test {
 protected:
  void SetUp() override {
    ClusterOptions options;
    options.brokers = 1;
    options.topics = {{"TopicTest", 2}};
    // A new group's QUERY_CONSUMER_OFFSET gets 22 QUERY_NOT_FOUND, so readOffset gives -1 (4.9.8).
    options.customize_broker = [](int, fake::BrokerOptions& b) { b.new_group_offset_zero = false; };
    cluster_ = std::make_unique<SimCluster>(options);
    producer_ = cluster_->make_producer(cluster_->producer_options("PG"));
    ASSERT_FALSE(producer_->start().has_value());
    for (int i = 0; i < 6; ++i) {
      bool done = false;
      producer_->send(producer::Message::make("TopicTest", "m"), [&](producer::SendOutcome) { done = true; });
      ASSERT_TRUE(cluster_->run_until([&] { return done; }, 10'000));
    }
  }

  std::unique_ptr<PushConsumer> consumer(const std::string& group, ConsumeFromWhere where) {
    auto options = cluster_->consumer_options(group, "TopicTest");
    options.consume_from_where = where;
    options.consume_timestamp = "20000101000000";  // before every message
    auto c = cluster_->make_consumer(options);
    c->register_listener(consumer::ConcurrentlyListener(
        [](const std::vector<consumer::MessageExt>&, consumer::ConsumeConcurrentlyContext&,
           std::function<void(consumer::ConsumeConcurrentlyStatus)>) {}));  // never answers: nothing commits
    EXPECT_FALSE(c->start().has_value());
    cluster_->run_for(100);
    return c;
  }

  std::optional<int64_t> start_offset(PushConsumer& c, const client::MessageQueue& mq) {
    std::optional<std::optional<int64_t>> out;
    c.rebalance().compute_pull_from_where(mq, [&](std::optional<int64_t> offset) { out = offset; });
    EXPECT_TRUE(cluster_->run_until([&] { return out.has_value(); }, 20'000));
    return out.value_or(std::nullopt);
  }

  void store_offset(PushConsumer& c, const client::MessageQueue& mq, int64_t offset) {
    c.offset_store()->update_offset(mq, offset, false);
    c.offset_store()->persist(mq);
    c.offset_store()->remove_offset(mq);
    cluster_->run_for(100);
  }

  client::MessageQueue queue0{"TopicTest", "broker-0", 0};
  client::MessageQueue retry0(const std::string& group) { return {"%RETRY%" + group, "broker-0", 0}; }
  int64_t max_offset() { return cluster_->broker(0).max_offset("TopicTest", 0); }

  std::unique_ptr<SimCluster> cluster_;
  std::unique_ptr<producer::Producer> producer_;
};

TEST_F(RebalancePush, StoredOffsetWinsForEveryStartPoint) {
  for (auto [group, where] : {std::pair{"CG_LAST", ConsumeFromWhere::kConsumeFromLastOffset},
                              std::pair{"CG_FIRST", ConsumeFromWhere::kConsumeFromFirstOffset},
                              std::pair{"CG_TS", ConsumeFromWhere::kConsumeFromTimestamp}}) {
    auto c = consumer(group, where);
    store_offset(*c, queue0, 2);
    EXPECT_EQ(start_offset(*c, queue0), 2) << group;
  }
}

TEST_F(RebalancePush, NoStoredOffsetLastStartsAtMaxOrZeroForRetry) {
  ASSERT_GT(max_offset(), 0);
  auto c = consumer("CG_LAST", ConsumeFromWhere::kConsumeFromLastOffset);
  EXPECT_EQ(start_offset(*c, queue0), max_offset());
  EXPECT_EQ(start_offset(*c, retry0("CG_LAST")), 0);
}

TEST_F(RebalancePush, NoStoredOffsetFirstStartsAtZero) {
  auto c = consumer("CG_FIRST", ConsumeFromWhere::kConsumeFromFirstOffset);
  EXPECT_EQ(start_offset(*c, queue0), 0);
  EXPECT_EQ(start_offset(*c, retry0("CG_FIRST")), 0);
}

TEST_F(RebalancePush, NoStoredOffsetTimestampSearchesOrTakesMaxForRetry) {
  auto c = consumer("CG_TS", ConsumeFromWhere::kConsumeFromTimestamp);
  EXPECT_EQ(start_offset(*c, queue0), 0) << "SEARCH_OFFSET_BY_TIMESTAMP before every message";
  EXPECT_EQ(start_offset(*c, retry0("CG_TS")), cluster_->broker(0).max_offset("%RETRY%CG_TS", 0));
}

TEST_F(RebalancePush, StoreErrorGivesMinusOneAndTheQueueWaits) {
  auto c = consumer("CG_ERR", ConsumeFromWhere::kConsumeFromFirstOffset);
  fake::BrokerFaults faults;
  fake::FaultRule rule;
  rule.request_code = 14;  // QUERY_CONSUMER_OFFSET never answered: a RemotingException, readOffset -2
  rule.action = fake::FaultAction::kNoAnswer;
  faults.rules.push_back(rule);
  cluster_->broker(0).set_faults(faults);
  EXPECT_EQ(start_offset(*c, queue0), -1);
}

// messageQueueChanged: pullThresholdForTopic 1024 over 2 queues -> 512 per queue, over 3 -> 341 (spec §7.3).
TEST(RebalancePushThresholds, TopicThresholdIsSharedByTheOwnedQueues) {
  for (auto [queues, expected] : {std::pair{2, 512}, std::pair{3, 341}}) {
    ClusterOptions options;
    options.brokers = 1;
    options.topics = {{"TopicTest", queues}};
    SimCluster cluster(options);
    auto opts = cluster.consumer_options("CG", "TopicTest");
    opts.message_model = protocol::MessageModel::kBroadcasting;  // no retry topic
    opts.pull_threshold_for_topic = 1024;
    auto c = cluster.make_consumer(opts);
    c->register_listener(consumer::ConcurrentlyListener(
        [](const std::vector<consumer::MessageExt>&, consumer::ConsumeConcurrentlyContext&,
           std::function<void(consumer::ConsumeConcurrentlyStatus)> done) {
          done(consumer::ConsumeConcurrentlyStatus::kConsumeSuccess);
        }));
    ASSERT_FALSE(c->start().has_value());
    ASSERT_TRUE(cluster.run_until([&] { return c->rebalance().process_queue_table().size() == size_t(queues); }, 30'000));
    EXPECT_EQ(c->options().pull_threshold_for_queue, expected) << queues << " queues";
  }
}

}  // namespace
}  // namespace rmq::sim
