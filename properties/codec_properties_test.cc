// Properties of the frame codec: encoding then decoding is the identity, the split of a stream does not matter,
// and no byte sequence crashes the decoder or makes it hold more than one frame.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "core/remoting/frame_codec.h"
#include "properties/generators.h"
#include "properties/seeded_prop.h"

namespace rmq::remoting {

// RapidCheck prints counterexamples with this.
void showValue(const RemotingCommand& cmd, std::ostream& os) {
  os << "RemotingCommand{code=" << cmd.code << " ser=" << serialize_type_name(cmd.header_serialize)
     << " opaque=" << cmd.opaque << " flag=" << cmd.flag << " ext=" << (cmd.ext_fields ? cmd.ext_fields->size() : 0)
     << " body=" << cmd.body.size() << "}";
}

namespace {

struct Decoded {
  std::vector<RemotingCommand> commands;
  bool error = false;
};

// Feeds `stream` cut at `cuts` (sorted offsets) and collects what the decoder yields.
Decoded decode_in_pieces(const Bytes& stream, const std::vector<size_t>& cuts, uint32_t max_frame) {
  FrameDecoder decoder(max_frame);
  Decoded out;
  size_t begin = 0;
  auto feed = [&](size_t end) {
    ByteView input = ByteView(stream).substr(begin, end - begin);
    begin = end;
    for (;;) {
      DecodeStep step = decoder.decode(input);
      RC_ASSERT(decoder.buffered() <= max_frame);
      if (auto* cmd = std::get_if<RemotingCommand>(&step)) {
        out.commands.push_back(std::move(*cmd));
        continue;
      }
      if (std::holds_alternative<DecodeError>(step)) {
        out.error = true;
        RC_ASSERT(decoder.failed());
      } else {
        RC_ASSERT(input.empty());  // NeedMore only once everything was consumed
      }
      return;
    }
  };
  for (size_t cut : cuts) {
    if (cut > begin && cut <= stream.size() && !out.error) feed(cut);
  }
  if (!out.error) feed(stream.size());
  return out;
}

RMQ_SEEDED_PROP(CodecProperties, EncodeThenDecodeIsTheIdentity, ()) {
  RemotingCommand cmd = *gen::command();
  Bytes frame = encode_frame(cmd);
  auto decoded = decode_frame_content(ByteView(frame).substr(4));
  RC_ASSERT(std::holds_alternative<RemotingCommand>(decoded));
  RC_ASSERT(std::get<RemotingCommand>(decoded) == cmd);
}

RMQ_SEEDED_PROP(CodecProperties, AnySplitOfAValidStreamDecodesToTheSameCommands, ()) {
  auto commands = *rc::gen::container<std::vector<RemotingCommand>>(*rc::gen::inRange(1, 6), gen::command());
  Bytes stream;
  for (const auto& cmd : commands) append_frame(cmd, stream);
  auto cuts = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, stream.size() + 1));
  std::sort(cuts.begin(), cuts.end());
  Decoded decoded = decode_in_pieces(stream, cuts, kDefaultMaxFrameLength);
  RC_ASSERT(!decoded.error);
  RC_ASSERT(decoded.commands == commands);
}

RMQ_SEEDED_PROP(CodecProperties, ArbitraryBytesEndInCommandsNeedMoreOrAnError, ()) {
  Bytes stream = *gen::bytes(600);
  auto cuts = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, stream.size() + 1));
  std::sort(cuts.begin(), cuts.end());
  uint32_t max_frame = *rc::gen::element<uint32_t>(64, 1024, kDefaultMaxFrameLength);
  decode_in_pieces(stream, cuts, max_frame);  // asserts the decoder's invariants inside
}

RMQ_SEEDED_PROP(CodecProperties, CorruptedValidFramesNeverCrash, ()) {
  RemotingCommand cmd = *gen::command();
  Bytes stream = encode_frame(cmd);
  auto flips = *rc::gen::container<std::vector<std::pair<size_t, char>>>(
      *rc::gen::inRange(1, 6), rc::gen::pair(rc::gen::inRange<size_t>(0, stream.size()), rc::gen::arbitrary<char>()));
  for (auto [pos, byte] : flips) stream[pos] = byte;
  auto cuts = *rc::gen::container<std::vector<size_t>>(rc::gen::inRange<size_t>(0, stream.size() + 1));
  std::sort(cuts.begin(), cuts.end());
  Decoded decoded = decode_in_pieces(stream, cuts, kDefaultMaxFrameLength);
  RC_ASSERT(decoded.commands.size() <= 1u);
}

}  // namespace
}  // namespace rmq::remoting
