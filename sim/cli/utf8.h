// UTF-8 validity, for choosing between showing bytes as text or as hex.
#pragma once

#include <string_view>

namespace rmq::cli {

// True when `bytes` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

}  // namespace rmq::cli
