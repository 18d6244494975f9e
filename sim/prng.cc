#include "sim/prng.h"

#include <bit>
#include <charconv>
#include <cmath>

#include "sim/sim_check.h"

namespace rmq::sim {
namespace {

__extension__ typedef unsigned __int128 u128;  // GCC/Clang extension; __extension__ keeps -Wpedantic quiet

// ln 2 as unsigned Q0.64: round(0.693147180559945309417... * 2^64).
constexpr uint64_t kLn2Q64 = 0xB17217F7D1CF79ABULL;

std::string micros_text(Micros us) { return std::to_string(us) + "us"; }

std::string double_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form: platform independent
  RMQSIM_CHECK(ec == std::errc(), "to_chars(double) failed");
  return std::string(buf, end);
}

}  // namespace

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t splitmix64(uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  return mix64(state);
}

uint64_t fnv1a64(std::string_view bytes, uint64_t h) {
  for (char c : bytes) {
    h ^= static_cast<uint8_t>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

Prng::Prng(uint64_t seed) {
  uint64_t sm = seed;
  for (auto& word : s_) word = splitmix64(sm);
  // SplitMix64 is a bijection over a counter, so four consecutive outputs are never all zero.
  RMQSIM_CHECK((s_[0] | s_[1] | s_[2] | s_[3]) != 0, "xoshiro state all zero");
}

Prng Prng::from_state(const std::array<uint64_t, 4>& state) {
  RMQSIM_CHECK((state[0] | state[1] | state[2] | state[3]) != 0, "xoshiro state must not be all zero");
  Prng p;
  p.s_ = state;
  return p;
}

uint64_t Prng::next_u64() {
  // xoshiro256** 1.0, transcribed from the reference code.
  const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = std::rotl(s_[3], 45);
  return result;
}

uint64_t Prng::below(uint64_t bound) {
  RMQSIM_CHECK(bound > 0, "Prng::below(0)");
  // Lemire: the high word of x * bound is uniform once the low word avoids the 2^64 mod bound biased values.
  u128 m = static_cast<u128>(next_u64()) * bound;
  auto low = static_cast<uint64_t>(m);
  if (low < bound) {
    const uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
    while (low < threshold) {
      m = static_cast<u128>(next_u64()) * bound;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

int64_t Prng::uniform_int(int64_t lo, int64_t hi) {
  RMQSIM_CHECK(lo <= hi, "Prng::uniform_int with lo > hi");
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const uint64_t offset = span == UINT64_MAX ? next_u64() : below(span + 1);
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + offset);
}

double Prng::next_double01() {
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;  // exact: 53 bits fit a double's mantissa
}

bool Prng::chance(double p) {
  if (p <= 0) return false;
  if (p >= 1) return true;
  return next_double01() < p;
}

Prng Prng::fork(std::string_view label) const {
  // Fold the state into one word (rotations keep the words from cancelling), mix in the label's hash, and seed a
  // new generator through SplitMix64 as the constructor does.
  uint64_t folded = s_[0] ^ std::rotl(s_[1], 17) ^ std::rotl(s_[2], 31) ^ std::rotl(s_[3], 47);
  return Prng(mix64(folded ^ fnv1a64(label)));
}

uint64_t neg_log_q32(uint64_t bits) {
  // U = k / 2^64 with k in [1, 2^64), so -ln U = ln2 * (64 - log2 k). log2 k = e + log2 m with e the index of
  // k's top bit and m = k / 2^e in [1, 2); the fraction's bits come from repeated squaring (m^2 >= 2 sets the
  // next bit and halves). Integer-only, so every platform computes the same value.
  const uint64_t k = bits == 0 ? 1 : bits;
  const int e = 63 - std::countl_zero(k);
  uint64_t m = k << (63 - e);  // Q1.63, top bit set
  uint64_t frac = 0;
  for (int i = 0; i < 32; ++i) {
    const u128 sq = static_cast<u128>(m) * m;  // Q2.126
    frac <<= 1;
    if (sq >> 127) {
      frac |= 1;
      m = static_cast<uint64_t>(sq >> 64);
    } else {
      m = static_cast<uint64_t>(sq >> 63);
    }
  }
  const uint64_t log2k_q32 = (static_cast<uint64_t>(e) << 32) | frac;
  const uint64_t neg_log2_q32 = (uint64_t{64} << 32) - log2k_q32;  // in (0, 64]
  return static_cast<uint64_t>((static_cast<u128>(neg_log2_q32) * kLn2Q64) >> 64);
}

LatencyDistribution LatencyDistribution::constant(Micros value) {
  LatencyDistribution d;
  d.base = value;
  return d;
}

LatencyDistribution LatencyDistribution::uniform(Micros lo, Micros hi) {
  LatencyDistribution d;
  d.kind = Kind::kUniform;
  d.lo = lo;
  d.hi = hi;
  return d;
}

LatencyDistribution LatencyDistribution::exponential(Micros mean, Micros floor) {
  LatencyDistribution d;
  d.kind = Kind::kExponential;
  d.mean = mean;
  d.floor = floor;
  return d;
}

LatencyDistribution LatencyDistribution::long_tail(Micros base, double tail_p, Micros tail_scale,
                                                   Micros tail_cap) {
  LatencyDistribution d;
  d.kind = Kind::kLongTail;
  d.base = base;
  d.tail_p = tail_p;
  d.tail_scale = tail_scale;
  d.tail_cap = tail_cap;
  return d;
}

bool LatencyDistribution::valid() const {
  switch (kind) {
    case Kind::kConstant: return base >= 0;
    case Kind::kUniform: return lo >= 0 && lo <= hi;
    case Kind::kExponential: return mean >= 0 && floor >= 0 && mean < (Micros{1} << 40);
    case Kind::kLongTail:
      return base >= 0 && tail_p >= 0 && tail_p <= 1 && tail_scale > 0 && tail_scale <= tail_cap;
  }
  return false;
}

Micros LatencyDistribution::sample(Prng& prng) const {
  switch (kind) {
    case Kind::kConstant: return base;
    case Kind::kUniform: return prng.uniform_int(lo, hi);
    case Kind::kExponential: {
      const u128 scaled = static_cast<u128>(static_cast<uint64_t>(mean)) * neg_log_q32(prng.next_u64());
      return floor + static_cast<Micros>(scaled >> 32);
    }
    case Kind::kLongTail: {
      if (!prng.chance(tail_p)) return base;
      // Pareto(alpha = 1): scale / U with U = k / 2^64, i.e. scale * 2^64 / k, capped.
      const uint64_t k = prng.next_u64() | 1;
      const u128 tail = (static_cast<u128>(static_cast<uint64_t>(tail_scale)) << 64) / k;
      return base + (tail > static_cast<u128>(tail_cap) ? tail_cap : static_cast<Micros>(tail));
    }
  }
  fatal("unknown latency distribution kind", __FILE__, __LINE__);
}

double LatencyDistribution::expected_mean() const {
  switch (kind) {
    case Kind::kConstant: return static_cast<double>(base);
    case Kind::kUniform: return (static_cast<double>(lo) + static_cast<double>(hi)) / 2;
    case Kind::kExponential: return static_cast<double>(floor) + static_cast<double>(mean);
    case Kind::kLongTail: {
      // E[min(cap, scale/U)] = scale * (1 + ln(cap / scale)); only for reports, so std::log is fine here.
      const double s = static_cast<double>(tail_scale), c = static_cast<double>(tail_cap);
      return static_cast<double>(base) + tail_p * s * (1 + std::log(c / s));
    }
  }
  return 0;
}

std::string LatencyDistribution::to_string() const {
  switch (kind) {
    case Kind::kConstant: return "constant(" + micros_text(base) + ")";
    case Kind::kUniform: return "uniform(" + micros_text(lo) + ".." + micros_text(hi) + ")";
    case Kind::kExponential: return "exponential(mean=" + micros_text(mean) + ",floor=" + micros_text(floor) + ")";
    case Kind::kLongTail:
      return "long_tail(base=" + micros_text(base) + ",p=" + double_text(tail_p) + ",scale=" +
             micros_text(tail_scale) + ",cap=" + micros_text(tail_cap) + ")";
  }
  return "unknown";
}

}  // namespace rmq::sim
