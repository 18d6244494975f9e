#include "sim/cli/utf8.h"

#include <cstdint>

namespace rmq::cli {

bool is_valid_utf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    auto lead = static_cast<uint8_t>(bytes[i]);
    size_t extra = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if (lead < 0x80) { ++i; continue; }
    if ((lead >> 5) == 0x6) { extra = 1; min = 0x80; cp = lead & 0x1Fu; }
    else if ((lead >> 4) == 0xE) { extra = 2; min = 0x800; cp = lead & 0x0Fu; }
    else if ((lead >> 3) == 0x1E) { extra = 3; min = 0x10000; cp = lead & 0x07u; }
    else return false;
    if (i + extra >= bytes.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto b = static_cast<uint8_t>(bytes[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace rmq::cli
