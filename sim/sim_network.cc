// SimNetwork: construction, links, listeners and the connect handshake (streams: sim_stream.cc; faults:
// sim_faults.cc).
#include "sim/sim_network.h"

#include "sim/sim_check.h"
#include "sim/sim_network_internal.h"
#include "sim/sim_runtime.h"

namespace rmq::sim {

using detail::ConnectAttempt;
using detail::ListenerState;
using detail::Pipe;
namespace net_error = runtime::net_error;

SimNetwork::SimNetwork(SimRuntime& sim, NetworkOptions options, NetworkFaultOptions faults)
    : sim_(sim),
      options_(std::move(options)),
      faults_(std::move(faults)),
      rng_(sim.fork_prng("network")),
      fault_rng_(sim.fork_prng("network.faults")) {
  RMQSIM_CHECK(options_.default_latency.valid(), "NetworkOptions.default_latency is invalid");
  RMQSIM_CHECK(options_.max_chunk > 0 && options_.in_flight_limit > 0, "NetworkOptions chunk/window must be > 0");
  RMQSIM_CHECK(faults_.clog_duration.valid() && faults_.partition_duration.valid() && faults_.slow_extra.valid() &&
                   faults_.slow_duration.valid(),
               "NetworkFaultOptions has an invalid distribution");
}

SimNetwork::~SimNetwork() {
  // Detach every handle (their calls become no-ops) and drop handlers, which may hold connections in cycles.
  for (auto& [id, p] : pipes_) {
    p->net = nullptr;
    p->dead = true;
    for (auto& end : p->ends) end.handler = {};
  }
  for (auto& [address, l] : listeners_) {
    l->open = false;
    l->on_accept = nullptr;
  }
}

void SimNetwork::record(std::string_view kind, std::string_view text) { sim_.record(kind, text); }

LinkState& SimNetwork::link_state(const std::string& from, const std::string& to) {
  auto [it, inserted] = links_.try_emplace({from, to});
  if (inserted) {
    it->second.from = from;
    it->second.to = to;
    it->second.latency = options_.default_latency;
  }
  return it->second;
}

const LinkState& SimNetwork::link(const std::string& from, const std::string& to) { return link_state(from, to); }

void SimNetwork::set_default_latency(const LatencyDistribution& latency) {
  RMQSIM_CHECK(latency.valid(), "invalid default latency " + latency.to_string());
  options_.default_latency = latency;
  for (auto& [key, l] : links_) {
    if (!l.custom_latency) l.latency = latency;
  }
}

void SimNetwork::set_link_latency(const std::string& from, const std::string& to,
                                  const LatencyDistribution& latency) {
  RMQSIM_CHECK(latency.valid(), "invalid link latency " + latency.to_string());
  LinkState& l = link_state(from, to);
  l.latency = latency;
  l.custom_latency = true;
  record("net.latency", from + "->" + to + " " + latency.to_string());
}

std::vector<uint64_t> SimNetwork::connection_ids() const {
  std::vector<uint64_t> ids;
  ids.reserve(pipes_.size());
  for (const auto& [id, p] : pipes_) ids.push_back(id);
  return ids;
}

Result<ListenerPtr> SimNetwork::listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept) {
  auto hp = runtime::parse_host_port(address);
  if (!hp) return Error{net_error::kBadAddress, "bad address '" + address + "' (want host:port)"};
  uint16_t port = hp->port;
  if (port == 0) {
    // Port 0: the next free port from first_listen_port on this host (deterministic, unlike a kernel).
    uint16_t& next = next_listen_port_.try_emplace(hp->host, options_.first_listen_port).first->second;
    while (listeners_.count(hp->host + ":" + std::to_string(next)) != 0) ++next;
    port = next++;
  }
  std::string bound = hp->host + ":" + std::to_string(port);
  if (listeners_.count(bound) != 0) return Error{net_error::kAddressInUse, "address in use: " + bound};
  auto state = std::make_shared<ListenerState>();
  state->address = bound;
  state->host = hp->host;
  state->on_accept = std::move(on_accept);
  listeners_.emplace(bound, state);
  record("net.listen", bound);
  return ListenerPtr(std::make_shared<detail::SimListener>(this, state));
}

void SimNetwork::unlisten(const std::string& address) {
  auto it = listeners_.find(address);
  if (it == listeners_.end()) return;
  it->second->open = false;
  // The callback may hold the owner's state; drop it later, in case close() was called from inside it.
  auto on_accept = std::move(it->second->on_accept);
  listeners_.erase(it);
  sim_.after(0, [dropped = std::move(on_accept)] {});
  record("net.unlisten", address);
}

std::string SimNetwork::ephemeral_address(const std::string& host) {
  uint16_t& next = next_ephemeral_port_.try_emplace(host, options_.first_ephemeral_port).first->second;
  const uint16_t port = next;
  next = next == 65535 ? options_.first_ephemeral_port : static_cast<uint16_t>(next + 1);
  return host + ":" + std::to_string(port);
}

void SimNetwork::connect(const std::string& from_host, const std::string& address, Micros timeout,
                         std::function<void(Result<ConnectionPtr>)> done) {
  RMQSIM_CHECK(done != nullptr, "connect without a callback");
  auto at = std::make_shared<ConnectAttempt>();
  at->id = next_conn_id_;
  next_conn_id_ += 2;  // the client end's id; the server end, if accepted, gets id + 1
  at->from_host = from_host;
  at->done = std::move(done);
  ++counters_.connects;
  auto hp = runtime::parse_host_port(address);
  if (!hp) {
    record("net.connect", "c" + std::to_string(at->id) + " bad address '" + address + "'");
    finish_connect(at, Error{net_error::kBadAddress, "bad address '" + address + "' (want host:port)"});
    return;
  }
  at->address = hp->host + ":" + std::to_string(hp->port);
  at->to_host = hp->host;
  at->local = ephemeral_address(from_host);
  record("net.connect", "c" + std::to_string(at->id) + " " + at->local + "->" + at->address);
  if (pipes_.size() >= options_.max_connections) {
    finish_connect(at, Error{net_error::kOther, "NetworkOptions.max_connections (" +
                                                    std::to_string(options_.max_connections) + ") reached"});
    return;
  }
  at->timeout_timer = sim_.after(timeout, [this, at] {
    at->timeout_timer = runtime::kNoTimer;
    if (at->finished) return;
    if (at->parked) std::erase(parked_, at);
    ++counters_.timed_out;
    record("net.connect_timeout", "c" + std::to_string(at->id) + " " + at->address);
    finish_connect(at, Error{net_error::kTimedOut, "connect to " + at->address + " timed out"});
  });
  send_syn(at);
}

void SimNetwork::send_syn(const Attempt& at) {
  LinkState& out = link_state(at->from_host, at->to_host);
  if (out.blocked() || link_state(at->to_host, at->from_host).blocked()) {
    park(at);
    return;
  }
  sim_.after(out.latency.sample(rng_) + out.extra_latency, [this, at] { syn_arrives(at); });
}

void SimNetwork::park(const Attempt& at) {
  if (parked_.size() >= options_.max_parked_connects) {
    // A bound, not a queue that grows without limit: the attempt fails as a timeout would.
    ++counters_.timed_out;
    finish_connect(at, Error{net_error::kTimedOut, "connect to " + at->address + ": too many handshakes parked " +
                                                       "(NetworkOptions.max_parked_connects)"});
    return;
  }
  at->parked = true;
  parked_.push_back(at);
}

void SimNetwork::unpark_ready() {
  // Retry, in parking order, the handshakes whose links are open again (as a retransmitted SYN would).
  std::vector<Attempt> still;
  std::vector<Attempt> ready;
  for (auto& at : parked_) {
    if (at->finished) continue;
    const bool blocked = link_state(at->from_host, at->to_host).blocked() ||
                         link_state(at->to_host, at->from_host).blocked();
    (blocked ? still : ready).push_back(at);
  }
  parked_ = std::move(still);
  for (auto& at : ready) {
    at->parked = false;
    send_syn(at);
  }
}

bool SimNetwork::refused_by_fault(const std::string& address, const std::string& host) {
  for (const auto& [id, f] : active_) {
    if (f.kind == FaultKind::kRefuse && (f.target == address || f.target == host)) return true;
  }
  if (sim_.now() < faults_.active_until && fault_rng_.chance(faults_.connect_refuse_p)) {
    ++counters_.faults_injected;
    record("fault.inject", "refuse(random) " + address);
    return true;
  }
  return false;
}

void SimNetwork::syn_arrives(const Attempt& at) {
  if (at->finished) return;
  if (link_state(at->from_host, at->to_host).blocked() || link_state(at->to_host, at->from_host).blocked()) {
    park(at);  // the path closed while the SYN travelled
    return;
  }
  auto it = listeners_.find(at->address);
  const bool refused = it == listeners_.end() || refused_by_fault(at->address, at->to_host);
  if (!refused) {
    accept(at, it->second);
    return;
  }
  const LinkState& back = link_state(at->to_host, at->from_host);
  sim_.after(back.latency.sample(rng_) + back.extra_latency, [this, at] {
    if (at->finished) return;
    ++counters_.refused;
    record("net.refused", "c" + std::to_string(at->id) + " " + at->address);
    finish_connect(at, Error{net_error::kRefused, "connection refused: " + at->address});
  });
}

void SimNetwork::accept(const Attempt& at, const std::shared_ptr<ListenerState>& listener) {
  auto p = std::make_shared<Pipe>();
  p->net = this;
  p->id = at->id;
  p->ends[0] = detail::Endpoint{at->id, at->from_host, at->local, at->address, {}, false, false, false, {}};
  p->ends[1] = detail::Endpoint{at->id + 1, at->to_host, at->address, at->local, {}, false, false, false, {}};
  p->links[0] = &link_state(at->from_host, at->to_host);
  p->links[1] = &link_state(at->to_host, at->from_host);
  pipes_.emplace(p->id, p);
  ++counters_.accepted;
  record("net.accept", "c" + std::to_string(p->ends[1].id) + " " + at->address + "<-" + at->local);
  listener->on_accept(std::make_shared<detail::SimConnection>(p, 1));
  const LinkState& back = *p->links[1];
  sim_.after(back.latency.sample(rng_) + back.extra_latency, [this, at, p] {
    if (at->finished) {
      // The client gave up before the SYN-ACK came back: the server end learns with a reset.
      reset(p, "client timed out");
      return;
    }
    if (p->dead) {
      finish_connect(at, Error{net_error::kRefused, "connection to " + at->address + " reset during handshake"});
      return;
    }
    record("net.established", "c" + std::to_string(p->id) + " " + at->local + "->" + at->address);
    finish_connect(at, ConnectionPtr(std::make_shared<detail::SimConnection>(p, 0)));
  });
}

void SimNetwork::finish_connect(const Attempt& at, Result<ConnectionPtr> result) {
  RMQSIM_CHECK(!at->finished, "connect attempt finished twice");
  at->finished = true;
  if (at->timeout_timer != runtime::kNoTimer) sim_.cancel(at->timeout_timer);
  at->timeout_timer = runtime::kNoTimer;
  // Callers are inside an event already, except connect() itself (bad address, too many connections): defer
  // always, so the callback never runs inside the call that registered it.
  sim_.after(0, [done = std::move(at->done), r = std::move(result)]() mutable { done(std::move(r)); });
}

}  // namespace rmq::sim
