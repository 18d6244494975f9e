// Conformance with what the real 4.9.8 servers did with malformed input (spec/captures/real-4.9.8/malformed.jsonl
// and idle.jsonl): where they closed the connection our decoder reports an error of the matching kind; where
// they kept it open, it asks for more bytes or yields commands.
#include <gtest/gtest.h>

#include <map>

#include "core/remoting/frame_codec.h"
#include "testutil/corpus.h"

namespace rmq::remoting {
namespace {

using Kind = DecodeErrorKind;

// Case name without its "namesrv_" / "broker_" prefix -> the error we report for it.
const std::map<std::string, Kind>& expected_errors() {
  static const std::map<std::string, Kind> table = {
      {"garbage_http", Kind::kFrameTooLong},                // length word 0x47455420
      {"garbage_small_len", Kind::kBadHeaderLength},        // header-length word 0x41414141
      {"length_20MB_then_silence", Kind::kFrameTooLong},
      {"length_16MB_exact_then_silence", Kind::kFrameTooLong},
      {"header_len_exceeds_frame", Kind::kBadHeaderLength},
      {"invalid_json_header", Kind::kMalformedJsonHeader},
      {"json_header_array", Kind::kMalformedJsonHeader},
      {"serialize_type_2", Kind::kUnknownSerializeType},
      {"serialize_type_0x7f", Kind::kUnknownSerializeType},
      {"json_header_marked_rocketmq", Kind::kTruncatedRocketMqHeader},
      {"rocketmq_header_marked_json", Kind::kMalformedJsonHeader},
      {"rocketmq_header_truncated", Kind::kTruncatedRocketMqHeader},
      {"rocketmq_ext_len_too_big", Kind::kBadRocketMqExtFields},
      {"length_zero", Kind::kFrameTooShort},
      {"length_negative", Kind::kFrameTooShort},
      {"length_2_short_frame", Kind::kFrameTooShort},
  };
  return table;
}

std::string case_name(const std::string& name) {
  for (const char* prefix : {"namesrv_", "broker_"}) {
    if (name.rfind(prefix, 0) == 0) return name.substr(std::string(prefix).size());
  }
  return name;
}

struct Outcome {
  std::vector<RemotingCommand> commands;
  std::optional<DecodeError> error;
  size_t buffered = 0;
};

Outcome feed_all(const Bytes& bytes) {
  Outcome out;
  FrameDecoder decoder;
  ByteView input(bytes);
  for (;;) {
    auto step = decoder.decode(input);
    if (auto* cmd = std::get_if<RemotingCommand>(&step)) {
      out.commands.push_back(std::move(*cmd));
      continue;
    }
    if (auto* error = std::get_if<DecodeError>(&step)) out.error = *error;
    break;
  }
  out.buffered = decoder.buffered();
  return out;
}

TEST(MalformedCaptures, ClosedWhereTheRealServerClosedAndServedWhereItServed) {
  size_t cases = 0;
  for (const auto& [file, line] : testutil::load_real_captures()) {
    if (file != "malformed.jsonl" && file != "idle.jsonl") continue;
    std::string name = testutil::string_field(line, "name");
    SCOPED_TRACE(file + " " + name);
    ++cases;
    Outcome outcome = feed_all(testutil::hex_field(line, "request_hex"));
    bool closed = line.at("connection_closed_by_server").as_bool();
    bool idle = file == "idle.jsonl";  // closed by the idle timer, not by the decoder
    auto expected = expected_errors().find(case_name(name));
    if (closed && !idle) {
      ASSERT_NE(expected, expected_errors().end()) << "no expectation for a case the real server closed";
      ASSERT_TRUE(outcome.error.has_value()) << "decoded without error";
      EXPECT_EQ(decode_error_kind_name(outcome.error->kind), decode_error_kind_name(expected->second))
          << outcome.error->message;
      EXPECT_EQ(outcome.buffered, 0u);
      continue;
    }
    EXPECT_FALSE(outcome.error.has_value()) << outcome.error->message;
    size_t answers = testutil::hex_field(line, "response_hex").empty() ? 0 : 1;
    if (auto it = line.find("response_frames"); it != line.end() && it->value().is_array()) {
      answers = it->value().as_array().size();
    }
    EXPECT_GE(outcome.commands.size(), answers);
  }
  EXPECT_EQ(cases, 48u);
}

TEST(MalformedCaptures, EmptyJsonHeaderIsACommandWithoutOpaque) {
  Outcome outcome = feed_all(Bytes("\x00\x00\x00\x06\x00\x00\x00\x02{}", 10));
  ASSERT_EQ(outcome.commands.size(), 1u);
  EXPECT_EQ(outcome.commands[0].code, 0);
  EXPECT_TRUE(outcome.commands[0].opaque_missing);
  EXPECT_FALSE(outcome.commands[0].ext_fields.has_value());
}

TEST(MalformedCaptures, FrameOfExactlySixteenMebibytesIsAccepted) {
  // Length word 16777212: the frame with its length word is exactly 16 MiB, which the real servers kept open.
  Outcome outcome = feed_all(Bytes("\x00\xff\xff\xfc", 4));
  EXPECT_FALSE(outcome.error.has_value());
  EXPECT_EQ(outcome.buffered, 4u);
}

}  // namespace
}  // namespace rmq::remoting
