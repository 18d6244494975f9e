// Frames on the wire (spec §5.1): length int32 (= 4 + headerLen + bodyLen) | (serializeType << 24 | headerLen)
// int32 | header | body. FrameDecoder is an incremental parser with no I/O (Beast's habit): feed it bytes in any
// split and it yields whole commands, asks for more, or names the problem.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include "core/common/byte_io.h"
#include "core/remoting/decode_error.h"
#include "core/remoting/remoting_command.h"

namespace rmq::remoting {

// Netty's LengthFieldBasedFrameDecoder limit in 4.9.8 (com.rocketmq.remoting.frameMaxLength): a frame counted
// with its length word may be at most 16 MiB.
inline constexpr uint32_t kDefaultMaxFrameLength = 16 * 1024 * 1024;

// Appends the frame of `cmd`, with its header in cmd.header_serialize.
void append_frame(const RemotingCommand& cmd, Bytes& out);
Bytes encode_frame(const RemotingCommand& cmd);

// The header-length word: serialize type in the high byte, header length in the low 24 bits.
constexpr uint32_t mark_protocol_type(uint32_t header_length, SerializeType type) {
  return (static_cast<uint32_t>(type) << 24) | (header_length & 0xFFFFFF);
}

// Decodes one frame's content (everything after the length word). `stream_offset` is the stream position of
// `frame` and only serves the error offsets.
std::variant<RemotingCommand, DecodeError> decode_frame_content(ByteView frame, uint64_t stream_offset = 0);

struct NeedMore {};
using DecodeStep = std::variant<RemotingCommand, NeedMore, DecodeError>;

class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_frame_length = kDefaultMaxFrameLength) : max_frame_(max_frame_length) {}

  // Consumes bytes from the front of `input` until one command is complete (returned; `input` then starts
  // after its frame), the input runs out (NeedMore: everything was consumed and buffered), or the stream is
  // found broken (DecodeError). After an error the decoder stays failed and returns the same error: a Java
  // peer closes the connection there. The buffer never holds more than one frame (at most the frame limit).
  DecodeStep decode(ByteView& input);

  bool failed() const { return failed_.has_value(); }
  // Bytes of a partial frame held, waiting for the rest.
  size_t buffered() const { return buffer_.size(); }
  // Stream offset of the next byte to be consumed.
  uint64_t consumed() const { return consumed_; }

 private:
  DecodeStep fail(DecodeError error);
  DecodeStep take_frame(ByteView frame);
  std::optional<DecodeError> check_length(uint32_t word) const;
  // Moves bytes from `input` into the buffer until it holds `wanted` bytes or the input is empty.
  void buffer_from(ByteView& input, size_t wanted);

  uint32_t max_frame_;
  Bytes buffer_;                 // a partial frame (length word included)
  uint64_t consumed_ = 0;        // stream offset after the bytes consumed so far
  uint64_t frame_start_ = 0;     // stream offset of the current frame's length word
  std::optional<DecodeError> failed_;
};

}  // namespace rmq::remoting
