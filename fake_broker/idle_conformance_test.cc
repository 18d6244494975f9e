// captures/real-4.9.8/idle.jsonl against the fakes: a connection that sends nothing, a partial frame, or one
// request and then silence is closed by the server ~120 s after its last activity, as the real 4.9.8 nameserver
// and broker did (120028-120112 ms after the last write in the capture). In the simulator at the real timeout;
// over loopback with a short timeout, which exercises the same code on real sockets.
#include <gtest/gtest.h>

#include <optional>

#include "core/remoting/frame_codec.h"
#include "fake_broker/broker.h"
#include "fake_broker/test_env.h"
#include "testutil/corpus.h"

namespace rmq::fake {
namespace {

struct Observed {
  std::optional<runtime::CloseReason> closed;
  int64_t closed_at_ms = -1;
  Bytes received;
};

class IdleConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    env_ = std::make_unique<test::TestEnv>(GetParam());
    int64_t idle_ms = env_->simulated() ? 120'000 : 300;
    NameServerOptions ns_options;
    ns_options.idle_timeout_ms = idle_ms;
    ns_ = std::make_unique<FakeNameServer>(env_->runtime(), ns_options);
    ASSERT_TRUE(ns_->start(env_->listen_address("127.0.0.1:19876")).ok());
    BrokerOptions b;
    b.idle_timeout_ms = idle_ms;
    broker_ = std::make_unique<FakeBroker>(env_->runtime(), b);
    ASSERT_TRUE(broker_->start(env_->listen_address("127.0.0.1:20911")).ok());
    broker_->attach_name_server(ns_.get());
    idle_ms_ = idle_ms;
  }

  Observed replay(const std::string& address, const Bytes& request) {
    auto observed = std::make_shared<Observed>();
    std::optional<Result<runtime::ConnectionPtr>> conn;
    env_->runtime().connect(address, runtime::millis(3000), [&](auto r) { conn = std::move(r); });
    EXPECT_TRUE(env_->run_until([&] { return conn.has_value(); }, 5000));
    EXPECT_TRUE(conn->ok());
    auto c = conn->value();
    c->start({[observed](ByteView bytes) { observed->received.append(bytes); },
              [observed, this](runtime::CloseReason r) {
                observed->closed = r;
                observed->closed_at_ms = env_->now_ms();
              }});
    if (!request.empty()) c->send(request);
    last_write_ms_ = env_->now_ms();
    env_->run_until([&] { return observed->closed.has_value(); }, idle_ms_ + (env_->simulated() ? 30'000 : 5'000));
    return *observed;
  }

  std::unique_ptr<test::TestEnv> env_;
  std::unique_ptr<FakeNameServer> ns_;
  std::unique_ptr<FakeBroker> broker_;
  int64_t idle_ms_ = 0;
  int64_t last_write_ms_ = 0;
};

TEST_P(IdleConformance, IdleConnectionsAreClosedAsTheRealServersCloseThem) {
  size_t cases = 0;
  for (const auto& line : testutil::load_jsonl(testutil::spec_path("captures/real-4.9.8/idle.jsonl"))) {
    std::string name = testutil::string_field(line, "name");
    SCOPED_TRACE(name);
    bool to_broker = name.rfind("broker_", 0) == 0;
    Observed seen = replay(to_broker ? broker_->address() : ns_->address(), testutil::hex_field(line, "request_hex"));
    ASSERT_TRUE(seen.closed.has_value()) << "the real server closed it after ~120 s";
    EXPECT_EQ(*seen.closed, runtime::CloseReason::kPeerClosed);
    int64_t silent_for = seen.closed_at_ms - last_write_ms_;
    if (env_->simulated()) {  // virtual time: exact bounds
      EXPECT_GE(silent_for, idle_ms_);
      EXPECT_LT(silent_for, idle_ms_ + 1'000);
    } else {  // real time on a shared machine: the server counts from its accept, a little before our write
      EXPECT_GE(silent_for, idle_ms_ / 2) << "closed for idleness, not at once";
    }
    Bytes expected_response = testutil::hex_field(line, "response_hex");
    if (expected_response.empty()) {
      EXPECT_TRUE(seen.received.empty()) << "nothing was answered in the capture";
    } else {
      // The same answer (the route body depends on which brokers registered: compare the header).
      auto got = remoting::decode_frame_content(ByteView(seen.received).substr(4));
      auto want = remoting::decode_frame_content(ByteView(expected_response).substr(4));
      ASSERT_TRUE(std::holds_alternative<remoting::RemotingCommand>(got));
      EXPECT_EQ(std::get<remoting::RemotingCommand>(got).code, std::get<remoting::RemotingCommand>(want).code);
      EXPECT_EQ(std::get<remoting::RemotingCommand>(got).remark, std::get<remoting::RemotingCommand>(want).remark);
    }
    ++cases;
  }
  EXPECT_EQ(cases, 6u);
}

INSTANTIATE_TEST_SUITE_P(BothRuntimes, IdleConformance, ::testing::Values("sim", "asio"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace rmq::fake
