#include "core/common/fastjson_writer.h"

#include <array>

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

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('"');
  size_t run_start = 0;
  auto flush = [&](size_t end) { out.append(text.data() + run_start, end - run_start); };
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!kMayEscape[c]) continue;
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
    if (short_escape == nullptr && unit == 0 && c >= 0x20) continue;
    flush(i);
    run_start = i + length;
    if (short_escape != nullptr) {
      out.append(short_escape);
    } else {
      const char escaped[] = {'\\', 'u', kHex[(unit >> 12) & 0xF], kHex[(unit >> 8) & 0xF], kHex[(unit >> 4) & 0xF],
                              kHex[unit & 0xF]};
      out.append(escaped, sizeof escaped);
    }
    i += length - 1;
  }
  flush(text.size());
  out.push_back('"');
}

}  // namespace rmq
