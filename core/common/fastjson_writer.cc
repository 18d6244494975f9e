#include "core/common/fastjson_writer.h"

namespace rmq {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('"');
  size_t run_start = 0;
  auto flush = [&](size_t end) { out.append(text.data() + run_start, end - run_start); };
  for (size_t i = 0; i < text.size(); ++i) {
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
    if (short_escape == nullptr && c >= 0x20 && c != 0x7F) continue;
    flush(i);
    run_start = i + 1;
    if (short_escape != nullptr) {
      out.append(short_escape);
    } else {
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(escaped, sizeof escaped);
    }
  }
  flush(text.size());
  out.push_back('"');
}

}  // namespace rmq
