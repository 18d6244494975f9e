// The nameserver's log (NameServerOptions::log, `rmqsim serve --log-requests`), in the simulator: exactly one line
// per request (remote address, code and name, opaque, the answer's code, or why there is none) and one line per
// connection closed for a malformed frame, naming the client, the byte offset and the decoder's reason.
#include <gtest/gtest.h>

#include "core/remoting/frame_codec.h"
#include "fake_nameserver/name_server.h"
#include "sim/remoting_harness.h"
#include "testutil/capture_replay.h"

namespace rmq::fake {
namespace {

class NameServerLog : public ::testing::Test {
 protected:
  void SetUp() override {
    NameServerOptions options;
    options.log = [this](const std::string& line) { logs_.push_back(line); };
    ns_ = std::make_unique<FakeNameServer>(harness_.runtime(), options);
    ASSERT_TRUE(ns_->start(harness_.server_listen_address()).ok());
    conn_ = testutil::RawConnection::connect_and_wait(harness_.runtime(), ns_->address(), run_until_);
    ASSERT_TRUE(conn_);
    prefix_ = "namesrv " + ns_->address() + ": ";
  }

  void send(const remoting::RemotingCommand& request) {
    ASSERT_TRUE(conn_->send(remoting::encode_frame(request)));
    harness_.run_until([] { return false; }, 100);
  }

  std::string all_logs() const {
    std::string out;
    for (const auto& l : logs_) out += "  " + l + "\n";
    return out;
  }

  testing::SimHarness harness_;
  testutil::RunUntil run_until_ = [this](const std::function<bool()>& done, int64_t ms) {
    return harness_.run_until(done, ms);
  };
  std::unique_ptr<FakeNameServer> ns_;
  std::unique_ptr<testutil::RawConnection> conn_;
  std::vector<std::string> logs_;
  std::string prefix_;
};

TEST_F(NameServerLog, OneLinePerRequestAnsweredOrNot) {
  const std::string from = conn_->local_address();
  send(remoting::make_request(105, 5, {{"topic", "Nope"}}));
  ASSERT_EQ(logs_.size(), 1u) << all_logs();
  EXPECT_EQ(logs_[0], prefix_ + "105 GET_ROUTEINFO_BY_TOPIC opaque=5 v409 JSON from " + from +
                          " topic=Nope -> 17 TOPIC_NOT_EXIST");
  // A code the nameserver does not serve gets no answer (as 4.9.8), but still one line, with the code's name.
  send(remoting::make_request(310, 6, {}, remoting::SerializeType::kRocketMq));
  ASSERT_EQ(logs_.size(), 2u) << all_logs();
  EXPECT_EQ(logs_[1], prefix_ + "request code 310 SEND_MESSAGE_V2 (opaque 6, from " + from +
                          ") is not served by a 4.9.8 nameserver: no answer, connection kept open");
  EXPECT_EQ(conn_->frames().size(), 1u);
}

TEST_F(NameServerLog, MalformedFrameGivesOneLineWithClientOffsetAndReason) {
  const std::string from = conn_->local_address();
  ASSERT_TRUE(conn_->send(Bytes("GET / HTTP/1.1\r\n\r\n")));
  harness_.run_until([&] { return conn_->closed_by_peer(); }, 1000);
  ASSERT_TRUE(conn_->closed_by_peer());
  ASSERT_EQ(logs_.size(), 1u) << all_logs();
  EXPECT_EQ(logs_[0], prefix_ + "connection from " + from + " closed: malformed frame at byte 0: frame length word "
                          "1195725856 + 4 exceeds the 16777216-byte frame limit (frame_too_long)");
}

}  // namespace
}  // namespace rmq::fake
