// The simulated network behind SimRuntime::connect/listen: named hosts, "host:port" addresses (any host string:
// "broker-a:10911", "127.0.0.1:9876"), connections as ordered byte streams, per-link latency, bounded buffers,
// and faults. Single-threaded; every callback runs from the SimRuntime event loop, never inside the call that
// registered it.
//
// Streams. Each direction of a connection is a stream: send() appends to the sender's unsent backlog (bounded by
// send_buffer_limit: send() returns false past it); a transmit event at the same instant hands bytes to the
// network in chunks (at most max_chunk, cut at a random size with split_probability, so receivers see frames
// split and coalesced) while the stream's in-flight bytes stay under in_flight_limit (a TCP window: bytes count
// until the receiving app got them, including bytes waiting for start()). A chunk arrives after a latency sample
// of its link (plus a slow fault's extra latency and bandwidth delay), never before the chunk ahead of it.
// close() queues a FIN behind the unsent bytes: the peer gets them all, then on_close(kPeerClosed). A closed end
// receives nothing more (bytes arriving for it are dropped and traced).
//
// Handshake. connect() from host A to B: the SYN takes a latency sample of A->B; on arrival, nothing listening (or
// a refuse fault) answers with a refusal that takes a B->A sample to come back (one round trip in all); a listener
// accepts at once (on_accept runs at SYN arrival) and the client's callback follows one B->A sample later. The
// connect timeout fires kTimedOut if neither came first; a server end accepted for a client that already timed
// out is reset.
//
// Faults (see also net_faults.h):
// - partition (one- or two-way, between hosts): a blocked direction delivers nothing. As TCP retransmits, bytes
//   are not lost: they wait and arrive after the heal (fresh latency, in order). Handshakes crossing a blocked
//   direction wait too, so connects usually time out. A stream whose bytes are held by a partition longer than
//   partition_give_up is reset (TCP gives up); idle connections survive partitions, as with TCP without
//   keepalive.
// - clog: like a partition (bytes and handshakes held, released in order when it ends) but never gives up.
// - slow: extra latency and/or a bandwidth limit (bytes serialize on the link) for a window.
// - refuse: connects to a host or "host:port" are refused for a window.
// - reset: both ends see on_close(kReset); bytes in flight and unsent are lost.
// - crash: every connection of the host is reset and its listeners vanish; restart = the owner listens again.
// Overlapping faults on one link stack (a link is blocked while any partition or clog covers it). Every fault
// injected or healed is a trace event.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/common/status.h"
#include "core/runtime/runtime.h"
#include "sim/net_faults.h"
#include "sim/prng.h"

namespace rmq::sim {

class SimRuntime;
namespace detail {
struct Pipe;
struct ConnectAttempt;
struct ListenerState;
class SimConnection;
class SimListener;
}  // namespace detail

using runtime::CloseReason;
using runtime::ConnectionHandler;
using runtime::ConnectionPtr;
using runtime::ListenerPtr;
using runtime::TimerId;

struct NetworkOptions {
  LatencyDistribution default_latency = LatencyDistribution::exponential(300, 100);
  size_t send_buffer_limit = size_t{8} << 20;  // unsent bytes per connection end
  size_t in_flight_limit = size_t{1} << 20;    // per direction: in the network or waiting at the receiver
  size_t max_chunk = size_t{64} << 10;         // the largest piece one on_data gets
  double split_probability = 0.25;             // a chunk is cut to a uniform size in [1, n]
  Micros partition_give_up = 60'000'000;       // bytes held this long by a partition reset their connection
  size_t max_connections = 100'000;            // live connections (a connect beyond fails with kOther)
  size_t max_parked_connects = 10'000;         // handshakes waiting on blocked links (beyond: kTimedOut now)
  uint16_t first_listen_port = 40000;          // port 0 picks the next free one from here, per host
  uint16_t first_ephemeral_port = 50000;       // client-side ports, per host, wrapping at 65535
};

using FaultId = uint64_t;

// The state of one direction between two hosts. Exposed for inspection and tests.
struct LinkState {
  std::string from, to;
  LatencyDistribution latency;
  bool custom_latency = false;  // set_link_latency() pinned it; set_default_latency() leaves it alone
  int partitions = 0;           // active partitions covering this direction
  int clogs = 0;
  Micros extra_latency = 0;     // from the latest slow fault
  uint64_t bytes_per_second = 0;
  FaultId slow_fault = 0;
  Micros wire_free_at = 0;      // bandwidth limit: when the link finishes serializing what it has
  bool blocked() const { return partitions > 0 || clogs > 0; }
};

struct NetworkCounters {
  uint64_t connects = 0, accepted = 0, refused = 0, timed_out = 0, resets = 0;
  uint64_t bytes_sent = 0, bytes_delivered = 0, chunks_delivered = 0, bytes_dropped = 0;
  uint64_t faults_injected = 0, faults_healed = 0;
};

class SimNetwork {
 public:
  SimNetwork(SimRuntime& sim, NetworkOptions options, NetworkFaultOptions faults);
  ~SimNetwork();
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  // Runtime::connect from `from_host`.
  void connect(const std::string& from_host, const std::string& address, Micros timeout,
               std::function<void(Result<ConnectionPtr>)> done);
  // Runtime::listen; the address names the host.
  Result<ListenerPtr> listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept);

  void set_default_latency(const LatencyDistribution& latency);
  void set_link_latency(const std::string& from, const std::string& to, const LatencyDistribution& latency);
  const LinkState& link(const std::string& from, const std::string& to);

  // Faults, applied now. duration > 0 heals by itself; 0 lasts until heal(id) or heal_all().
  FaultId partition(const std::string& a, const std::string& b, bool two_way, Micros duration = 0);
  FaultId clog(const std::string& a, const std::string& b, bool two_way, Micros duration = 0);
  FaultId slow(const std::string& a, const std::string& b, bool two_way, Micros extra_latency,
               uint64_t bytes_per_second, Micros duration = 0);
  FaultId refuse(const std::string& target, Micros duration = 0);
  // Resets the connection either of whose ends has `id`; 0 picks a live connection at random. False if none.
  bool reset_connection(uint64_t id);
  void crash_host(const std::string& host);
  bool heal(FaultId id);  // false when not active
  void heal_all();
  void apply(const FaultAction& action);
  // Schedules each action at its time (actions in the past apply now, in list order).
  void schedule(const FaultSchedule& schedule);

  const NetworkOptions& options() const { return options_; }
  NetworkFaultOptions& fault_options() { return faults_; }
  const NetworkCounters& counters() const { return counters_; }
  size_t live_connections() const { return pipes_.size(); }
  std::vector<uint64_t> connection_ids() const;  // client-end ids of live connections, ascending
  size_t active_faults() const { return active_.size(); }
  size_t parked_connects() const { return parked_.size(); }

 private:
  friend class detail::SimConnection;
  friend class detail::SimListener;
  using Attempt = std::shared_ptr<detail::ConnectAttempt>;
  using PipePtr = std::shared_ptr<detail::Pipe>;
  struct ActiveFault {
    FaultKind kind;
    std::vector<LinkState*> links;
    std::string target;  // refuse: host or host:port
    std::string text;
    TimerId heal_timer = runtime::kNoTimer;
  };

  // sim_network.cc: handshake and listeners.
  LinkState& link_state(const std::string& from, const std::string& to);
  std::string ephemeral_address(const std::string& host);
  void send_syn(const Attempt& at);
  void syn_arrives(const Attempt& at);
  bool refused_by_fault(const std::string& address, const std::string& host);
  void accept(const Attempt& at, const std::shared_ptr<detail::ListenerState>& listener);
  void finish_connect(const Attempt& at, Result<ConnectionPtr> result);
  void park(const Attempt& at);
  void unpark_ready();
  void unlisten(const std::string& address);
  void record(std::string_view kind, std::string_view text);

  // sim_stream.cc: byte streams, close and reset.
  void start_end(const PipePtr& p, int side, ConnectionHandler handler);
  bool send_on(const PipePtr& p, int side, ByteView bytes);
  void close_end(const PipePtr& p, int side);
  void schedule_transmit(const PipePtr& p, int side);
  void transmit(const PipePtr& p, int side);
  void put_on_wire(detail::Pipe& p, int side, Bytes bytes, bool fin);
  void schedule_delivery(const PipePtr& p, int side, Micros at);
  void deliver(const PipePtr& p, int side);
  bool deliver_front(const PipePtr& p, int side);
  void hold(const PipePtr& p, int side);
  void release_held(LinkState& link);
  void reset(const PipePtr& p, std::string_view why);
  void finish_if_closed(const PipePtr& p);
  void retire(ConnectionHandler handler);
  void deliver_close_later(ConnectionHandler handler, CloseReason reason);

  // sim_faults.cc: fault bookkeeping and random faults.
  FaultId block(FaultKind kind, const std::string& a, const std::string& b, bool two_way, Micros duration);
  FaultId add_fault(ActiveFault fault, Micros duration);
  void on_healed(FaultId id, const ActiveFault& fault);
  void maybe_random_faults(const PipePtr& p, int side);

  SimRuntime& sim_;
  NetworkOptions options_;
  NetworkFaultOptions faults_;
  Prng rng_;        // latencies and chunking
  Prng fault_rng_;  // random faults: a stream of their own, so enabling them does not shift the latencies
  NetworkCounters counters_;
  uint64_t next_conn_id_ = 1;
  FaultId next_fault_id_ = 1;
  std::map<std::pair<std::string, std::string>, LinkState> links_;  // node addresses are stable: pipes keep them
  std::map<std::string, std::shared_ptr<detail::ListenerState>> listeners_;  // by "host:port"
  std::map<std::string, uint16_t> next_listen_port_, next_ephemeral_port_;   // by host
  std::map<uint64_t, PipePtr> pipes_;  // live connections by client-end id: ordered, so iteration is reproducible
  std::vector<Attempt> parked_;        // in parking order
  std::map<FaultId, ActiveFault> active_;
};

}  // namespace rmq::sim
