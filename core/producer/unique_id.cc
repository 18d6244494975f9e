#include "core/producer/unique_id.h"

#include <cassert>
#include <charconv>
#include <chrono>

#include "core/common/byte_io.h"
#include "core/common/hex.h"

namespace rmq::producer {

namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;

constexpr int32_t kNtpStepBackTolerance = -1000000;  // ms

std::chrono::year_month month_of(int64_t wall_ms) {
  sys_days day = std::chrono::floor<days>(std::chrono::sys_time<milliseconds>(milliseconds(wall_ms)));
  std::chrono::year_month_day ymd(day);
  return ymd.year() / ymd.month();
}

int64_t first_ms_of(std::chrono::year_month month) {
  sys_days first{month / std::chrono::day(1)};
  return std::chrono::duration_cast<milliseconds>(first.time_since_epoch()).count();
}

}  // namespace

int64_t utc_month_start_ms(int64_t wall_ms) { return first_ms_of(month_of(wall_ms)); }

int64_t utc_next_month_start_ms(int64_t wall_ms) { return first_ms_of(month_of(wall_ms) + std::chrono::months(1)); }

UniqueIdGenerator::UniqueIdGenerator(std::string_view ip_bytes, int32_t pid, int32_t class_loader_hash,
                                     int64_t now_wall_ms) {
  assert((ip_bytes.size() == 4 || ip_bytes.size() == 16) && "an IPv4 or IPv6 address");
  Bytes prefix;
  ByteWriter writer(prefix);
  writer.bytes(ip_bytes);
  writer.u16(static_cast<uint16_t>(static_cast<uint32_t>(pid) & 0xFFFFU));  // Java: (short) pid
  writer.i32(class_loader_hash);
  fixed_prefix_ = to_hex_upper(prefix);
  set_start_time(now_wall_ms);
}

void UniqueIdGenerator::set_start_time(int64_t now_wall_ms) {
  start_time_ms_ = utc_month_start_ms(now_wall_ms);
  next_start_time_ms_ = utc_next_month_start_ms(now_wall_ms);
}

std::string UniqueIdGenerator::create_uniq_id(int64_t now_wall_ms) {
  if (now_wall_ms >= next_start_time_ms_) set_start_time(now_wall_ms);
  // (int)(current - startTime): keep the low 32 bits, as Java's narrowing cast does.
  auto diff = static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(now_wall_ms - start_time_ms_)));
  if (diff < 0 && diff > kNtpStepBackTolerance) diff = 0;

  Bytes tail;
  ByteWriter writer(tail);
  writer.i32(diff);
  writer.u16(static_cast<uint16_t>(counter_ & 0xFFFFU));
  ++counter_;
  return fixed_prefix_ + to_hex_upper(tail);
}

std::optional<std::string> ipv4_bytes(std::string_view dotted) {
  std::string bytes;
  size_t start = 0;
  for (int part = 0; part < 4; ++part) {
    size_t end = part == 3 ? dotted.size() : dotted.find('.', start);
    if (end == std::string_view::npos || end == start) return std::nullopt;
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(dotted.data() + start, dotted.data() + end, value);
    if (ec != std::errc() || ptr != dotted.data() + end || value > 255) return std::nullopt;
    bytes.push_back(static_cast<char>(value));
    start = end + 1;
  }
  return bytes;
}

}  // namespace rmq::producer
