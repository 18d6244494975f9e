// FrameDecoder (core/remoting/frame_codec.h) fed an arbitrary byte stream in arbitrary splits. Checks: no crash,
// the buffer never holds more than one frame within the limit, consumed() counts exactly the bytes taken, a
// failed decoder stays failed, and every decoded command re-encodes to a frame that decodes to the same header.
#include <vector>

#include "core/remoting/frame_codec.h"
#include "fuzz/fuzz_util.h"

using namespace rmq;
using namespace rmq::remoting;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in = fuzz::view(data, size);
  // First byte: the split pattern (0 = whole input at once); second: a small frame limit or the default.
  uint64_t split = fuzz::take(in, 1);
  uint64_t limit_choice = fuzz::take(in, 1);
  uint32_t limit = limit_choice < 128 ? kDefaultMaxFrameLength : static_cast<uint32_t>(8 + limit_choice * 4);
  FrameDecoder decoder(limit);
  uint64_t fed = 0;
  size_t pos = 0;
  while (pos < in.size()) {
    size_t chunk = split == 0 ? in.size() : 1 + (split * (pos + 7)) % 97;
    ByteView piece = in.substr(pos, chunk);
    pos += piece.size();
    fed += piece.size();
    while (true) {
      size_t before = piece.size();
      uint64_t consumed_before = decoder.consumed();
      DecodeStep step = decoder.decode(piece);
      RMQ_FUZZ_CHECK(decoder.consumed() - consumed_before == before - piece.size());
      RMQ_FUZZ_CHECK(decoder.buffered() <= limit);
      if (auto* cmd = std::get_if<RemotingCommand>(&step)) {
        Bytes again = encode_frame(*cmd);
        auto round = decode_frame_content(ByteView(again).substr(4));
        // The JSON form may not survive (extFields normalized, unknown fields dropped), but what we wrote ourselves
        // must always decode.
        RMQ_FUZZ_CHECK(std::holds_alternative<RemotingCommand>(round));
        auto& back = std::get<RemotingCommand>(round);
        RMQ_FUZZ_CHECK(back.code == cmd->code || cmd->header_serialize == SerializeType::kRocketMq);
        RMQ_FUZZ_CHECK(back.opaque == cmd->opaque);
        RMQ_FUZZ_CHECK(back.body == cmd->body);
        continue;
      }
      if (std::holds_alternative<DecodeError>(step)) {
        RMQ_FUZZ_CHECK(decoder.failed());
        RMQ_FUZZ_CHECK(decoder.buffered() == 0);
        ByteView more = piece;
        RMQ_FUZZ_CHECK(std::holds_alternative<DecodeError>(decoder.decode(more)));
        return 0;
      }
      RMQ_FUZZ_CHECK(piece.empty());  // NeedMore: every byte was taken
      break;
    }
  }
  RMQ_FUZZ_CHECK(decoder.consumed() == fed);
  return 0;
}
