#include "sim/net_faults.h"

namespace rmq::sim {

const char* fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kRefuse: return "refuse";
    case FaultKind::kReset: return "reset";
    case FaultKind::kPartition: return "partition";
    case FaultKind::kClog: return "clog";
    case FaultKind::kSlow: return "slow";
    case FaultKind::kCrash: return "crash";
  }
  return "unknown";
}

std::string FaultAction::to_string() const {
  std::string out = "at=" + std::to_string(at) + " " + fault_kind_name(kind);
  switch (kind) {
    case FaultKind::kRefuse: out += " target=" + a; break;
    case FaultKind::kReset: out += " connection=" + std::to_string(connection); break;
    case FaultKind::kCrash: out += " host=" + a; break;
    case FaultKind::kPartition:
    case FaultKind::kClog:
    case FaultKind::kSlow:
      out += " a=" + a + " b=" + b + (two_way ? " two_way" : " one_way");
      break;
  }
  if (kind == FaultKind::kSlow) {
    out += " extra=" + std::to_string(extra_latency) + " bps=" + std::to_string(bytes_per_second);
  }
  if (kind != FaultKind::kReset && kind != FaultKind::kCrash) out += " duration=" + std::to_string(duration);
  return out;
}

FaultSchedule& FaultSchedule::refuse(Micros at, std::string target, Micros duration) {
  FaultAction f;
  f.at = at;
  f.kind = FaultKind::kRefuse;
  f.a = std::move(target);
  f.duration = duration;
  actions.push_back(std::move(f));
  return *this;
}

FaultSchedule& FaultSchedule::reset(Micros at, uint64_t connection) {
  FaultAction f;
  f.at = at;
  f.kind = FaultKind::kReset;
  f.connection = connection;
  actions.push_back(std::move(f));
  return *this;
}

FaultSchedule& FaultSchedule::partition(Micros at, std::string a, std::string b, Micros duration, bool two_way) {
  FaultAction f;
  f.at = at;
  f.kind = FaultKind::kPartition;
  f.a = std::move(a);
  f.b = std::move(b);
  f.duration = duration;
  f.two_way = two_way;
  actions.push_back(std::move(f));
  return *this;
}

FaultSchedule& FaultSchedule::clog(Micros at, std::string a, std::string b, Micros duration, bool two_way) {
  partition(at, std::move(a), std::move(b), duration, two_way);
  actions.back().kind = FaultKind::kClog;
  return *this;
}

FaultSchedule& FaultSchedule::slow(Micros at, std::string a, std::string b, Micros duration, Micros extra_latency,
                                   uint64_t bytes_per_second, bool two_way) {
  partition(at, std::move(a), std::move(b), duration, two_way);
  FaultAction& f = actions.back();
  f.kind = FaultKind::kSlow;
  f.extra_latency = extra_latency;
  f.bytes_per_second = bytes_per_second;
  return *this;
}

FaultSchedule& FaultSchedule::crash(Micros at, std::string host) {
  FaultAction f;
  f.at = at;
  f.kind = FaultKind::kCrash;
  f.a = std::move(host);
  actions.push_back(std::move(f));
  return *this;
}

}  // namespace rmq::sim
