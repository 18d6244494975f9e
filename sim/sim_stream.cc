// SimNetwork byte streams: send, transmit (chunking, latency, bandwidth), delivery, holding on blocked links,
// graceful close and reset. The model is described in sim_network.h.
#include <algorithm>

#include "sim/sim_check.h"
#include "sim/sim_network.h"
#include "sim/sim_network_internal.h"
#include "sim/sim_runtime.h"

namespace rmq::sim {

using detail::Chunk;
using detail::Endpoint;
using detail::Pipe;
using detail::Stream;

namespace {

std::string conn_text(uint64_t id) { return "c" + std::to_string(id); }

// "c3 n=512 h=0123456789abcdef" (the hash only when payload hashing is on). On every send and delivery, so
// built with one allocation.
std::string bytes_text(uint64_t id, ByteView bytes, bool with_hash) {
  std::string out;
  out.reserve(48);
  out += 'c';
  append_decimal(out, static_cast<int64_t>(id));
  out += " n=";
  append_decimal(out, static_cast<int64_t>(bytes.size()));
  if (with_hash) {
    out += " h=";
    append_hex64(out, payload_hash(bytes));
  }
  return out;
}

// Takes an end's handler to call or drop. A copy while the handler is running (its on_data is on the stack, so
// it must not be destroyed), else a move.
ConnectionHandler take_handler(Endpoint& e) {
  if (e.in_callback) return e.handler;
  ConnectionHandler h = std::move(e.handler);
  e.handler = {};
  return h;
}

}  // namespace

void SimNetwork::retire(ConnectionHandler handler) {
  // Handlers often hold their own connection (a cycle through the pipe); destroying them from a later event
  // also keeps the destruction out of whatever call closed the connection.
  if (handler.on_data || handler.on_close) sim_.after(0, [h = std::move(handler)] {});
}

void SimNetwork::deliver_close_later(ConnectionHandler handler, CloseReason reason) {
  sim_.after(0, [h = std::move(handler), reason] {
    if (h.on_close) h.on_close(reason);
  });
}

void SimNetwork::start_end(const PipePtr& p, int side, ConnectionHandler handler) {
  Endpoint& e = p->ends[side];
  RMQSIM_CHECK(!e.started, "Connection::start called twice on " + conn_text(e.id));
  e.started = true;
  if (e.pending_close) {  // reset before start: report it now that someone listens
    deliver_close_later(std::move(handler), *e.pending_close);
    e.pending_close.reset();
    return;
  }
  if (e.closed || p->dead) {  // closed locally before start: nothing to report
    retire(std::move(handler));
    return;
  }
  e.handler = std::move(handler);
  // Bytes (or a FIN) that arrived before start() wait in the peer's stream; deliver them from the loop.
  Stream& in = p->streams[1 - side];
  if (!in.flight.empty() && !in.held && in.delivery_timer == runtime::kNoTimer) {
    schedule_delivery(p, 1 - side, std::max(sim_.now(), in.flight.front().arrival));
  }
}

bool SimNetwork::send_on(const PipePtr& p, int side, ByteView bytes) {
  if (p->dead || p->ends[side].closed) return false;
  Stream& s = p->streams[side];
  RMQSIM_CHECK(s.backlog() <= options_.send_buffer_limit, "send backlog past its limit");
  if (bytes.size() > options_.send_buffer_limit - s.backlog()) return false;
  if (bytes.empty()) return true;
  s.unsent.append(bytes.data(), bytes.size());
  counters_.bytes_sent += bytes.size();
  record("net.send", bytes_text(p->ends[side].id, bytes, sim_.trace().options().hash_payloads));
  schedule_transmit(p, side);
  return true;
}

void SimNetwork::close_end(const PipePtr& p, int side) {
  Endpoint& e = p->ends[side];
  if (e.closed || p->dead) return;
  e.closed = true;
  record("net.close", conn_text(e.id));
  if (!e.in_callback) retire(take_handler(e));  // else deliver_front retires it when on_data returns
  p->streams[side].fin_queued = true;  // after the backlog: queued bytes still go out
  schedule_transmit(p, side);
  finish_if_closed(p);
}

void SimNetwork::schedule_transmit(const PipePtr& p, int side) {
  Stream& s = p->streams[side];
  if (s.transmit_scheduled) return;
  s.transmit_scheduled = true;
  // Later in this instant rather than now: sends made by one callback coalesce into the same chunks, as TCP
  // coalesces writes, so receivers also see several frames in one read.
  sim_.after(0, [this, p, side] { transmit(p, side); });
}

void SimNetwork::transmit(const PipePtr& p, int side) {
  Stream& s = p->streams[side];
  s.transmit_scheduled = false;
  if (p->dead) return;
  bool sent = false;
  while (s.backlog() > 0 && s.flight_bytes < options_.in_flight_limit) {
    size_t n = std::min({s.backlog(), options_.max_chunk, options_.in_flight_limit - s.flight_bytes});
    if (n > 1 && rng_.chance(options_.split_probability)) n = 1 + rng_.below(n);
    put_on_wire(*p, side, s.unsent.substr(s.unsent_head, n), false);
    s.unsent_head += n;
    sent = true;
  }
  // Drop consumed bytes; erase only once they are half the buffer, so draining stays linear.
  if (s.unsent_head == s.unsent.size()) {
    s.unsent.clear();
    s.unsent_head = 0;
  } else if (s.unsent_head > s.unsent.size() / 2) {
    s.unsent.erase(0, s.unsent_head);
    s.unsent_head = 0;
  }
  if (s.backlog() == 0 && s.fin_queued && !s.fin_sent) {
    s.fin_sent = true;
    put_on_wire(*p, side, Bytes(), true);
    sent = true;
  }
  if (!sent) return;
  if (!s.held && s.delivery_timer == runtime::kNoTimer) schedule_delivery(p, side, s.flight.front().arrival);
  maybe_random_faults(p, side);
}

void SimNetwork::put_on_wire(Pipe& p, int side, Bytes bytes, bool fin) {
  Stream& s = p.streams[side];
  LinkState& link = *p.links[side];
  Micros depart = sim_.now();
  if (link.bytes_per_second > 0 && !bytes.empty()) {
    // Bandwidth: chunks serialize one after another on the link (shared by its connections), rounding up.
    const auto bps = static_cast<Micros>(link.bytes_per_second);
    const Micros wire_time = (static_cast<Micros>(bytes.size()) * 1'000'000 + bps - 1) / bps;
    link.wire_free_at = std::max(depart, link.wire_free_at) + wire_time;
    depart = link.wire_free_at;
  }
  // TCP delivers in order: a chunk never arrives before the one ahead of it.
  const Micros arrival = std::max(depart + link.latency.sample(rng_) + link.extra_latency, s.last_arrival);
  s.last_arrival = arrival;
  s.flight_bytes += bytes.size();
  s.flight.push_back(Chunk{arrival, std::move(bytes), fin});
}

void SimNetwork::schedule_delivery(const PipePtr& p, int side, Micros at) {
  Stream& s = p->streams[side];
  RMQSIM_CHECK(s.delivery_timer == runtime::kNoTimer, "two delivery events for one stream");
  s.delivery_timer = sim_.after(at - sim_.now(), [this, p, side] { deliver(p, side); });
}

void SimNetwork::deliver(const PipePtr& p, int side) {
  Stream& s = p->streams[side];
  s.delivery_timer = runtime::kNoTimer;
  while (!p->dead && !s.flight.empty() && s.flight.front().arrival <= sim_.now()) {
    if (!deliver_front(p, side)) return;  // held, waiting for start(), or finished
  }
  if (!p->dead && !s.flight.empty() && !s.held && s.delivery_timer == runtime::kNoTimer) {
    schedule_delivery(p, side, s.flight.front().arrival);
  }
}

// Delivers the front chunk of streams[side]. False when delivery must stop for now.
bool SimNetwork::deliver_front(const PipePtr& p, int side) {
  Stream& s = p->streams[side];
  Endpoint& r = p->ends[1 - side];
  if (p->links[side]->blocked()) {
    hold(p, side);
    return false;
  }
  if (r.closed) {  // closed receiver: everything still coming is lost
    counters_.bytes_dropped += s.flight_bytes;
    record("net.drop", conn_text(r.id) + " n=" + std::to_string(s.flight_bytes));
    s.flight.clear();
    s.flight_bytes = 0;
    return false;
  }
  if (!r.started) return false;  // start() reschedules
  Chunk c = std::move(s.flight.front());
  s.flight.pop_front();
  s.flight_bytes -= c.bytes.size();
  if (c.fin) {
    record("net.peer_closed", conn_text(r.id));
    r.closed = true;
    ConnectionHandler h = take_handler(r);
    finish_if_closed(p);
    if (h.on_close) h.on_close(CloseReason::kPeerClosed);
    return false;
  }
  counters_.bytes_delivered += c.bytes.size();
  ++counters_.chunks_delivered;
  record("net.deliver", bytes_text(r.id, c.bytes, sim_.trace().options().hash_payloads));
  if (s.backlog() > 0) schedule_transmit(p, side);  // the window opened
  r.in_callback = true;
  if (r.handler.on_data) r.handler.on_data(c.bytes);
  r.in_callback = false;
  if (r.closed) retire(take_handler(r));  // closed from inside on_data
  return !p->dead;
}

void SimNetwork::hold(const PipePtr& p, int side) {
  Stream& s = p->streams[side];
  LinkState& link = *p->links[side];
  if (!s.held) {
    s.held = true;
    record("net.held", conn_text(p->ends[side].id) + " " + link.from + "->" + link.to +
                           " n=" + std::to_string(s.flight_bytes));
  }
  if (link.partitions > 0 && s.give_up_timer == runtime::kNoTimer) {
    s.give_up_timer = sim_.after(options_.partition_give_up, [this, p, side] {
      p->streams[side].give_up_timer = runtime::kNoTimer;
      if (!p->dead && p->streams[side].held) reset(p, "partition give-up (TCP retransmission timeout)");
    });
  }
}

void SimNetwork::release_held(LinkState& link) {
  for (auto& [id, p] : pipes_) {
    for (int side = 0; side < 2; ++side) {
      Stream& s = p->streams[side];
      if (p->links[side] != &link || !s.held) continue;
      if (link.partitions == 0 && s.give_up_timer != runtime::kNoTimer) {
        sim_.cancel(s.give_up_timer);  // no partition left to give up on (a clog may remain)
        s.give_up_timer = runtime::kNoTimer;
      }
      if (link.blocked()) continue;
      // Retransmission after the heal: each held chunk leaves again now, with a fresh latency, still in order.
      s.held = false;
      Micros last = sim_.now();
      for (Chunk& c : s.flight) {
        c.arrival = std::max(sim_.now() + link.latency.sample(rng_) + link.extra_latency, last);
        last = c.arrival;
      }
      s.last_arrival = last;
      record("net.release", conn_text(p->ends[side].id) + " " + link.from + "->" + link.to +
                                " n=" + std::to_string(s.flight_bytes));
      if (!s.flight.empty()) schedule_delivery(p, side, s.flight.front().arrival);
    }
  }
}

void SimNetwork::reset(const PipePtr& pipe, std::string_view why) {
  if (pipe->dead) return;
  PipePtr p = pipe;  // `pipe` may be the map's own pointer, erased below
  p->dead = true;
  ++counters_.resets;
  record("net.reset", conn_text(p->id) + "/" + conn_text(p->ends[1].id) + " " + std::string(why));
  for (Stream& s : p->streams) {
    counters_.bytes_dropped += s.flight_bytes + s.backlog();
    if (s.delivery_timer != runtime::kNoTimer) sim_.cancel(s.delivery_timer);
    if (s.give_up_timer != runtime::kNoTimer) sim_.cancel(s.give_up_timer);
    s = Stream{};  // bytes in flight and unsent are lost
  }
  for (Endpoint& e : p->ends) {
    if (e.closed) {
      retire(take_handler(e));
    } else if (e.started) {
      e.closed = true;
      deliver_close_later(take_handler(e), CloseReason::kReset);
    } else {
      e.closed = true;
      e.pending_close = CloseReason::kReset;  // reported once start() gives a handler
    }
  }
  pipes_.erase(p->id);
}

void SimNetwork::finish_if_closed(const PipePtr& pipe) {
  if (pipe->dead || !pipe->ends[0].closed || !pipe->ends[1].closed) return;
  PipePtr p = pipe;
  p->dead = true;
  for (Stream& s : p->streams) {
    if (s.delivery_timer != runtime::kNoTimer) sim_.cancel(s.delivery_timer);
    if (s.give_up_timer != runtime::kNoTimer) sim_.cancel(s.give_up_timer);
    s.delivery_timer = s.give_up_timer = runtime::kNoTimer;
  }
  for (Endpoint& e : p->ends) {
    if (!e.in_callback) retire(take_handler(e));
  }
  pipes_.erase(p->id);
}

}  // namespace rmq::sim
