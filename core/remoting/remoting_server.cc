#include "core/remoting/remoting_server.h"

namespace rmq::remoting {

RemotingServer::RemotingServer(runtime::Runtime& runtime, RemotingServerOptions options)
    : runtime_(runtime), options_(options) {}

RemotingServer::~RemotingServer() { shutdown(); }

Status RemotingServer::start(const std::string& address) {
  std::weak_ptr<int> alive = alive_;
  auto listener = runtime_.listen(address, [this, alive](runtime::ConnectionPtr connection) {
    if (!alive.expired()) on_accept(std::move(connection));
  });
  if (!listener.ok()) return listener.error();
  listener_ = std::move(listener.value());
  address_ = listener_->address();
  return Status::Ok();
}

void RemotingServer::shutdown() {
  if (listener_) listener_->close();
  listener_.reset();
  auto channels = std::move(channels_);
  channels_.clear();
  for (auto& [id, channel] : channels) channel->close();
}

bool RemotingServer::send_to(uint64_t channel_id, const RemotingCommand& command) {
  auto channel = this->channel(channel_id);
  return channel && channel->send(command);
}

ChannelPtr RemotingServer::channel(uint64_t channel_id) const {
  auto it = channels_.find(channel_id);
  return it == channels_.end() ? nullptr : it->second;
}

void RemotingServer::on_accept(runtime::ConnectionPtr connection) {
  if (channels_.size() >= options_.max_connections) {
    ++stats_.rejected;
    connection->close();
    return;
  }
  ++stats_.accepted;
  auto channel = std::make_shared<Channel>(std::move(connection), options_.max_frame_length, &runtime_);
  channels_[channel->id()] = channel;
  std::weak_ptr<int> alive = alive_;
  channel->start(Channel::Events{
      [this, alive](Channel& ch, RemotingCommand command) {
        if (!alive.expired()) on_command(ch, std::move(command));
      },
      [this, alive](Channel& ch, runtime::CloseReason reason, const std::optional<DecodeError>& error) {
        if (!alive.expired()) on_close(ch, reason, error);
      }});
  if (options_.idle_timeout_ms > 0) {
    arm_idle_check(channel->id(), runtime_.now() + runtime::millis(options_.idle_timeout_ms));
  }
  if (opened_) opened_(channel);
}

void RemotingServer::arm_idle_check(uint64_t channel_id, runtime::Micros at) {
  std::weak_ptr<int> alive = alive_;
  runtime_.after(at - runtime_.now(), [this, alive, channel_id] {
    if (!alive.expired()) check_idle(channel_id);
  });
}

// One timer per connection, re-armed for the moment it would become idle: activity does not touch timers.
void RemotingServer::check_idle(uint64_t channel_id) {
  auto it = channels_.find(channel_id);
  if (it == channels_.end()) return;
  ChannelPtr channel = it->second;
  runtime::Micros idle_at = channel->last_activity() + runtime::millis(options_.idle_timeout_ms);
  if (runtime_.now() < idle_at) return arm_idle_check(channel_id, idle_at);
  ++stats_.idle_closed;
  channels_.erase(it);
  channel->close();
  if (idle_close_) idle_close_(*channel);
  if (closed_) closed_(channel, runtime::CloseReason::kLocal);
}

void RemotingServer::on_command(Channel& channel, RemotingCommand command) {
  if (command.is_response()) {  // Java looks it up in its response table, finds nothing and logs
    ++stats_.ignored_responses;
    return;
  }
  auto it = channels_.find(channel.id());
  if (it == channels_.end()) return;
  ++stats_.requests;
  ChannelPtr keep = it->second;
  dispatcher_.dispatch(keep, std::move(command));
}

void RemotingServer::on_close(Channel& channel, runtime::CloseReason reason, const std::optional<DecodeError>& error) {
  auto it = channels_.find(channel.id());
  if (it == channels_.end()) return;
  ChannelPtr keep = it->second;
  channels_.erase(it);
  if (error) {
    ++stats_.malformed_frames;
    if (decode_error_) decode_error_(channel, *error);
  }
  if (closed_) closed_(keep, reason);
}

}  // namespace rmq::remoting
