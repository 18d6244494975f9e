// RemotingServer: listens on the runtime seam, decodes each connection's frames, dispatches requests by code
// to handlers (RequestDispatcher) and writes their answers with flag bit 0 set. A malformed frame closes only
// its own connection (as the real servers do: spec/captures/real-4.9.8/malformed.jsonl); a frame that claims to be
// a response is ignored. The fake nameserver and brokers are built on it, in the simulator and over TCP.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/remoting/channel.h"
#include "core/remoting/request_dispatcher.h"
#include "core/runtime/runtime.h"

namespace rmq::remoting {

struct RemotingServerOptions {
  uint32_t max_frame_length = kDefaultMaxFrameLength;
  size_t max_connections = 4096;  // further connections are closed at once
  // A connection with no byte read or written for this long is closed, as the real servers do
  // (serverChannelMaxIdleTimeSeconds = 120, Netty's IdleStateHandler ALL_IDLE). 0 keeps idle connections.
  int64_t idle_timeout_ms = 120'000;
};

struct ServerStats {
  uint64_t accepted = 0;
  uint64_t rejected = 0;         // over max_connections
  uint64_t requests = 0;
  uint64_t malformed_frames = 0;  // connections closed for a decode error
  uint64_t ignored_responses = 0;
  uint64_t idle_closed = 0;       // connections closed for idleness
};

class RemotingServer {
 public:
  using ConnectionOpened = std::function<void(const ChannelPtr&)>;
  using ConnectionClosed = std::function<void(const ChannelPtr&, runtime::CloseReason)>;
  using DecodeErrorLog = std::function<void(const Channel&, const DecodeError&)>;
  using IdleLog = std::function<void(const Channel&)>;

  RemotingServer(runtime::Runtime& runtime, RemotingServerOptions options = {});
  ~RemotingServer();
  RemotingServer(const RemotingServer&) = delete;
  RemotingServer& operator=(const RemotingServer&) = delete;

  // Listens on `address` ("host:port", port 0 picks one).
  Status start(const std::string& address);
  // Stops listening and closes every connection.
  void shutdown();
  // The bound address ("" before start()).
  const std::string& address() const { return address_; }

  RequestDispatcher& dispatcher() { return dispatcher_; }
  void on_connection_opened(ConnectionOpened fn) { opened_ = std::move(fn); }
  void on_connection_closed(ConnectionClosed fn) { closed_ = std::move(fn); }
  void on_decode_error(DecodeErrorLog fn) { decode_error_ = std::move(fn); }
  // Told about each connection closed for idleness (it is also reported to on_connection_closed, kLocal).
  void on_idle_close(IdleLog fn) { idle_close_ = std::move(fn); }

  // Writes a command the server originates (e.g. a oneway NOTIFY_CONSUMER_IDS_CHANGED) to one connection.
  bool send_to(uint64_t channel_id, const RemotingCommand& command);
  ChannelPtr channel(uint64_t channel_id) const;
  size_t connection_count() const { return channels_.size(); }
  const ServerStats& stats() const { return stats_; }

 private:
  void on_accept(runtime::ConnectionPtr connection);
  void on_command(Channel& channel, RemotingCommand command);
  void on_close(Channel& channel, runtime::CloseReason reason, const std::optional<DecodeError>& error);
  void arm_idle_check(uint64_t channel_id, runtime::Micros at);
  void check_idle(uint64_t channel_id);

  runtime::Runtime& runtime_;
  RemotingServerOptions options_;
  RequestDispatcher dispatcher_;
  runtime::ListenerPtr listener_;
  std::string address_;
  std::map<uint64_t, ChannelPtr> channels_;
  ConnectionOpened opened_;
  ConnectionClosed closed_;
  DecodeErrorLog decode_error_;
  IdleLog idle_close_;
  ServerStats stats_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rmq::remoting
