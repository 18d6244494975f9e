#include "core/common/java_compat.h"

#include <gtest/gtest.h>

#include "core/common/fastjson_writer.h"
#include "core/common/hex.h"

namespace rmq {
namespace {

using namespace std::string_view_literals;

TEST(JavaStringHash, MatchesJavaForAsciiAndEmpty) {
  EXPECT_EQ(java_string_hash(""), 0);
  EXPECT_EQ(java_string_hash("a"), 97);
  EXPECT_EQ(java_string_hash("TagA"), 2598919);
  // "hello world".hashCode() in Java overflows int32.
  EXPECT_EQ(java_string_hash("hello world"), 1794106052);
  EXPECT_EQ(java_string_hash("polygenelubricants"), static_cast<int32_t>(0x80000000u));
}

TEST(JavaStringHash, UsesUtf16CodeUnits) {
  // U+00E9 is one UTF-16 unit (233); U+1F600 is a surrogate pair D83D DE00.
  EXPECT_EQ(java_string_hash("\xC3\xA9"), 233);
  EXPECT_EQ(java_string_hash("\xF0\x9F\x98\x80"), 0xD83D * 31 + 0xDE00);
}

TEST(JavaHashMapOrder, MatchesTheRealBrokersSendResponseOrder) {
  // The JSON send response of a real 4.9.8 broker lists its extFields in this order (captures).
  std::vector<std::string> keys = {"msgId", "queueId", "queueOffset", "TRACE_ON", "MSG_REGION"};
  std::vector<std::string> ordered;
  for (size_t i : java_hash_map_order(keys)) ordered.push_back(keys[i]);
  EXPECT_EQ(ordered, (std::vector<std::string>{"queueId", "TRACE_ON", "MSG_REGION", "msgId", "queueOffset"}));
}

TEST(JavaHashMapOrder, MatchesThePullResponseOrder) {
  std::vector<std::string> keys = {"suggestWhichBrokerId", "nextBeginOffset", "minOffset", "maxOffset"};
  std::vector<std::string> ordered;
  for (size_t i : java_hash_map_order(keys)) ordered.push_back(keys[i]);
  EXPECT_EQ(ordered, (std::vector<std::string>{"suggestWhichBrokerId", "nextBeginOffset", "maxOffset",
                                               "minOffset"}));
}

TEST(FastjsonWriter, EscapesAsFastjson) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01\x02\x7f/\xC3\xA9"sv);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u0002\\u007F/\xC3\xA9\"");
}

TEST(FastjsonWriter, EscapesLatin1ControlsAndLineSeparatorAsFastjson) {
  std::string out;
  append_json_string(out, "a\xC2\x85\xC2\xA0\xC2\xA1\xE2\x80\xA8\xE2\x80\xA9"sv);
  // U+0085 and U+00A0 and U+2028 escaped; U+00A1 and U+2029 kept as UTF-8.
  EXPECT_EQ(out, "\"a\\u0085\\u00A0\xC2\xA1\\u2028\xE2\x80\xA9\"");
}

TEST(Hex, RoundTripsAndRejectsBadInput) {
  EXPECT_EQ(to_hex_upper("\x7f\x00\x01"sv), "7F0001");
  EXPECT_EQ(from_hex("7f 00 01").value(), std::string("\x7f\x00\x01", 3));
  EXPECT_FALSE(from_hex("7").has_value());
  EXPECT_FALSE(from_hex("zz").has_value());
}

}  // namespace
}  // namespace rmq
