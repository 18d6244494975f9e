// Why a byte stream could not be decoded into RemotingCommands. A Java peer closes the connection on every one
// of these (the captures in spec/captures/real-4.9.8/malformed.jsonl show it), so they are values, not crashes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rmq::remoting {

enum class DecodeErrorKind : uint8_t {
  kFrameTooLong,           // length word + 4 exceeds the frame limit
  kFrameTooShort,          // length word negative or too small to hold the header-length word
  kBadHeaderLength,        // header length beyond the frame
  kUnknownSerializeType,   // high byte of the header-length word not 0 (JSON) or 1 (ROCKETMQ)
  kMalformedJsonHeader,    // not JSON text, or JSON that is not an object
  kBadJsonHeaderField,     // a header field of the wrong type (e.g. "code":"abc")
  kTruncatedRocketMqHeader,// the binary header ends before its fixed fields or its remark
  kBadRocketMqExtFields,   // the binary ext map is longer than the header or its entries are truncated
};

std::string_view decode_error_kind_name(DecodeErrorKind kind);

struct DecodeError {
  DecodeErrorKind kind;
  std::string message;
  // Offset in the whole stream of the byte where the problem was found (the length word, the header-length
  // word, or the start of the header).
  uint64_t offset = 0;
};

}  // namespace rmq::remoting
