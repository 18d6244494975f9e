// Where the fake knowingly differs from a real 4.9.8 broker, pinned down so a change is noticed. (Every captured
// exchange matches: conformance_test.cc; the long-poll timing deviation is ConformanceTiming there.)
#include "fake_broker/broker_test_util.h"

namespace rmq::fake::test {
namespace {

class Deviations : public BrokerFixture {};

// JDK 17 "helpful NPE" texts carry 4.9.8 source line numbers. The captured ones are reproduced exactly (e.g.
// PullMessageProcessor.java:241 for a missing queueOffset); for fields no capture covers, the frame names the
// method without a line number, since the real line is unknown.
TEST_F(Deviations, NpeTextOfAnUncapturedMissingFieldHasNoLineNumber) {
  auto c = connect();
  RemotingCommand pull = pull_request("G", 0, 0, protocol::pull_sys_flag::kSubscription, 0, "*", SerializeType::kRocketMq);
  pull.ext_fields->erase("maxMsgNums");
  auto answer = call(*c, pull);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, 1);
  EXPECT_EQ(answer->header_serialize, SerializeType::kJson) << "exception answers are JSON, as captured";
  EXPECT_EQ(answer->remark,
            "java.lang.NullPointerException: Cannot invoke \"java.lang.Integer.intValue()\" because the return value "
            "of \"org.apache.rocketmq.common.protocol.header.PullMessageRequestHeader.getMaxMsgNums()\" is null, "
            "org.apache.rocketmq.broker.processor.PullMessageProcessor.processRequest(PullMessageProcessor.java)");
}

// fastjson's message depends on where a body breaks; only the captured case (a body starting with 'n') is exact.
TEST_F(Deviations, MalformedHeartbeatOtherThanTheCapturedOneGetsAGenericFastjsonText) {
  auto c = connect();
  RemotingCommand hb = remoting::make_request(rc::kHeartBeat, next_opaque_++);
  hb.body = "{broken";
  auto answer = call(*c, hb);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->code, 1);
  EXPECT_EQ(answer->remark, "com.alibaba.fastjson.JSONException: syntax error, "
                            "com.alibaba.fastjson.parser.DefaultJSONParser.parse(DefaultJSONParser.java)");
}

// Java iterates group members in a ConcurrentHashMap keyed by Netty channels (run-dependent); the fake lists them
// in connection order.
TEST_F(Deviations, ConsumerIdsAreListedInConnectionOrder) {
  auto m1 = connect();
  auto m2 = connect();
  ASSERT_TRUE(call(*m2, heartbeat_request("joined-first", "G", {kTopic})).has_value());
  ASSERT_TRUE(call(*m1, heartbeat_request("connected-first", "G", {kTopic})).has_value());
  EXPECT_EQ(broker_->consumer_ids("G"), (std::vector<std::string>{"connected-first", "joined-first"}));
}

}  // namespace
}  // namespace rmq::fake::test
