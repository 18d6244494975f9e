// UniqueIdGenerator: Java's MessageClientIDSetter.createUniqID (spec §5.13), the UNIQ_KEY a producer puts on
// every message (and the msgId of its SendResult).
//
// Layout, upper-case hex: ip (4 or 16 bytes) + (short) pid + classLoader.hashCode() int32 — the fixed prefix —
// then int32 (now - startTime) + int16 counter: 32 hex characters for IPv4, 56 for IPv6.
//   startTime     = the first instant of the month of `now`; recomputed (with nextStartTime = the first instant
//                   of the following month) whenever now >= nextStartTime. Java's Calendar uses the JVM's default
//                   time zone; we use UTC, so ids agree with a JVM running in UTC.
//   time diff     = (int)(now - startTime): from day ~24.8 of a month it wraps negative, as in Java. A small
//                   negative diff (0 > diff > -1 000 000, a clock stepped back, "may cause by NTP") becomes 0.
//   counter       = Java's static AtomicInteger starting at 0; its low 16 bits are written.
// Java keeps one counter and one startTime per JVM (class loader); the owner decides how widely a generator is
// shared. The wall clock is passed in (ms since the epoch); nothing here reads one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rmq::producer {

class UniqueIdGenerator {
 public:
  // `ip_bytes`: 4 (IPv4) or 16 (IPv6) raw address bytes. `pid` is truncated to 16 bits as Java's (short) cast.
  UniqueIdGenerator(std::string_view ip_bytes, int32_t pid, int32_t class_loader_hash, int64_t now_wall_ms);

  std::string create_uniq_id(int64_t now_wall_ms);

  const std::string& fixed_prefix() const { return fixed_prefix_; }
  int64_t start_time_ms() const { return start_time_ms_; }
  int64_t next_start_time_ms() const { return next_start_time_ms_; }
  uint32_t counter() const { return counter_; }
  void set_counter_for_test(uint32_t counter) { counter_ = counter; }

 private:
  void set_start_time(int64_t now_wall_ms);

  std::string fixed_prefix_;
  int64_t start_time_ms_ = 0;
  int64_t next_start_time_ms_ = 0;
  uint32_t counter_ = 0;
};

// The first millisecond of the UTC month containing `wall_ms`, and of the month after it.
int64_t utc_month_start_ms(int64_t wall_ms);
int64_t utc_next_month_start_ms(int64_t wall_ms);

// "a.b.c.d" -> its 4 bytes; nullopt unless four decimal parts within 0..255.
std::optional<std::string> ipv4_bytes(std::string_view dotted);

}  // namespace rmq::producer
