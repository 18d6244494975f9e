// Internal to AsioRuntime (asio_runtime.h): connecting, the TCP Connection and Listener over Boost.Asio, and
// address helpers.
// Everything here runs on the runtime's event thread; nothing is locked.
//
// Lifetime: pending Asio operations hold a shared_ptr to their connection, so it stays valid until they finish
// whatever its owner does. The runtime keeps weak references to every connection and listener and abandon()s
// them when it is destroyed, so none touches its io_context afterwards, even when a user still holds it.
#pragma once

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/runtime/runtime.h"

namespace rmq::runtime::detail {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// Longer delays and timeouts are cut to this (about a century), so that adding them to a steady_clock time in
// nanoseconds cannot overflow; callers may pass INT64_MAX to mean "never".
inline constexpr Micros kMaxDelay = millis(int64_t{100} * 365 * 24 * 3600 * 1000);
inline std::chrono::microseconds bounded(Micros delay) {
  return std::chrono::microseconds(std::clamp<Micros>(delay, 0, kMaxDelay));
}

// "ip:port", "[v6]:port"; an IPv4-mapped IPv6 address prints as IPv4 (what a dual-stack listener sees).
std::string format_endpoint(const tcp::endpoint& endpoint);
// The host part of `address` as given to connect/listen: brackets of "[v6]" stripped, "localhost" as 127.0.0.1.
// nullopt when `address` is not "host:port".
std::optional<HostPort> split_address(std::string_view address);

// Runtime::connect (contract in asio_runtime.h): looks the host up if it is not numeric, handshakes, enforces
// `timeout`, and reports exactly once through `done`, always from the loop. `adopt` turns the connected socket
// into the runtime's connection.
void start_connect(asio::io_context& io, const std::string& address, Micros timeout,
                   std::function<ConnectionPtr(tcp::socket)> adopt, std::function<void(Result<ConnectionPtr>)> done);

struct ConnectionLimits {
  size_t send_buffer_limit = 0;
  // One read buffer (read_chunk bytes) shared by every connection of a runtime: callbacks run one at a time on
  // its event thread, and a connection reads only once the socket is readable, so an idle connection holds no
  // buffer (1000 idle connections would otherwise pin 64 MiB).
  std::shared_ptr<std::vector<char>> read_buffer;
  Micros close_linger = 0;
};

class AsioConnection final : public Connection, public std::enable_shared_from_this<AsioConnection> {
 public:
  // `socket` is connected; its addresses are read here, once.
  AsioConnection(uint64_t id, tcp::socket socket, ConnectionLimits limits);
  ~AsioConnection() override;

  uint64_t id() const override { return id_; }
  const std::string& local_address() const override { return local_; }
  const std::string& remote_address() const override { return remote_; }
  void start(ConnectionHandler handler) override;
  bool send(ByteView bytes) override;
  size_t send_backlog() const override { return backlog_; }
  // Graceful: stops all callbacks now; queued bytes go out, then our FIN; incoming bytes are read and dropped
  // until the peer's FIN (so the kernel never answers unread data with a reset), or close_linger passes.
  void close() override;
  bool is_open() const override { return state_ == State::kOpen; }

  // The runtime is going away: close the socket now, forget the handler, never call back or touch Asio again.
  void abandon();

 private:
  enum class State : uint8_t {
    kOpen,
    kClosing,  // close() was called: draining writes, then waiting for the peer's FIN
    kClosed,   // socket closed (or gone); terminal
  };

  void read_more();  // waits until the socket is readable, then on_readable reads into the shared buffer
  void on_readable(const error_code& ec);
  void on_read(const error_code& ec, size_t n);
  void deliver(size_t n);
  void write_more();
  void on_write(const error_code& ec, size_t n);
  void shutdown_send();
  void release();                    // closes the socket and drops buffers; state becomes kClosed
  void end(CloseReason reason);      // the connection broke or the peer closed: release() and report
  void report(CloseReason reason);

  const uint64_t id_;
  const ConnectionLimits limits_;
  std::string local_;
  std::string remote_;
  State state_ = State::kOpen;
  bool started_ = false;
  bool abandoned_ = false;
  // A wait for readability is pending or a read's completion is being handled. While set nobody starts another
  // read, so the bytes on_data is looking at are never overwritten under it.
  bool reading_ = false;
  bool writing_ = false;
  std::optional<CloseReason> unreported_;  // the connection ended before start(); reported by start()
  // Shared so that a handler being called stays alive when it closes its own connection.
  std::shared_ptr<ConnectionHandler> handler_;
  std::optional<tcp::socket> socket_;      // empty once abandoned
  std::optional<asio::steady_timer> linger_;
  std::deque<Bytes> queued_;               // accepted by send(), not yet handed to async_write
  std::vector<Bytes> in_flight_;           // the one async_write's buffers; stable until it completes
  size_t backlog_ = 0;                     // bytes in queued_ and in_flight_
};

class AsioListener final : public Listener, public std::enable_shared_from_this<AsioListener> {
 public:
  // Accepts until close(): pending accepts hold the listener, so dropping its handle does not stop it.
  // Receives each accepted socket (TCP_NODELAY already set).
  using Adopt = std::function<void(tcp::socket)>;

  AsioListener(tcp::acceptor acceptor, Adopt adopt);
  ~AsioListener() override;

  const std::string& address() const override { return address_; }
  void close() override;

  void start() { accept_next(); }
  void abandon() { close(); }

 private:
  void accept_next();
  void on_accept(const error_code& ec, tcp::socket socket);

  std::optional<tcp::acceptor> acceptor_;  // empty once closed
  std::optional<asio::steady_timer> retry_;
  std::string address_;
  Adopt adopt_;
};

}  // namespace rmq::runtime::detail
