#include "core/runtime/asio_connection.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <utility>

namespace rmq::runtime::detail {

namespace {

using ConnectDone = std::function<void(Result<ConnectionPtr>)>;

// send() appends to the last queued piece while it is smaller than this, so a burst of small frames is written
// with a few large buffers rather than one iovec each.
constexpr size_t kCoalesceLimit = size_t{64} << 10;

// Pause before accepting again after a failed accept (e.g. out of descriptors), so the loop does not spin.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);

// One connect(): its socket, timeout timer and resolver live as long as a pending operation holds the attempt.
// Whichever of the handshake, the lookup and the timer ends first settles it; the others then find `finished`.
struct ConnectAttempt {
  ConnectAttempt(asio::io_context& io, std::string address_, std::function<ConnectionPtr(tcp::socket)> adopt_,
                 ConnectDone done_)
      : socket(io),
        timer(io),
        resolver(io),
        address(std::move(address_)),
        adopt(std::move(adopt_)),
        done(std::move(done_)) {}

  void finish(Result<ConnectionPtr> result) {
    finished = true;
    error_code ignored;
    timer.cancel();
    resolver.cancel();
    socket.close(ignored);  // no-op after the socket moved into a connection
    ConnectDone callback = std::move(done);
    done = nullptr;
    callback(std::move(result));
  }

  tcp::socket socket;
  asio::steady_timer timer;
  tcp::resolver resolver;
  std::string address;
  std::function<ConnectionPtr(tcp::socket)> adopt;
  ConnectDone done;
  bool finished = false;
};
using AttemptPtr = std::shared_ptr<ConnectAttempt>;

Error connect_error(const std::string& address, const error_code& ec) {
  if (ec == asio::error::connection_refused) return {net_error::kRefused, "connect to " + address + " refused"};
  if (ec == asio::error::timed_out) return {net_error::kTimedOut, "connect to " + address + " timed out"};
  return {net_error::kOther, "connect to " + address + " failed: " + ec.message()};
}

// Tries each endpoint in turn; the error reported is the last one's.
template <typename Endpoints>
void handshake(const AttemptPtr& attempt, const Endpoints& endpoints) {
  asio::async_connect(attempt->socket, endpoints, [attempt](const error_code& ec, const tcp::endpoint&) {
    if (attempt->finished) return;
    if (ec) return attempt->finish(connect_error(attempt->address, ec));
    error_code ignored;
    attempt->socket.set_option(tcp::no_delay(true), ignored);
    attempt->finish(attempt->adopt(std::move(attempt->socket)));
  });
}

// Errors found inside connect() still reach `done` from the loop, never inside the call.
void fail_later(asio::io_context& io, const AttemptPtr& attempt, Error error) {
  asio::post(io, [attempt, error = std::move(error)]() mutable { attempt->finish(std::move(error)); });
}

}  // namespace

void start_connect(asio::io_context& io, const std::string& address, Micros timeout,
                   std::function<ConnectionPtr(tcp::socket)> adopt, ConnectDone done) {
  auto attempt = std::make_shared<ConnectAttempt>(io, address, std::move(adopt), std::move(done));
  auto target = split_address(address);
  if (!target) return fail_later(io, attempt, {net_error::kBadAddress, "bad address \"" + address + "\""});
  if (timeout <= 0) return fail_later(io, attempt, {net_error::kTimedOut, "connect to " + address + " timed out"});
  attempt->timer.expires_after(bounded(timeout));
  attempt->timer.async_wait([attempt](const error_code& ec) {
    if (ec || attempt->finished) return;
    attempt->finish(Error{net_error::kTimedOut, "connect to " + attempt->address + " timed out"});
  });
  error_code ec;
  asio::ip::address ip = asio::ip::make_address(target->host, ec);
  if (!ec) return handshake(attempt, std::array{tcp::endpoint(ip, target->port)});
  attempt->resolver.async_resolve(
      target->host, std::to_string(target->port), tcp::resolver::numeric_service,
      [attempt](const error_code& resolve_ec, const tcp::resolver::results_type& results) {
        if (attempt->finished) return;
        if (!resolve_ec) return handshake(attempt, results);
        attempt->finish(Error{net_error::kBadAddress, "cannot resolve " + attempt->address + ": " +
                                                          resolve_ec.message()});
      });
}

std::string format_endpoint(const tcp::endpoint& endpoint) {
  asio::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  std::string port = std::to_string(endpoint.port());
  if (address.is_v6()) return "[" + address.to_string() + "]:" + port;
  return address.to_string() + ":" + port;
}

std::optional<HostPort> split_address(std::string_view address) {
  auto parsed = parse_host_port(address);
  if (!parsed) return std::nullopt;
  std::string& host = parsed->host;
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return std::nullopt;
  // Mapped without a lookup: loopback is the common case here, and IPv4 is what listeners bind by default.
  if (host == "localhost") host = "127.0.0.1";
  return parsed;
}

// --- AsioConnection ------------------------------------------------------------------------------------------

AsioConnection::AsioConnection(uint64_t id, tcp::socket socket, ConnectionLimits limits)
    : id_(id), limits_(std::move(limits)), socket_(std::move(socket)) {
  error_code ec;
  socket_->non_blocking(true, ec);  // on_readable's read_some must never block the loop
  local_ = format_endpoint(socket_->local_endpoint(ec));
  remote_ = format_endpoint(socket_->remote_endpoint(ec));
}

// The socket's own destructor closes it: a connection dropped without close() ends as if the process had
// closed the descriptor (FIN, or RST when unread bytes remain).
AsioConnection::~AsioConnection() = default;

void AsioConnection::start(ConnectionHandler handler) {
  if (started_ || abandoned_) return;  // a second start() is a caller bug; the first handler stays
  started_ = true;
  if (state_ == State::kOpen) {
    handler_ = std::make_shared<ConnectionHandler>(std::move(handler));
    if (!reading_) read_more();
    return;
  }
  if (unreported_) {
    // It ended before anyone listened. Report it now, but from the loop: never inside start().
    handler_ = std::make_shared<ConnectionHandler>(std::move(handler));
    CloseReason reason = *unreported_;
    unreported_.reset();
    asio::post(socket_->get_executor(), [self = shared_from_this(), reason] { self->report(reason); });
  }
}

bool AsioConnection::send(ByteView bytes) {
  if (state_ != State::kOpen) return false;
  if (bytes.size() > limits_.send_buffer_limit - backlog_) return false;  // backlog_ never exceeds the limit
  if (bytes.empty()) return true;
  if (!queued_.empty() && queued_.back().size() + bytes.size() <= kCoalesceLimit) {
    queued_.back().append(bytes);
  } else {
    queued_.emplace_back(bytes);
  }
  backlog_ += bytes.size();
  if (!writing_) write_more();
  return true;
}

void AsioConnection::close() {
  handler_.reset();  // whatever the state: no callback after close()
  unreported_.reset();
  if (state_ != State::kOpen) return;
  state_ = State::kClosing;
  linger_.emplace(socket_->get_executor());
  linger_->expires_after(std::chrono::microseconds(limits_.close_linger));
  linger_->async_wait([self = shared_from_this()](const error_code& ec) {
    if (!ec && self->state_ == State::kClosing) self->release();
  });
  if (!writing_) shutdown_send();
  // Drain until the peer's FIN: closing a socket with unread bytes makes the kernel send RST, which can
  // destroy the bytes we just sent before the peer reads them.
  if (state_ == State::kClosing && !reading_) read_more();
}

void AsioConnection::abandon() {
  abandoned_ = true;
  state_ = State::kClosed;
  handler_.reset();
  unreported_.reset();
  queued_.clear();
  backlog_ = 0;
  // Destroyed now, while the io_context still exists; pending operations end aborted and are never run.
  linger_.reset();
  socket_.reset();
}

void AsioConnection::read_more() {
  reading_ = true;
  socket_->async_wait(tcp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
    self->on_readable(ec);
  });
}

void AsioConnection::on_readable(const error_code& wait_error) {
  if (wait_error || state_ == State::kClosed || !socket_) return on_read(wait_error, 0);
  error_code ec;
  size_t n = socket_->read_some(asio::buffer(*limits_.read_buffer), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) return read_more();  // spurious wake-up
  on_read(ec, n);
}

void AsioConnection::on_read(const error_code& ec, size_t n) {
  if (state_ == State::kOpen && n > 0) deliver(n);  // on_data may close() this connection
  if (state_ == State::kClosed) {
    reading_ = false;
    return;
  }
  if (state_ == State::kClosing) {
    if (!ec) {
      read_more();  // dropping what arrives after close(), until the peer's FIN
      return;
    }
    reading_ = false;
    release();  // the peer's FIN (or a reset): nothing left to wait for
    return;
  }
  if (!ec) {
    read_more();
    return;
  }
  reading_ = false;
  // EOF comes after every byte the peer sent, so the handler has seen them all.
  end(ec == asio::error::eof ? CloseReason::kPeerClosed : CloseReason::kReset);
}

void AsioConnection::deliver(size_t n) {
  auto handler = handler_;  // keeps the handler alive should on_data close this connection
  if (handler && handler->on_data) handler->on_data(ByteView(limits_.read_buffer->data(), n));
}

void AsioConnection::write_more() {
  in_flight_.clear();
  for (Bytes& piece : queued_) in_flight_.push_back(std::move(piece));
  queued_.clear();
  // Buffers point into in_flight_, which is not touched again until this write completes.
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(in_flight_.size());
  for (const Bytes& piece : in_flight_) buffers.emplace_back(piece.data(), piece.size());
  writing_ = true;
  asio::async_write(*socket_, buffers, [self = shared_from_this()](const error_code& ec, size_t n) {
    self->on_write(ec, n);
  });
}

void AsioConnection::on_write(const error_code& ec, size_t n) {
  writing_ = false;
  in_flight_.clear();
  if (state_ == State::kClosed) return;
  if (ec) {
    if (state_ == State::kClosing) {
      release();  // the peer is gone; the local handler already waived its on_close
    } else {
      end(CloseReason::kReset);
    }
    return;
  }
  backlog_ -= n;
  if (!queued_.empty()) {
    write_more();
  } else if (state_ == State::kClosing) {
    shutdown_send();
  }
}

void AsioConnection::shutdown_send() {
  error_code ec;
  socket_->shutdown(tcp::socket::shutdown_send, ec);
  if (ec) release();
}

void AsioConnection::release() {
  state_ = State::kClosed;
  queued_.clear();
  backlog_ = 0;
  if (linger_) linger_->cancel();
  error_code ignored;
  if (socket_) socket_->close(ignored);  // pending operations complete as aborted and find kClosed
}

void AsioConnection::end(CloseReason reason) {
  release();
  report(reason);
}

void AsioConnection::report(CloseReason reason) {
  if (!started_) {
    unreported_ = reason;
    return;
  }
  auto handler = std::move(handler_);
  handler_.reset();
  if (handler && handler->on_close) handler->on_close(reason);
}

// --- AsioListener --------------------------------------------------------------------------------------------

AsioListener::AsioListener(tcp::acceptor acceptor, Adopt adopt)
    : acceptor_(std::move(acceptor)), adopt_(std::move(adopt)) {
  error_code ec;
  address_ = format_endpoint(acceptor_->local_endpoint(ec));
}

AsioListener::~AsioListener() { close(); }

void AsioListener::close() {
  adopt_ = nullptr;  // may hold the ListenerPtr itself (through on_accept); dropping it breaks the cycle
  retry_.reset();
  if (!acceptor_) return;
  error_code ignored;
  acceptor_->close(ignored);
  acceptor_.reset();
}

void AsioListener::accept_next() {
  // The pending accept owns the listener: it keeps accepting after its handle is dropped, until close() (as the
  // simulated network does), and close() ends the chain by aborting this accept.
  acceptor_->async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
    self->on_accept(ec, std::move(socket));
  });
}

void AsioListener::on_accept(const error_code& ec, tcp::socket socket) {
  if (!acceptor_) return;  // closed meanwhile; `socket` closes as it goes
  if (!ec) {
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    Adopt adopt = adopt_;  // on_accept may close this listener, which clears adopt_
    adopt(std::move(socket));
    if (acceptor_) accept_next();
    return;
  }
  if (ec == asio::error::operation_aborted) return;
  retry_.emplace(acceptor_->get_executor());
  retry_->expires_after(kAcceptRetryDelay);
  retry_->async_wait([self = shared_from_this()](const error_code& wait_ec) {
    if (!wait_ec && self->acceptor_) self->accept_next();
  });
}

}  // namespace rmq::runtime::detail
