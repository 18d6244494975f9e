// append_json_string against a byte-at-a-time statement of fastjson's escapes, on random strings drawn from the
// bytes that matter (ASCII controls, quotes, backslash, 0x7F, the UTF-8 of U+0080..U+00A0, U+2028, U+2029, other
// multi-byte characters) at every length around the 8-byte steps of the fast scan.
#include "core/common/fastjson_writer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace rmq {
namespace {

std::string reference(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  auto byte = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  auto unicode = [&](uint32_t unit) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(unit >> shift) & 0xF]);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = byte(i);
    switch (c) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '\b': out += "\\b"; continue;
      case '\t': out += "\\t"; continue;
      case '\n': out += "\\n"; continue;
      case '\f': out += "\\f"; continue;
      case '\r': out += "\\r"; continue;
      default: break;
    }
    if (c < 0x20 || c == 0x7F) {
      unicode(c);
    } else if (c == 0xC2 && byte(i + 1) >= 0x80 && byte(i + 1) <= 0xA0) {
      unicode(byte(i + 1));
      ++i;
    } else if (c == 0xE2 && byte(i + 1) == 0x80 && byte(i + 2) == 0xA8) {
      unicode(0x2028);
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
  return out;
}

TEST(FastjsonWriter, MatchesTheByteAtATimeStatement) {
  const std::vector<std::string> pieces = {"a", "Z", "0", " ", "\"", "\\", "\x01", "\x1f", "\n", "\t", "\x7f",
                                           "\xC2\x80", "\xC2\xA0", "\xC2\xA1", "\xC2", "\xE2\x80\xA8",
                                           "\xE2\x80\xA9", "\xE2\x80", "\xE2", "\xC3\xA9", "\xE4\xB8\xAD", "\xFF",
                                           "KEYS", "abcdefgh"};
  std::mt19937_64 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    size_t count = rng() % 24;
    for (size_t k = 0; k < count; ++k) text += pieces[rng() % pieces.size()];
    std::string prefix = round % 2 == 0 ? "" : "{\"x\":";
    std::string out = prefix;
    append_json_string(out, text);
    ASSERT_EQ(out, prefix + reference(text)) << "round " << round;
  }
}

}  // namespace
}  // namespace rmq
