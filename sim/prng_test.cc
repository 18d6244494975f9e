#include "sim/prng.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace rmq::sim {
namespace {

TEST(Prng, SplitMix64ReferenceOutputs) {
  // splitmix64.c seeded with 1234567 (the published reference sequence).
  uint64_t state = 1234567;
  const uint64_t expected[] = {6457827717110365317ULL, 3203168211198807973ULL, 9817491932198370423ULL,
                               4593380528125082431ULL, 16408922859458223821ULL};
  for (uint64_t e : expected) EXPECT_EQ(splitmix64(state), e);
}

TEST(Prng, Xoshiro256StarStarReferenceOutputs) {
  // xoshiro256starstar.c from the state {1, 2, 3, 4} (the vector rand_xoshiro and others test against).
  Prng p = Prng::from_state({1, 2, 3, 4});
  const uint64_t expected[] = {11520ULL,
                               0ULL,
                               1509978240ULL,
                               1215971899390074240ULL,
                               1216172134540287360ULL,
                               607988272756665600ULL,
                               16172922978634559625ULL,
                               8476171486693032832ULL,
                               10595114339597558777ULL,
                               2904607092377533576ULL};
  for (uint64_t e : expected) EXPECT_EQ(p.next_u64(), e);
}

TEST(Prng, SeedingThroughSplitMixMatchesIndependentImplementations) {
  // State = four SplitMix64 outputs from the seed; seed 42 then yields these (agrees with other codebases
  // that seed xoshiro256** the same way).
  Prng p(42);
  EXPECT_EQ(p.next_u64(), 1546998764402558742ULL);
  EXPECT_EQ(p.next_u64(), 6990951692964543102ULL);
  EXPECT_EQ(p.next_u64(), 12544586762248559009ULL);
}

TEST(Prng, Fnv1a64ReferenceValues) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
  EXPECT_EQ(fnv1a64("bar", fnv1a64("foo")), fnv1a64("foobar"));  // streaming
}

TEST(Prng, SameSeedSameStreamOtherSeedOtherStream) {
  Prng a(7), b(7), c(8);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    uint64_t x = a.next_u64();
    EXPECT_EQ(x, b.next_u64());
    differs |= x != c.next_u64();
  }
  EXPECT_TRUE(differs);
}

TEST(Prng, BelowIsInRangeAndUnbiased) {
  Prng p(1);
  EXPECT_EQ(p.below(1), 0u);
  std::map<uint64_t, int> counts;
  const int n = 60000;
  for (int i = 0; i < n; ++i) {
    uint64_t v = p.below(3);
    ASSERT_LT(v, 3u);
    ++counts[v];
  }
  for (auto& [v, c] : counts) EXPECT_NEAR(c, n / 3, n / 3 * 0.05) << v;
  // A bound just above 2^63 rejects almost half of the raw draws; values must still be in range.
  const uint64_t big = (uint64_t{1} << 63) + 12345;
  for (int i = 0; i < 1000; ++i) ASSERT_LT(p.below(big), big);
}

TEST(Prng, UniformIntIsInclusiveAndHandlesNegativeAndFullRanges) {
  Prng p(2);
  std::map<int64_t, int> seen;
  for (int i = 0; i < 2000; ++i) {
    int64_t v = p.uniform_int(-2, 2);
    ASSERT_GE(v, -2);
    ASSERT_LE(v, 2);
    ++seen[v];
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(p.uniform_int(5, 5), 5);
  (void)p.uniform_int(INT64_MIN, INT64_MAX);  // span 2^64: must not divide by zero
}

TEST(Prng, Double01AndChance) {
  Prng p(3);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    double d = p.next_double01();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
    sum += d;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
  int hits = 0;
  for (int i = 0; i < 10000; ++i) hits += p.chance(0.3) ? 1 : 0;
  EXPECT_NEAR(hits, 3000, 200);
}

TEST(Prng, CertainChancesDrawNothing) {
  Prng p(4);
  const auto before = p.state();
  EXPECT_FALSE(p.chance(0));
  EXPECT_TRUE(p.chance(1));
  EXPECT_EQ(p.state(), before);
}

TEST(Prng, ForkIsDeterministicIndependentAndLeavesTheParentAlone) {
  Prng root(9);
  const auto before = root.state();
  Prng a1 = root.fork("network"), a2 = root.fork("network"), b = root.fork("faults");
  EXPECT_EQ(root.state(), before);
  uint64_t x = a1.next_u64();
  EXPECT_EQ(x, a2.next_u64());
  EXPECT_NE(x, b.next_u64());
  EXPECT_NE(x, Prng(9).next_u64());
}

TEST(Prng, NegLogFixedPointMatchesKnownValues) {
  const double q32 = 4294967296.0;
  EXPECT_NEAR(static_cast<double>(neg_log_q32(uint64_t{1} << 63)) / q32, 0.6931471805599453, 1e-8);  // U = 1/2
  EXPECT_NEAR(static_cast<double>(neg_log_q32(uint64_t{1} << 62)) / q32, 1.3862943611198906, 1e-8);  // U = 1/4
  EXPECT_NEAR(static_cast<double>(neg_log_q32(0)) / q32, 44.3614195558365, 1e-6);  // U = 2^-64 (0 counts as 1)
  EXPECT_EQ(neg_log_q32(UINT64_MAX), 0u);  // U = 1 - 2^-64
}

TEST(LatencyDistribution, ConstantAndUniform) {
  Prng p(5);
  EXPECT_EQ(LatencyDistribution::constant(700).sample(p), 700);
  auto u = LatencyDistribution::uniform(100, 300);
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    Micros v = u.sample(p);
    ASSERT_GE(v, 100);
    ASSERT_LE(v, 300);
    sum += static_cast<double>(v);
  }
  EXPECT_NEAR(sum / 10000, 200, 5);
}

TEST(LatencyDistribution, ExponentialHasItsMeanAndFloor) {
  Prng p(6);
  auto e = LatencyDistribution::exponential(1000, 200);
  double sum = 0;
  Micros lowest = INT64_MAX, highest = 0;
  const int n = 50000;
  for (int i = 0; i < n; ++i) {
    Micros v = e.sample(p);
    lowest = std::min(lowest, v);
    highest = std::max(highest, v);
    sum += static_cast<double>(v);
  }
  EXPECT_GE(lowest, 200);
  EXPECT_LT(lowest, 210);  // samples come close to the floor
  EXPECT_GT(highest, 5000);  // and far above the mean sometimes
  EXPECT_NEAR(sum / n, e.expected_mean(), e.expected_mean() * 0.03);
}

TEST(LatencyDistribution, LongTailIsMostlyBaseWithACappedHeavyTail) {
  Prng p(7);
  auto d = LatencyDistribution::long_tail(500, 0.05, 2000, 200000);
  int at_base = 0;
  double sum = 0;
  Micros highest = 0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    Micros v = d.sample(p);
    ASSERT_GE(v, 500);
    ASSERT_LE(v, 500 + 200000);
    at_base += v == 500 ? 1 : 0;
    highest = std::max(highest, v);
    sum += static_cast<double>(v);
  }
  EXPECT_NEAR(at_base, n * 0.95, n * 0.01);
  EXPECT_EQ(highest, 500 + 200000);  // the cap is reached: the tail is heavy
  EXPECT_NEAR(sum / n, d.expected_mean(), d.expected_mean() * 0.1);
}

TEST(LatencyDistribution, SamplesAreAGoldenSequence) {
  // Pins the integer-only sampling: a change here changes every seed's latencies (update deliberately). The
  // three exponential samples equal floor + mean * -ln(U) computed in doubles (2986.1, 345.8, 2730.3), truncated.
  Prng p(2024);
  std::vector<Micros> got;
  for (int i = 0; i < 3; ++i) got.push_back(LatencyDistribution::exponential(1000, 100).sample(p));
  for (int i = 0; i < 3; ++i) got.push_back(LatencyDistribution::uniform(0, 999).sample(p));
  got.push_back(LatencyDistribution::long_tail(10, 1.0, 100, 100000).sample(p));
  const std::vector<Micros> expected = {2986, 345, 2730, 159, 773, 244, 263};
  EXPECT_EQ(got, expected);
}

TEST(LatencyDistribution, PrintsAsText) {
  EXPECT_EQ(LatencyDistribution::constant(1000).to_string(), "constant(1000us)");
  EXPECT_EQ(LatencyDistribution::uniform(200, 800).to_string(), "uniform(200us..800us)");
  EXPECT_EQ(LatencyDistribution::exponential(400, 100).to_string(), "exponential(mean=400us,floor=100us)");
  EXPECT_EQ(LatencyDistribution::long_tail(500, 0.01, 2000, 1000000).to_string(),
            "long_tail(base=500us,p=0.01,scale=2000us,cap=1000000us)");
  EXPECT_TRUE(LatencyDistribution::uniform(1, 2).valid());
  EXPECT_FALSE(LatencyDistribution::uniform(2, 1).valid());
  EXPECT_FALSE(LatencyDistribution::long_tail(1, 1.5, 1, 2).valid());
}

}  // namespace
}  // namespace rmq::sim
