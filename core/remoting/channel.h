// A Channel is one connection with its frame decoder: it turns arriving bytes into RemotingCommands for its
// owner and commands into frames. Both the RemotingClient and the RemotingServer speak through Channels.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "core/remoting/decode_error.h"
#include "core/remoting/frame_codec.h"
#include "core/runtime/runtime.h"

namespace rmq::remoting {

class Channel : public std::enable_shared_from_this<Channel> {
 public:
  struct Events {
    std::function<void(Channel&, RemotingCommand)> on_command;
    // Called once when the channel ends by the peer (kPeerClosed / kReset) or by a malformed frame (the decode
    // error is given; the channel has closed the connection, as a Java peer does). Not called after close().
    std::function<void(Channel&, runtime::CloseReason, const std::optional<DecodeError>&)> on_close;
  };

  // `clock`, when given, times the channel's last read or write (for idle detection).
  Channel(runtime::ConnectionPtr connection, uint32_t max_frame_length, const runtime::Runtime* clock = nullptr);

  void start(Events events);
  // Encodes and queues the frame; false when the connection refused it (closed, or its send buffer is full).
  bool send(const RemotingCommand& command);
  // Local close: queued bytes still go out, no on_close is reported.
  void close();

  bool is_open() const { return open_ && connection_->is_open(); }
  uint64_t id() const { return connection_->id(); }
  const std::string& remote_address() const { return connection_->remote_address(); }
  const std::string& local_address() const { return connection_->local_address(); }
  // When bytes last arrived or were queued (the clock's time; 0 without a clock or before any).
  runtime::Micros last_activity() const { return last_activity_; }

 private:
  void on_data(ByteView bytes);
  void on_connection_closed(runtime::CloseReason reason);

  void touch() {
    if (clock_ != nullptr) last_activity_ = clock_->now();
  }

  runtime::ConnectionPtr connection_;
  const runtime::Runtime* clock_;
  runtime::Micros last_activity_ = 0;
  FrameDecoder decoder_;
  Events events_;
  bool open_ = true;
  Bytes frame_;  // reused encode buffer
};

using ChannelPtr = std::shared_ptr<Channel>;

}  // namespace rmq::remoting
