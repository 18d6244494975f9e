#include "sim/trace.h"

#include <bit>
#include <charconv>

#include "sim/prng.h"

namespace rmq::sim {
namespace {

void canonical_line(std::string& line, uint64_t index, Micros time, std::string_view kind, std::string_view text) {
  line.clear();
  line += '#';
  append_decimal(line, static_cast<int64_t>(index));
  line += " t=";
  append_decimal(line, time);
  line += ' ';
  append_escaped(line, kind);
  line += ' ';
  append_escaped(line, text);
}

// Folds an event hash into the digest: FNV-1a over its 8 bytes, least significant first.
uint64_t fold(uint64_t digest, uint64_t event_hash) {
  for (int i = 0; i < 8; ++i) {
    digest ^= (event_hash >> (8 * i)) & 0xFF;
    digest *= 0x100000001B3ULL;
  }
  return digest;
}

std::string hex(uint64_t v) {
  std::string s;
  append_hex64(s, v);
  return s;
}

}  // namespace

void append_escaped(std::string& out, std::string_view s) {
  // The common case has nothing to escape: append in one piece. (Two vectorized find() calls; find_first_of
  // calls memchr once per character, several times slower.)
  if (s.find('\n') == std::string_view::npos && s.find('\\') == std::string_view::npos) {
    out.append(s.data(), s.size());
    return;
  }
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
}

void append_decimal(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;  // 24 characters always fit an int64
  out.append(buf, end);
}

void append_hex64(std::string& out, uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[16];
  for (int i = 0; i < 16; ++i) buf[i] = kDigits[(v >> (60 - 4 * i)) & 0xF];
  out.append(buf, sizeof buf);
}

uint64_t payload_hash(ByteView bytes) {
  constexpr uint64_t k1 = 0x9E3779B97F4A7C15ULL, k2 = 0xC2B2AE3D27D4EB4FULL;
  uint64_t h = 0x27D4EB2F165667C5ULL ^ (bytes.size() * k2);
  size_t i = 0;
  auto word = [&bytes](size_t at, size_t n) {
    uint64_t w = 0;
    for (size_t j = 0; j < n; ++j) w |= static_cast<uint64_t>(static_cast<uint8_t>(bytes[at + j])) << (8 * j);
    return w;
  };
  for (; i + 8 <= bytes.size(); i += 8) h = std::rotl(h ^ (word(i, 8) * k1), 31) * k2;
  if (i < bytes.size()) h = std::rotl(h ^ (word(i, bytes.size() - i) * k1), 31) * k2;
  return mix64(h);
}

Trace::Trace(TraceOptions options) : options_(options), digest_(kFnvOffset) {}

void Trace::record(Micros time, std::string_view kind, std::string_view text) {
  const uint64_t index = count_++;
  canonical_line(line_, index, time, kind, text);  // line_ keeps its capacity: no allocation per event
  const uint64_t h = fnv1a64(line_);
  digest_ = fold(digest_, h);
  if (index < options_.keep_hashes) kept_.push_back(Kept{time, h});
  if (index < options_.keep_first) {
    first_.push_back(line_);
  } else if (options_.keep_last > 0) {
    if (ring_.size() < options_.keep_last) ring_.resize(options_.keep_last);
    ring_[index % options_.keep_last].assign(line_);  // reuses the slot's capacity
  }
  if (tap_) tap_(index, time, kind, text);
}

std::optional<std::string> Trace::text(uint64_t index) const {
  if (index >= count_) return std::nullopt;
  if (index < first_.size()) return first_[index];
  if (options_.keep_last == 0 || index + options_.keep_last < count_) return std::nullopt;
  return ring_[index % options_.keep_last];
}

std::optional<Micros> Trace::time(uint64_t index) const {
  if (index >= kept_.size()) return std::nullopt;
  return kept_[index].time;
}

std::optional<uint64_t> Trace::event_hash(uint64_t index) const {
  if (index >= kept_.size()) return std::nullopt;
  return kept_[index].hash;
}

std::vector<std::string> Trace::lines() const {
  std::vector<std::string> out(first_.begin(), first_.end());
  // Ring events are those at or after max(first_.size(), count_ - keep_last).
  uint64_t ring_start = first_.size();
  if (count_ > options_.keep_last && count_ - options_.keep_last > ring_start) {
    ring_start = count_ - options_.keep_last;
  }
  if (ring_start > first_.size()) {
    out.push_back("... " + std::to_string(ring_start - first_.size()) + " events not kept ...");
  }
  for (uint64_t i = ring_start; i < count_; ++i) out.push_back(ring_[i % options_.keep_last]);
  return out;
}

std::string Trace::dump() const {
  std::string out;
  for (const auto& line : lines()) {
    out += line;
    out += '\n';
  }
  return out;
}

std::string Trace::digest_hex() const { return hex(digest_); }

std::string Divergence::describe() const {
  auto when = [](const std::optional<Micros>& t) { return t ? "t=" + std::to_string(*t) : std::string("t=?"); };
  return "first divergence at event #" + std::to_string(index) + "\n  a (" + when(time_a) + "): " + text_a +
         "\n  b (" + when(time_b) + "): " + text_b;
}

std::optional<Divergence> first_divergence(const Trace& a, const Trace& b) {
  if (a.size() == b.size() && a.digest() == b.digest()) return std::nullopt;
  const uint64_t common = std::min(a.size(), b.size());
  uint64_t i = 0;
  while (i < common) {
    auto ha = a.event_hash(i), hb = b.event_hash(i);
    if (!ha || !hb || *ha != *hb) break;
    ++i;
  }
  // Either the first differing hash, the end of the shorter trace, or the end of the kept hashes.
  auto describe = [i](const Trace& t) -> std::string {
    if (i >= t.size()) return "<end of trace>";
    auto text = t.text(i);
    return text ? *text : "<not kept: raise TraceOptions.keep_first/keep_hashes>";
  };
  Divergence d;
  d.index = i;
  d.time_a = a.time(i);
  d.time_b = b.time(i);
  d.text_a = describe(a);
  d.text_b = describe(b);
  return d;
}

std::string DeterminismReport::describe() const {
  std::string out = "seed " + std::to_string(seed) + ": ";
  if (deterministic) {
    return out + "deterministic, " + std::to_string(events_a) + " events, digest " + hex(digest_a);
  }
  out += "NOT deterministic: run a " + std::to_string(events_a) + " events digest " + hex(digest_a) + ", run b " +
         std::to_string(events_b) + " events digest " + hex(digest_b);
  if (divergence) out += "\n" + divergence->describe();
  return out;
}

DeterminismReport check_determinism(const std::function<Trace(uint64_t seed)>& run, uint64_t seed) {
  const Trace a = run(seed);
  const Trace b = run(seed);
  DeterminismReport report;
  report.seed = seed;
  report.events_a = a.size();
  report.events_b = b.size();
  report.digest_a = a.digest();
  report.digest_b = b.digest();
  report.divergence = first_divergence(a, b);
  report.deterministic = !report.divergence.has_value();
  return report;
}

}  // namespace rmq::sim
