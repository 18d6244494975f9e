// The remoting request/response suite, run over the simulator and over real loopback sockets (AsioRuntime):
// the same assertions must hold on both runtimes.
#include <gtest/gtest.h>

#include <optional>

#include "core/remoting/remoting_client.h"
#include "core/remoting/remoting_server.h"
#include "sim/remoting_harness.h"

namespace rmq::remoting {
namespace {

using testing::RuntimeHarness;

constexpr int32_t kEcho = 1001;
constexpr int32_t kNeverAnswer = 1002;
constexpr int32_t kAnswerLater = 1003;
constexpr int32_t kCloseConnection = 1004;
constexpr int32_t kPush = 40;

class RemotingSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    harness_ = testing::make_harness(GetParam());
    server_ = std::make_unique<RemotingServer>(harness_->runtime());
    install_handlers();
    server_->on_connection_opened([this](const ChannelPtr& channel) { last_channel_id_ = channel->id(); });
    ASSERT_TRUE(server_->start(harness_->server_listen_address()).ok());
    make_client({});
  }

  void make_client(RemotingClientOptions options) {
    client_.reset();
    // Short scan periods keep the loopback run quick; the simulator checks Java's 3 s / 1 s scan separately.
    client_ = std::make_unique<RemotingClient>(harness_->runtime(), options);
    client_->start();
  }

  void install_handlers() {
    auto& d = server_->dispatcher();
    d.register_handler(kEcho, [](const RequestContext&, RemotingCommand request, Responder respond) {
      RemotingCommand response = make_response(request, 0, "echo");
      response.ext_fields = request.ext_fields;
      response.body = request.body;
      respond(std::move(response));
    });
    d.register_handler(kNeverAnswer, [this](const RequestContext&, RemotingCommand, Responder) { ++unanswered_; });
    d.register_handler(kAnswerLater, [this](const RequestContext&, RemotingCommand request, Responder respond) {
      held_.emplace_back(std::move(request), std::move(respond));
    });
    d.register_handler(kCloseConnection, [](const RequestContext& ctx, RemotingCommand, Responder) {
      ctx.channel->close();
    });
  }

  // Java states the time left after getting the channel (timeout minus the time spent), so over real sockets a
  // slow machine may report a millisecond or two less than asked; the simulator spends none and must be exact.
  void expect_timeout_text(const std::string& text, const std::string& prefix, int64_t asked,
                           const std::string& suffix) {
    if (GetParam() == "sim") {
      EXPECT_EQ(text, prefix + std::to_string(asked) + suffix);
      return;
    }
    ASSERT_TRUE(text.starts_with(prefix) && text.ends_with(suffix)) << text;
    int64_t stated = std::stoll(text.substr(prefix.size(), text.size() - prefix.size() - suffix.size()));
    EXPECT_LE(stated, asked) << text;
    EXPECT_GE(stated, asked - 100) << text;
  }

  RemotingCommand request(int32_t code, SerializeType type = SerializeType::kJson) {
    RemotingCommand r = make_request(code, client_->next_opaque(), {{"topic", "TopicTest"}}, type);
    if (type == SerializeType::kRocketMq) r.serialize_type_current_rpc.reset();
    r.body = "payload";
    return r;
  }

  InvokeResult invoke_sync(RemotingCommand r, int64_t timeout_ms, const std::string& address = "") {
    std::optional<InvokeResult> result;
    client_->invoke_sync(address.empty() ? server_->address() : address, std::move(r), timeout_ms,
                         [&](InvokeResult x) { result = std::move(x); });
    EXPECT_TRUE(harness_->run_until([&] { return result.has_value(); }, 20000));
    return result ? std::move(*result) : InvokeResult(RemotingError{RemotingErrorKind::kTimeout, "test gave up", ""});
  }

  static const RemotingError& error_of(const InvokeResult& r) {
    static const RemotingError none{RemotingErrorKind::kTimeout, "<a response, not an error>", ""};
    return std::holds_alternative<RemotingError>(r) ? std::get<RemotingError>(r) : none;
  }

  std::unique_ptr<RuntimeHarness> harness_;
  std::unique_ptr<RemotingServer> server_;
  std::unique_ptr<RemotingClient> client_;
  int unanswered_ = 0;
  uint64_t last_channel_id_ = 0;
  std::vector<std::pair<RemotingCommand, Responder>> held_;
};

TEST_P(RemotingSuite, SyncRoundTripInBothSerializations) {
  for (auto type : {SerializeType::kJson, SerializeType::kRocketMq}) {
    RemotingCommand r = request(kEcho, type);
    int32_t opaque = r.opaque;
    InvokeResult result = invoke_sync(std::move(r), 3000);
    ASSERT_TRUE(invoke_ok(result)) << error_of(result).message;
    const auto& response = std::get<RemotingCommand>(result);
    EXPECT_TRUE(response.is_response());
    EXPECT_EQ(response.opaque, opaque);
    EXPECT_EQ(response.header_serialize, type);
    EXPECT_EQ(response.remark, "echo");
    EXPECT_EQ(response.ext("topic"), "TopicTest");
    EXPECT_EQ(response.body, "payload");
  }
  EXPECT_EQ(server_->stats().accepted, 1u) << "one connection per address, reused";
}

TEST_P(RemotingSuite, AsyncResponsesAreMatchedByOpaqueWhateverTheirOrder) {
  std::map<int32_t, std::string> answers;
  for (int i = 0; i < 20; ++i) {
    RemotingCommand r = request(kAnswerLater);
    int32_t opaque = r.opaque;
    client_->invoke_async(server_->address(), std::move(r), 3000, [&answers, opaque](InvokeResult x) {
      answers[opaque] = invoke_ok(x) ? std::get<RemotingCommand>(x).remark.value_or("") : "error";
    });
  }
  ASSERT_TRUE(harness_->run_until([&] { return held_.size() == 20; }, 5000));
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) {  // answer in reverse order
    it->second(make_response(it->first, 0, "answer-" + std::to_string(it->first.opaque)));
  }
  ASSERT_TRUE(harness_->run_until([&] { return answers.size() == 20; }, 5000));
  for (const auto& [opaque, remark] : answers) EXPECT_EQ(remark, "answer-" + std::to_string(opaque));
  EXPECT_EQ(client_->pending_requests(), 0u);
}

TEST_P(RemotingSuite, OnewayCarriesFlagBit1AndExpectsNothing) {
  std::optional<RemotingCommand> seen;
  server_->dispatcher().register_handler(kEcho, [&](const RequestContext&, RemotingCommand r, Responder respond) {
    seen = r;
    respond(make_response(r, 0));  // dropped: the request was oneway
  });
  std::optional<std::optional<RemotingError>> written;
  client_->invoke_oneway(server_->address(), request(kEcho), 3000, [&](auto e) { written = e; });
  ASSERT_TRUE(harness_->run_until([&] { return seen.has_value() && written.has_value(); }, 5000));
  EXPECT_TRUE(seen->is_oneway());
  EXPECT_FALSE(seen->is_response());
  EXPECT_FALSE(written->has_value());
  EXPECT_EQ(client_->pending_requests(), 0u);
}

TEST_P(RemotingSuite, UnknownCodeIsAnsweredWithCode3AndTheRealRemark) {
  InvokeResult result = invoke_sync(request(9999), 3000);
  ASSERT_TRUE(invoke_ok(result));
  EXPECT_EQ(std::get<RemotingCommand>(result).code, 3);
  EXPECT_EQ(std::get<RemotingCommand>(result).remark, " request type 9999 not supported");
}

TEST_P(RemotingSuite, SyncTimeoutNamesTheChannelAndClosesIt) {
  // On an open channel no time goes to connecting, so the whole timeout is the wait.
  ASSERT_TRUE(invoke_ok(invoke_sync(request(kEcho), 3000)));
  std::optional<InvokeResult> other;  // an async request on the same channel, failed when it closes
  client_->invoke_async(server_->address(), request(kNeverAnswer), 60000, [&](InvokeResult x) { other = x; });
  InvokeResult result = invoke_sync(request(kNeverAnswer), 300);
  const RemotingError& e = error_of(result);
  EXPECT_EQ(e.kind, RemotingErrorKind::kTimeout);
  expect_timeout_text(e.message, "wait response on the channel <" + e.address + "> timeout, ", 300, "(ms)");
  ASSERT_TRUE(harness_->run_until([&] { return other.has_value(); }, 5000));
  EXPECT_EQ(error_of(*other).kind, RemotingErrorKind::kSendRequest);
  EXPECT_TRUE(error_of(*other).from_future);
  EXPECT_EQ(client_->open_channels(), 0u);
}

TEST_P(RemotingSuite, AsyncTimeoutIsFoundByTheResponseTableScan) {
  RemotingClientOptions options;
  options.scan_initial_delay_ms = 100;
  options.scan_period_ms = 100;
  make_client(options);
  ASSERT_TRUE(invoke_ok(invoke_sync(request(kEcho), 3000)));  // connected: the timeout is all waiting
  std::optional<InvokeResult> result;
  client_->invoke_async(server_->address(), request(kNeverAnswer), 200, [&](InvokeResult x) { result = x; });
  ASSERT_TRUE(harness_->run_until([&] { return result.has_value(); }, 10000));
  EXPECT_EQ(error_of(*result).kind, RemotingErrorKind::kTimeout);
  EXPECT_TRUE(error_of(*result).from_future);
  expect_timeout_text(error_of(*result).message, "wait response timeout ", 200, "ms");
}

TEST_P(RemotingSuite, ConnectFailureIsAConnectError) {
  std::string dead = harness_->dead_address();
  InvokeResult result = invoke_sync(request(kEcho), 3000, dead);
  EXPECT_EQ(error_of(result).kind, RemotingErrorKind::kConnect);
  EXPECT_EQ(error_of(result).message, "connect to <" + dead + "> failed");
}

TEST_P(RemotingSuite, ServerPushReachesTheClientHandler) {
  std::optional<RemotingCommand> pushed;
  client_->dispatcher().register_handler(kPush, [&](const RequestContext&, RemotingCommand r, Responder) {
    pushed = r;
  });
  ASSERT_TRUE(invoke_ok(invoke_sync(request(kEcho), 3000)));
  ASSERT_EQ(server_->connection_count(), 1u);
  RemotingCommand push = make_request(kPush, 77, {{"consumerGroup", "CG"}});
  push.mark_oneway();
  ASSERT_TRUE(server_->send_to(last_channel_id_, push));
  ASSERT_TRUE(harness_->run_until([&] { return pushed.has_value(); }, 5000));
  EXPECT_EQ(pushed->ext("consumerGroup"), "CG");
}

TEST_P(RemotingSuite, PeerCloseLeavesPendingToTimeoutUnder498AndFailsThemUnder5) {
  for (bool fail_fast : {false, true}) {
    RemotingClientOptions options;
    options.fail_pending_on_peer_close = fail_fast;
    make_client(options);
    std::optional<InvokeResult> pending;
    client_->invoke_sync(server_->address(), request(kNeverAnswer), 2000, [&](InvokeResult x) { pending = x; });
    ASSERT_TRUE(harness_->run_until([&] { return unanswered_ > 0; }, 5000));
    unanswered_ = 0;
    client_->invoke_oneway(server_->address(), request(kCloseConnection), 1000);
    ASSERT_TRUE(harness_->run_until([&] { return pending.has_value(); }, 10000));
    EXPECT_EQ(error_of(*pending).kind, fail_fast ? RemotingErrorKind::kSendRequest : RemotingErrorKind::kTimeout)
        << (fail_fast ? "v5" : "v4_9_8") << ": " << error_of(*pending).message;
  }
}

TEST_P(RemotingSuite, MalformedFrameClosesOnlyItsConnection) {
  ASSERT_TRUE(invoke_ok(invoke_sync(request(kEcho), 3000)));
  std::optional<Result<runtime::ConnectionPtr>> raw;
  harness_->runtime().connect(server_->address(), runtime::millis(3000), [&](auto r) { raw = std::move(r); });
  ASSERT_TRUE(harness_->run_until([&] { return raw.has_value(); }, 5000));
  ASSERT_TRUE(raw->ok());
  std::optional<runtime::CloseReason> closed;
  raw->value()->start({[](ByteView) {}, [&](runtime::CloseReason r) { closed = r; }});
  raw->value()->send(Bytes("\x00\x00\x00\x15\x00\x00\x00\x11{this is not json", 25));
  ASSERT_TRUE(harness_->run_until([&] { return closed.has_value(); }, 5000));
  EXPECT_EQ(server_->stats().malformed_frames, 1u);
  EXPECT_TRUE(invoke_ok(invoke_sync(request(kEcho), 3000))) << "the well-behaved client is still served";
}

INSTANTIATE_TEST_SUITE_P(Runtimes, RemotingSuite, ::testing::Values("sim", "asio"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace rmq::remoting
