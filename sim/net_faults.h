// Network faults as plain data (DESIGN §4; TigerBeetle's PacketSimulatorOptions is the model): an options struct
// of probabilities the seed draws from (swarm testing), and a timed schedule of scripted actions ("at T do X").
// SimNetwork (sim_network.h) applies both; the fault semantics are documented there.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/prng.h"

namespace rmq::sim {

// Random faults. Every probability defaults to 0 (no fault), and a zero probability draws no randomness. The
// network draws them from its own "faults" stream, only while now < active_until (the heal phase comes after).
struct NetworkFaultOptions {
  Micros active_until = INT64_MAX;

  // Per connect attempt reaching its destination: refused as if nothing listened there.
  double connect_refuse_p = 0;
  // Per transmit burst (the bytes a connection hands to the network at one time): the connection is reset.
  double reset_p = 0;
  // Per transmit burst: the burst's link (that direction only) clogs for a clog_duration sample.
  double clog_p = 0;
  LatencyDistribution clog_duration = LatencyDistribution::exponential(200'000, 10'000);
  // Per transmit burst: the two hosts are partitioned for a partition_duration sample; one-way (the burst's
  // direction) with probability partition_one_way_p, else both ways.
  double partition_p = 0;
  double partition_one_way_p = 0.5;
  LatencyDistribution partition_duration = LatencyDistribution::exponential(2'000'000, 100'000);
  // Per transmit burst: the burst's link slows down (slow_extra more latency) for a slow_duration sample.
  double slow_p = 0;
  LatencyDistribution slow_extra = LatencyDistribution::uniform(5'000, 50'000);
  LatencyDistribution slow_duration = LatencyDistribution::exponential(1'000'000, 100'000);

  bool any() const { return connect_refuse_p > 0 || reset_p > 0 || clog_p > 0 || partition_p > 0 || slow_p > 0; }
};

enum class FaultKind : uint8_t {
  kRefuse,     // connect attempts to `a` (a host, or a "host:port") are refused for `duration`
  kReset,      // reset connection `connection` (either end's id; 0 = a random live connection)
  kPartition,  // hosts a and b cannot talk (a -> b only when !two_way) for `duration`
  kClog,       // bytes on a -> b (and b -> a when two_way) are held for `duration`, then released in order
  kSlow,       // a -> b (and b -> a when two_way) gets `extra_latency` and `bytes_per_second` for `duration`
  kCrash,      // host a crashes: its connections reset, its listeners vanish (the owner re-listens to restart)
};
const char* fault_kind_name(FaultKind kind);

struct FaultAction {
  Micros at = 0;  // virtual time to apply the action at
  FaultKind kind = FaultKind::kReset;
  std::string a, b;
  bool two_way = true;
  Micros duration = 0;  // timed faults heal by themselves after it; 0 = until healed explicitly
  uint64_t connection = 0;
  Micros extra_latency = 0;
  uint64_t bytes_per_second = 0;  // 0 = no bandwidth limit

  std::string to_string() const;  // e.g. "at=1000000 partition a=broker-a b=client two_way duration=500000"
};

// A scripted fault plan. The builders append and return *this, so plans read as a list.
struct FaultSchedule {
  std::vector<FaultAction> actions;

  FaultSchedule& refuse(Micros at, std::string target, Micros duration);
  FaultSchedule& reset(Micros at, uint64_t connection = 0);
  FaultSchedule& partition(Micros at, std::string a, std::string b, Micros duration, bool two_way = true);
  FaultSchedule& clog(Micros at, std::string a, std::string b, Micros duration, bool two_way = false);
  FaultSchedule& slow(Micros at, std::string a, std::string b, Micros duration, Micros extra_latency,
                      uint64_t bytes_per_second = 0, bool two_way = false);
  FaultSchedule& crash(Micros at, std::string host);
};

}  // namespace rmq::sim
