// AsioRuntime: timers, randomness, the two driving modes, connect errors and teardown. Data paths over real
// loopback connections are in asio_connection_test.cc. Every wait is bounded by kWait so a bug fails a test
// rather than hanging it; no test asserts on how long anything took.
#include "core/runtime/asio_runtime.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <thread>
#include <vector>

namespace rmq::runtime {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr Micros kWait = millis(10000);

// Runs connect() to completion on the caller's thread; checks the result does not arrive inside the call.
Result<ConnectionPtr> connect_now(AsioRuntime& rt, const std::string& address, Micros timeout = millis(5000)) {
  std::optional<Result<ConnectionPtr>> result;
  rt.connect(address, timeout, [&](Result<ConnectionPtr> r) { result.emplace(std::move(r)); });
  EXPECT_FALSE(result.has_value()) << "connect reported from inside connect()";
  rt.run_until([&] { return result.has_value(); }, kWait);
  if (!result) return Error{-1, "connect never reported"};
  return std::move(*result);
}

TEST(AsioRuntimeTimers, FireInDeadlineOrderAndTiesInRegistrationOrder) {
  AsioRuntime rt;
  std::vector<std::string> order;
  rt.after(millis(30), [&] { order.push_back("30ms"); });
  rt.after(millis(10), [&] { order.push_back("10ms-a"); });
  rt.after(millis(20), [&] { order.push_back("20ms"); });
  rt.after(millis(10), [&] { order.push_back("10ms-b"); });
  ASSERT_TRUE(rt.run_until([&] { return order.size() == 4; }, kWait));
  EXPECT_EQ(order, (std::vector<std::string>{"10ms-a", "10ms-b", "20ms", "30ms"}));
}

TEST(AsioRuntimeTimers, ZeroAndNegativeDelaysRunFromTheLoopAfterWhatIsDue) {
  AsioRuntime rt;
  std::vector<int> order;
  rt.after(0, [&] {
    order.push_back(1);
    rt.after(0, [&] { order.push_back(4); });  // after 2 and 3, which were due before it was added
  });
  rt.after(-5, [&] { order.push_back(2); });
  rt.after(0, [&] { order.push_back(3); });
  EXPECT_TRUE(order.empty()) << "a timer ran inside after()";
  ASSERT_TRUE(rt.run_until([&] { return order.size() == 4; }, kWait));
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
}

TEST(AsioRuntimeTimers, CancelStopsATimerAndAnswersOnlyOnce) {
  AsioRuntime rt;
  bool cancelled_ran = false, ran = false, victim_ran = false, done = false;
  TimerId cancelled = rt.after(millis(1), [&] { cancelled_ran = true; });
  TimerId runs = rt.after(0, [&] { ran = true; });
  // A timer may cancel another that is due in the same turn.
  TimerId victim = kNoTimer;
  rt.after(millis(2), [&] { EXPECT_TRUE(rt.cancel(victim)); });
  victim = rt.after(millis(2), [&] { victim_ran = true; });
  rt.after(millis(5), [&] { done = true; });
  EXPECT_TRUE(rt.cancel(cancelled));
  EXPECT_FALSE(rt.cancel(cancelled));
  ASSERT_TRUE(rt.run_until([&] { return done; }, kWait));
  EXPECT_TRUE(ran);
  EXPECT_FALSE(cancelled_ran);
  EXPECT_FALSE(victim_ran);
  EXPECT_FALSE(rt.cancel(runs)) << "already ran";
  EXPECT_FALSE(rt.cancel(kNoTimer));
}

TEST(AsioRuntimeTimers, HugeDelaysMeanNeverAndStayCancellable) {
  AsioRuntime rt;
  bool never = false, soon = false;
  TimerId id = rt.after(INT64_MAX, [&] { never = true; });
  rt.after(millis(1), [&] { soon = true; });
  ASSERT_TRUE(rt.run_until([&] { return soon; }, INT64_MAX));
  EXPECT_FALSE(never);
  EXPECT_TRUE(rt.cancel(id));
}

TEST(AsioRuntimeClock, NowIsMonotonicAndWallClockIsTheSystemClock) {
  AsioRuntime rt;
  Micros first = rt.now();
  bool fired = false;
  rt.after(millis(2), [&] { fired = true; });
  ASSERT_TRUE(rt.run_until([&] { return fired; }, kWait));
  EXPECT_GE(rt.now(), first + millis(2)) << "a timer fired before its deadline";
  auto system_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(std::abs(rt.wall_clock_ms() - system_ms), 60'000);
}

TEST(AsioRuntimeRandom, SeededGeneratorsRepeatAndSeedZeroDrawsOne) {
  AsioRuntime a(AsioRuntimeOptions{.seed = 42});
  AsioRuntime b(AsioRuntimeOptions{.seed = 42});
  EXPECT_EQ(a.seed(), 42u);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(a.random(), b.random());
  for (int i = 0; i < 100; ++i) ASSERT_LT(random_below(a, 7), 7u);
  AsioRuntime drawn;
  EXPECT_NE(drawn.seed(), 0u);
}

TEST(AsioRuntimeLoop, PostRunsFromTheLoopAndRunUntilGivesUpAtItsTimeout) {
  AsioRuntime rt;
  bool ran = false;
  rt.post([&] {
    ran = true;
    EXPECT_TRUE(rt.on_event_thread());
  });
  EXPECT_FALSE(ran);
  EXPECT_FALSE(rt.on_event_thread());
  EXPECT_EQ(rt.poll(), 1u);
  EXPECT_TRUE(ran);
  EXPECT_FALSE(rt.run_until([] { return false; }, millis(5)));
  EXPECT_EQ(rt.run_for(millis(1)), 0u);
}

TEST(AsioRuntimeThread, RunSyncFromOtherThreadsAndInlineOnTheEventThread) {
  AsioRuntime rt;
  rt.start_thread();
  auto io_thread = rt.run_sync([&] { return std::this_thread::get_id(); });
  EXPECT_NE(io_thread, std::this_thread::get_id());
  // Nested run_sync on the event thread runs inline instead of waiting for itself.
  int nested = rt.run_sync([&] { return rt.run_sync([&] { return rt.on_event_thread() ? 7 : -1; }); });
  EXPECT_EQ(nested, 7);

  int counter = 0;  // touched only on the event thread
  std::vector<std::thread> callers;
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 100; ++i) rt.run_sync([&] { ++counter; });
    });
  }
  for (auto& caller : callers) caller.join();
  EXPECT_EQ(rt.run_sync([&] { return counter; }), 400);

  std::promise<std::thread::id> timer_thread;
  rt.run_sync([&] { rt.after(millis(1), [&] { timer_thread.set_value(std::this_thread::get_id()); }); });
  auto fired = timer_thread.get_future();
  ASSERT_EQ(fired.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(fired.get(), io_thread);

  std::atomic<bool> posted{false};
  rt.post([&] { posted = true; });
  rt.stop();  // lets what was queued before it run
  EXPECT_TRUE(posted);

  // Back to driving from this thread; run_sync now runs inline here.
  EXPECT_EQ(rt.run_sync([] { return 5; }), 5);
  bool again = false;
  rt.after(0, [&] { again = true; });
  EXPECT_TRUE(rt.run_until([&] { return again; }, kWait));
}

TEST(AsioRuntimeThread, RunSyncPropagatesExceptions) {
  AsioRuntime rt;
  rt.start_thread();
  EXPECT_THROW(rt.run_sync([]() -> int { throw std::runtime_error("boom"); }), std::runtime_error);
  rt.stop();
}

TEST(AsioRuntimeConnect, BadAddressesAreReportedFromTheLoop) {
  AsioRuntime rt;
  for (const char* address : {"nonsense", "127.0.0.1:", ":9876", "127.0.0.1:65536", "[]:1"}) {
    auto result = connect_now(rt, address);
    ASSERT_FALSE(result.ok()) << address;
    EXPECT_EQ(result.error().code, net_error::kBadAddress) << address << ": " << result.error().message;
  }
}

TEST(AsioRuntimeConnect, RefusedNamesTheAddress) {
  // A bound socket that does not listen keeps the port ours while the kernel refuses connections to it.
  asio::io_context raw_io;
  tcp::acceptor reserved(raw_io);
  reserved.open(tcp::v4());
  reserved.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::string address = "127.0.0.1:" + std::to_string(reserved.local_endpoint().port());

  AsioRuntime rt;
  auto result = connect_now(rt, address);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, net_error::kRefused) << result.error().message;
  EXPECT_NE(result.error().message.find(address), std::string::npos) << result.error().message;
}

// The timeout report itself (code, message, from the loop). With timeout <= 0 the deadline has passed before
// the attempt starts, so this is deterministic; it does not exercise cancelling a handshake in flight.
TEST(AsioRuntimeConnect, NonPositiveTimeoutTimesOutFromTheLoop) {
  AsioRuntime rt;
  auto listener = rt.listen("127.0.0.1:0", [](ConnectionPtr) {});
  ASSERT_TRUE(listener.ok());
  for (Micros timeout : {Micros{0}, Micros{-1}}) {
    auto result = connect_now(rt, (*listener)->address(), timeout);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, net_error::kTimedOut);
    EXPECT_EQ(result.error().message, "connect to " + (*listener)->address() + " timed out");
  }
}

// A handshake cancelled in flight. Linux drops a SYN while the listener's accept queue is full (backlog 1 here,
// nobody accepting), so a connect beyond the queue hangs until our timer ends it. All on loopback; the fillers
// are our own connects, so nothing blocks. Should a kernel complete every handshake anyway, the path cannot be
// reached this way and the test says so instead of passing.
TEST(AsioRuntimeConnect, TimeoutCancelsAHandshakeInFlight) {
  asio::io_context raw_io;
  tcp::acceptor full(raw_io, tcp::v4());
  full.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  full.listen(1);
  std::string address = "127.0.0.1:" + std::to_string(full.local_endpoint().port());

  AsioRuntime rt;
  constexpr int kAttempts = 4;
  std::vector<Result<ConnectionPtr>> results;
  for (int i = 0; i < kAttempts; ++i) {
    rt.connect(address, millis(300), [&](Result<ConnectionPtr> r) { results.push_back(std::move(r)); });
  }
  ASSERT_TRUE(rt.run_until([&] { return results.size() == kAttempts; }, kWait));
  int timed_out = 0;
  for (const auto& result : results) {
    if (result.ok()) continue;
    EXPECT_EQ(result.error().code, net_error::kTimedOut) << result.error().message;
    EXPECT_EQ(result.error().message, "connect to " + address + " timed out");
    ++timed_out;
  }
  if (timed_out == 0) GTEST_SKIP() << "the kernel completed every handshake to a full accept queue";
  rt.run_for(millis(5));  // completions of the aborted handshakes must be ignored quietly
}

TEST(AsioRuntimeListen, PortZeroReportsThePortAndATakenAddressIsInUse) {
  AsioRuntime rt;
  auto first = rt.listen("127.0.0.1:0", [](ConnectionPtr) {});
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto port = parse_host_port((*first)->address());
  ASSERT_TRUE(port.has_value());
  EXPECT_EQ(port->host, "127.0.0.1");
  EXPECT_NE(port->port, 0);
  auto second = rt.listen((*first)->address(), [](ConnectionPtr) {});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, net_error::kAddressInUse) << second.error().message;

  auto bad = rt.listen("example.invalid:0", [](ConnectionPtr) {});  // listen never looks names up
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, net_error::kBadAddress);

  auto defaulted = rt.listen(":0", [](ConnectionPtr) {});
  ASSERT_TRUE(defaulted.ok());
  EXPECT_EQ((*defaulted)->address().rfind("127.0.0.1:", 0), 0u) << (*defaulted)->address();
}

TEST(AsioRuntimeListen, ClosedListenerRefusesAndLocalhostAndIpv6Work) {
  AsioRuntime rt;
  int accepted = 0;
  auto listener = rt.listen("localhost:0", [&](ConnectionPtr) { ++accepted; });
  ASSERT_TRUE(listener.ok());
  std::string port = std::to_string(parse_host_port((*listener)->address())->port);
  ASSERT_TRUE(connect_now(rt, "localhost:" + port).ok());
  ASSERT_TRUE(rt.run_until([&] { return accepted == 1; }, kWait));
  (*listener)->close();
  auto refused = connect_now(rt, "127.0.0.1:" + port);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, net_error::kRefused);

  auto v6 = rt.listen("[::1]:0", [&](ConnectionPtr) { ++accepted; });
  if (!v6.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << v6.error().message;
  EXPECT_EQ((*v6)->address().rfind("[::1]:", 0), 0u) << (*v6)->address();
  auto client = connect_now(rt, (*v6)->address());
  ASSERT_TRUE(client.ok()) << client.error().message;
  EXPECT_EQ((*client)->remote_address(), (*v6)->address());
}

// Teardown with everything in flight: connections with queued bytes, one closing, a pending connect, a timer, a
// listener, all still held by the test. Nothing may call back once the runtime is gone (in mode a: from the
// moment its destruction starts), and the survivors must be inert and safe to use and drop (ASan watches).
void destroy_with_everything_live(bool background_thread) {
  ConnectionPtr client, server;
  ListenerPtr listener;
  std::vector<ConnectionPtr> accepted;  // the event thread's; read here only while no thread runs the loop
  std::atomic<int> late_callbacks{0};
  std::atomic<bool> destroying{false};
  auto count_late = [&] { late_callbacks += destroying ? 1 : 0; };
  {
    auto rt = std::make_unique<AsioRuntime>();
    auto listening = rt->listen("127.0.0.1:0", [&](ConnectionPtr c) { accepted.push_back(std::move(c)); });
    ASSERT_TRUE(listening.ok());
    listener = *listening;
    auto connected = connect_now(*rt, listener->address());
    ASSERT_TRUE(connected.ok());
    client = *connected;
    ASSERT_TRUE(rt->run_until([&] { return !accepted.empty(); }, kWait));
    server = accepted.front();
    ConnectionHandler handler{[&](ByteView) { count_late(); }, [&](CloseReason) { count_late(); }};
    client->start(handler);
    server->start(handler);
    ASSERT_TRUE(client->send(Bytes(size_t{4} << 20, 'x')));
    ASSERT_TRUE(server->send(Bytes(size_t{4} << 20, 'y')));
    rt->after(0, count_late);
    rt->connect(listener->address(), millis(5000), [&](Result<ConnectionPtr>) { count_late(); });
    if (background_thread) rt->start_thread();
    rt->run_sync([&] { client->close(); });
    // With a background thread, callbacks run until the destructor has stopped it; from then on, none.
    if (!background_thread) destroying = true;
    rt.reset();
    destroying = true;
  }
  EXPECT_EQ(late_callbacks, 0);
  EXPECT_FALSE(client->is_open());
  EXPECT_FALSE(server->is_open());
  EXPECT_FALSE(server->send("more"));
  server->start({});
  server->close();
  client->close();
  listener->close();
  accepted.clear();
  client.reset();
  server.reset();
  listener.reset();
}

TEST(AsioRuntimeTeardown, DestroyingWithLiveConnectionsIsSafe) { destroy_with_everything_live(false); }
TEST(AsioRuntimeTeardown, DestroyingWhileTheThreadRunsIsSafe) { destroy_with_everything_live(true); }

}  // namespace
}  // namespace rmq::runtime
