// AsioRuntime connections over real loopback sockets (127.0.0.1, port 0): ordered delivery, graceful and
// abortive close, the send backlog limit, and what a handler may and may not see. Every wait is bounded by
// kWait; no test asserts on how long anything took.
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <vector>

#include "core/runtime/asio_runtime.h"

namespace rmq::runtime {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr Micros kWait = millis(10000);

// One end of a connection and everything its handler saw.
struct Peer {
  ConnectionPtr conn;
  Bytes received;
  int data_calls = 0;
  std::vector<CloseReason> closes;
  std::function<void(ByteView)> also;  // extra behaviour on data (echo, close...)

  void start() {
    conn->start({[this](ByteView bytes) {
                   received.append(bytes);
                   ++data_calls;
                   if (also) also(bytes);
                 },
                 [this](CloseReason reason) { closes.push_back(reason); }});
  }
};

// A listener on 127.0.0.1:0 that keeps what it accepts.
struct Server {
  explicit Server(AsioRuntime& rt) {
    auto result = rt.listen("127.0.0.1:0", [this](ConnectionPtr c) { accepted.push_back(std::move(c)); });
    EXPECT_TRUE(result.ok()) << result.error().message;
    listener = *result;
  }
  uint16_t port() const { return parse_host_port(listener->address())->port; }

  ListenerPtr listener;
  std::vector<ConnectionPtr> accepted;
};

// Connects to `server` and waits until both ends exist.
void connect_pair(AsioRuntime& rt, Server& server, Peer& client, Peer& accepted) {
  std::optional<Result<ConnectionPtr>> result;
  size_t before = server.accepted.size();
  rt.connect(server.listener->address(), millis(5000), [&](Result<ConnectionPtr> r) { result.emplace(std::move(r)); });
  ASSERT_TRUE(rt.run_until([&] { return result && server.accepted.size() > before; }, kWait));
  ASSERT_TRUE(result->ok()) << result->error().message;
  client.conn = **result;
  accepted.conn = server.accepted.back();
}

// Deterministic, position-dependent bytes, so a reordering or a lost piece shows up in the comparison.
Bytes pattern(size_t size, uint64_t salt) {
  Bytes out(size, '\0');
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((i * 131 + i / 251 + salt) & 0xFF);
  return out;
}

TEST(AsioConnection, AddressesAndIdsDescribeBothEnds) {
  AsioRuntime rt;
  Server server(rt);
  Peer a, b, c, d;
  connect_pair(rt, server, a, b);
  connect_pair(rt, server, c, d);
  EXPECT_EQ(a.conn->remote_address(), server.listener->address());
  EXPECT_EQ(a.conn->local_address(), b.conn->remote_address());
  EXPECT_EQ(b.conn->local_address(), a.conn->remote_address());
  std::vector<uint64_t> ids{a.conn->id(), b.conn->id(), c.conn->id(), d.conn->id()};
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::unique(ids.begin(), ids.end()), ids.end()) << "connection ids repeat";
  EXPECT_LT(a.conn->id(), c.conn->id());
}

TEST(AsioConnection, EchoesALargePayloadSentInManyPiecesInOrder) {
  AsioRuntime rt(AsioRuntimeOptions{.seed = 7, .read_chunk = 16 << 10});
  Server server(rt);
  Peer client, echo;
  connect_pair(rt, server, client, echo);
  echo.also = [&](ByteView bytes) { ASSERT_TRUE(echo.conn->send(bytes)); };
  echo.start();
  client.start();

  const Bytes payload = pattern(size_t{6} << 20, 1);
  size_t offset = 0;
  while (offset < payload.size()) {
    // Pieces of 1 byte to 100 KiB, sent across loop turns so sends and reads interleave.
    size_t piece = std::min<size_t>(payload.size() - offset, 1 + random_below(rt, 100 << 10));
    ASSERT_TRUE(client.conn->send(ByteView(payload).substr(offset, piece)));
    offset += piece;
    rt.poll();
  }
  ASSERT_TRUE(rt.run_until([&] { return client.received.size() >= payload.size(); }, kWait));
  EXPECT_TRUE(client.received == payload) << "echoed bytes differ";
  EXPECT_GT(client.data_calls, 1);
  EXPECT_TRUE(client.closes.empty());
  EXPECT_TRUE(echo.closes.empty());
}

// Every connection of a runtime reads into one shared buffer (an idle connection holds none): many connections
// receiving at once must each see exactly their own bytes, in order.
TEST(AsioConnection, ManyConnectionsReceivingAtOnceEachGetTheirOwnBytes) {
  AsioRuntime rt(AsioRuntimeOptions{.seed = 3, .read_chunk = 4 << 10});
  Server server(rt);
  constexpr int kPairs = 40;
  std::vector<Peer> senders(kPairs), receivers(kPairs);
  std::vector<Bytes> payloads;
  for (int i = 0; i < kPairs; ++i) {
    connect_pair(rt, server, senders[i], receivers[i]);
    receivers[i].start();
    senders[i].start();
    payloads.push_back(pattern(size_t{40} << 10, static_cast<uint64_t>(i) * 7 + 1));
  }
  for (size_t offset = 0; offset < payloads[0].size(); offset += 1000) {
    for (int i = 0; i < kPairs; ++i) {
      ASSERT_TRUE(senders[i].conn->send(ByteView(payloads[i]).substr(offset, 1000)));
    }
    rt.poll();
  }
  ASSERT_TRUE(rt.run_until(
      [&] {
        for (int i = 0; i < kPairs; ++i)
          if (receivers[i].received.size() < payloads[i].size()) return false;
        return true;
      },
      kWait));
  for (int i = 0; i < kPairs; ++i) EXPECT_TRUE(receivers[i].received == payloads[i]) << "connection " << i;
}

TEST(AsioConnection, PeerCloseComesAfterAllDataAndOnlyOnce) {
  AsioRuntime rt;
  Server server(rt);
  Peer client, closer;
  connect_pair(rt, server, client, closer);
  client.start();
  closer.start();
  const Bytes payload = pattern(size_t{2} << 20, 2);
  ASSERT_TRUE(closer.conn->send(payload));
  closer.conn->close();  // graceful: the queued 2 MiB still go out before the FIN
  EXPECT_FALSE(closer.conn->is_open());
  EXPECT_FALSE(closer.conn->send("late"));
  ASSERT_TRUE(rt.run_until([&] { return !client.closes.empty(); }, kWait));
  EXPECT_TRUE(client.received == payload) << "received " << client.received.size() << " bytes";
  EXPECT_EQ(client.closes, std::vector<CloseReason>{CloseReason::kPeerClosed});
  EXPECT_FALSE(client.conn->is_open());
  EXPECT_FALSE(client.conn->send("x"));
  rt.run_for(millis(20));  // room for a wrong second report or a callback to the closing end
  EXPECT_EQ(client.closes.size(), 1u);
  EXPECT_TRUE(closer.closes.empty()) << "close() must not report to its own handler";
}

TEST(AsioConnection, NoCallbackAfterCloseFromInsideOnData) {
  AsioRuntime rt(AsioRuntimeOptions{.read_chunk = 4 << 10});
  Server server(rt);
  Peer reader, writer;
  connect_pair(rt, server, reader, writer);
  reader.also = [&](ByteView) { reader.conn->close(); };
  reader.start();
  writer.start();
  ASSERT_TRUE(writer.conn->send(pattern(size_t{1} << 20, 3)));
  // The reader drains and drops the rest after its close(); its FIN reaches the writer as a clean close.
  ASSERT_TRUE(rt.run_until([&] { return !writer.closes.empty(); }, kWait));
  EXPECT_EQ(writer.closes, std::vector<CloseReason>{CloseReason::kPeerClosed});
  rt.run_for(millis(20));
  EXPECT_EQ(reader.data_calls, 1);
  EXPECT_TRUE(reader.closes.empty());
}

TEST(AsioConnection, BytesAndCloseWaitForStart) {
  AsioRuntime rt;
  Server server(rt);
  Peer client, late;
  connect_pair(rt, server, client, late);
  client.start();
  ASSERT_TRUE(client.conn->send("hello"));
  client.conn->close();
  rt.run_for(millis(20));  // the bytes and the FIN reach the unstarted end's socket
  EXPECT_TRUE(late.received.empty());
  late.start();
  EXPECT_TRUE(late.closes.empty()) << "reported inside start()";
  ASSERT_TRUE(rt.run_until([&] { return !late.closes.empty(); }, kWait));
  EXPECT_EQ(late.received, "hello");
  EXPECT_EQ(late.closes, std::vector<CloseReason>{CloseReason::kPeerClosed});
}

TEST(AsioConnection, AbortiveCloseOfARawPeerIsAReset) {
  AsioRuntime rt;
  Server server(rt);
  asio::io_context raw_io;
  tcp::socket raw(raw_io);
  raw.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
  ASSERT_TRUE(rt.run_until([&] { return !server.accepted.empty(); }, kWait));
  Peer ours;
  ours.conn = server.accepted.front();
  ours.start();
  asio::write(raw, asio::buffer(std::string("ping")));
  ASSERT_TRUE(rt.run_until([&] { return ours.received == "ping"; }, kWait));
  raw.set_option(asio::socket_base::linger(true, 0));  // close() now sends RST instead of FIN
  raw.close();
  ASSERT_TRUE(rt.run_until([&] { return !ours.closes.empty(); }, kWait));
  EXPECT_EQ(ours.closes, std::vector<CloseReason>{CloseReason::kReset});
  EXPECT_FALSE(ours.conn->is_open());
}

TEST(AsioConnection, PeerClosingWithUnreadBytesIsAReset) {
  // The raw peer never reads what we send; closing its socket with unread bytes makes its kernel answer RST.
  asio::io_context raw_io;
  tcp::acceptor acceptor(raw_io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  AsioRuntime rt;
  std::optional<Result<ConnectionPtr>> result;
  rt.connect("127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()), millis(5000),
             [&](Result<ConnectionPtr> r) { result.emplace(std::move(r)); });
  ASSERT_TRUE(rt.run_until([&] { return result.has_value(); }, kWait));
  ASSERT_TRUE(result->ok()) << result->error().message;
  tcp::socket raw = acceptor.accept();  // already queued: does not block
  Peer ours;
  ours.conn = **result;
  ours.start();
  ASSERT_TRUE(ours.conn->send("unread"));
  ASSERT_TRUE(rt.run_until([&] { return ours.conn->send_backlog() == 0; }, kWait));
  raw.close();
  ASSERT_TRUE(rt.run_until([&] { return !ours.closes.empty(); }, kWait));
  EXPECT_EQ(ours.closes, std::vector<CloseReason>{CloseReason::kReset});
}

TEST(AsioConnection, SendFailsPastTheBacklogLimitAndAfterClose) {
  constexpr size_t kLimit = size_t{1} << 20;
  AsioRuntime rt(AsioRuntimeOptions{.send_buffer_limit = kLimit});
  Server server(rt);
  Peer sender, receiver;
  connect_pair(rt, server, sender, receiver);
  sender.start();
  // Nothing leaves before the loop runs, so the backlog is exactly what send() accepted.
  ASSERT_TRUE(sender.conn->send(Bytes(600 << 10, 'a')));
  EXPECT_EQ(sender.conn->send_backlog(), size_t{600} << 10);
  EXPECT_FALSE(sender.conn->send(Bytes(600 << 10, 'b'))) << "past the limit";
  EXPECT_EQ(sender.conn->send_backlog(), size_t{600} << 10) << "a refused send queues nothing";
  ASSERT_TRUE(sender.conn->send(Bytes(kLimit - (600 << 10), 'c'))) << "exactly up to the limit";
  EXPECT_FALSE(sender.conn->send("d"));
  EXPECT_TRUE(sender.conn->send("")) << "nothing to queue";

  receiver.start();
  ASSERT_TRUE(rt.run_until([&] { return receiver.received.size() == kLimit; }, kWait));
  EXPECT_EQ(sender.conn->send_backlog(), 0u);
  EXPECT_EQ(receiver.received, Bytes(600 << 10, 'a') + Bytes(kLimit - (600 << 10), 'c'));
  EXPECT_TRUE(sender.conn->send(Bytes(600 << 10, 'e'))) << "room again once written";
  sender.conn->close();
  EXPECT_FALSE(sender.conn->send("f"));
}

TEST(AsioConnection, ListenerAcceptsUntilClosedEvenWhenItsHandleIsDropped) {
  AsioRuntime rt;
  int accepted = 0;
  std::string address;
  {
    auto listener = rt.listen("127.0.0.1:0", [&](ConnectionPtr) { ++accepted; });
    ASSERT_TRUE(listener.ok());
    address = (*listener)->address();
  }  // the only ListenerPtr goes
  auto connect = [&] {
    std::optional<Result<ConnectionPtr>> result;
    rt.connect(address, millis(5000), [&](Result<ConnectionPtr> r) { result.emplace(std::move(r)); });
    EXPECT_TRUE(rt.run_until([&] { return result.has_value(); }, kWait));
    return result.value_or(Error{-1, "never reported"});
  };
  ASSERT_TRUE(connect().ok());
  ASSERT_TRUE(rt.run_until([&] { return accepted == 1; }, kWait));

  // close() ends it, also from inside on_accept.
  ListenerPtr closing;
  auto second = rt.listen("127.0.0.1:0", [&](ConnectionPtr) {
    ++accepted;
    closing->close();
  });
  ASSERT_TRUE(second.ok());
  closing = *second;
  address = closing->address();
  ASSERT_TRUE(connect().ok());
  ASSERT_TRUE(rt.run_until([&] { return accepted == 2; }, kWait));
  auto refused = connect();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, net_error::kRefused);
  EXPECT_EQ(accepted, 2);
}

}  // namespace
}  // namespace rmq::runtime
