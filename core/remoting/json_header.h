// The JSON header serialization (spec §5.3): what fastjson writes and reads for RemotingCommand.
#pragma once

#include <string>
#include <string_view>
#include <optional>

#include "core/common/byte_io.h"
#include "core/remoting/decode_error.h"
#include "core/remoting/remoting_command.h"

namespace rmq::remoting {

// Appends the header of `cmd` as the real 4.9.8 servers write it: keys alphabetical (code, extFields, flag,
// language, opaque, remark, serializeTypeCurrentRPC, version), null fields omitted, extFields in the order held.
void append_json_header(const RemotingCommand& cmd, Bytes& out);

struct JsonHeaderError {
  DecodeErrorKind kind;
  std::string message;
  size_t offset;  // relative to the start of the header text
};

// Fills the header fields of `cmd` from JSON text. Accepts what real clients send: extFields values as strings,
// numbers or booleans (normalized to their text: 4 -> "4", false -> "false"; null values are dropped), absent
// fields (Java defaults: 0, or no value), unknown fields (ignored), language and serializeTypeCurrentRPC by
// name (an unknown name yields kUnknown / no value, as fastjson's null). An absent opaque sets opaque_missing.
// Returns nullopt on success, else the error.
// A fast path for the shape every real header has (json_header.cc) is tried first; anything else goes to
// Boost.JSON's SAX parser. Both give the same command.
std::optional<JsonHeaderError> parse_json_header(std::string_view text, RemotingCommand& cmd);

namespace detail {
// The two paths of parse_json_header, for the test that holds them equal (json_header_test.cc).
// The fast path: true when it decoded `text` into `cmd` exactly as the Boost.JSON path would; false (leaving
// `cmd` untouched) for any text outside the shape it reads, including every erroneous text.
bool parse_json_header_fast(std::string_view text, RemotingCommand& cmd);
std::optional<JsonHeaderError> parse_json_header_boost(std::string_view text, RemotingCommand& cmd);
}  // namespace detail

}  // namespace rmq::remoting
