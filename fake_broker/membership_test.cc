// Consumer groups in the simulator: NOTIFY_CONSUMER_IDS_CHANGED goes to every channel of a group when a channel
// joins or the topic set changes, and to the remaining ones when a member unregisters or its connection closes;
// an unchanged heartbeat pushes nothing. Also the retry topic a heartbeat creates and the 38 answers.
#include "core/protocol/consumer_list.h"
#include "fake_broker/broker_test_util.h"

namespace rmq::fake::test {
namespace {

class Membership : public BrokerFixture {};

TEST_F(Membership, JoinsLeavesAndTopicChangesNotifyTheGroup) {
  auto m1 = connect();
  auto m2 = connect();
  ASSERT_TRUE(call(*m1, heartbeat_request("c1", "G", {kTopic})).has_value());
  EXPECT_EQ(count_pushes(*m1), 1) << "a new member's own channel is notified too";
  ASSERT_TRUE(call(*m1, heartbeat_request("c1", "G", {kTopic})).has_value());
  EXPECT_EQ(count_pushes(*m1), 0) << "nothing changed";

  ASSERT_TRUE(call(*m2, heartbeat_request("c2", "G", {kTopic})).has_value());
  EXPECT_EQ(count_pushes(*m1), 1);
  EXPECT_EQ(count_pushes(*m2), 1);
  EXPECT_EQ(broker_->consumer_ids("G"), (std::vector<std::string>{"c1", "c2"}));

  ASSERT_TRUE(call(*m2, heartbeat_request("c2", "G", {kTopic, "%RETRY%G"})).has_value());
  EXPECT_EQ(count_pushes(*m1), 1) << "the group's topic set changed";
  EXPECT_EQ(count_pushes(*m2), 1);

  auto unregister = remoting::make_request(rc::kUnregisterClient, next_opaque_++,
                                           {{"clientID", "c2"}, {"consumerGroup", "G"}});
  auto answer = call(*m2, unregister);
  ASSERT_TRUE(answer && answer->code == 0);
  EXPECT_EQ(count_pushes(*m1), 1);
  EXPECT_EQ(count_pushes(*m2), 0);
  EXPECT_EQ(broker_->consumer_ids("G"), (std::vector<std::string>{"c1"}));

  ASSERT_TRUE(call(*m2, heartbeat_request("c2", "G", {kTopic})).has_value());
  EXPECT_EQ(count_pushes(*m1), 1);
  EXPECT_EQ(count_pushes(*m2), 1);
  m2->close();
  EXPECT_EQ(count_pushes(*m1), 1) << "a member's close notifies the rest";
  EXPECT_EQ(broker_->consumer_ids("G"), (std::vector<std::string>{"c1"}));
  EXPECT_EQ(broker_->stats().notifications, 9u);
}

TEST_F(Membership, PushedFrameIsOnewayJsonWithTheGroup) {
  auto m1 = connect();
  ASSERT_TRUE(call(*m1, heartbeat_request("c1", "G", {kTopic})).has_value());
  env_->run_for(50);
  auto push = m1->next_command(0);
  ASSERT_TRUE(push.has_value());
  EXPECT_EQ(push->code, 40);
  EXPECT_TRUE(push->is_oneway());
  EXPECT_FALSE(push->is_response());
  EXPECT_EQ(push->header_serialize, SerializeType::kJson);
  EXPECT_EQ(push->ext("consumerGroup"), "G");
}

TEST_F(Membership, HeartbeatCreatesTheRetryTopicAndListAnswersMembers) {
  auto m1 = connect();
  EXPECT_FALSE(broker_->has_topic("%RETRY%G"));
  ASSERT_TRUE(call(*m1, heartbeat_request("c1", "G", {kTopic})).has_value());
  EXPECT_TRUE(broker_->has_topic("%RETRY%G"));
  auto list = call(*m1, remoting::make_request(rc::kGetConsumerListByGroup, next_opaque_++, {{"consumerGroup", "G"}}));
  ASSERT_TRUE(list && list->code == 0);
  EXPECT_EQ(protocol::parse_consumer_id_list(list->body).value(), (std::vector<std::string>{"c1"}));
  m1->close();
  env_->run_for(50);
  auto other = connect();
  auto gone = call(*other, remoting::make_request(rc::kGetConsumerListByGroup, next_opaque_++, {{"consumerGroup", "G"}}));
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->code, 1);
  EXPECT_EQ(gone->remark, "no consumer for this group, G");
}

}  // namespace
}  // namespace rmq::fake::test
