// Golden tests: every frame a real 4.9.8 nameserver and broker exchanged (spec/captures/real-4.9.8) decodes to
// the header shown in the capture, and re-encoding the decoded command gives the same bytes.
#include <gtest/gtest.h>

#include <set>

#include "core/remoting/frame_codec.h"
#include "testutil/corpus.h"

namespace rmq::remoting {
namespace {

namespace json = boost::json;

std::string scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int64()) return std::to_string(v.as_int64());
  if (v.is_uint64()) return std::to_string(v.as_uint64());
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  ADD_FAILURE() << "unexpected extFields value " << json::serialize(v);
  return {};
}

int32_t int_or_zero(const json::object& o, const char* key) {
  auto it = o.find(key);
  return it == o.end() ? 0 : static_cast<int32_t>(it->value().as_int64());
}

// The capture writes extFields as a JSON object. JS's JSON.parse may reorder integer-like keys, so the order is
// checked by the byte comparison, and here the content.
void expect_header_matches(const RemotingCommand& cmd, const json::object& expected) {
  EXPECT_EQ(cmd.code, int_or_zero(expected, "code"));
  EXPECT_EQ(cmd.flag, int_or_zero(expected, "flag"));
  EXPECT_EQ(cmd.version, int_or_zero(expected, "version"));
  EXPECT_EQ(cmd.opaque, int_or_zero(expected, "opaque"));
  EXPECT_EQ(language_name(cmd.language).value_or("?"), std::string(expected.at("language").as_string()));
  if (auto it = expected.find("remark"); it != expected.end()) {
    ASSERT_TRUE(cmd.remark.has_value());
    EXPECT_EQ(*cmd.remark, std::string(it->value().as_string()));
  } else {
    EXPECT_FALSE(cmd.remark.has_value());
  }
  if (auto it = expected.find("serializeTypeCurrentRPC"); it != expected.end()) {
    ASSERT_TRUE(cmd.serialize_type_current_rpc.has_value());
    EXPECT_EQ(serialize_type_name(*cmd.serialize_type_current_rpc), std::string(it->value().as_string()));
  } else {
    EXPECT_FALSE(cmd.serialize_type_current_rpc.has_value());
  }
  std::set<std::pair<std::string, std::string>> want;
  if (auto it = expected.find("extFields"); it != expected.end()) {
    for (const auto& [k, v] : it->value().as_object()) want.emplace(std::string(k), scalar_text(v));
    ASSERT_TRUE(cmd.ext_fields.has_value());
    EXPECT_EQ(cmd.ext_fields->size(), want.size());
  }
  std::set<std::pair<std::string, std::string>> got;
  if (cmd.ext_fields) got.insert(cmd.ext_fields->entries().begin(), cmd.ext_fields->entries().end());
  EXPECT_EQ(got, want);
}

// Decodes exactly one frame from `bytes`, fed in one piece.
RemotingCommand decode_one(const Bytes& bytes) {
  FrameDecoder decoder;
  ByteView input(bytes);
  auto step = decoder.decode(input);
  if (auto* error = std::get_if<DecodeError>(&step)) {
    ADD_FAILURE() << "decode error: " << error->message;
    return {};
  }
  if (!std::holds_alternative<RemotingCommand>(step)) {
    ADD_FAILURE() << "decoder wants more bytes";
    return {};
  }
  EXPECT_TRUE(input.empty()) << input.size() << " bytes left after one frame";
  return std::get<RemotingCommand>(std::move(step));
}

// A request whose body the capture elides (4 MiB sends) gets its body back from the fill description.
Bytes request_bytes(const json::object& line) {
  Bytes bytes = testutil::hex_field(line, "request_hex");
  if (auto it = line.find("request_hex_body_elided"); it != line.end()) {
    const auto& elided = it->value().as_object();
    auto fill = testutil::hex_field(elided, "fill_byte_hex");
    bytes.append(static_cast<size_t>(elided.at("bytes").as_int64()), fill.at(0));
  }
  return bytes;
}

bool has_numeric_ext(const json::object& header) {
  auto it = header.find("extFields");
  if (it == header.end()) return false;
  for (const auto& [k, v] : it->value().as_object()) {
    if (!v.is_string()) return true;
  }
  return false;
}

struct FrameCheck {
  const char* what;
  Bytes bytes;
  const json::object* header;  // nullptr: no decoded header in the capture for this frame
  bool reencode_identical;
};

std::vector<FrameCheck> frames_of(const json::object& line) {
  std::vector<FrameCheck> frames;
  if (auto it = line.find("request_header"); it != line.end() && it->value().is_object()) {
    const auto& header = it->value().as_object();
    frames.push_back({"request", request_bytes(line), &header, !has_numeric_ext(header)});
  }
  if (auto it = line.find("response_header"); it != line.end() && it->value().is_object()) {
    frames.push_back({"response", testutil::hex_field(line, "response_hex"), &it->value().as_object(), true});
  }
  for (const char* list : {"other_frames", "response_frames"}) {
    auto it = line.find(list);
    if (it == line.end() || !it->value().is_array()) continue;
    for (const auto& frame : it->value().as_array()) {
      const auto& f = frame.as_object();
      auto header = f.find("header");
      frames.push_back({list, testutil::hex_field(f, "hex"),
                        header != f.end() && header->value().is_object() ? &header->value().as_object() : nullptr,
                        true});
    }
  }
  return frames;
}

TEST(GoldenCaptures, EveryRealFrameDecodesToItsHeaderAndReencodesIdentically) {
  size_t frames_checked = 0;
  size_t responses_reencoded = 0;
  for (const auto& [file, line] : testutil::load_real_captures()) {
    if (file == "malformed.jsonl") continue;  // raw bad input: see MalformedInput below
    for (const auto& frame : frames_of(line)) {
      SCOPED_TRACE(file + " " + testutil::string_field(line, "name") + " (" +
                   testutil::string_field(line, "serialize") + ") " + frame.what);
      if (frame.bytes.empty()) continue;
      RemotingCommand cmd = decode_one(frame.bytes);
      if (frame.header != nullptr) expect_header_matches(cmd, *frame.header);
      ++frames_checked;
      if (!frame.reencode_identical) continue;
      EXPECT_EQ(encode_frame(cmd), frame.bytes);
      if (cmd.is_response()) ++responses_reencoded;
    }
  }
  // 330 exchanges: their requests, the responses the servers sent, and the pushed code-40 frames.
  EXPECT_GE(frames_checked, 649u);
  EXPECT_GE(responses_reencoded, 300u);
  std::printf("checked %zu real frames, %zu responses re-encoded byte for byte\n", frames_checked,
              responses_reencoded);
}

TEST(GoldenCaptures, NumericExtFieldsAreNormalizedToText) {
  for (const auto& [file, line] : testutil::load_real_captures()) {
    if (testutil::string_field(line, "name") != "send_310_numeric_ext") continue;
    RemotingCommand cmd = decode_one(testutil::hex_field(line, "request_hex"));
    EXPECT_EQ(cmd.ext("d"), "4");
    EXPECT_EQ(cmd.ext("g"), "1700000000000");
    EXPECT_EQ(cmd.ext("k"), "false");
    EXPECT_EQ(cmd.ext("i"), "TAGS\x01TagN\x02");
    return;
  }
  FAIL() << "send_310_numeric_ext not found";
}

}  // namespace
}  // namespace rmq::remoting
