#include "core/remoting/frame_codec.h"

#include <gtest/gtest.h>

#include "core/common/hex.h"
#include "core/remoting/json_header.h"
#include "core/remoting/rocketmq_header.h"

namespace rmq::remoting {
namespace {

using namespace std::string_view_literals;

Bytes hex(std::string_view text) { return from_hex(text).value(); }

uint32_t u32_at(const Bytes& b, size_t pos) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b[pos + i]);
  return v;
}

TEST(SpecVectors, MarkProtocolType) {
  // RemotingCommandTest: markProtocolType(261, JSON) and (16777215, ROCKETMQ).
  EXPECT_EQ(mark_protocol_type(261, SerializeType::kJson), 0x00000105u);
  EXPECT_EQ(mark_protocol_type(16777215, SerializeType::kRocketMq), 0x01FFFFFFu);
}

RemotingCommand rocketmq_test_command() {
  RemotingCommand cmd;
  cmd.code = 103;
  cmd.version = 2333;
  cmd.header_serialize = SerializeType::kRocketMq;
  return cmd;
}

TEST(SpecVectors, RocketMqHeaderLengths) {
  // RocketMQSerializableTest: no remark/ext -> 21 bytes; remark "Sample Remark" -> 34; ext {key:value} -> 35.
  Bytes plain;
  append_rocketmq_header(rocketmq_test_command(), plain);
  EXPECT_EQ(plain.size(), kRocketMqMinHeaderLength);

  RemotingCommand with_remark = rocketmq_test_command();
  with_remark.remark = "Sample Remark";
  Bytes remark_bytes;
  append_rocketmq_header(with_remark, remark_bytes);
  ASSERT_EQ(remark_bytes.size(), 34u);
  EXPECT_EQ(u32_at(remark_bytes, 13), 13u);
  EXPECT_EQ(remark_bytes.substr(17, 13), "Sample Remark");
  EXPECT_EQ(u32_at(remark_bytes, 30), 0u);

  RemotingCommand with_ext = rocketmq_test_command();
  with_ext.ext_fields = ExtFields{{"key", "value"}};
  Bytes ext_bytes;
  append_rocketmq_header(with_ext, ext_bytes);
  ASSERT_EQ(ext_bytes.size(), 35u);
  EXPECT_EQ(u32_at(ext_bytes, 17), 14u);
  EXPECT_EQ(ext_bytes.substr(21), hex("0003 6b6579 00000005 76616c7565"));
}

TEST(SpecVectors, RouteRequestInBothSerializations) {
  RemotingCommand json_request = make_request(105, 1, {{"topic", "TopicTest"}});
  Bytes json_frame = encode_frame(json_request);
  EXPECT_EQ(json_frame.size(), 139u);
  EXPECT_EQ(json_frame.substr(0, 8), hex("00000087 00000083"));
  EXPECT_EQ(json_frame.substr(8),
            R"({"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":1,)"
            R"("serializeTypeCurrentRPC":"JSON","version":409})");

  RemotingCommand binary_request = make_request(105, 1, {{"topic", "TopicTest"}}, SerializeType::kRocketMq);
  EXPECT_EQ(encode_frame(binary_request),
            hex("0000002d 01000029 0069 00 0199 00000001 00000000 00000000 00000014 0005 746f706963 00000009 "
                "546f70696354657374"));
}

// Feeds `bytes` split at every position into two pieces and checks the commands are the same.
std::vector<RemotingCommand> decode_all(const Bytes& bytes, size_t chunk) {
  FrameDecoder decoder;
  std::vector<RemotingCommand> out;
  for (size_t pos = 0; pos < bytes.size(); pos += chunk) {
    ByteView input = ByteView(bytes).substr(pos, chunk);
    for (;;) {
      auto step = decoder.decode(input);
      if (auto* cmd = std::get_if<RemotingCommand>(&step)) {
        out.push_back(std::move(*cmd));
        continue;
      }
      EXPECT_FALSE(std::holds_alternative<DecodeError>(step));
      EXPECT_TRUE(input.empty());
      break;
    }
  }
  EXPECT_EQ(decoder.buffered(), 0u);
  return out;
}

TEST(FrameDecoder, AnySplitGivesTheSameCommands) {
  RemotingCommand a = make_request(310, 7, {{"a", "PG"}, {"b", "T"}});
  a.body = "hello";
  RemotingCommand b = make_response(a, 0, "OK");
  b.header_serialize = SerializeType::kRocketMq;
  b.serialize_type_current_rpc.reset();  // ROCKETMQ headers cannot carry it
  Bytes stream = encode_frame(a) + encode_frame(b) + encode_frame(a);
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    auto commands = decode_all(stream, chunk);
    ASSERT_EQ(commands.size(), 3u) << "chunk " << chunk;
    EXPECT_EQ(commands[0], a);
    EXPECT_EQ(commands[1], b);
    EXPECT_EQ(commands[2], a);
  }
}

DecodeError decode_error_of(const Bytes& bytes, uint32_t max_frame = kDefaultMaxFrameLength) {
  FrameDecoder decoder(max_frame);
  ByteView input(bytes);
  DecodeStep step = decoder.decode(input);
  while (std::holds_alternative<RemotingCommand>(step)) step = decoder.decode(input);
  EXPECT_TRUE(std::holds_alternative<DecodeError>(step));
  EXPECT_TRUE(decoder.failed());
  return std::get<DecodeError>(step);
}

TEST(FrameDecoder, ErrorsNameTheProblemAndItsOffset) {
  Bytes good = encode_frame(make_request(105, 1));
  auto too_long = decode_error_of(good + hex("01400000"));
  EXPECT_EQ(too_long.kind, DecodeErrorKind::kFrameTooLong);
  EXPECT_EQ(too_long.offset, good.size());
  EXPECT_NE(too_long.message.find("20971520"), std::string::npos) << too_long.message;

  auto bad_json = decode_error_of(hex("00000015 00000011") + "{this is not json");
  EXPECT_EQ(bad_json.kind, DecodeErrorKind::kMalformedJsonHeader);
  EXPECT_EQ(bad_json.offset, 9u);  // the first byte after '{' that is not JSON

  auto bad_field = decode_error_of(hex("00000011 0000000d") + R"({"code":"x1"})");
  EXPECT_EQ(bad_field.kind, DecodeErrorKind::kBadJsonHeaderField);
  EXPECT_NE(bad_field.message.find("\"code\""), std::string::npos) << bad_field.message;

  auto small_limit = decode_error_of(good, 64);
  EXPECT_EQ(small_limit.kind, DecodeErrorKind::kFrameTooLong);
}

TEST(FrameDecoder, StaysFailedAfterAnError) {
  FrameDecoder decoder;
  Bytes bad = hex("ffffffff");
  ByteView input(bad);
  EXPECT_TRUE(std::holds_alternative<DecodeError>(decoder.decode(input)));
  Bytes good = encode_frame(make_request(105, 1));
  ByteView more(good);
  EXPECT_TRUE(std::holds_alternative<DecodeError>(decoder.decode(more)));
}

TEST(FrameDecoder, BuffersAtMostOneFrame) {
  Bytes frame = encode_frame(make_request(105, 1, {{"topic", std::string(1000, 'x')}}));
  FrameDecoder decoder;
  ByteView head = ByteView(frame).substr(0, 10);
  EXPECT_TRUE(std::holds_alternative<NeedMore>(decoder.decode(head)));
  EXPECT_EQ(decoder.buffered(), 10u);
  Bytes rest = frame.substr(10) + frame;  // the rest of frame 1, then all of frame 2
  ByteView input(rest);
  EXPECT_TRUE(std::holds_alternative<RemotingCommand>(decoder.decode(input)));
  EXPECT_EQ(decoder.buffered(), 0u);
  EXPECT_EQ(input.size(), frame.size());  // frame 2 untouched until asked for
  EXPECT_TRUE(std::holds_alternative<RemotingCommand>(decoder.decode(input)));
  EXPECT_EQ(decoder.consumed(), 2 * frame.size());
}

TEST(JsonHeader, AcceptsWhatRealClientsSend) {
  // ali-ons: numbers and booleans in extFields, no serializeTypeCurrentRPC; unknown fields ignored.
  RemotingCommand cmd;
  auto text = R"({"code":310,"language":"JAVA","version":121,"opaque":3,"flag":0,"extra":{"x":[1,{"y":2}]},)"
              R"("extFields":{"d":4,"k":false,"g":1795567130764,"n":null,"i":"TAGS\u0001A"}})"sv;
  ASSERT_FALSE(parse_json_header(text, cmd).has_value());
  EXPECT_EQ(cmd.code, 310);
  EXPECT_EQ(cmd.version, 121);
  EXPECT_FALSE(cmd.serialize_type_current_rpc.has_value());
  ASSERT_TRUE(cmd.ext_fields.has_value());
  EXPECT_EQ(cmd.ext_fields->entries(),
            (std::vector<ExtFields::Entry>{{"d", "4"}, {"k", "false"}, {"g", "1795567130764"}, {"i", "TAGS\x01""A"}}));
}

TEST(JsonHeader, RejectsNonObjectsAndBadTypes) {
  for (auto text : {"[]"sv, "3"sv, "{\"code\":1} x"sv, "{\"extFields\":[1]}"sv, "{\"extFields\":{\"a\":{}}}"sv,
                    "{\"opaque\":99999999999}"sv, "{\"flag\":true}"sv, ""sv}) {
    RemotingCommand cmd;
    EXPECT_TRUE(parse_json_header(text, cmd).has_value()) << text;
  }
}

TEST(JsonHeader, UnknownLanguageNameIsKeptAsUnknown) {
  RemotingCommand cmd;
  ASSERT_FALSE(parse_json_header(R"({"code":1,"language":"COBOL","opaque":1})", cmd).has_value());
  EXPECT_EQ(cmd.language, LanguageCode::kUnknown);
  ASSERT_FALSE(parse_json_header(R"({"code":1,"language":9,"opaque":1})", cmd).has_value());
  EXPECT_EQ(cmd.language, LanguageCode::kGo);
}

}  // namespace
}  // namespace rmq::remoting
