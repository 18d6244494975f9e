// SimNetwork's internal state: connections (a Pipe with two endpoints and two streams), connect attempts and
// listeners, and the handles the runtime hands out. Only sim_network*.cc, sim_stream.cc and sim_faults.cc
// include this.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "sim/sim_network.h"

namespace rmq::sim::detail {

struct Chunk {
  Micros arrival = 0;
  Bytes bytes;
  bool fin = false;  // the sender's close(): after this, nothing more comes
};

// One direction of a connection, from ends[side] to ends[1 - side].
struct Stream {
  Bytes unsent;  // backlog not yet on the wire: unsent[unsent_head..]
  size_t unsent_head = 0;
  bool fin_queued = false;  // close() called: a FIN follows the backlog
  bool fin_sent = false;
  bool transmit_scheduled = false;
  std::deque<Chunk> flight;  // on the wire or arrived and not yet taken by the receiving app, in order
  size_t flight_bytes = 0;   // data bytes in `flight` (the window in use)
  Micros last_arrival = 0;   // chunks never arrive before the one ahead of them
  TimerId delivery_timer = runtime::kNoTimer;
  bool held = false;         // the front chunk met a blocked link; it moves again when the link heals
  TimerId give_up_timer = runtime::kNoTimer;

  size_t backlog() const { return unsent.size() - unsent_head; }
};

struct Endpoint {
  uint64_t id = 0;
  std::string host, local, remote;
  ConnectionHandler handler;
  bool started = false;
  bool closed = false;        // closed locally, by the peer's FIN or by a reset: no more sends or callbacks
  bool in_callback = false;   // inside this end's on_data: close() must not destroy the running handler
  std::optional<CloseReason> pending_close;  // a close that came before start()
};

struct Pipe {
  SimNetwork* net = nullptr;  // null once the network is gone
  uint64_t id = 0;            // == ends[0].id (the client end); ends[1].id == id + 1
  Endpoint ends[2];           // 0: the connecting end, 1: the accepted end
  Stream streams[2];          // streams[i] carries ends[i] -> ends[1 - i]
  LinkState* links[2] = {nullptr, nullptr};  // links[i] is the link of streams[i]
  bool dead = false;          // reset, or both ends closed: removed from the network
};

struct ConnectAttempt {
  uint64_t id = 0;
  std::string from_host, local, address, to_host;
  std::function<void(Result<ConnectionPtr>)> done;
  TimerId timeout_timer = runtime::kNoTimer;
  bool finished = false;
  bool parked = false;
};

struct ListenerState {
  std::string address, host;
  std::function<void(ConnectionPtr)> on_accept;
  bool open = true;
};

class SimConnection final : public runtime::Connection {
 public:
  SimConnection(std::shared_ptr<Pipe> pipe, int side) : pipe_(std::move(pipe)), side_(side) {}

  uint64_t id() const override { return pipe_->ends[side_].id; }
  const std::string& local_address() const override { return pipe_->ends[side_].local; }
  const std::string& remote_address() const override { return pipe_->ends[side_].remote; }
  void start(ConnectionHandler handler) override {
    if (pipe_->net != nullptr) pipe_->net->start_end(pipe_, side_, std::move(handler));
  }
  bool send(ByteView bytes) override { return pipe_->net != nullptr && pipe_->net->send_on(pipe_, side_, bytes); }
  size_t send_backlog() const override { return pipe_->streams[side_].backlog(); }
  void close() override {
    if (pipe_->net != nullptr) pipe_->net->close_end(pipe_, side_);
  }
  bool is_open() const override { return pipe_->net != nullptr && !pipe_->dead && !pipe_->ends[side_].closed; }

 private:
  std::shared_ptr<Pipe> pipe_;
  int side_;
};

class SimListener final : public runtime::Listener {
 public:
  SimListener(SimNetwork* net, std::shared_ptr<ListenerState> state) : net_(net), state_(std::move(state)) {}
  const std::string& address() const override { return state_->address; }
  void close() override {
    if (state_->open) net_->unlisten(state_->address);
  }

 private:
  SimNetwork* net_;
  std::shared_ptr<ListenerState> state_;
};

}  // namespace rmq::sim::detail
