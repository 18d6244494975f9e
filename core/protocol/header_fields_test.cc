#include "core/protocol/header_fields.h"

#include <gtest/gtest.h>

#include "core/common/java_compat.h"
#include "core/protocol/header_test_util.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

TEST(JavaParse, IntAcceptsWhatIntegerParseIntAccepts) {
  EXPECT_EQ(parse_java_int("0"), 0);
  EXPECT_EQ(parse_java_int("-1"), -1);
  EXPECT_EQ(parse_java_int("+5"), 5);
  EXPECT_EQ(parse_java_int("007"), 7);
  EXPECT_EQ(parse_java_int("-0"), 0);
  EXPECT_EQ(parse_java_int("2147483647"), 2147483647);
  EXPECT_EQ(parse_java_int("-2147483648"), INT32_MIN);
  // Character.digit accepts every BMP decimal digit: Arabic-Indic, fullwidth, Devanagari.
  EXPECT_EQ(parse_java_int("\xD9\xA1\xD9\xA2"), 12);
  EXPECT_EQ(parse_java_int("\xEF\xBC\x91\xEF\xBC\x92"), 12);
  EXPECT_EQ(parse_java_int("1\xE0\xA5\xA8"), 12);
}

TEST(JavaParse, IntRejectsWhatIntegerParseIntRejects) {
  for (const char* text : {"", "+", "-", "2147483648", "-2147483649", "99999999999", " 1", "1 ", "1.0", "0x10",
                           "1e3", "abc", "--1", "+-1", "\xC0\xB1",  // overlong '1'
                           "\xF0\x9D\x9F\x8F",                    // MATHEMATICAL BOLD DIGIT ONE (supplementary)
                           "1\xD9"}) {                            // truncated UTF-8
    EXPECT_EQ(parse_java_int(text), std::nullopt) << text;
  }
}

TEST(JavaParse, LongRange) {
  EXPECT_EQ(parse_java_long("1700000000000"), 1700000000000);
  EXPECT_EQ(parse_java_long("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_java_long("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parse_java_long("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_java_long("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(parse_java_long("18446744073709551616"), std::nullopt);
}

TEST(JavaParse, BooleanIsTrueIgnoringCaseElseFalse) {
  for (const char* text : {"true", "TRUE", "True", "tRuE"}) EXPECT_TRUE(parse_java_boolean(text)) << text;
  for (const char* text : {"false", "", "1", "yes", " true", "true ", "truee", "t"}) {
    EXPECT_FALSE(parse_java_boolean(text)) << text;
  }
}

TEST(JavaErrors, TextsAreJavas) {
  EXPECT_EQ(missing_field_error("topic"), (Error{1, "the custom field <topic> is null"}));
  EXPECT_EQ(bad_number_error("queueId", "abc"),
            (Error{1, "Failed field [queueId] decoding: java.lang.NumberFormatException: For input string: \"abc\""}));
}

TEST(JavaOrder, ReflectionOrderSkipsNullsAndFollowsTheHashMap) {
  // Five fields of one class: the map iterates by bucket whatever the declaration order.
  constexpr std::string_view kClass = "org.example.Header";
  std::vector<JavaFieldValue> fields = {{"topic", kClass, "T"},
                                        {"queueId", kClass, "1"},
                                        {"absent", kClass, std::nullopt},
                                        {"consumerGroup", kClass, "G"}};
  ExtFields ext = java_reflection_ext(fields);
  EXPECT_EQ(test::keys_of(ext), (std::vector<std::string>{"queueId", "topic", "consumerGroup"}));
  EXPECT_EQ(ext.get("topic"), "T");
  // FastCodesHeader order: declaration order.
  EXPECT_EQ(test::keys_of(java_declared_ext(fields)), (std::vector<std::string>{"topic", "queueId", "consumerGroup"}));
}

TEST(JavaOrder, KeysSharingABucketKeepTheHashSetOfFieldsOrder) {
  // commitOffset and bname share bucket 5 of a 16-bucket map; which goes first depends on the HashSet<Field>
  // that getClazzFields built, i.e. on both fields' declaring classes.
  ASSERT_EQ(java_hash_map_order({"commitOffset", "bname"}), (std::vector<size_t>{0, 1}));
  std::vector<JavaFieldValue> update = {
      {"commitOffset", "org.apache.rocketmq.common.protocol.header.UpdateConsumerOffsetRequestHeader", "4"},
      {"bname", kRpcRequestHeaderClass, "broker-a"}};
  EXPECT_EQ(test::keys_of(java_reflection_ext(update)), (std::vector<std::string>{"bname", "commitOffset"}));
  std::vector<JavaFieldValue> pull = {
      {"commitOffset", "org.apache.rocketmq.common.protocol.header.PullMessageRequestHeader", "0"},
      {"bname", kRpcRequestHeaderClass, "broker-a"}};
  EXPECT_EQ(test::keys_of(java_reflection_ext(pull)), (std::vector<std::string>{"commitOffset", "bname"}));
}

TEST(JavaOrder, MergeIsOneHashMapWithAddedFieldsFirst) {
  ExtFields added{{"MSG_REGION", "DefaultRegion"}, {"TRACE_ON", "true"}};
  ExtFields header{{"queueId", "0"}, {"msgId", "ID"}, {"queueOffset", "7"}};
  ExtFields merged = merge_java_ext(added, header);
  EXPECT_EQ(test::keys_of(merged),
            (std::vector<std::string>{"queueId", "TRACE_ON", "MSG_REGION", "msgId", "queueOffset"}));
  // A key in both keeps its first position and takes the header's value, as HashMap.put does.
  ExtFields clash = merge_java_ext(ExtFields{{"msgId", "old"}}, ExtFields{{"msgId", "new"}});
  EXPECT_EQ(clash, (ExtFields{{"msgId", "new"}}));
}

TEST(JavaOrder, FastMergePutsTheHeaderFirst) {
  ExtFields added{{"MSG_REGION", "DefaultRegion"}, {"TRACE_ON", "true"}};
  ExtFields header{{"msgId", "ID"}, {"queueId", "0"}, {"queueOffset", "7"}};
  EXPECT_EQ(test::keys_of(merge_java_ext_fast(added, header)),
            (std::vector<std::string>{"msgId", "queueId", "queueOffset", "TRACE_ON", "MSG_REGION"}));
}

TEST(JavaOrder, AMapOverTwelveKeysUsesThirtyTwoBuckets) {
  // SendMessageRequestHeaderV2 with all 14 fields: single letters land in buckets 'a'&31 .. 'n'&31, ascending.
  std::vector<JavaFieldValue> fields;
  static const std::string kLetters = "nmlkjihgfedcba";
  for (size_t k = 0; k < kLetters.size(); ++k) {
    fields.push_back({std::string_view(kLetters).substr(k, 1), "org.example.V2", "x"});
  }
  EXPECT_EQ(test::keys_of(java_reflection_ext(fields)),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"}));
}

}  // namespace
}  // namespace rmq::protocol
