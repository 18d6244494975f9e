#include "core/protocol/message_codec.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "core/common/hex.h"
#include "core/protocol/body_error.h"
#include "core/protocol/capture_test_util.h"

namespace rmq::protocol {
namespace {

int64_t num(const boost::json::object& m, const char* key) { return m.at(key).as_int64(); }
std::string str(const boost::json::object& m, const char* key) { return std::string(m.at(key).as_string()); }

// Compares one decoded record with the capture's field-by-field decoding of it.
void expect_fields(const StoredMessage& d, const boost::json::object& m, const std::string& where) {
  SCOPED_TRACE(where);
  EXPECT_EQ(d.total_size, num(m, "totalSize"));
  EXPECT_EQ(to_hex_lower(Bytes{static_cast<char>(d.magic_code >> 24), static_cast<char>(d.magic_code >> 16),
                               static_cast<char>(d.magic_code >> 8), static_cast<char>(d.magic_code)}),
            str(m, "magicCode"));
  EXPECT_EQ(d.body_crc, num(m, "bodyCRC"));
  EXPECT_EQ(d.queue_id, num(m, "queueId"));
  EXPECT_EQ(d.flag, num(m, "flag"));
  EXPECT_EQ(d.queue_offset, num(m, "queueOffset"));
  EXPECT_EQ(d.commit_log_offset, num(m, "commitLogOffset"));
  EXPECT_EQ(d.sys_flag, num(m, "sysFlag"));
  EXPECT_EQ(d.born_timestamp, num(m, "bornTimestamp"));
  EXPECT_EQ(d.born_host.to_string(), str(m, "bornHost"));
  EXPECT_EQ(d.store_timestamp, num(m, "storeTimestamp"));
  EXPECT_EQ(d.store_host.to_string(), str(m, "storeHost"));
  EXPECT_EQ(d.reconsume_times, num(m, "reconsumeTimes"));
  EXPECT_EQ(d.prepared_transaction_offset, num(m, "preparedTransactionOffset"));
  EXPECT_EQ(static_cast<int64_t>(d.body.size()), num(m, "bodyLength"));
  if (m.contains("body_text")) {
    EXPECT_EQ(d.body, str(m, "body_text"));
    EXPECT_FALSE(d.body_compressed());
  } else {
    EXPECT_EQ(to_hex_lower(d.body), str(m, "body_hex"));
    ASSERT_TRUE(d.body_compressed());
    Result<Bytes> inflated = inflate_body(d.body);
    ASSERT_TRUE(inflated.ok()) << inflated.error().message;
    EXPECT_EQ(*inflated, str(m, "body_inflated_text"));
  }
  EXPECT_EQ(d.topic, str(m, "topic"));
  EXPECT_EQ(d.properties_raw, str(m, "properties_raw"));
  PropertyList expected;
  for (const auto& [k, v] : m.at("properties").as_object()) {
    expected.emplace_back(std::string(k), std::string(v.as_string()));
  }
  EXPECT_EQ(d.properties, expected);
}

TEST(MessageCodecGolden, EveryCapturedMessageBodyDecodesAsListedAndReencodesIdentically) {
  int bodies = 0, messages = 0;
  std::set<int64_t> codes;
  for (const auto& c : test::captures()) {
    const boost::json::value* listed = c.line.if_contains("response_body_messages");
    if (listed == nullptr || !listed->is_array()) continue;
    std::optional<Bytes> body = test::frame_body(testutil::hex_field(c.line, "response_hex"));
    ASSERT_TRUE(body.has_value()) << test::describe(c);
    StoredMessagesDecode decoded = decode_stored_messages_report(*body);
    ASSERT_FALSE(decoded.stop.has_value()) << test::describe(c) << ": " << decoded.stop->reason;
    ASSERT_EQ(decoded.messages.size(), listed->get_array().size()) << test::describe(c);
    Bytes reencoded;
    for (size_t i = 0; i < decoded.messages.size(); ++i) {
      expect_fields(decoded.messages[i], listed->get_array()[i].as_object(),
                    test::describe(c) + " #" + std::to_string(i));
      Result<Bytes> record = encode_stored_message(decoded.messages[i]);
      ASSERT_TRUE(record.ok()) << record.error().message;
      reencoded += *record;
      ++messages;
    }
    EXPECT_EQ(to_hex_lower(reencoded), to_hex_lower(*body)) << test::describe(c);
    EXPECT_EQ(decode_stored_messages(*body), decoded.messages);
    codes.insert(test::request_code(c.line));
    ++bodies;
  }
  EXPECT_EQ(bodies, 28);
  EXPECT_EQ(messages, 54);
  EXPECT_EQ(codes, (std::set<int64_t>{11, 12, 33}));
}

TEST(MessageCodecGolden, PulledMessagesCarryTheMsgIdsTheirSendsReturned) {
  std::map<std::string, std::set<std::string>> sent;  // serialization -> msgIds of send answers
  for (const auto& c : test::captures()) {
    if (c.file != "broker-pull.jsonl") continue;
    const boost::json::object* h = test::object_field(c.line, "response_header");
    const boost::json::object* ext = h ? test::object_field(*h, "extFields") : nullptr;
    if (ext != nullptr && ext->contains("msgId")) {
      sent[testutil::string_field(c.line, "serialize")].insert(std::string(ext->at("msgId").as_string()));
    }
  }
  int checked = 0;
  for (const auto& c : test::captures()) {
    if (c.file != "broker-pull.jsonl" || !c.line.contains("response_body_messages")) continue;
    std::optional<Bytes> body = test::frame_body(testutil::hex_field(c.line, "response_hex"));
    for (const StoredMessage& m : decode_stored_messages(*body)) {
      EXPECT_EQ(sent[testutil::string_field(c.line, "serialize")].count(m.msg_id()), 1u) << m.msg_id();
      ++checked;
    }
  }
  EXPECT_EQ(checked, 32);
}

TEST(MessageCodecGolden, TruncatedSessionBodyStopsAtTheFirstRecord) {
  // The session golden file shows only the first 60 bytes of a 372-byte pull body.
  std::string session = testutil::read_file(testutil::spec_path("captures/golden_real_4.9.8_session.txt"));
  size_t at = session.find("first 60 bytes ") + 15;
  std::optional<Bytes> prefix = from_hex(session.substr(at, 120));
  ASSERT_TRUE(prefix.has_value());
  StoredMessagesDecode decoded = decode_stored_messages_report(*prefix);
  EXPECT_TRUE(decoded.messages.empty());
  ASSERT_TRUE(decoded.stop.has_value());
  EXPECT_EQ(decoded.stop->record_index, 0u);
  EXPECT_EQ(decoded.stop->offset, 0u);
  EXPECT_EQ(decoded.stop->reason, "totalSize at byte 0: 186 does not fit the 60 bytes left in the body");
}

TEST(MsgIdGolden, EverySendAnswerMsgIdDecodesToTheBrokerAndReencodes) {
  int seen = 0;
  for (const auto& c : test::captures()) {
    const boost::json::object* h = test::object_field(c.line, "response_header");
    const boost::json::object* ext = h ? test::object_field(*h, "extFields") : nullptr;
    if (ext == nullptr || !ext->contains("msgId")) continue;
    std::string joined(ext->at("msgId").as_string());  // a batch answer joins its ids with ','
    for (size_t start = 0; start <= joined.size();) {
      size_t comma = std::min(joined.find(',', start), joined.size());
      std::string id = joined.substr(start, comma - start);
      Result<OffsetMsgId> decoded = decode_offset_msg_id(id);
      ASSERT_TRUE(decoded.ok()) << decoded.error().message;
      EXPECT_EQ(decoded->store_host.to_string(), "127.0.0.1:20911") << test::describe(c);
      EXPECT_GE(decoded->commit_log_offset, 0);
      EXPECT_EQ(make_offset_msg_id(decoded->store_host, decoded->commit_log_offset), id);
      ++seen;
      start = comma + 1;
    }
  }
  EXPECT_EQ(seen, 54);  // 42 single sends + 4 batches of 3
}

}  // namespace
}  // namespace rmq::protocol
