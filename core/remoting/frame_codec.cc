#include "core/remoting/frame_codec.h"

#include <algorithm>
#include <string>

#include "core/remoting/json_header.h"
#include "core/remoting/rocketmq_header.h"

namespace rmq::remoting {
namespace {

uint32_t read_u32(const char* p) {
  auto b = [&](int i) { return static_cast<uint32_t>(static_cast<uint8_t>(p[i])); };
  return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

}  // namespace

std::string_view decode_error_kind_name(DecodeErrorKind kind) {
  switch (kind) {
    case DecodeErrorKind::kFrameTooLong: return "frame_too_long";
    case DecodeErrorKind::kFrameTooShort: return "frame_too_short";
    case DecodeErrorKind::kBadHeaderLength: return "bad_header_length";
    case DecodeErrorKind::kUnknownSerializeType: return "unknown_serialize_type";
    case DecodeErrorKind::kMalformedJsonHeader: return "malformed_json_header";
    case DecodeErrorKind::kBadJsonHeaderField: return "bad_json_header_field";
    case DecodeErrorKind::kTruncatedRocketMqHeader: return "truncated_rocketmq_header";
    case DecodeErrorKind::kBadRocketMqExtFields: return "bad_rocketmq_ext_fields";
  }
  return "unknown";
}

void append_frame(const RemotingCommand& cmd, Bytes& out) {
  size_t start = out.size();
  out.append(8, '\0');
  if (cmd.header_serialize == SerializeType::kJson) {
    append_json_header(cmd, out);
  } else {
    append_rocketmq_header(cmd, out);
  }
  auto header_length = static_cast<uint32_t>(out.size() - start - 8);
  out.append(cmd.body);
  ByteWriter w(out);
  w.patch_u32(start, static_cast<uint32_t>(out.size() - start - 4));
  w.patch_u32(start + 4, mark_protocol_type(header_length, cmd.header_serialize));
}

Bytes encode_frame(const RemotingCommand& cmd) {
  Bytes out;
  out.reserve(64 + cmd.body.size() + (cmd.ext_fields ? cmd.ext_fields->size() * 32 : 0));
  append_frame(cmd, out);
  return out;
}

std::variant<RemotingCommand, DecodeError> decode_frame_content(ByteView frame, uint64_t stream_offset) {
  if (frame.size() < 4) {
    return DecodeError{DecodeErrorKind::kFrameTooShort,
                       "frame of " + std::to_string(frame.size()) + " bytes cannot hold the header-length word",
                       stream_offset};
  }
  uint32_t word = read_u32(frame.data());
  uint32_t header_length = word & 0xFFFFFF;
  uint32_t type = word >> 24;
  if (header_length > frame.size() - 4) {
    return DecodeError{DecodeErrorKind::kBadHeaderLength,
                       "decode error, bad header length: " + std::to_string(header_length) + " > " +
                           std::to_string(frame.size() - 4) + " bytes left in the frame",
                       stream_offset};
  }
  if (type > 1) {
    return DecodeError{DecodeErrorKind::kUnknownSerializeType,
                       "unknown serialize type " + std::to_string(type) + " (0 = JSON, 1 = ROCKETMQ)", stream_offset};
  }
  RemotingCommand cmd;
  cmd.header_serialize = static_cast<SerializeType>(type);
  ByteView header = frame.substr(4, header_length);
  uint64_t header_offset = stream_offset + 4;
  if (cmd.header_serialize == SerializeType::kJson) {
    if (auto err = parse_json_header(header, cmd)) {
      return DecodeError{err->kind, std::move(err->message), header_offset + err->offset};
    }
  } else if (auto err = parse_rocketmq_header(header, cmd)) {
    return DecodeError{err->kind, std::move(err->message), header_offset + err->offset};
  }
  cmd.body.assign(frame.substr(4 + header_length));
  return cmd;
}

DecodeStep FrameDecoder::fail(DecodeError error) {
  failed_ = error;
  buffer_.clear();
  buffer_.shrink_to_fit();
  return error;
}

DecodeStep FrameDecoder::take_frame(ByteView frame) {
  auto result = decode_frame_content(frame.substr(4), frame_start_ + 4);
  if (auto* error = std::get_if<DecodeError>(&result)) return fail(std::move(*error));
  frame_start_ = consumed_;
  return std::get<RemotingCommand>(std::move(result));
}

std::optional<DecodeError> FrameDecoder::check_length(uint32_t word) const {
  auto length = static_cast<int32_t>(word);
  if (length < 0) {
    return DecodeError{DecodeErrorKind::kFrameTooShort, "negative frame length word " + std::to_string(length),
                       frame_start_};
  }
  if (static_cast<uint64_t>(length) + 4 > max_frame_) {
    return DecodeError{DecodeErrorKind::kFrameTooLong,
                       "frame length word " + std::to_string(length) + " + 4 exceeds the " +
                           std::to_string(max_frame_) + "-byte frame limit",
                       frame_start_};
  }
  return std::nullopt;
}

void FrameDecoder::buffer_from(ByteView& input, size_t wanted) {
  size_t take = std::min(wanted - buffer_.size(), input.size());
  size_t needed = buffer_.size() + take;
  if (needed > buffer_.capacity()) {
    // Grow geometrically but never past the frame being assembled (itself within the frame limit).
    buffer_.reserve(std::min(wanted, std::max(needed, buffer_.capacity() * 2)));
  }
  buffer_.append(input.substr(0, take));
  input.remove_prefix(take);
  consumed_ += take;
}

DecodeStep FrameDecoder::decode(ByteView& input) {
  if (failed_) return *failed_;
  if (buffer_.empty() && input.size() >= 4) {
    uint32_t word = read_u32(input.data());
    if (auto error = check_length(word)) return fail(std::move(*error));
    size_t frame_size = size_t{word} + 4;
    if (input.size() >= frame_size) {  // the whole frame is in the input: decode it in place
      ByteView frame = input.substr(0, frame_size);
      input.remove_prefix(frame_size);
      consumed_ += frame_size;
      return take_frame(frame);
    }
  }
  if (buffer_.size() < 4) {
    buffer_from(input, 4);
    if (buffer_.size() < 4) return NeedMore{};
    if (auto error = check_length(read_u32(buffer_.data()))) return fail(std::move(*error));
  }
  size_t frame_size = size_t{read_u32(buffer_.data())} + 4;
  buffer_from(input, frame_size);
  if (buffer_.size() < frame_size) return NeedMore{};
  Bytes frame = std::move(buffer_);
  buffer_ = Bytes();
  return take_frame(frame);
}

}  // namespace rmq::remoting
