#include "core/common/fastjson_writer.h"

#include <array>
#include <cstdint>
#include <cstring>

namespace rmq {

namespace {

// The UTF-16 unit fastjson escapes at text[i], or 0 when it writes the bytes as they are. Besides ASCII
// controls, '"' and '\\' (handled by the caller), fastjson's default writer escapes U+007F..U+00A0 and U+2028.
uint32_t escaped_unit_at(std::string_view text, size_t i, size_t& length) {
  auto byte = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  auto c = static_cast<unsigned char>(byte(i));
  length = 1;
  if (c == 0x7F) return 0x7F;
  if (c == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0xA0) {
    length = 2;
    return byte(i + 1);
  }
  if (c == 0xE2 && byte(i + 1) == 0x80 && byte(i + 2) == 0xA8) {
    length = 3;
    return 0x2028;
  }
  return 0;
}

}  // namespace

// Bytes that may start an escape: ASCII controls, '"', '\\', 0x7F, and the lead bytes of U+0080..U+00A0 (0xC2)
// and U+2028 (0xE2). Everything else is copied in runs.
constexpr std::array<bool, 256> kMayEscape = [] {
  std::array<bool, 256> table{};
  for (size_t c = 0; c < 0x20; ++c) table[c] = true;
  for (int c : {int{'"'}, int{'\\'}, 0x7F, 0xC2, 0xE2}) table[static_cast<size_t>(c)] = true;
  return table;
}();

// True when any of the 8 bytes of `w` may start an escape (a superset of kMayEscape: every non-ASCII byte
// counts), with the exact zero-byte tests of "Bit Twiddling Hacks" (haszero / hasless).
bool word_may_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) | has_zero(w ^ (kOnes * 0x7F)) |
          (w & kHighs)) != 0;
}

namespace {

// The position of the first byte at or after `i` that may start an escape (kMayEscape), or text.size().
[[gnu::always_inline]] inline size_t first_may_escape(std::string_view text, size_t i) {
  const size_t n = text.size();
  while (i < n) {
    if (i + 8 <= n) {
      // Plain text is skipped 8 bytes at a time: headers are mostly short ASCII values.
      uint64_t word;
      std::memcpy(&word, text.data() + i, 8);
      if (!word_may_escape(word)) {
        i += 8;
        continue;
      }
      for (size_t stop = i + 8; i < stop; ++i) {
        if (kMayEscape[static_cast<unsigned char>(text[i])]) return i;
      }
      continue;  // non-ASCII bytes that start no escape
    }
    if (kMayEscape[static_cast<unsigned char>(text[i])]) return i;
    ++i;
  }
  return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t i = first_may_escape(text, 0);
  if (i == text.size()) {
    // Nothing to escape (nearly every key and value): the quotes and the text in one write.
    size_t at = out.size();
    out.resize(at + text.size() + 2);
    char* d = out.data() + at;
    d[0] = '"';
    if (!text.empty()) std::memcpy(d + 1, text.data(), text.size());
    d[text.size() + 1] = '"';
    return;
  }
  out.reserve(out.size() + text.size() + 16);
  out.push_back('"');
  size_t run_start = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    const char* short_escape = nullptr;
    switch (c) {
      case '"': short_escape = "\\\""; break;
      case '\\': short_escape = "\\\\"; break;
      case '\b': short_escape = "\\b"; break;
      case '\t': short_escape = "\\t"; break;
      case '\n': short_escape = "\\n"; break;
      case '\f': short_escape = "\\f"; break;
      case '\r': short_escape = "\\r"; break;
      default: break;
    }
    size_t length = 1;
    uint32_t unit = c < 0x20 ? c : escaped_unit_at(text, i, length);
    if (short_escape == nullptr && unit == 0 && c >= 0x20) {  // 0xC2 / 0xE2 leading a character kept as is
      i = first_may_escape(text, i + 1);
      continue;
    }
    out.append(text.data() + run_start, i - run_start);
    if (short_escape != nullptr) {
      out.append(short_escape);
    } else {
      const char escaped[] = {'\\', 'u', kHex[(unit >> 12) & 0xF], kHex[(unit >> 8) & 0xF], kHex[(unit >> 4) & 0xF],
                              kHex[unit & 0xF]};
      out.append(escaped, sizeof escaped);
    }
    run_start = i + length;
    i = first_may_escape(text, run_start);
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

}  // namespace rmq
