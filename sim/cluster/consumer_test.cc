// The push consumer against the fake brokers in the simulator: delivery, rebalance between members, offsets,
// reconsume-later through the retry topic, tag filtering, broadcasting and orderly consumption.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sim/cluster/sim_cluster.h"

namespace rmq::sim {
namespace {

using consumer::ConsumeConcurrentlyContext;
using consumer::ConsumeConcurrentlyStatus;
using consumer::MessageExt;
using consumer::PushConsumer;
using producer::Message;

class ConsumerSim : public ::testing::Test {
 protected:
  void SetUp() override { cluster_ = std::make_unique<SimCluster>(); }

  // Sends `count` messages synchronously; returns their msgIds (UNIQ_KEY).
  std::vector<std::string> produce(int count, const std::string& topic = "TopicTest", const std::string& tags = "") {
    if (!producer_) {
      producer_ = cluster_->make_producer(cluster_->producer_options("PG"));
      EXPECT_FALSE(producer_->start().has_value());
    }
    std::vector<std::string> ids;
    for (int i = 0; i < count; ++i) {
      bool done = false;
      producer_->send(Message::make(topic, "body-" + std::to_string(i), tags, "key-" + std::to_string(i)),
                      [&](producer::SendOutcome outcome) {
                        if (auto* r = std::get_if<producer::SendResult>(&outcome)) ids.push_back(r->msg_id);
                        done = true;
                      });
      EXPECT_TRUE(cluster_->run_until([&] { return done; }, 10'000));
    }
    return ids;
  }

  std::unique_ptr<PushConsumer> start_consumer(consumer::PushConsumerOptions options, const std::string& host,
                                               std::multiset<std::string>* received) {
    auto c = cluster_->make_consumer(std::move(options), host);
    c->register_listener(consumer::ConcurrentlyListener(
        [received](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&,
                   std::function<void(ConsumeConcurrentlyStatus)> done) {
          for (const auto& m : msgs) received->insert(m.msg_id());
          done(ConsumeConcurrentlyStatus::kConsumeSuccess);
        }));
    auto error = c->start();
    EXPECT_FALSE(error.has_value()) << error->message;
    return c;
  }

  std::unique_ptr<SimCluster> cluster_;
  std::unique_ptr<producer::Producer> producer_;
};

TEST_F(ConsumerSim, OneConsumerReceivesEverything) {
  auto ids = produce(20);
  std::multiset<std::string> received;
  auto options = cluster_->consumer_options("CG", "TopicTest");
  options.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
  auto c = start_consumer(options, SimCluster::kClientHost, &received);
  // Routes, a heartbeat, then the first rebalance at once. The rebalance bumps subVersion and heartbeats again;
  // pulls that reach a broker before that heartbeat get 25 SUBSCRIPTION_NOT_LATEST and retry 1 s later, as
  // Java's do. So everything arrives within about a second.
  ASSERT_TRUE(cluster_->run_until([&] { return received.size() >= ids.size(); }, 1100)) << received.size();
  for (const auto& id : ids) EXPECT_EQ(received.count(id), 1u) << id;
  EXPECT_EQ(c->rebalance().process_queue_table().size(), 10u) << "8 queues of TopicTest + 1 of %RETRY%CG per broker";
}

TEST_F(ConsumerSim, TwoMembersSplitTheQueuesAndCommitOffsets) {
  auto ids = produce(40);
  std::multiset<std::string> a, b;
  auto ca = start_consumer(cluster_->consumer_options("CG", "TopicTest", "*", "10.0.1.1"), "10.0.1.1", &a);
  auto cb = start_consumer(cluster_->consumer_options("CG", "TopicTest", "*", "10.0.1.2"), "10.0.1.2", &b);
  ASSERT_TRUE(cluster_->run_until([&] { return a.size() + b.size() >= ids.size(); }, 120'000))
      << a.size() << " + " << b.size();
  EXPECT_GT(a.size(), 0u);
  EXPECT_GT(b.size(), 0u);
  cluster_->run_for(30'000);  // two rebalances agree, offsets persisted
  std::set<client::MessageQueue> owned_a, owned_b;
  for (const auto& [mq, pq] : ca->rebalance().process_queue_table()) if (mq.topic == "TopicTest") owned_a.insert(mq);
  for (const auto& [mq, pq] : cb->rebalance().process_queue_table()) if (mq.topic == "TopicTest") owned_b.insert(mq);
  EXPECT_EQ(owned_a.size(), 4u);
  EXPECT_EQ(owned_b.size(), 4u);
  for (const auto& mq : owned_a) EXPECT_FALSE(owned_b.contains(mq));
  for (int broker = 0; broker < 2; ++broker)
    for (int q = 0; q < 4; ++q) {
      auto committed = cluster_->broker(broker).consumer_offset("CG", "TopicTest", q);
      ASSERT_TRUE(committed.has_value());
      EXPECT_EQ(*committed, cluster_->broker(broker).max_offset("TopicTest", q));
    }
}

TEST_F(ConsumerSim, ReconsumeLaterRedeliversThroughTheRetryTopic) {
  auto ids = produce(3);
  std::map<std::string, int> seen;
  std::map<std::string, std::string> topic_seen;
  auto options = cluster_->consumer_options("CG", "TopicTest");
  options.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
  auto c = cluster_->make_consumer(options);
  c->register_listener(consumer::ConcurrentlyListener(
      [&](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&,
          std::function<void(ConsumeConcurrentlyStatus)> done) {
        int n = ++seen[msgs[0].msg_id()];
        topic_seen[msgs[0].msg_id()] = msgs[0].topic();
        done(n == 1 ? ConsumeConcurrentlyStatus::kReconsumeLater : ConsumeConcurrentlyStatus::kConsumeSuccess);
      }));
  ASSERT_FALSE(c->start().has_value());
  ASSERT_TRUE(cluster_->run_until(
      [&] {
        for (const auto& id : ids)
          if (seen[id] < 2) return false;
        return true;
      },
      120'000));
  for (const auto& id : ids) {
    EXPECT_EQ(seen[id], 2) << id;
    EXPECT_EQ(topic_seen[id], "TopicTest") << "the original topic is restored on redelivery";
  }
}

TEST_F(ConsumerSim, TagFilterDeliversOnlyMatchingTags) {
  auto a = produce(5, "TopicTest", "TagA");
  auto b = produce(5, "TopicTest", "TagB");
  std::multiset<std::string> received;
  auto options = cluster_->consumer_options("CG", "TopicTest", "TagA");
  options.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
  auto c = start_consumer(options, SimCluster::kClientHost, &received);
  cluster_->run_for(60'000);
  EXPECT_EQ(received.size(), 5u);
  for (const auto& id : a) EXPECT_EQ(received.count(id), 1u);
}

TEST_F(ConsumerSim, ShutdownPersistsOffsetsAndUnregisters) {
  auto ids = produce(10);
  std::multiset<std::string> received;
  auto options = cluster_->consumer_options("CG", "TopicTest");
  auto c = start_consumer(options, SimCluster::kClientHost, &received);
  ASSERT_TRUE(cluster_->run_until([&] { return received.size() >= ids.size(); }, 60'000));
  bool down = false;
  c->shutdown([&] { down = true; });
  ASSERT_TRUE(cluster_->run_until([&] { return down; }, 30'000));
  cluster_->run_for(10);
  EXPECT_TRUE(cluster_->broker(0).consumer_ids("CG").empty());
  int64_t committed = 0;
  for (int broker = 0; broker < 2; ++broker)
    for (int q = 0; q < 4; ++q) committed += cluster_->broker(broker).consumer_offset("CG", "TopicTest", q).value_or(0);
  EXPECT_EQ(committed, 10);
}

TEST_F(ConsumerSim, BroadcastingDeliversEverythingToEveryMember) {
  auto ids = produce(12);
  std::multiset<std::string> a, b;
  auto options_a = cluster_->consumer_options("CG_B", "TopicTest", "*", "10.0.1.1");
  auto options_b = cluster_->consumer_options("CG_B", "TopicTest", "*", "10.0.1.2");
  for (auto* o : {&options_a, &options_b}) {
    o->message_model = protocol::MessageModel::kBroadcasting;
    o->consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
  }
  auto ca = start_consumer(options_a, "10.0.1.1", &a);
  auto cb = start_consumer(options_b, "10.0.1.2", &b);
  ASSERT_TRUE(cluster_->run_until([&] { return a.size() >= ids.size() && b.size() >= ids.size(); }, 60'000));
  for (const auto& id : ids) {
    EXPECT_EQ(a.count(id), 1u);
    EXPECT_EQ(b.count(id), 1u);
  }
  EXPECT_EQ(ca->rebalance().process_queue_table().size(), 8u) << "every queue, no retry topic";
  cluster_->run_for(6000);  // persistAll writes the local offsets
  auto offsets = ca->offset_store()->clone_offset_table("TopicTest");
  int64_t sum = 0;
  for (const auto& [mq, offset] : offsets) sum += offset;
  EXPECT_EQ(sum, 12);
}

TEST_F(ConsumerSim, OrderlyConsumerKeepsQueueOrderAndRetriesASuspendedBatch) {
  auto ids = produce(24);
  std::map<client::MessageQueue, std::vector<int64_t>> order;
  std::set<std::string> suspended_once;
  int64_t first_suspend_ms = -1, redelivered_ms = -1;
  std::string suspended_id;
  auto options = cluster_->consumer_options("CG_O", "TopicTest");
  options.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
  auto c = cluster_->make_consumer(options);
  c->register_listener(consumer::OrderlyListener([&](const std::vector<MessageExt>& msgs, consumer::ConsumeOrderlyContext&,
                                                     std::function<void(consumer::ConsumeOrderlyStatus)> done) {
    const auto& m = msgs[0];
    if (suspended_id.empty()) {
      suspended_id = m.msg_id();
      first_suspend_ms = cluster_->now_ms();
      return done(consumer::ConsumeOrderlyStatus::kSuspendCurrentQueueAMoment);
    }
    if (m.msg_id() == suspended_id && redelivered_ms < 0) redelivered_ms = cluster_->now_ms();
    order[m.queue()].push_back(m.queue_offset());
    done(consumer::ConsumeOrderlyStatus::kSuccess);
  }));
  ASSERT_FALSE(c->start().has_value());
  ASSERT_TRUE(cluster_->run_until(
      [&] {
        size_t n = 0;
        for (const auto& [mq, offsets] : order) n += offsets.size();
        return n >= ids.size();
      },
      120'000));
  for (const auto& [mq, offsets] : order) {
    for (size_t i = 1; i < offsets.size(); ++i) EXPECT_EQ(offsets[i], offsets[i - 1] + 1) << client::to_string(mq);
  }
  EXPECT_EQ(redelivered_ms - first_suspend_ms, 1000) << "suspendCurrentQueueTimeMillis";
}

TEST_F(ConsumerSim, OffsetIllegalDropsTheQueueThenResumesFromTheBrokersOffset) {
  auto ids = produce(8);
  std::multiset<std::string> received;
  // A stored offset past the end of every queue: the broker answers the first pulls with an offset it accepts.
  {
    auto probe = cluster_->make_consumer(cluster_->consumer_options("CG_X", "TopicTest"), "10.0.1.9");
    probe->register_listener(consumer::ConcurrentlyListener(
        [](const std::vector<MessageExt>&, ConsumeConcurrentlyContext&, std::function<void(ConsumeConcurrentlyStatus)>) {}));
    ASSERT_FALSE(probe->start().has_value());
    cluster_->run_for(100);
    for (int b = 0; b < 2; ++b)
      for (int q = 0; q < 4; ++q) {
        client::MessageQueue mq{"TopicTest", SimCluster::broker_name(b), q};
        probe->offset_store()->update_offset(mq, 1000, false);
        probe->offset_store()->persist(mq);
      }
    cluster_->run_for(100);
    bool down = false;
    probe->shutdown([&] { down = true; });
    ASSERT_TRUE(cluster_->run_until([&] { return down; }, 30'000));
  }
  std::vector<std::string> statuses;
  auto c = cluster_->make_consumer(cluster_->consumer_options("CG_X", "TopicTest"));
  c->set_observer([&](const consumer::ConsumerEvent& e) {
    if (e.type == consumer::ConsumerEventType::kPullResult && e.queue.topic == "TopicTest") statuses.push_back(e.status);
  });
  c->register_listener(consumer::ConcurrentlyListener(
      [&](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&,
          std::function<void(ConsumeConcurrentlyStatus)> done) {
        for (const auto& m : msgs) received.insert(m.msg_id());
        done(ConsumeConcurrentlyStatus::kConsumeSuccess);
      }));
  ASSERT_FALSE(c->start().has_value());
  cluster_->run_for(60'000);
  EXPECT_NE(std::find(statuses.begin(), statuses.end(), "OFFSET_ILLEGAL"), statuses.end());
  EXPECT_EQ(received.size(), 0u) << "the broker's corrected offset is the queue's end: nothing is redelivered";
  auto more = produce(4);
  ASSERT_TRUE(cluster_->run_until([&] { return received.size() >= more.size(); }, 60'000));
}

}  // namespace
}  // namespace rmq::sim
