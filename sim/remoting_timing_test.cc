// Java's timing of the remoting client, checked to the microsecond on the simulator's virtual clock
// (spec §2.3, §5.9; DESIGN §6.4, §6.9). Each fault test's assertion fails without its fault.
#include <gtest/gtest.h>

#include <optional>

#include "core/remoting/remoting_client.h"
#include "core/remoting/remoting_server.h"
#include "sim/sim_runtime.h"

namespace rmq::remoting {
namespace {

using runtime::millis;
using sim::LatencyDistribution;

constexpr int32_t kEcho = 1001;
constexpr int32_t kNeverAnswer = 1002;
constexpr const char* kServer = "server:10911";

class RemotingTiming : public ::testing::Test {
 protected:
  RemotingTiming() : sim_(options()), server_(sim_), client_(sim_) {
    server_.dispatcher().register_handler(kEcho, [](const RequestContext&, RemotingCommand r, Responder respond) {
      respond(make_response(r, 0));
    });
    server_.dispatcher().register_handler(kNeverAnswer, [](const RequestContext&, RemotingCommand, Responder) {});
    EXPECT_TRUE(server_.start(kServer).ok());
    client_.start();  // at virtual time 0: the response-table scan runs at 3 s, then every second
  }

  static sim::SimOptions options() {
    sim::SimOptions o;
    o.network.default_latency = LatencyDistribution::constant(millis(1));
    return o;
  }

  RemotingCommand request(int32_t code) { return make_request(code, client_.next_opaque()); }

  // Invokes and runs the simulation until the callback; returns the result and the virtual time it came.
  std::pair<InvokeResult, runtime::Micros> run(bool async, int32_t code, int64_t timeout_ms) {
    std::optional<InvokeResult> result;
    runtime::Micros at = -1;
    auto done = [&](InvokeResult r) {
      result = std::move(r);
      at = sim_.now();
    };
    if (async) client_.invoke_async(kServer, request(code), timeout_ms, done);
    else client_.invoke_sync(kServer, request(code), timeout_ms, done);
    sim_.run_until([&] { return result.has_value(); }, sim_.now() + millis(60'000));
    EXPECT_TRUE(result.has_value());
    return {result.value_or(RemotingError{RemotingErrorKind::kTimeout, "none", ""}), at};
  }

  void connect_first() { ASSERT_TRUE(invoke_ok(run(false, kEcho, 3000).first)); }

  static const RemotingError& error(const InvokeResult& r) { return std::get<RemotingError>(r); }

  sim::SimRuntime sim_;
  RemotingServer server_;
  RemotingClient client_;
};

TEST_F(RemotingTiming, SyncInvokeEndsExactlyAtItsDeadline) {
  connect_first();
  runtime::Micros begin = sim_.now();
  auto [result, at] = run(false, kNeverAnswer, 3000);
  ASSERT_FALSE(invoke_ok(result));
  EXPECT_EQ(error(result).kind, RemotingErrorKind::kTimeout);
  EXPECT_EQ(at, begin + millis(3000));
}

TEST_F(RemotingTiming, AsyncTimeoutSurfacesAtAScanBetweenTimeoutPlusOneAndTwoSeconds) {
  connect_first();
  sim_.run_for(millis(1234));  // an arbitrary phase against the scan ticks
  runtime::Micros begin = sim_.now();
  auto [result, at] = run(true, kNeverAnswer, 3000);
  ASSERT_FALSE(invoke_ok(result));
  EXPECT_TRUE(error(result).from_future);
  EXPECT_EQ(error(result).kind, RemotingErrorKind::kTimeout);
  EXPECT_GE(at, begin + millis(4000));
  EXPECT_LT(at, begin + millis(5000));
  EXPECT_EQ(at % millis(1000), 0) << "found by a scan tick (3 s after start, then every second)";
}

TEST_F(RemotingTiming, AsyncTimeoutRightAfterStartWaitsForTheFirstScan) {
  auto [result, at] = run(true, kNeverAnswer, 500);
  ASSERT_FALSE(invoke_ok(result));
  EXPECT_EQ(at, millis(3000)) << "expired since 1.5 s, found by the first scan at 3 s";
}

TEST_F(RemotingTiming, PartitionedConnectFailsAfterTheConnectTimeoutNotTheRequestTimeout) {
  sim_.network().partition("client", "server", /*two_way=*/true);
  runtime::Micros begin = sim_.now();
  auto [result, at] = run(false, kEcho, 1000);
  ASSERT_FALSE(invoke_ok(result));
  EXPECT_EQ(error(result).kind, RemotingErrorKind::kConnect);
  EXPECT_EQ(error(result).message, "connect to <server:10911> failed");
  EXPECT_EQ(at, begin + millis(3000));
}

TEST_F(RemotingTiming, SlowConnectEatsTheBudgetOfSyncAndAsyncInvokes) {
  sim_.network().set_link_latency("client", "server", LatencyDistribution::constant(millis(400)));
  sim_.network().set_link_latency("server", "client", LatencyDistribution::constant(millis(400)));
  auto [sync_result, sync_at] = run(false, kEcho, 500);
  EXPECT_EQ(error(sync_result).kind, RemotingErrorKind::kTimeout);
  EXPECT_EQ(error(sync_result).message, "invokeSync call the addr[server:10911] timeout");
  client_.close_channel(kServer);
  auto [async_result, async_at] = run(true, kEcho, 500);
  EXPECT_EQ(error(async_result).kind, RemotingErrorKind::kTooMuchRequest);
  EXPECT_EQ(error(async_result).message, "invokeAsync call the addr[server:10911] timeout");
}

TEST_F(RemotingTiming, ResetFailsPendingRequestsAtOnce) {
  connect_first();
  std::optional<InvokeResult> result;
  runtime::Micros at = -1;
  client_.invoke_sync(kServer, request(kNeverAnswer), 3000, [&](InvokeResult r) {
    result = std::move(r);
    at = sim_.now();
  });
  sim_.run_for(millis(100));
  ASSERT_FALSE(result.has_value());
  runtime::Micros reset_time = sim_.now();
  ASSERT_TRUE(sim_.network().reset_connection(0));
  sim_.run_until([&] { return result.has_value(); }, sim_.now() + millis(10'000));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(error(*result).kind, RemotingErrorKind::kSendRequest);
  EXPECT_LT(at, reset_time + millis(100)) << "failed by the reset, not by the 3 s deadline";
}

TEST_F(RemotingTiming, ClogDelaysTheResponsePastAShortDeadlineButNotALongOne) {
  connect_first();
  sim_.network().clog("server", "client", /*two_way=*/false, millis(800));
  auto [short_result, short_at] = run(false, kEcho, 500);
  EXPECT_FALSE(invoke_ok(short_result)) << "the clog holds the answer past 500 ms";
  sim_.network().clog("server", "client", /*two_way=*/false, millis(800));
  auto [long_result, long_at] = run(false, kEcho, 3000);
  EXPECT_TRUE(invoke_ok(long_result)) << "released in order when the clog ends";
}

}  // namespace
}  // namespace rmq::remoting
