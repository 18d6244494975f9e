// The simulator's pseudo-random generator and its distributions (DESIGN §3: one seed drives everything; own PRNG
// and own distributions, because <random>'s distributions differ between standard libraries).
//
// Generator: xoshiro256** 1.0 (David Blackman and Sebastiano Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 2021; reference code https://prng.di.unimi.it/xoshiro256starstar.c), its 256-bit state
// filled from a 64-bit seed by SplitMix64 (https://prng.di.unimi.it/splitmix64.c), as the authors recommend.
//
// Everything here is integer arithmetic, except next_double01() and chance(), which use only IEEE-754 basic
// operations on doubles (exactly rounded everywhere). Latency samples never touch floating point: the exponential
// uses a fixed-point binary logarithm, so a seed gives the same latencies on every platform and compiler.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/runtime/runtime.h"

namespace rmq::sim {

using runtime::Micros;

// One SplitMix64 step: advances `state` and returns the next output.
uint64_t splitmix64(uint64_t& state);

// The finalizer of SplitMix64 (a bijective 64-bit mix), used to derive seeds.
uint64_t mix64(uint64_t x);

// FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/): offset basis 0xcbf29ce484222325, prime 0x100000001b3.
// Used for labels, trace lines and digests; `h` continues a running hash.
inline constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
uint64_t fnv1a64(std::string_view bytes, uint64_t h = kFnvOffset);

class Prng {
 public:
  // Seeds the 256-bit state with four SplitMix64 outputs from `seed` (never all zero).
  explicit Prng(uint64_t seed);
  // A generator with an exact state (for reference vectors); the state must not be all zero.
  static Prng from_state(const std::array<uint64_t, 4>& state);

  uint64_t next_u64();
  // Uniform in [0, bound), bound > 0, without modulo bias (Lemire's multiply-and-reject method, "Fast Random
  // Integer Generation in an Interval", ACM TOMACS 2019).
  uint64_t below(uint64_t bound);
  // Uniform in [lo, hi], lo <= hi.
  int64_t uniform_int(int64_t lo, int64_t hi);
  // Uniform in [0, 1): the top 53 bits times 2^-53.
  double next_double01();
  // Bernoulli(p). p <= 0 is false and p >= 1 true without drawing, so a disabled fault consumes no randomness.
  bool chance(double p);

  // An independent generator derived from this one's current state and `label`, without advancing this one:
  // the same label at the same state gives the same stream, different labels give unrelated streams. Components
  // fork their own streams (network, faults, ...) so one component's extra draws do not shift another's.
  Prng fork(std::string_view label) const;

  const std::array<uint64_t, 4>& state() const { return s_; }

 private:
  Prng() = default;
  std::array<uint64_t, 4> s_{};
};

// A latency distribution as a plain value (what a scenario or a fault option names). Samples are >= 0 micros.
struct LatencyDistribution {
  enum class Kind : uint8_t {
    kConstant,     // always `base`
    kUniform,      // uniform integer in [lo, hi]
    kExponential,  // floor + Exp(mean): the floor is the wire, the exponential the queueing (as TigerBeetle)
    kLongTail,     // base; with probability tail_p add min(cap, scale / U), a Pareto(alpha = 1) tail
  };
  Kind kind = Kind::kConstant;
  Micros base = 0;   // kConstant, kLongTail
  Micros lo = 0;     // kUniform
  Micros hi = 0;     // kUniform
  Micros mean = 0;   // kExponential: the mean of the part above the floor
  Micros floor = 0;  // kExponential
  double tail_p = 0;       // kLongTail: probability that a sample gets a tail
  Micros tail_scale = 0;   // kLongTail: Pareto scale (the smallest tail)
  Micros tail_cap = 0;     // kLongTail: the largest tail (alpha = 1 has no mean without a cap)

  static LatencyDistribution constant(Micros value);
  static LatencyDistribution uniform(Micros lo, Micros hi);
  static LatencyDistribution exponential(Micros mean, Micros floor);
  static LatencyDistribution long_tail(Micros base, double tail_p, Micros tail_scale, Micros tail_cap);

  Micros sample(Prng& prng) const;
  // The distribution's exact mean (for checks and reports).
  double expected_mean() const;
  // E.g. "constant(1000us)", "uniform(200us..800us)", "exponential(mean=400us,floor=100us)",
  // "long_tail(base=500us,p=0.01,scale=2000us,cap=1000000us)". Doubles print in shortest round-trip form.
  std::string to_string() const;
  // Parameters consistent for the kind (non-negative, lo <= hi, 0 <= tail_p <= 1, scale <= cap).
  bool valid() const;

  friend bool operator==(const LatencyDistribution&, const LatencyDistribution&) = default;
};

// -ln(U) for U uniform in (0, 1), as unsigned Q32.32 fixed point, from 64 random bits (exposed for tests).
uint64_t neg_log_q32(uint64_t bits);

}  // namespace rmq::sim
