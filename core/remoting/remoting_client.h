// RemotingClient: the Java NettyRemotingClient's behaviour on the runtime seam (spec §2.3, §5.9, DESIGN §6.4,
// §6.9). One connection per address, created on demand and reused; requests matched to responses by opaque;
// sync-style invocations end exactly at their deadline, async ones time out through the response-table scan;
// oneway requests carry flag bit 1 and expect nothing. Requests the server pushes (e.g. code 40) go to the
// registered handlers. Everything is event-driven: results arrive through callbacks, on the runtime's thread,
// never inside the invoke call itself.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/remoting/channel.h"
#include "core/remoting/remoting_error.h"
#include "core/remoting/request_dispatcher.h"
#include "core/runtime/runtime.h"

namespace rmq::remoting {

struct RemotingClientOptions {
  int64_t connect_timeout_ms = 3000;          // com.rocketmq.remoting.client.connect.timeout
  bool close_socket_if_timeout = true;        // clientCloseSocketIfTimeout: true since 4.9.1
  // What a graceful close by the peer does to the requests pending on that connection: 4.9.8 leaves them to
  // their timeouts (false); 5.1.4+ fails them at once (true). A reset fails them at once in every version.
  bool fail_pending_on_peer_close = false;
  int async_permits = 65535;                  // clientAsyncSemaphoreValue
  int oneway_permits = 65535;                 // clientOnewaySemaphoreValue
  int64_t scan_initial_delay_ms = 3000;       // scanResponseTable: first run, then every period
  int64_t scan_period_ms = 1000;
  uint32_t max_frame_length = kDefaultMaxFrameLength;
};

using InvokeCallback = std::function<void(InvokeResult)>;
// Oneway results: nullopt when the request was written.
using OnewayCallback = std::function<void(std::optional<RemotingError>)>;

class RemotingClient {
 public:
  RemotingClient(runtime::Runtime& runtime, RemotingClientOptions options = {});
  ~RemotingClient();
  RemotingClient(const RemotingClient&) = delete;
  RemotingClient& operator=(const RemotingClient&) = delete;

  // Starts the response-table scan. Invocations work before start(), but async timeouts are only found by it.
  void start();
  // Closes every channel (their pending requests fail as sends that failed) and stops the scan.
  void shutdown();

  // NettyRemotingClient.invokeSync: connect if needed (up to the connect timeout), then wait exactly the rest
  // of `timeout_ms` for the response.
  void invoke_sync(const std::string& address, RemotingCommand request, int64_t timeout_ms, InvokeCallback done);
  // NettyRemotingClient.invokeAsync: as Java, a missing response is found by the response-table scan, between
  // timeout + 1 s and timeout + 2 s after the write.
  // `on_dispatched` (optional) runs when Java's invokeAsync would return normally: the request was handed to
  // the channel (its write may still fail, reported through `done`). It does not run when invokeAsync would
  // have thrown (connect failure, budget spent, no permit), which `done` reports instead.
  void invoke_async(const std::string& address, RemotingCommand request, int64_t timeout_ms, InvokeCallback done,
                    std::function<void()> on_dispatched = nullptr);
  // NettyRemotingClient.invokeOneway: marks the request oneway and writes it.
  void invoke_oneway(const std::string& address, RemotingCommand request, int64_t timeout_ms,
                     OnewayCallback done = nullptr);

  // A fresh opaque, as Java's global request counter (starts at 0, wraps).
  int32_t next_opaque() { return next_opaque_++; }

  // Handlers for requests the server sends on a client connection.
  RequestDispatcher& dispatcher() { return dispatcher_; }

  // Gets or creates the channel to `address` (Java createChannel: waits up to the connect timeout); `done`
  // receives whether it is open. Used to pick a name server before invoking on it.
  void connect(const std::string& address, std::function<void(bool)> done);
  // Java ChannelWrapper.isOK(): a channel to `address` exists and is open.
  bool channel_ok(const std::string& address) const;

  // Closes the channel to `address` (its pending requests fail at once, as Java's failFast).
  void close_channel(const std::string& address);

  size_t pending_requests() const { return pending_.size(); }
  size_t open_channels() const;

 private:
  struct Pending;
  struct ChannelEntry;
  using ChannelReady = std::function<void(ChannelPtr)>;  // null: the connect failed

  void invoke(bool async, const std::string& address, RemotingCommand request, int64_t timeout_ms,
              InvokeCallback done, std::function<void()> on_dispatched = nullptr);
  void acquire_channel(const std::string& address, ChannelReady ready);
  void on_connected(const std::string& address, Result<runtime::ConnectionPtr> result);
  void send_sync(const ChannelPtr& channel, RemotingCommand request, int64_t timeout_ms, InvokeCallback done);
  void send_async(const ChannelPtr& channel, RemotingCommand request, int64_t timeout_ms, InvokeCallback done,
                  std::function<void()> on_dispatched);
  void write_async(const ChannelPtr& channel, RemotingCommand request, int64_t timeout_ms, InvokeCallback done,
                   std::function<void()> on_dispatched);
  void on_sync_deadline(int32_t opaque);
  void on_command(Channel& channel, RemotingCommand command);
  void on_channel_closed(Channel& channel, runtime::CloseReason reason);
  void fail_pending_on(uint64_t channel_id);
  void close_channel_by_id(uint64_t channel_id);
  void on_permit_wait_expired(int32_t opaque);
  void remove_channel(const Channel& channel);
  void scan_response_table();
  void release_async_permit();
  void complete(Pending pending, InvokeResult result);
  void defer(InvokeCallback done, InvokeResult result);
  int64_t now_ms() const { return runtime_.now() / runtime::kMicrosPerMilli; }
  template <typename Fn>
  auto guarded(Fn fn);

  runtime::Runtime& runtime_;
  RemotingClientOptions options_;
  RequestDispatcher dispatcher_;
  std::map<std::string, ChannelEntry> channels_;
  std::map<int32_t, Pending> pending_;
  struct PermitWaiter;
  std::deque<PermitWaiter> permit_waiters_;
  int async_permits_;
  int32_t next_opaque_ = 0;
  runtime::TimerId scan_timer_ = runtime::kNoTimer;
  bool started_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // callbacks check it: none run after destruction
};

}  // namespace rmq::remoting
