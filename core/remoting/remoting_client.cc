#include "core/remoting/remoting_client.h"

#include <cassert>

namespace rmq::remoting {

using runtime::millis;

struct RemotingClient::Pending {
  bool async = false;
  uint64_t channel_id = 0;
  std::string address;  // the channel's remote address, as Java's messages print it
  int64_t begin_ms = 0;
  int64_t timeout_ms = 0;
  runtime::TimerId deadline = runtime::kNoTimer;  // sync only: the wait ends exactly here
  InvokeCallback done;
};

struct RemotingClient::ChannelEntry {
  ChannelPtr channel;  // null while the connect is in progress
  std::vector<ChannelReady> waiters;
};

struct RemotingClient::PermitWaiter {
  ChannelPtr channel;
  RemotingCommand request;
  int64_t timeout_ms = 0;
  int64_t begin_ms = 0;
  InvokeCallback done;
  runtime::TimerId timer = runtime::kNoTimer;
  std::function<void()> on_dispatched;
};

template <typename Fn>
auto RemotingClient::guarded(Fn fn) {
  return [alive = std::weak_ptr<int>(alive_), fn = std::move(fn)](auto&&... args) mutable {
    if (alive.expired()) return;
    fn(std::forward<decltype(args)>(args)...);
  };
}

RemotingClient::RemotingClient(runtime::Runtime& runtime, RemotingClientOptions options)
    : runtime_(runtime), options_(options), async_permits_(options.async_permits) {}

RemotingClient::~RemotingClient() { shutdown(); }

void RemotingClient::start() {
  if (started_) return;
  started_ = true;
  scan_timer_ = runtime_.after(millis(options_.scan_initial_delay_ms), guarded([this] { scan_response_table(); }));
}

void RemotingClient::shutdown() {
  if (scan_timer_ != runtime::kNoTimer) runtime_.cancel(scan_timer_);
  scan_timer_ = runtime::kNoTimer;
  started_ = false;
  std::vector<std::string> addresses;
  for (const auto& [address, entry] : channels_) addresses.push_back(address);
  for (const auto& address : addresses) close_channel(address);
}

size_t RemotingClient::open_channels() const {
  size_t open = 0;
  for (const auto& [address, entry] : channels_) open += entry.channel && entry.channel->is_open() ? 1 : 0;
  return open;
}

void RemotingClient::connect(const std::string& address, std::function<void(bool)> done) {
  acquire_channel(address, [this, done = std::move(done)](ChannelPtr channel) mutable {
    bool ok = channel != nullptr;
    runtime_.after(0, guarded([done = std::move(done), ok] { done(ok); }));
  });
}

bool RemotingClient::channel_ok(const std::string& address) const {
  auto it = channels_.find(address);
  return it != channels_.end() && it->second.channel && it->second.channel->is_open();
}

void RemotingClient::defer(InvokeCallback done, InvokeResult result) {
  runtime_.after(0, guarded([done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); }));
}

void RemotingClient::complete(Pending pending, InvokeResult result) {
  if (pending.deadline != runtime::kNoTimer) runtime_.cancel(pending.deadline);
  if (pending.async) release_async_permit();
  pending.done(std::move(result));
}

void RemotingClient::acquire_channel(const std::string& address, ChannelReady ready) {
  auto it = channels_.find(address);
  if (it != channels_.end()) {
    if (!it->second.channel) {  // a connect is in progress: wait for it, as Java waits on the channel future
      it->second.waiters.push_back(std::move(ready));
      return;
    }
    if (it->second.channel->is_open()) {
      ready(it->second.channel);
      return;
    }
    channels_.erase(it);
  }
  channels_[address].waiters.push_back(std::move(ready));
  runtime_.connect(address, millis(options_.connect_timeout_ms),
                   guarded([this, address](Result<runtime::ConnectionPtr> result) {
                     on_connected(address, std::move(result));
                   }));
}

void RemotingClient::on_connected(const std::string& address, Result<runtime::ConnectionPtr> result) {
  auto it = channels_.find(address);
  if (it == channels_.end() || it->second.channel) {  // closed (or replaced) while connecting
    if (result.ok()) result.value()->close();
    return;
  }
  std::vector<ChannelReady> waiters = std::move(it->second.waiters);
  ChannelPtr channel;
  if (result.ok()) {
    channel = std::make_shared<Channel>(std::move(result.value()), options_.max_frame_length);
    it->second.channel = channel;
    channel->start(Channel::Events{
        guarded([this](Channel& ch, RemotingCommand command) { on_command(ch, std::move(command)); }),
        guarded([this](Channel& ch, runtime::CloseReason reason, const std::optional<DecodeError>&) {
          on_channel_closed(ch, reason);
        })});
  } else {
    channels_.erase(it);
  }
  for (auto& ready : waiters) ready(channel);
}

void RemotingClient::invoke_sync(const std::string& address, RemotingCommand request, int64_t timeout_ms,
                                 InvokeCallback done) {
  invoke(false, address, std::move(request), timeout_ms, std::move(done));
}

void RemotingClient::invoke_async(const std::string& address, RemotingCommand request, int64_t timeout_ms,
                                  InvokeCallback done, std::function<void()> on_dispatched) {
  invoke(true, address, std::move(request), timeout_ms, std::move(done), std::move(on_dispatched));
}

// The part NettyRemotingClient.invokeSync and invokeAsync share: get or create the channel, then check what is
// left of the budget. Only the error for an exhausted budget differs (RemotingTimeoutException for sync,
// RemotingTooMuchRequestException for async).
void RemotingClient::invoke(bool async, const std::string& address, RemotingCommand request, int64_t timeout_ms,
                            InvokeCallback done, std::function<void()> on_dispatched) {
  int64_t begin = now_ms();
  acquire_channel(address, [this, async, address, begin, timeout_ms, request = std::move(request),
                            done = std::move(done), on_dispatched = std::move(on_dispatched)](ChannelPtr channel) mutable {
    if (!channel) return defer(std::move(done), connect_failed(address));
    int64_t cost = now_ms() - begin;
    if (timeout_ms < cost) {
      RemotingError exhausted =
          async ? RemotingError{RemotingErrorKind::kTooMuchRequest, "invokeAsync call the addr[" + address + "] timeout",
                                address}
                : RemotingError{RemotingErrorKind::kTimeout, "invokeSync call the addr[" + address + "] timeout",
                                address};
      return defer(std::move(done), std::move(exhausted));
    }
    if (async) send_async(channel, std::move(request), timeout_ms - cost, std::move(done), std::move(on_dispatched));
    else send_sync(channel, std::move(request), timeout_ms - cost, std::move(done));
  });
}

void RemotingClient::send_sync(const ChannelPtr& channel, RemotingCommand request, int64_t timeout_ms,
                               InvokeCallback done) {
  int32_t opaque = request.opaque;
  std::string address = channel->remote_address();
  if (!channel->send(request)) {
    // The write failed: Java throws RemotingSendRequestException and closes the channel.
    close_channel_by_id(channel->id());
    return defer(std::move(done), send_request_failed(address));
  }
  Pending pending{false, channel->id(), address, now_ms(), timeout_ms, runtime::kNoTimer, std::move(done)};
  pending.deadline = runtime_.after(millis(timeout_ms), guarded([this, opaque] { on_sync_deadline(opaque); }));
  if (auto old = pending_.find(opaque); old != pending_.end() && old->second.deadline != runtime::kNoTimer) {
    runtime_.cancel(old->second.deadline);  // a reused opaque replaces the entry, as Java's map put does
  }
  pending_.insert_or_assign(opaque, std::move(pending));
}

void RemotingClient::on_sync_deadline(int32_t opaque) {
  auto it = pending_.find(opaque);
  if (it == pending_.end() || it->second.async) return;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  pending.deadline = runtime::kNoTimer;
  RemotingError error{RemotingErrorKind::kTimeout,
                      "wait response on the channel <" + pending.address + "> timeout, " +
                          std::to_string(pending.timeout_ms) + "(ms)",
                      pending.address};
  error.timeout_ms = pending.timeout_ms;
  // Closing fails the other requests pending on the channel, as Java's failFast.
  if (options_.close_socket_if_timeout) close_channel_by_id(pending.channel_id);
  complete(std::move(pending), std::move(error));
}

void RemotingClient::send_async(const ChannelPtr& channel, RemotingCommand request, int64_t timeout_ms,
                                InvokeCallback done, std::function<void()> on_dispatched) {
  if (async_permits_ > 0) {
    --async_permits_;
    return write_async(channel, std::move(request), timeout_ms, std::move(done), std::move(on_dispatched));
  }
  std::string address = channel->remote_address();
  if (timeout_ms <= 0) {
    return defer(std::move(done),
                 RemotingError{RemotingErrorKind::kTooMuchRequest, "invokeAsyncImpl invoke too fast", address});
  }
  // Java's tryAcquire waits up to the timeout for a permit: wait in line, bounded by the permit count.
  if (permit_waiters_.size() >= static_cast<size_t>(std::max(options_.async_permits, 1))) {
    return defer(std::move(done),
                 RemotingError{RemotingErrorKind::kTooMuchRequest, "invokeAsyncImpl invoke too fast", address});
  }
  PermitWaiter waiter{channel, std::move(request), timeout_ms, now_ms(), std::move(done), runtime::kNoTimer,
                      std::move(on_dispatched)};
  int32_t opaque = waiter.request.opaque;
  waiter.timer = runtime_.after(millis(timeout_ms), guarded([this, opaque] { on_permit_wait_expired(opaque); }));
  permit_waiters_.push_back(std::move(waiter));
}

void RemotingClient::on_permit_wait_expired(int32_t opaque) {
  for (auto it = permit_waiters_.begin(); it != permit_waiters_.end(); ++it) {
    if (it->request.opaque != opaque) continue;
    PermitWaiter waiter = std::move(*it);
    permit_waiters_.erase(it);
    std::string info = "invokeAsyncImpl tryAcquire semaphore timeout, " + std::to_string(waiter.timeout_ms) +
                       "ms, waiting thread nums: " + std::to_string(permit_waiters_.size()) +
                       " semaphoreAsyncValue: " + std::to_string(async_permits_);
    waiter.done(RemotingError{RemotingErrorKind::kTimeout, std::move(info), waiter.channel->remote_address()});
    return;
  }
}

void RemotingClient::release_async_permit() {
  ++async_permits_;
  while (async_permits_ > 0 && !permit_waiters_.empty()) {
    PermitWaiter waiter = std::move(permit_waiters_.front());
    permit_waiters_.pop_front();
    runtime_.cancel(waiter.timer);
    --async_permits_;
    int64_t cost = now_ms() - waiter.begin_ms;
    if (waiter.timeout_ms < cost) {
      ++async_permits_;
      defer(std::move(waiter.done), RemotingError{RemotingErrorKind::kTimeout, "invokeAsyncImpl call timeout",
                                                  waiter.channel->remote_address()});
      continue;
    }
    write_async(waiter.channel, std::move(waiter.request), waiter.timeout_ms - cost, std::move(waiter.done),
                std::move(waiter.on_dispatched));
  }
}

void RemotingClient::write_async(const ChannelPtr& channel, RemotingCommand request, int64_t timeout_ms,
                                 InvokeCallback done, std::function<void()> on_dispatched) {
  if (on_dispatched) runtime_.after(0, guarded(std::move(on_dispatched)));
  int32_t opaque = request.opaque;
  Pending pending{true, channel->id(), channel->remote_address(), now_ms(), timeout_ms, runtime::kNoTimer,
                  std::move(done)};
  if (!channel->send(request)) {
    // Java's write listener: requestFail — the future completes with sendRequestOK = false.
    RemotingError error = send_request_failed(pending.address);
    error.from_future = true;
    error.timeout_ms = timeout_ms;
    release_async_permit();
    return defer(std::move(pending.done), std::move(error));
  }
  pending_.insert_or_assign(opaque, std::move(pending));
}

void RemotingClient::invoke_oneway(const std::string& address, RemotingCommand request, int64_t timeout_ms,
                                   OnewayCallback done) {
  request.mark_oneway();
  acquire_channel(address, [this, address, timeout_ms, request = std::move(request),
                            done = std::move(done)](ChannelPtr channel) mutable {
    std::optional<RemotingError> error;
    if (!channel) {
      error = connect_failed(address);
    } else if (!channel->send(request)) {
      error = send_request_failed(channel->remote_address());
    }
    (void)timeout_ms;  // the oneway semaphore is released when the write completes, which here is at once
    if (done) {
      runtime_.after(0, guarded([done = std::move(done), error = std::move(error)] { done(error); }));
    }
  });
}

void RemotingClient::on_command(Channel& channel, RemotingCommand command) {
  if (!command.is_response()) {
    for (const auto& [address, entry] : channels_) {
      if (entry.channel.get() == &channel) return dispatcher_.dispatch(entry.channel, std::move(command));
    }
    return;
  }
  auto it = pending_.find(command.opaque);
  if (it == pending_.end()) return;  // late or unknown: Java logs "not matched any request" and drops it
  Pending pending = std::move(it->second);
  pending_.erase(it);
  complete(std::move(pending), std::move(command));
}

void RemotingClient::on_channel_closed(Channel& channel, runtime::CloseReason reason) {
  uint64_t id = channel.id();
  remove_channel(channel);
  // A reset (exceptionCaught) makes Java close the channel, which fails what is pending on it; a graceful
  // peer close only does so from 5.1.4 on.
  if (reason == runtime::CloseReason::kReset || options_.fail_pending_on_peer_close) fail_pending_on(id);
}

void RemotingClient::remove_channel(const Channel& channel) {
  for (auto it = channels_.begin(); it != channels_.end(); ++it) {
    if (it->second.channel.get() == &channel) {
      channels_.erase(it);
      return;
    }
  }
}

void RemotingClient::close_channel(const std::string& address) {
  auto it = channels_.find(address);
  if (it == channels_.end()) return;
  ChannelPtr channel = it->second.channel;
  std::vector<ChannelReady> waiters = std::move(it->second.waiters);
  channels_.erase(it);
  for (auto& ready : waiters) ready(nullptr);
  if (!channel) return;
  channel->close();
  fail_pending_on(channel->id());
}

void RemotingClient::close_channel_by_id(uint64_t channel_id) {
  for (const auto& [address, entry] : channels_) {
    if (entry.channel && entry.channel->id() == channel_id) {
      std::string copy = address;  // close_channel erases the key
      close_channel(copy);
      return;
    }
  }
  fail_pending_on(channel_id);
}

void RemotingClient::fail_pending_on(uint64_t channel_id) {
  std::vector<int32_t> opaques;
  for (const auto& [opaque, pending] : pending_) {
    if (pending.channel_id == channel_id) opaques.push_back(opaque);
  }
  for (int32_t opaque : opaques) {
    auto it = pending_.find(opaque);
    if (it == pending_.end()) continue;
    Pending pending = std::move(it->second);
    pending_.erase(it);
    RemotingError error = send_request_failed(pending.address);
    error.from_future = pending.async;
    error.timeout_ms = pending.timeout_ms;
    complete(std::move(pending), std::move(error));
  }
}

void RemotingClient::scan_response_table() {
  int64_t now = now_ms();
  std::vector<int32_t> expired;
  for (const auto& [opaque, pending] : pending_) {
    if (pending.async && pending.begin_ms + pending.timeout_ms + 1000 <= now) expired.push_back(opaque);
  }
  for (int32_t opaque : expired) {
    auto it = pending_.find(opaque);
    if (it == pending_.end()) continue;
    Pending pending = std::move(it->second);
    pending_.erase(it);
    RemotingError error{RemotingErrorKind::kTimeout, "wait response timeout " + std::to_string(pending.timeout_ms) + "ms",
                        pending.address, true, pending.timeout_ms};
    complete(std::move(pending), std::move(error));
  }
  scan_timer_ = runtime_.after(millis(options_.scan_period_ms), guarded([this] { scan_response_table(); }));
}

}  // namespace rmq::remoting
