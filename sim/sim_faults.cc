// SimNetwork faults: partitions, clogs, slow links, refusals, resets, crashes, their heals, scripted schedules
// and the seed-drawn random faults. The semantics are described in sim_network.h.
#include <algorithm>

#include "sim/sim_check.h"
#include "sim/sim_network.h"
#include "sim/sim_network_internal.h"
#include "sim/sim_runtime.h"

namespace rmq::sim {

using detail::Pipe;

namespace {

std::string fault_ref(FaultId id) { return "f" + std::to_string(id); }

// A duration drawn for a random fault: at least 1 us, since 0 would mean "until healed explicitly".
Micros positive(Micros d) { return std::max<Micros>(d, 1); }

}  // namespace

FaultId SimNetwork::add_fault(ActiveFault fault, Micros duration) {
  const FaultId id = next_fault_id_++;
  ++counters_.faults_injected;
  std::string text = fault_ref(id) + " " + fault.text;
  if (duration > 0) text += " for=" + std::to_string(duration);
  record("fault.inject", text);
  if (duration > 0) fault.heal_timer = sim_.after(duration, [this, id] { heal(id); });
  active_.emplace(id, std::move(fault));
  return id;
}

FaultId SimNetwork::block(FaultKind kind, const std::string& a, const std::string& b, bool two_way,
                          Micros duration) {
  RMQSIM_CHECK(kind == FaultKind::kPartition || kind == FaultKind::kClog, "block() is for partitions and clogs");
  ActiveFault f;
  f.kind = kind;
  f.links.push_back(&link_state(a, b));
  if (two_way && a != b) f.links.push_back(&link_state(b, a));
  for (LinkState* l : f.links) ++(kind == FaultKind::kPartition ? l->partitions : l->clogs);
  f.text = std::string(fault_kind_name(kind)) + " " + a + (two_way ? "<->" : "->") + b;
  const std::vector<LinkState*> links = f.links;
  const FaultId id = add_fault(std::move(f), duration);
  if (kind == FaultKind::kPartition) {
    // Streams a clog already holds on these links now wait on a partition: arm their give-up timers.
    for (auto& [pid, p] : pipes_) {
      for (int side = 0; side < 2; ++side) {
        if (p->streams[side].held && std::find(links.begin(), links.end(), p->links[side]) != links.end()) {
          hold(p, side);
        }
      }
    }
  }
  return id;
}

FaultId SimNetwork::partition(const std::string& a, const std::string& b, bool two_way, Micros duration) {
  return block(FaultKind::kPartition, a, b, two_way, duration);
}

FaultId SimNetwork::clog(const std::string& a, const std::string& b, bool two_way, Micros duration) {
  return block(FaultKind::kClog, a, b, two_way, duration);
}

FaultId SimNetwork::slow(const std::string& a, const std::string& b, bool two_way, Micros extra_latency,
                         uint64_t bytes_per_second, Micros duration) {
  RMQSIM_CHECK(extra_latency >= 0, "slow link with negative extra latency");
  ActiveFault f;
  f.kind = FaultKind::kSlow;
  f.links.push_back(&link_state(a, b));
  if (two_way && a != b) f.links.push_back(&link_state(b, a));
  f.text = "slow " + a + (two_way ? "<->" : "->") + b + " extra=" + std::to_string(extra_latency) +
           " bps=" + std::to_string(bytes_per_second);
  const std::vector<LinkState*> links = f.links;
  const FaultId id = add_fault(std::move(f), duration);
  for (LinkState* l : links) {  // the latest slow fault on a link wins
    l->extra_latency = extra_latency;
    l->bytes_per_second = bytes_per_second;
    l->slow_fault = id;
  }
  return id;
}

FaultId SimNetwork::refuse(const std::string& target, Micros duration) {
  ActiveFault f;
  f.kind = FaultKind::kRefuse;
  f.target = target;
  f.text = "refuse " + target;
  return add_fault(std::move(f), duration);
}

bool SimNetwork::heal(FaultId id) {
  auto it = active_.find(id);
  if (it == active_.end()) return false;
  ActiveFault f = std::move(it->second);
  active_.erase(it);
  if (f.heal_timer != runtime::kNoTimer) sim_.cancel(f.heal_timer);
  ++counters_.faults_healed;
  record("fault.heal", fault_ref(id) + " " + f.text);
  on_healed(id, f);
  return true;
}

void SimNetwork::heal_all() {
  while (!active_.empty()) heal(active_.begin()->first);
}

void SimNetwork::on_healed(FaultId id, const ActiveFault& f) {
  switch (f.kind) {
    case FaultKind::kPartition:
    case FaultKind::kClog:
      for (LinkState* l : f.links) {
        int& count = f.kind == FaultKind::kPartition ? l->partitions : l->clogs;
        RMQSIM_CHECK(count > 0, "link fault count underflow");
        --count;
        release_held(*l);
      }
      unpark_ready();
      break;
    case FaultKind::kSlow:
      for (LinkState* l : f.links) {
        if (l->slow_fault != id) continue;  // a later slow fault replaced this one
        l->extra_latency = 0;
        l->bytes_per_second = 0;
        l->slow_fault = 0;
      }
      break;
    case FaultKind::kRefuse:
    case FaultKind::kReset:
    case FaultKind::kCrash:
      break;
  }
}

bool SimNetwork::reset_connection(uint64_t id) {
  PipePtr p;
  if (id == 0) {
    if (!pipes_.empty()) {
      auto it = pipes_.begin();
      std::advance(it, static_cast<ptrdiff_t>(fault_rng_.below(pipes_.size())));
      p = it->second;
    }
  } else if (auto it = pipes_.find(id); it != pipes_.end()) {
    p = it->second;
  } else if (auto it2 = pipes_.find(id - 1); it2 != pipes_.end() && it2->second->ends[1].id == id) {
    p = it2->second;
  }
  if (!p) {
    record("fault.inject", "reset c" + std::to_string(id) + ": no such live connection");
    return false;
  }
  ++counters_.faults_injected;
  record("fault.inject", "reset c" + std::to_string(p->id));
  reset(p, "fault");
  return true;
}

void SimNetwork::crash_host(const std::string& host) {
  ++counters_.faults_injected;
  record("fault.inject", "crash " + host);
  std::vector<PipePtr> doomed;  // collected first: reset() erases from pipes_
  for (auto& [id, p] : pipes_) {
    if (p->ends[0].host == host || p->ends[1].host == host) doomed.push_back(p);
  }
  for (auto& p : doomed) reset(p, "crash " + host);
  std::vector<std::string> gone;
  for (auto& [address, l] : listeners_) {
    if (l->host == host) gone.push_back(address);
  }
  for (auto& address : gone) unlisten(address);
}

void SimNetwork::apply(const FaultAction& a) {
  switch (a.kind) {
    case FaultKind::kRefuse: refuse(a.a, a.duration); break;
    case FaultKind::kReset: reset_connection(a.connection); break;
    case FaultKind::kPartition: partition(a.a, a.b, a.two_way, a.duration); break;
    case FaultKind::kClog: clog(a.a, a.b, a.two_way, a.duration); break;
    case FaultKind::kSlow: slow(a.a, a.b, a.two_way, a.extra_latency, a.bytes_per_second, a.duration); break;
    case FaultKind::kCrash: crash_host(a.a); break;
  }
}

void SimNetwork::schedule(const FaultSchedule& schedule) {
  for (const FaultAction& a : schedule.actions) {
    sim_.after(a.at - sim_.now(), [this, a] { apply(a); });
  }
}

void SimNetwork::maybe_random_faults(const PipePtr& p, int side) {
  if (!faults_.any() || sim_.now() >= faults_.active_until) return;
  // Copies: a fault below may reset the pipe.
  const std::string from = p->links[side]->from, to = p->links[side]->to;
  if (fault_rng_.chance(faults_.clog_p)) clog(from, to, false, positive(faults_.clog_duration.sample(fault_rng_)));
  if (fault_rng_.chance(faults_.partition_p)) {
    const bool one_way = fault_rng_.chance(faults_.partition_one_way_p);
    partition(from, to, !one_way, positive(faults_.partition_duration.sample(fault_rng_)));
  }
  if (fault_rng_.chance(faults_.slow_p)) {
    const Micros extra = faults_.slow_extra.sample(fault_rng_);
    slow(from, to, false, extra, 0, positive(faults_.slow_duration.sample(fault_rng_)));
  }
  if (!p->dead && fault_rng_.chance(faults_.reset_p)) {
    ++counters_.faults_injected;
    record("fault.inject", "reset c" + std::to_string(p->id) + " (random)");
    reset(p, "fault");
  }
}

}  // namespace rmq::sim
