// The JSON header decoder's two paths (json_header.cc) give the same command: the fast path for the shape real
// headers have, and Boost.JSON's SAX parser for everything else. Checked on every JSON header of the real
// captures (where the fast path must do nearly all the work), on crafted edge cases and on random mutations.
#include "core/remoting/json_header.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/remoting/frame_codec.h"
#include "testutil/corpus.h"

namespace rmq::remoting {
namespace {

namespace json = boost::json;

// Decodes `text` both ways. When the fast path takes the text, the Boost.JSON path must succeed with the same
// command; when it declines, it must not have touched the command. Returns whether the fast path took it.
bool expect_same(std::string_view text) {
  RemotingCommand fast;
  RemotingCommand slow;
  bool took = detail::parse_json_header_fast(text, fast);
  auto error = detail::parse_json_header_boost(text, slow);
  if (took) {
    EXPECT_FALSE(error.has_value()) << "the fast path accepted what Boost.JSON rejects (" << error->message
                                    << "): " << text;
    EXPECT_EQ(fast, slow) << text;
  } else {
    EXPECT_EQ(fast, RemotingCommand{}) << "a declined text changed the command: " << text;
  }
  return took;
}

// Every hex field of a capture line (request_hex, response_hex, frames' hex, malformed inputs), as bytes.
void collect_hex(const json::value& v, const std::string& key, std::vector<Bytes>& out) {
  if (v.is_object()) {
    for (const auto& [k, child] : v.as_object()) collect_hex(child, std::string(k), out);
  } else if (v.is_array()) {
    for (const auto& child : v.as_array()) collect_hex(child, key, out);
  } else if (v.is_string() && key.size() >= 3 && key.compare(key.size() - 3, 3, "hex") == 0 &&
             key != "fill_byte_hex") {
    json::object holder;
    holder["x"] = v;
    out.push_back(testutil::hex_field(holder, "x"));
  }
}

// The JSON header texts of the frames in `bytes` (a stream of frames; stops at the first that does not fit).
std::vector<std::string> json_headers_of(const Bytes& bytes) {
  std::vector<std::string> headers;
  size_t pos = 0;
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
    return v;
  };
  while (pos + 8 <= bytes.size()) {
    uint32_t length = u32(pos);
    uint32_t word = u32(pos + 4);
    uint32_t header_length = word & 0xFFFFFF;
    if ((word >> 24) == 0 && header_length <= bytes.size() - pos - 8) headers.push_back(bytes.substr(pos + 8, header_length));
    if (length > bytes.size() - pos - 4) break;
    pos += 4 + size_t{length};
  }
  return headers;
}

TEST(JsonHeaderPaths, RealHeadersTakeTheFastPathWithTheSameResult) {
  size_t headers = 0;
  size_t fast = 0;
  for (const auto& [file, line] : testutil::load_real_captures()) {
    std::vector<Bytes> streams;
    collect_hex(json::value(line), "", streams);
    for (const auto& stream : streams) {
      for (const auto& text : json_headers_of(stream)) {
        SCOPED_TRACE(file + " " + testutil::string_field(line, "name"));
        ++headers;
        fast += expect_same(text) ? 1 : 0;
      }
    }
  }
  EXPECT_GE(headers, 300u);
  // The fast path declines only the deliberately odd frames (malformed input, non-ASCII text).
  EXPECT_GE(fast * 100, headers * 90) << fast << " of " << headers;
  std::printf("%zu JSON headers of the captures, %zu decoded by the fast path\n", headers, fast);
}

TEST(JsonHeaderPaths, CraftedEdgeCases) {
  const std::vector<std::string> texts = {
      R"({"code":310,"extFields":{"a":"PG","d":4,"k":false,"n":null},"flag":0,"language":"JAVA","opaque":7,)"
      R"("serializeTypeCurrentRPC":"JSON","version":409})",
      R"({})", R"( { } )", "{\n\t\"code\" : 1 ,\r\n\"opaque\":2}\n", R"({"code":1} x)", R"({"code":1}})",
      R"({"code":1,})", R"({,"code":1})", R"({"code" 1})", R"({"code":})", R"({"code":1)", R"("code")", R"([1])",
      R"(1)", R"(null)", "", " ", R"({"code":-0})", R"({"code":01})", R"({"code":1.5})", R"({"code":1e3})",
      R"({"code":2147483647})", R"({"code":2147483648})", R"({"code":-2147483648})", R"({"code":-2147483649})",
      R"({"code":123456789012345678})", R"({"code":1234567890123456789})", R"({"code":"310"})",
      R"({"code":" 310"})", R"({"code":"+310"})", R"({"code":"3\u00310"})", R"({"code":true})", R"({"code":null})",
      R"({"code":{}})", R"({"code":[]})", R"({"code":1,"code":2})", R"({"opaque":null})", R"({"opaque":null,"opaque":3})",
      R"({"language":"GO"})", R"({"language":"go"})", R"({"language":9})", R"({"language":255})",
      R"({"language":-1})", R"({"language":true})", R"({"language":null})", R"({"language":"J\u0041VA"})",
      R"({"remark":"a\"b\\c\/d\b\f\n\r\t"})", R"({"remark":"\u0000\u0001\u007f\u0080\u00e9\u4e2d\uffff"})",
      R"({"remark":"\ud83d\ude00"})", R"({"remark":"\ud83d"})", R"({"remark":"\u12"})", R"({"remark":"\x"})",
      R"({"remark":12})", R"({"remark":-5})", R"({"remark":false})", R"({"remark":null})", R"({"remark":"ok","remark":null})",
      "{\"remark\":\"caf\xC3\xA9\"}", "{\"remark\":\"\xFF\"}", "{\"remark\":\"a\tb\"}", "{\"remark\":\"a\x01\"}",
      R"({"serializeTypeCurrentRPC":"ROCKETMQ"})", R"({"serializeTypeCurrentRPC":"XML"})",
      R"({"serializeTypeCurrentRPC":1})", R"({"serializeTypeCurrentRPC":null})",
      R"({"extFields":null})", R"({"extFields":{}})", R"({"extFields":{} ,"extFields":{"a":"1"}})",
      R"({"extFields":{"a":"1"},"extFields":null})", R"({"extFields":"x"})", R"({"extFields":1})",
      R"({"extFields":[]})", R"({"extFields":{"a":{}}})", R"({"extFields":{"a":[]}})", R"({"extFields":{"a":1.5}})",
      R"({"extFields":{"a":-12,"b":0,"c":true,"d":"\u0001x\u0002"}})", R"({"extFields":{"a":"1","a":"2"}})",
      R"({"extFields":{"k\u0065y":"v"}})", R"({"extFields":{"a":"1",}})", R"({"extFields":{"a" : "1" , "b":"2" }})",
      R"({"extFields":{"a":"1"})", R"({"extFields":{"a":12345678901234567890}})",
      R"({"unknown":1,"other":"x","third":null,"fourth":true})", R"({"unknown":{"a":1}})", R"({"unknown":[1,2]})",
      R"({"c\u006fde":1})", R"({"code":1/*c*/})", R"({"code":1}//)", R"({"code":tru})", R"({"code":nul})",
      R"({"code":truex})",
  };
  for (const auto& text : texts) expect_same(text);
}

TEST(JsonHeaderPaths, EveryPrefixOfARealHeader) {
  RemotingCommand cmd = make_request(310, 42, {{"a", "PG"}, {"i", "KEYS\x01k\x02"}, {"n", "broker-a"}});
  cmd.remark = "r\"emark";
  Bytes header;
  Bytes frame = encode_frame(cmd);
  header = frame.substr(8);
  for (size_t n = 0; n < header.size(); ++n) EXPECT_FALSE(expect_same(header.substr(0, n))) << n;
  EXPECT_TRUE(expect_same(header));
}

TEST(JsonHeaderPaths, RandomMutations) {
  const std::vector<std::string> seeds = {
      R"({"code":310,"extFields":{"a":"PG_BENCH","b":"TopicBench","c":"TBW102","d":"4","e":"2","f":"0",)"
      R"("g":"1795567162185","h":"0","i":"KEYS\u0001key0\u0002WAIT\u0001true","j":"0","k":"false","m":"false",)"
      R"("n":"broker-a"},"flag":0,"language":"JAVA","opaque":42,"serializeTypeCurrentRPC":"JSON","version":409})",
      R"({"code":0,"extFields":{"queueId":"2","TRACE_ON":"true","msgId":"7F00","queueOffset":5},"flag":1,)"
      R"("language":"JAVA","opaque":3,"remark":null,"serializeTypeCurrentRPC":"JSON","version":409})",
      R"({"code": 105, "language": 0, "opaque": -1, "extFields": {"topic": "T", "x": null}, "flag": 2})",
  };
  const std::string alphabet = "{}[]\":,\\/ \t\nu0123456789abcdefnrtlsEe.-+xX\x01\x7f\x80\xc3\xff";
  std::mt19937_64 rng(20240601);
  size_t took = 0;
  constexpr int kCases = 30000;
  for (int i = 0; i < kCases; ++i) {
    std::string text = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = rng() % text.size();
      char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: text[at] = c; break;
        case 1: text.insert(at, 1, c); break;
        default: text.erase(at, 1); break;
      }
    }
    took += expect_same(text) ? 1 : 0;
    if (::testing::Test::HasFailure()) break;
  }
  // Both outcomes must be exercised: many mutations keep the shape (a changed letter of a value), many do not.
  EXPECT_GT(took, kCases / 10u);
  EXPECT_LT(took, kCases * 9u / 10u);
}

}  // namespace
}  // namespace rmq::remoting
