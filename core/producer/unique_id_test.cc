#include "core/producer/unique_id.h"

#include <gtest/gtest.h>

#include <string>

namespace rmq::producer {
namespace {

constexpr int64_t kMarch2024 = 1709251200000;     // 2024-03-01T00:00:00Z
constexpr int64_t kFebruary2024 = 1706745600000;  // 2024-02-01T00:00:00Z
constexpr int64_t kDay = 86400000;

std::string ip(std::string_view dotted) { return ipv4_bytes(dotted).value(); }

// A Java-shaped id: 10.0.192.122, pid 0xC3B7, class loader hash 0x18B4AAC2, 0x30B97752 ms into the month.
TEST(UniqueIdTest, LayoutMatchesJava) {
  UniqueIdGenerator generator(ip("10.0.192.122"), 50103, 0x18B4AAC2, kMarch2024);
  EXPECT_EQ(generator.fixed_prefix(), "0A00C07AC3B718B4AAC2");
  std::string id = generator.create_uniq_id(kMarch2024 + 0x30B97752);
  EXPECT_EQ(id, "0A00C07AC3B718B4AAC230B977520000");
  EXPECT_EQ(id.size(), 32U);
  EXPECT_EQ(generator.create_uniq_id(kMarch2024 + 0x30B97752), "0A00C07AC3B718B4AAC230B977520001");
}

TEST(UniqueIdTest, PidIsTruncatedToShortAndHashIsSigned) {
  UniqueIdGenerator generator(ip("127.0.0.1"), 0x12345678, -1, kMarch2024);
  EXPECT_EQ(generator.fixed_prefix(), "7F0000015678FFFFFFFF");
}

TEST(UniqueIdTest, CounterStartsAtZeroAndWritesItsLow16Bits) {
  UniqueIdGenerator generator(ip("1.2.3.4"), 1, 2, kMarch2024);
  EXPECT_EQ(generator.counter(), 0U);
  EXPECT_EQ(generator.create_uniq_id(kMarch2024).substr(20), "000000000000");
  generator.set_counter_for_test(0xFFFF);
  EXPECT_EQ(generator.create_uniq_id(kMarch2024 + 1).substr(20), "00000001FFFF");
  EXPECT_EQ(generator.create_uniq_id(kMarch2024 + 2).substr(20), "000000020000");  // 0x10000 -> 0000
}

TEST(UniqueIdTest, StartTimeIsTheUtcMonthAndMovesAtTheNextMonth) {
  UniqueIdGenerator generator(ip("1.2.3.4"), 1, 2, kFebruary2024 + 28 * kDay + 5);  // 2024-02-29
  EXPECT_EQ(generator.start_time_ms(), kFebruary2024);
  EXPECT_EQ(generator.next_start_time_ms(), kMarch2024);
  EXPECT_EQ(generator.create_uniq_id(kMarch2024 - 1).substr(20, 8), "95586BFF");  // 29 days - 1 ms: wrapped
  EXPECT_EQ(generator.create_uniq_id(kMarch2024 + 7).substr(20, 8), "00000007");
  EXPECT_EQ(generator.start_time_ms(), kMarch2024);
}

TEST(UniqueIdTest, DiffWrapsNegativeLateInTheMonthAsJavasIntCast) {
  UniqueIdGenerator generator(ip("1.2.3.4"), 1, 2, kMarch2024);
  // 29 days = 2505600000 ms > INT32_MAX: written as the int's bits, not clamped (far below -1 000 000).
  EXPECT_EQ(generator.create_uniq_id(kMarch2024 + 29 * kDay).substr(20, 8), "95586C00");
}

TEST(UniqueIdTest, SmallStepBackIsClampedToZero) {
  UniqueIdGenerator generator(ip("1.2.3.4"), 1, 2, kMarch2024 + 10);
  EXPECT_EQ(generator.create_uniq_id(kMarch2024 - 500).substr(20, 8), "00000000");
  EXPECT_EQ(generator.create_uniq_id(kMarch2024 - 2000000).substr(20, 8), "FFE17B80");  // beyond the tolerance
  EXPECT_EQ(generator.start_time_ms(), kMarch2024);  // never moved backwards
}

TEST(UniqueIdTest, Ipv6IdsAre56Characters) {
  std::string v6(16, '\0');
  v6[15] = 1;
  UniqueIdGenerator generator(v6, 1, 2, kMarch2024);
  std::string id = generator.create_uniq_id(kMarch2024);
  EXPECT_EQ(id.size(), 56U);
  EXPECT_EQ(id.substr(0, 32), "00000000000000000000000000000001");
}

TEST(UniqueIdTest, UtcMonthBoundaries) {
  EXPECT_EQ(utc_month_start_ms(kMarch2024), kMarch2024);
  EXPECT_EQ(utc_month_start_ms(kMarch2024 - 1), kFebruary2024);
  EXPECT_EQ(utc_next_month_start_ms(kMarch2024 - 1), kMarch2024);
  EXPECT_EQ(utc_month_start_ms(1735689600000 - 1), 1733011200000);     // 2024-12 -> 2024-12-01
  EXPECT_EQ(utc_next_month_start_ms(1735689600000 - 1), 1735689600000);  // -> 2025-01-01
  EXPECT_EQ(utc_month_start_ms(-1), -2678400000);                        // 1969-12-01
  EXPECT_EQ(utc_next_month_start_ms(-1), 0);
}

TEST(UniqueIdTest, Ipv4Bytes) {
  EXPECT_EQ(ipv4_bytes("127.0.0.1"), std::string("\x7F\x00\x00\x01", 4));
  EXPECT_EQ(ipv4_bytes("255.255.255.255"), std::string(4, '\xFF'));
  for (std::string_view bad : {"", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1..3.4", "a.b.c.d", "1.2.3.4 "}) {
    EXPECT_EQ(ipv4_bytes(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace rmq::producer
