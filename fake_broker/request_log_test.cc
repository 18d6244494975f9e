// The broker's log (BrokerOptions::log, `rmqsim serve --log-requests`), in the simulator: exactly one line per
// request — remote address, code and name, opaque, and the answer's code when it was answered at once — and one
// line per connection closed for a malformed frame, naming the client, the byte offset and the decoder's reason.
#include <gtest/gtest.h>

#include "fake_broker/broker_test_util.h"

namespace rmq::fake::test {
namespace {

namespace psf = protocol::pull_sys_flag;

class RequestLog : public BrokerFixture {
 public:
  void SetUp() override {
    BrokerOptions options;
    options.log = [this](const std::string& line) { logs_.push_back(line); };
    start(options);
  }

 protected:
  std::string all_logs() const {
    std::string out;
    for (const auto& l : logs_) out += "  " + l + "\n";
    return out;
  }
  std::vector<std::string> logs_;
};

TEST_F(RequestLog, OneLinePerRequestWithTheAnswerWhenImmediate) {
  auto c = connect();
  const std::string from = c->local_address();
  ASSERT_TRUE(call(*c, remoting::make_request(rc::kGetMaxOffset, 100, {{"topic", kTopic}, {"queueId", "0"}})));
  ASSERT_EQ(logs_.size(), 1u) << all_logs();
  EXPECT_EQ(logs_[0], "broker-a: 30 GET_MAX_OFFSET opaque=100 v409 JSON from " + from + " -> 0 SUCCESS");

  RemotingCommand oneway = send_request(kTopic, 0, "body");
  oneway.mark_oneway();
  c->send(oneway);
  env_->run_for(50);
  ASSERT_EQ(logs_.size(), 2u) << all_logs();
  EXPECT_EQ(logs_[1], "broker-a: 310 SEND_MESSAGE_V2 opaque=" + std::to_string(oneway.opaque) + " v409 JSON from " +
                          from + " oneway, not answered (handled: 0 SUCCESS)");

  // A pull held for long polling is answered later: its line is written at once, and the later answer adds none.
  RemotingCommand pull = pull_request("G", 1, 0, psf::kSuspend | psf::kSubscription, 1000, "*",
                                      SerializeType::kRocketMq);
  ASSERT_TRUE(call(*c, pull, 5000));
  ASSERT_EQ(logs_.size(), 3u) << all_logs();
  EXPECT_EQ(logs_[2], "broker-a: 11 PULL_MESSAGE opaque=" + std::to_string(pull.opaque) + " v409 ROCKETMQ from " +
                          from + " -> answered later or never");

  auto unknown = call(*c, remoting::make_request(9999, 101, {}, SerializeType::kRocketMq));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->code, 3);
  ASSERT_EQ(logs_.size(), 4u) << all_logs();
  EXPECT_EQ(logs_[3], "broker-a: 9999 opaque=101 v409 ROCKETMQ from " + from +
                          " -> 3 REQUEST_CODE_NOT_SUPPORTED (not implemented by the fake broker)");
}

TEST_F(RequestLog, AFaultIsPartOfTheRequestsOneLine) {
  BrokerFaults faults;
  FaultRule down;
  down.request_code = rc::kGetMaxOffset;
  down.response_code = 1;
  down.remark = "down";
  FaultRule silent;
  silent.request_code = rc::kGetMinOffset;
  silent.action = FaultAction::kNoAnswer;
  faults.rules = {down, silent};
  broker_->set_faults(faults);
  auto c = connect();
  const std::string from = c->local_address();
  ASSERT_TRUE(call(*c, remoting::make_request(rc::kGetMaxOffset, 7, {{"topic", kTopic}, {"queueId", "0"}})));
  c->send(remoting::make_request(rc::kGetMinOffset, 8, {{"topic", kTopic}, {"queueId", "0"}}));
  env_->run_for(100);
  ASSERT_EQ(logs_.size(), 2u) << all_logs();
  EXPECT_EQ(logs_[0], "broker-a: 30 GET_MAX_OFFSET opaque=7 v409 JSON from " + from +
                          " [fault respond-code] -> 1 SYSTEM_ERROR");
  EXPECT_EQ(logs_[1], "broker-a: 31 GET_MIN_OFFSET opaque=8 v409 JSON from " + from +
                          " [fault no-answer] -> answered later or never");
}

// The offset counts from the connection's first byte: after one well-formed request, a `[]` header (JSON that is
// not an object) is found where that second frame's header starts.
TEST_F(RequestLog, MalformedFrameGivesOneLineWithClientOffsetAndReason) {
  auto c = connect();
  const std::string from = c->local_address();
  Bytes first = remoting::encode_frame(remoting::make_request(rc::kGetMaxOffset, 1, {{"topic", kTopic}}));
  Bytes bad("\x00\x00\x00\x06\x00\x00\x00\x02[]", 10);
  c->send(first + bad);
  env_->run_until([&] { return c->closed(); }, 1000);
  ASSERT_TRUE(c->closed());
  ASSERT_EQ(logs_.size(), 2u) << all_logs();  // the request, then the close
  EXPECT_EQ(logs_[1], "broker-a: connection from " + from + " closed: malformed frame at byte " +
                          std::to_string(first.size() + 8) +
                          ": JSON header: the header is a JSON array, not an object (malformed_json_header)");
}

TEST_F(RequestLog, NoLogCallbackNoLines) {
  BrokerOptions options;  // no log: nothing to call, requests still served
  start(options);
  auto c = connect();
  auto r = call(*c, remoting::make_request(rc::kGetMaxOffset, 1, {{"topic", kTopic}, {"queueId", "0"}}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->code, 0);
  EXPECT_TRUE(logs_.empty());
}

}  // namespace
}  // namespace rmq::fake::test
