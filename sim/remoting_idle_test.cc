// Idle connections at a RemotingServer: closed after idle_timeout_ms with no byte read or written, as the real
// 4.9.8 servers close them after ~120 s (captures/real-4.9.8/idle.jsonl); any activity postpones it.
#include <gtest/gtest.h>

#include <optional>

#include "core/remoting/remoting_server.h"
#include "sim/sim_runtime.h"

namespace rmq::remoting {
namespace {

using runtime::millis;

class IdleServer : public ::testing::Test {
 protected:
  IdleServer() : server_(sim_) {
    server_.dispatcher().register_handler(105, [](const RequestContext&, RemotingCommand r, Responder respond) {
      respond(make_response(r, 0));
    });
    server_.on_connection_closed([this](const ChannelPtr&, runtime::CloseReason r) { server_saw_ = r; });
    EXPECT_TRUE(server_.start("server:9876").ok());
  }

  // Connects a raw client; returns when connected.
  runtime::ConnectionPtr connect() {
    std::optional<Result<runtime::ConnectionPtr>> result;
    sim_.connect("server:9876", millis(3000), [&](auto r) { result = std::move(r); });
    sim_.run_until([&] { return result.has_value(); }, sim_.now() + millis(5000));
    EXPECT_TRUE(result && result->ok());
    auto conn = result->value();
    conn->start({[](ByteView) {}, [this](runtime::CloseReason r) {
                   client_saw_ = r;
                   client_closed_at_ = sim_.now();
                 }});
    return conn;
  }

  Bytes request_frame() { return encode_frame(make_request(105, 1, {{"topic", "TBW102"}})); }

  sim::SimRuntime sim_;
  RemotingServer server_;
  std::optional<runtime::CloseReason> client_saw_;
  std::optional<runtime::CloseReason> server_saw_;
  runtime::Micros client_closed_at_ = -1;
};

TEST_F(IdleServer, SilentConnectionIsClosedAfter120Seconds) {
  auto conn = connect();
  runtime::Micros connected = sim_.now();
  sim_.run_for(millis(119'000));
  EXPECT_FALSE(client_saw_.has_value());
  sim_.run_for(millis(2'000));
  ASSERT_TRUE(client_saw_.has_value());
  EXPECT_EQ(*client_saw_, runtime::CloseReason::kPeerClosed);
  EXPECT_GE(client_closed_at_, connected + millis(120'000));
  EXPECT_EQ(server_saw_, runtime::CloseReason::kLocal);
  EXPECT_EQ(server_.stats().idle_closed, 1u);
  EXPECT_EQ(server_.connection_count(), 0u);
}

TEST_F(IdleServer, PartialFrameThenSilenceIsClosedTooAndRequestsPostponeIt) {
  auto conn = connect();
  Bytes frame = request_frame();
  for (int i = 0; i < 5; ++i) {  // a request every 100 s keeps the connection: each answer is activity
    sim_.run_for(millis(100'000));
    conn->send(frame);
  }
  sim_.run_for(millis(100'000));
  EXPECT_FALSE(client_saw_.has_value()) << "active every 100 s for 500 s";
  conn->send(ByteView(frame).substr(0, 10));  // a partial frame, then silence
  runtime::Micros partial = sim_.now();
  sim_.run_for(millis(125'000));
  ASSERT_TRUE(client_saw_.has_value());
  EXPECT_GE(client_closed_at_, partial + millis(120'000));
  EXPECT_LT(client_closed_at_, partial + millis(121'000));
}

TEST_F(IdleServer, ZeroKeepsIdleConnections) {
  RemotingServerOptions options;
  options.idle_timeout_ms = 0;
  RemotingServer keep(sim_, options);
  ASSERT_TRUE(keep.start("server:9877").ok());
  std::optional<Result<runtime::ConnectionPtr>> result;
  sim_.connect("server:9877", millis(3000), [&](auto r) { result = std::move(r); });
  sim_.run_for(millis(1000));
  ASSERT_TRUE(result && result->ok());
  sim_.run_for(millis(600'000));
  EXPECT_EQ(keep.connection_count(), 1u);
  EXPECT_EQ(keep.stats().idle_closed, 0u);
}

}  // namespace
}  // namespace rmq::remoting
