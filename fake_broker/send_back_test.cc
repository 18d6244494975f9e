// Send-back and delayed delivery in the simulator: a delay level lands in %RETRY%<group> exactly when its delay
// has passed (the real ScheduleMessageService polls every 100 ms), level 0 means 3 + reconsumeTimes, and a
// negative level or the maximum reached goes to %DLQ%<group> at once. Delays survive a crash that keeps the store.
#include "fake_broker/broker_test_util.h"

namespace rmq::fake::test {
namespace {

class SendBack : public BrokerFixture {
 protected:
  int64_t store_one(RawConnection& c) {
    auto sent = call(c, send_request(kTopic, 0, "retry-me"));
    auto id = protocol::decode_offset_msg_id(std::string(*sent->ext("msgId")));
    return id.value().commit_log_offset;
  }
  RemotingCommand send_back(int64_t offset, int32_t level, int32_t max_times = 16) {
    return remoting::make_request(rc::kConsumerSendMsgBack, next_opaque_++,
                                  {{"offset", std::to_string(offset)}, {"group", "G"},
                                   {"delayLevel", std::to_string(level)}, {"maxReconsumeTimes", std::to_string(max_times)}});
  }
};

TEST_F(SendBack, DelayLevelDeliversIntoTheRetryTopicExactlyOnTime) {
  auto c = connect();
  int64_t offset = store_one(*c);
  ASSERT_EQ(call(*c, send_back(offset, 2))->code, 0);  // level 2 = 5 s
  EXPECT_EQ(broker_->max_offset("SCHEDULE_TOPIC_XXXX", 1), 1);
  env_->run_for(4999);
  EXPECT_EQ(broker_->max_offset("%RETRY%G", 0), 0);
  env_->run_for(1);
  EXPECT_EQ(broker_->max_offset("%RETRY%G", 0), 1);
  auto pulled = call(*c, remoting::make_request(rc::kPullMessage, next_opaque_++,
                                                {{"consumerGroup", "G"}, {"topic", "%RETRY%G"}, {"queueId", "0"},
                                                 {"queueOffset", "0"}, {"maxMsgNums", "32"}, {"sysFlag", "4"},
                                                 {"commitOffset", "0"}, {"suspendTimeoutMillis", "0"},
                                                 {"subscription", "*"}, {"subVersion", "0"}}));
  ASSERT_TRUE(pulled && pulled->code == 0);
  auto msgs = protocol::decode_stored_messages(pulled->body);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].body, "retry-me");
  EXPECT_EQ(msgs[0].reconsume_times, 1);
  EXPECT_EQ(protocol::find_property(msgs[0].properties, "RETRY_TOPIC"), kTopic);
  EXPECT_EQ(protocol::find_property(msgs[0].properties, "REAL_TOPIC"), "%RETRY%G");
}

TEST_F(SendBack, LevelZeroMeansThreePlusReconsumeTimes) {
  auto c = connect();
  ASSERT_EQ(call(*c, send_back(store_one(*c), 0))->code, 0);
  EXPECT_EQ(broker_->max_offset("SCHEDULE_TOPIC_XXXX", 2), 1) << "level 3 = queue 2";
}

TEST_F(SendBack, NegativeLevelOrMaximumGoesToTheDlqAtOnce) {
  auto c = connect();
  int64_t offset = store_one(*c);
  ASSERT_EQ(call(*c, send_back(offset, -1))->code, 0);
  ASSERT_EQ(call(*c, send_back(offset, 1, 0))->code, 0);
  EXPECT_EQ(broker_->max_offset("%DLQ%G", 0), 2);
  EXPECT_TRUE(broker_->has_topic("%DLQ%G"));
}

TEST_F(SendBack, UnknownOffsetIsRefused) {
  auto c = connect();
  auto answer = call(*c, send_back(999999999, 1));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, 1);
  EXPECT_EQ(answer->remark, "look message by offset failed, 999999999");
}

TEST_F(SendBack, PendingDelaysSurviveACrashThatKeepsTheStore) {
  auto c = connect();
  ASSERT_EQ(call(*c, send_back(store_one(*c), 1))->code, 0);
  broker_->crash();
  env_->run_for(2000);
  EXPECT_EQ(broker_->max_offset("%RETRY%G", 0), 0) << "nothing delivered while down";
  ASSERT_TRUE(broker_->restart().ok());
  env_->run_for(10);
  EXPECT_EQ(broker_->max_offset("%RETRY%G", 0), 1) << "overdue delivery right after the restart";
}

}  // namespace
}  // namespace rmq::fake::test
