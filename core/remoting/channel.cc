#include "core/remoting/channel.h"

namespace rmq::remoting {

Channel::Channel(runtime::ConnectionPtr connection, uint32_t max_frame_length, const runtime::Runtime* clock)
    : connection_(std::move(connection)), clock_(clock), decoder_(max_frame_length) {
  touch();
}

void Channel::start(Events events) {
  events_ = std::move(events);
  // The connection holds the handler; a weak pointer keeps a dropped Channel from being called.
  std::weak_ptr<Channel> weak = shared_from_this();
  connection_->start(runtime::ConnectionHandler{
      [weak](ByteView bytes) {
        if (auto self = weak.lock()) self->on_data(bytes);
      },
      [weak](runtime::CloseReason reason) {
        if (auto self = weak.lock()) self->on_connection_closed(reason);
      }});
}

bool Channel::send(const RemotingCommand& command) {
  if (!is_open()) return false;
  frame_.clear();
  append_frame(command, frame_);
  touch();
  return connection_->send(frame_);
}

void Channel::close() {
  if (!open_) return;
  open_ = false;
  connection_->close();
}

void Channel::on_data(ByteView bytes) {
  auto self = shared_from_this();  // an event handler may drop the owner's last reference
  touch();
  while (open_) {
    DecodeStep step = decoder_.decode(bytes);
    if (auto* command = std::get_if<RemotingCommand>(&step)) {
      if (events_.on_command) events_.on_command(*this, std::move(*command));
      continue;
    }
    if (auto* error = std::get_if<DecodeError>(&step)) {
      open_ = false;
      connection_->close();
      if (events_.on_close) events_.on_close(*this, runtime::CloseReason::kReset, *error);
    }
    return;
  }
}

void Channel::on_connection_closed(runtime::CloseReason reason) {
  if (!open_) return;
  open_ = false;
  auto self = shared_from_this();
  if (events_.on_close) events_.on_close(*this, reason, std::nullopt);
}

}  // namespace rmq::remoting
