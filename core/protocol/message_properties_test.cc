#include "core/protocol/message_properties.h"

#include <gtest/gtest.h>

#include "core/protocol/capture_test_util.h"

namespace rmq::protocol {
namespace {

PropertyList from_json_object(const boost::json::object& o) {
  PropertyList out;
  for (const auto& [k, v] : o) out.emplace_back(std::string(k), std::string(v.as_string()));
  return out;
}

TEST(PropertiesGolden, StoredPropertiesDecodeAsCapturedAndReencodeIdentically) {
  int seen = 0;
  for (const auto& c : test::captures()) {
    const boost::json::value* messages = c.line.if_contains("response_body_messages");
    if (messages == nullptr || !messages->is_array()) continue;
    for (const boost::json::value& m : messages->get_array()) {
      std::string raw(m.at("properties_raw").as_string());
      PropertyList props = decode_properties(raw);
      EXPECT_EQ(props, from_json_object(m.at("properties").as_object())) << test::describe(c);
      EXPECT_EQ(encode_properties(props), raw);  // the broker writes the 4.9.1+ form
      if (c.file != "broker-extra.jsonl") {
        // The broker re-encodes single messages from its HashMap; batch messages keep the sender's order.
        PropertyList sorted = props;
        sort_properties_java_order(sorted);
        EXPECT_EQ(sorted, props) << test::describe(c);
      }
      ++seen;
    }
  }
  EXPECT_EQ(seen, 54);
}

TEST(PropertiesClients, SendPropertiesOfTheThreeClients) {
  for (const char* log : {"java-requests.log", "cpp-requests.log", "alions-requests.log"}) {
    int seen = 0;
    for (const std::string& rest : test::client_log_values(log, "code=310 flag=0 ser=")) {
      std::string ext_text = rest.substr(rest.find("ext=") + 4);
      ext_text = ext_text.substr(0, ext_text.rfind(" body="));
      boost::json::object ext = boost::json::parse(ext_text).as_object();
      std::string raw(ext.at("i").as_string());
      PropertyList props = decode_properties(raw);
      ASSERT_FALSE(props.empty()) << raw;
      EXPECT_TRUE(find_property(props, property::kTags).has_value()) << raw;
      bool trailing = raw.back() == kPropertySeparator;  // C++ and ali-ons still write the <= 4.9.0 form
      EXPECT_EQ(trailing, std::string(log) != "java-requests.log") << log;
      EXPECT_EQ(encode_properties(props) + (trailing ? "\x02" : ""), raw);
      if (std::string(log) == "java-requests.log") {  // a HashMap<String,String> on the Java side
        PropertyList sorted = props;
        sort_properties_java_order(sorted);
        EXPECT_EQ(sorted, props) << raw;
      }
      ++seen;
    }
    EXPECT_GT(seen, 0) << log;
  }
}

TEST(Properties, DecodeRulesOfJava491) {
  EXPECT_EQ(decode_properties(""), PropertyList{});
  EXPECT_EQ(decode_properties("a\x01" "b"), (PropertyList{{"a", "b"}}));
  EXPECT_EQ(decode_properties("a\x01" "b\x02"), (PropertyList{{"a", "b"}}));  // <= 4.9.0 trailing separator
  EXPECT_EQ(decode_properties("\x02\x02" "a\x01" "b\x02\x02"), (PropertyList{{"a", "b"}}));
  EXPECT_EQ(decode_properties("\x01" "b\x02" "a\x01\x02" "ab\x02" "c\x01" "d"), (PropertyList{{"c", "d"}}));
  // The value is everything after the first char 1.
  EXPECT_EQ(decode_properties("a\x01" "b\x01" "c"), (PropertyList{{"a", "b\x01" "c"}}));
  // A repeated name keeps its place and takes the last value.
  EXPECT_EQ(decode_properties("a\x01" "x\x02" "b\x01" "y\x02" "a\x01" "z"), (PropertyList{{"a", "z"}, {"b", "y"}}));
  EXPECT_EQ(decode_properties("\xC3\xA9\x01\xC3\xA9"), (PropertyList{{"\xC3\xA9", "\xC3\xA9"}}));
}

TEST(Properties, EncodeAndEdit) {
  EXPECT_EQ(encode_properties({}), "");
  EXPECT_EQ(encode_properties({{"KEYS", "k1 k2"}, {"TAGS", "T"}}), "KEYS\x01k1 k2\x02TAGS\x01T");
  PropertyList p = {{"KEYS", "k"}, {"TAGS", "T"}, {"WAIT", "true"}, {"UNIQ_KEY", "U"}};
  set_property(p, property::kTags, "T2");
  EXPECT_EQ(find_property(p, "TAGS"), "T2");
  EXPECT_EQ(p[1].first, "TAGS");
  set_property(p, property::kCluster, "DefaultCluster");
  EXPECT_EQ(p.back().first, "CLUSTER");
  EXPECT_TRUE(erase_property(p, property::kWaitStoreMsgOk));
  EXPECT_FALSE(erase_property(p, property::kWaitStoreMsgOk));
  EXPECT_EQ(find_property(p, "WAIT"), std::nullopt);
  PropertyList java = {{"TAGS", "TagA"}, {"KEYS", "key0"}, {"WAIT", "true"}, {"UNIQ_KEY", "U"}};
  sort_properties_java_order(java);
  EXPECT_EQ(encode_properties(java), "KEYS\x01key0\x02UNIQ_KEY\x01U\x02WAIT\x01true\x02TAGS\x01TagA");
}

}  // namespace
}  // namespace rmq::protocol
