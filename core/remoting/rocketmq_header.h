// The ROCKETMQ binary header serialization (spec §5.4, RocketMQSerializable):
//   code int16 | language int8 | version int16 | opaque int32 | flag int32 |
//   remarkLen int32, remark | extLen int32, entries (keyLen int16, key, valLen int32, value)...
#pragma once

#include <optional>
#include <string>

#include "core/common/byte_io.h"
#include "core/remoting/decode_error.h"
#include "core/remoting/remoting_command.h"

namespace rmq::remoting {

inline constexpr size_t kRocketMqMinHeaderLength = 21;

// Appends the binary header of `cmd`. code and version are written as int16 (as Java does: codes above 32767,
// such as 5.x POP codes, cannot travel in this serialization). A null or empty remark is written as length 0,
// and null or empty extFields as extLen 0.
void append_rocketmq_header(const RemotingCommand& cmd, Bytes& out);

struct RocketMqHeaderError {
  DecodeErrorKind kind;
  std::string message;
  size_t offset;  // relative to the start of the header
};

// Fills the header fields of `cmd` from `header` (exactly the header bytes of one frame). As Java does: int16
// code/version are sign-extended, a remark length <= 0 means no remark, extLen <= 0 means no extFields, bytes
// after the ext map are ignored, and an unknown language byte yields kUnknown.
std::optional<RocketMqHeaderError> parse_rocketmq_header(ByteView header, RemotingCommand& cmd);

}  // namespace rmq::remoting
