// Hex text <-> bytes. RocketMQ ids (msgId, UNIQ_KEY) are upper-case hex; captures use lower-case.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/common/byte_io.h"

namespace rmq {

std::string to_hex_upper(ByteView bytes);
std::string to_hex_lower(ByteView bytes);
// Accepts either case; ignores ASCII whitespace. Returns nullopt on an odd digit count or a non-hex character.
std::optional<Bytes> from_hex(std::string_view text);

}  // namespace rmq
