// Hand-made records: IPv6 hosts, the v2 layout, encode errors, malformed and truncated input, zlib helpers.
#include <gtest/gtest.h>

#include "core/common/hex.h"
#include "core/protocol/body_error.h"
#include "core/protocol/message_codec.h"

namespace rmq::protocol {
namespace {

StoredMessage sample() {
  StoredMessage m;
  m.queue_id = 3;
  m.flag = 7;
  m.queue_offset = 42;
  m.commit_log_offset = 0x0102030405060708;
  m.born_timestamp = 1700000000000;
  m.born_host = *parse_host_address("10.1.2.3:54321");
  m.store_timestamp = 1700000000123;
  m.store_host = *parse_host_address("127.0.0.1:20911");
  m.reconsume_times = 2;
  m.body = "hello";
  m.topic = "TopicA";
  m.set_properties({{"TAGS", "TagA"}, {"KEYS", "k1 k2"}});
  return m;
}

StoredMessage round_trip(const StoredMessage& m) {
  Result<Bytes> bytes = encode_stored_message(m);
  EXPECT_TRUE(bytes.ok()) << bytes.error().message;
  size_t used = 0;
  Result<StoredMessage> back = decode_stored_message(*bytes, &used);
  EXPECT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(used, bytes->size());
  return back.ok() ? *back : StoredMessage{};
}

TEST(MessageCodec, RoundTripComputesSizeAndCrc) {
  StoredMessage m = sample();
  StoredMessage back = round_trip(m);
  EXPECT_EQ(back.total_size, 91 + 5 + 6 + static_cast<int32_t>(m.properties_raw.size()));
  EXPECT_EQ(back.body_crc, body_crc("hello"));
  m.total_size = back.total_size;
  m.body_crc = back.body_crc;
  EXPECT_EQ(back, m);
  EXPECT_EQ(back.msg_id(), "7F000001000051AF0102030405060708");
  EXPECT_EQ(body_crc("123456789"), 0x4BF43926);  // CRC-32 check value 0xCBF43926, top bit cleared
  EXPECT_EQ(body_crc(""), 0);
}

TEST(MessageCodec, Ipv6HostsFollowTheSysFlagBits) {
  StoredMessage m = sample();
  m.sys_flag = message_sys_flag::kBornHostV6 | message_sys_flag::kStoreHostAddressV6;
  m.born_host = *parse_host_address("[2001:db8::1]:1234");
  m.store_host = *parse_host_address("[::1]:10911");
  StoredMessage back = round_trip(m);
  EXPECT_EQ(back.born_host.to_string(), "[2001:db8:0:0:0:0:0:1]:1234");
  EXPECT_EQ(back.store_host, m.store_host);
  std::string id = back.msg_id();
  EXPECT_EQ(id.size(), 56u);
  Result<OffsetMsgId> decoded = decode_offset_msg_id(id);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->store_host.to_string(), "[0:0:0:0:0:0:0:1]:10911");
  EXPECT_EQ(decoded->commit_log_offset, m.commit_log_offset);
  // Only the store host in IPv6.
  m.sys_flag = message_sys_flag::kStoreHostAddressV6;
  m.born_host = *parse_host_address("1.2.3.4:5");
  EXPECT_EQ(round_trip(m).born_host.to_string(), "1.2.3.4:5");
}

TEST(MessageCodec, V2LayoutHasAnInt16TopicLength) {
  StoredMessage m = sample();
  m.magic_code = kMagicCodeV2;
  m.topic = std::string(200, 't');
  EXPECT_EQ(round_trip(m).topic, m.topic);
  m.magic_code = kMagicCodeV1;
  Result<Bytes> too_long = encode_stored_message(m);
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.error().message.find("topic of 200 bytes exceeds 127"), std::string::npos);
}

TEST(MessageCodec, EncodeRejectsInconsistentRecords) {
  StoredMessage m = sample();
  m.sys_flag = message_sys_flag::kBornHostV6;
  EXPECT_NE(encode_stored_message(m).error().message.find("bornHost has 4 address bytes"), std::string::npos);
  m = sample();
  m.store_host.ip = "\x01\x02";
  EXPECT_NE(encode_stored_message(m).error().message.find("storeHost has 2 address bytes"), std::string::npos);
  m = sample();
  m.properties_raw = std::string(32768, 'p');
  EXPECT_NE(encode_stored_message(m).error().message.find("exceed 32767"), std::string::npos);
  m = sample();
  m.magic_code = 0x12345678;
  EXPECT_FALSE(encode_stored_message(m).ok());
}

TEST(MessageCodec, MalformedRecordsAreReportedWithFieldAndOffset) {
  Bytes one = *encode_stored_message(sample());
  Bytes two = one + one;
  auto patch = [](Bytes b, size_t at, std::string_view bytes) { b.replace(at, bytes.size(), bytes); return b; };
  struct Case { Bytes body; size_t decoded; std::string reason; };
  std::vector<Case> cases = {
      {two.substr(0, one.size() + 3), 1, "totalSize at byte " + std::to_string(one.size()) + ": needs 4 bytes"},
      {patch(two, one.size() + 4, "\x12\x34\x56\x78"), 1, "unknown 0x12345678"},
      {patch(one, 0, std::string("\x00\x00\x00\x07", 4)), 0, "totalSize at byte 0: 7 does not fit"},
      {patch(one, 0, std::string("\x7f\x00\x00\x00", 4)), 0, "does not fit the"},
      {patch(one, 0, std::string("\xff\xff\xff\xff", 4)), 0, "totalSize at byte 0: -1"},
      {patch(one, 84, std::string("\xff\xff\xff\xff", 4)), 0, "body at byte 88: negative length -1"},
      {patch(one, 84, std::string("\x00\x00\x01\x00", 4)), 0, "body at byte 88: needs 256 bytes"},
      {patch(one, 93, std::string("\x80", 1)), 0, "topic at byte 94: negative length -128"},
      {patch(one, 100, std::string("\xff\xf0", 2)), 0, "properties at byte 102: negative length -16"},
      // totalSize covers one byte more than the fields hold.
      {patch(one, 0, std::string("\x00\x00\x00", 3) + static_cast<char>(one.size() + 1)) + "x", 0,
       "record at byte 0: totalSize " + std::to_string(one.size() + 1) + " leaves 1 bytes after the properties"},
  };
  for (const Case& c : cases) {
    StoredMessagesDecode d = decode_stored_messages_report(c.body);
    EXPECT_EQ(d.messages.size(), c.decoded) << c.reason;
    ASSERT_TRUE(d.stop.has_value()) << c.reason;
    EXPECT_EQ(d.stop->record_index, c.decoded);
    EXPECT_NE(d.stop->reason.find(c.reason), std::string::npos) << d.stop->reason;
    EXPECT_EQ(decode_stored_messages(c.body).size(), c.decoded);
    EXPECT_FALSE(decode_stored_message(c.body.substr(c.decoded * one.size())).ok());
  }
}

TEST(MessageCodec, EveryTruncationAndGarbageIsAnErrorNotACrash) {
  Bytes record = *encode_stored_message(sample());
  for (size_t n = 0; n < record.size(); ++n) {
    StoredMessagesDecode d = decode_stored_messages_report(record.substr(0, n));
    EXPECT_TRUE(d.messages.empty());
    EXPECT_EQ(d.stop.has_value(), n > 0) << n;
  }
  uint64_t state = 12345;  // a fixed LCG: the same garbage every run
  for (int round = 0; round < 2000; ++round) {
    Bytes garbage = record;
    for (int k = 0; k < 4; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      garbage[(state >> 33) % garbage.size()] = static_cast<char>(state >> 56);
    }
    StoredMessagesDecode d = decode_stored_messages_report(garbage + garbage.substr(0, (state >> 20) % 64));
    EXPECT_LE(d.messages.size(), 1u);
  }
}

TEST(MsgId, DecodeErrorsAndCase) {
  EXPECT_FALSE(decode_offset_msg_id("").ok());
  EXPECT_NE(decode_offset_msg_id("7F000001").error().message.find("expected 32 (IPv4) or 56 (IPv6) hex digits"),
            std::string::npos);
  EXPECT_NE(decode_offset_msg_id("7F000001000051AF000000000080076Z").error().message.find("not hexadecimal"),
            std::string::npos);
  EXPECT_FALSE(decode_offset_msg_id("7F000001000051AF00000000008007 0").ok());
  Result<OffsetMsgId> lower = decode_offset_msg_id("7f000001000051af0000000000800760");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(lower->commit_log_offset, 0x800760);
  EXPECT_EQ(make_offset_msg_id(lower->store_host, lower->commit_log_offset), "7F000001000051AF0000000000800760");
}

TEST(HostAddress, ParseAndFormat) {
  EXPECT_EQ(parse_host_address("127.0.0.1:20911")->ip, std::string("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(parse_host_address("[::1]:1")->ip.size(), 16u);
  for (const char* bad : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "300.0.0.1:1", "::1:5", "[::1:5",
                          "host:1", "1.2.3.4:-1", "1.2.3.4:1x"}) {
    EXPECT_FALSE(parse_host_address(bad).ok()) << bad;
  }
  HostAddress odd{"\x01\x02", 5};
  EXPECT_EQ(odd.to_string(), "<2-byte address>:5");
}

TEST(Zlib, RoundTripLimitsAndErrors) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "zipped ";
  Result<Bytes> deflated = deflate_body(text);
  ASSERT_TRUE(deflated.ok());
  EXPECT_EQ(*inflate_body(*deflated), text);
  // The captured body was deflated by another zlib user; it inflates the same.
  EXPECT_EQ(*inflate_body(*from_hex("789cabca2c28484d51a81a3e14002d575029")), text.substr(0, 210));
  Result<Bytes> limited = inflate_body(*deflated, 100);
  ASSERT_FALSE(limited.ok());
  EXPECT_NE(limited.error().message.find("exceeds the limit of 100 bytes"), std::string::npos);
  Result<Bytes> truncated = inflate_body(deflated->substr(0, deflated->size() - 3));
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().message.find("inflate:"), std::string::npos);
  EXPECT_FALSE(inflate_body("not zlib at all").ok());
  EXPECT_FALSE(inflate_body("").ok());
  Bytes big(1 << 20, 'a');
  Result<Bytes> bomb = deflate_body(big, 9);
  ASSERT_TRUE(bomb.ok());
  EXPECT_LT(bomb->size(), 2000u);
  EXPECT_FALSE(inflate_body(*bomb, 1 << 19).ok());
  EXPECT_EQ(inflate_body(*bomb)->size(), big.size());
}

}  // namespace
}  // namespace rmq::protocol
