#include "sim/trace.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/prng.h"

namespace rmq::sim {
namespace {

Trace numbered(int n, TraceOptions options = {}, int changed_at = -1) {
  Trace t(options);
  for (int i = 0; i < n; ++i) {
    t.record(i * 10, "test.event", "value=" + std::to_string(i == changed_at ? -1 : i));
  }
  return t;
}

TEST(Trace, CanonicalLinesCarryIndexTimeKindAndText) {
  Trace t;
  t.record(5, "net.send", "c1 n=3");
  t.record(7, "app", "two\nlines \\ here");
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(*t.text(0), "#0 t=5 net.send c1 n=3");
  EXPECT_EQ(*t.text(1), "#1 t=7 app two\\nlines \\\\ here");
  EXPECT_EQ(t.time(1), 7);
  EXPECT_EQ(t.event_hash(0), fnv1a64("#0 t=5 net.send c1 n=3"));
  EXPECT_FALSE(t.text(2).has_value());
}

// The documented digest: FNV-1a 64 over the event hashes, each as 8 bytes least significant first.
uint64_t reference_digest(const std::vector<std::string>& lines) {
  std::string bytes;
  for (const auto& line : lines) {
    const uint64_t h = fnv1a64(line);
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>((h >> (8 * i)) & 0xFF);
  }
  return fnv1a64(bytes);
}

TEST(Trace, DigestIsFnv1aOverTheEventHashes) {
  Trace t;
  t.record(0, "a", "b");
  t.record(7, "c", "d");
  EXPECT_EQ(t.dump(), "#0 t=0 a b\n#1 t=7 c d\n");
  EXPECT_EQ(t.digest(), reference_digest({"#0 t=0 a b", "#1 t=7 c d"}));
  EXPECT_EQ(Trace().digest(), fnv1a64(""));
  EXPECT_EQ(t.digest_hex().size(), 16u);
}

TEST(Trace, StoredTextsAreCappedButTheDigestCoversEverything) {
  TraceOptions small;
  small.keep_first = 3;
  small.keep_last = 2;
  small.keep_hashes = 4;
  Trace capped = numbered(10, small);
  Trace full = numbered(10);
  EXPECT_EQ(capped.digest(), full.digest());
  EXPECT_EQ(capped.size(), 10u);
  auto lines = capped.lines();
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[2], "#2 t=20 test.event value=2");
  EXPECT_EQ(lines[3], "... 5 events not kept ...");
  EXPECT_EQ(lines[4], "#8 t=80 test.event value=8");
  EXPECT_EQ(lines[5], "#9 t=90 test.event value=9");
  EXPECT_FALSE(capped.text(5).has_value());
  EXPECT_TRUE(capped.text(9).has_value());
  EXPECT_TRUE(capped.event_hash(3).has_value());
  EXPECT_FALSE(capped.event_hash(4).has_value());
}

TEST(Trace, EqualTracesHaveNoDivergence) {
  EXPECT_FALSE(first_divergence(numbered(20), numbered(20)).has_value());
}

TEST(Trace, FirstDivergenceNamesTheFirstDifferingEvent) {
  auto d = first_divergence(numbered(20), numbered(20, {}, 13));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->index, 13u);
  EXPECT_EQ(d->time_a, 130);
  EXPECT_EQ(d->text_a, "#13 t=130 test.event value=13");
  EXPECT_EQ(d->text_b, "#13 t=130 test.event value=-1");
  EXPECT_NE(d->describe().find("event #13"), std::string::npos);
}

TEST(Trace, APrefixDivergesWhereItEnds) {
  auto d = first_divergence(numbered(5), numbered(8));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->index, 5u);
  EXPECT_EQ(d->text_a, "<end of trace>");
  EXPECT_EQ(d->text_b, "#5 t=50 test.event value=5");
}

TEST(Trace, DivergenceBeyondTheKeptHashesSaysSo) {
  TraceOptions small;
  small.keep_first = 2;
  small.keep_last = 0;
  small.keep_hashes = 3;
  auto d = first_divergence(numbered(10, small), numbered(10, small, 7));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->index, 3u);  // the first event whose hash was not kept
  EXPECT_NE(d->text_a.find("not kept"), std::string::npos);
}

TEST(Trace, CheckDeterminismReportsEqualityOrTheDivergence) {
  auto same = check_determinism([](uint64_t seed) { return numbered(static_cast<int>(seed)); }, 12);
  EXPECT_TRUE(same.deterministic);
  EXPECT_EQ(same.events_a, 12u);
  EXPECT_NE(same.describe().find("deterministic"), std::string::npos);

  int calls = 0;  // the second run differs at event 4: a hidden input, like a wall clock or hash-map order
  auto differ = check_determinism([&](uint64_t seed) { return numbered(static_cast<int>(seed), {}, calls++ ? 4 : -1); },
                                  12);
  EXPECT_FALSE(differ.deterministic);
  ASSERT_TRUE(differ.divergence.has_value());
  EXPECT_EQ(differ.divergence->index, 4u);
  EXPECT_NE(differ.describe().find("NOT deterministic"), std::string::npos);
}

TEST(Trace, PayloadHashIsStableAndSensitive) {
  EXPECT_EQ(payload_hash("hello world"), payload_hash(std::string("hello world")));
  EXPECT_NE(payload_hash("a"), payload_hash(std::string("a\0", 2)));
  EXPECT_NE(payload_hash("abcdefgh1"), payload_hash("abcdefgh2"));
  EXPECT_NE(payload_hash(""), payload_hash("x"));
  // Pinned: the value must not depend on the platform (words are assembled little-endian from bytes).
  EXPECT_EQ(payload_hash("rocketmq frame bytes"), 0x001fe7ddc4fe4c59ULL);
}

}  // namespace
}  // namespace rmq::sim
