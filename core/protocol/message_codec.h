// Stored message records (spec §5.14): the layout the broker keeps in its commit log and returns, one record
// after another, as the body of PULL_MESSAGE (11), VIEW_MESSAGE_BY_ID (33) and QUERY_MESSAGE (12) answers;
// the offset msgId derived from a record (spec §5.13); and the zlib helpers for sysFlag bit 0 bodies.
//
// Decoding is stricter than Java's MessageDecoder (which reads field after field and trusts every length):
// a record must carry a known magic code and its totalSize must match the fields it holds. Real brokers
// always write such records; anything else is reported, never read past. Decoding a body stops at the first
// bad record, as Java's decodes() does, keeping the records before it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/byte_io.h"
#include "core/common/status.h"
#include "core/protocol/message_properties.h"
#include "core/protocol/sys_flags.h"  // message_sys_flag: the sysFlag bits of a record

namespace rmq::protocol {

inline constexpr uint32_t kMagicCodeV1 = 0xDAA320A7;  // 4.x: topic length int8
inline constexpr uint32_t kMagicCodeV2 = 0xDAA320AB;  // 5.x: topic length int16

struct HostAddress {
  Bytes ip;  // 4 bytes (IPv4) or 16 (IPv6), network order
  int32_t port = 0;

  bool is_ipv6() const { return ip.size() == 16; }
  // "127.0.0.1:20911"; IPv6 as "[0:0:0:0:0:0:0:1]:20911" (Java's getHostAddress form, bracketed).
  std::string to_string() const;
  friend bool operator==(const HostAddress&, const HostAddress&) = default;
};

// Parses "a.b.c.d:port" or "[ipv6]:port" (port 0-65535).
Result<HostAddress> parse_host_address(std::string_view text);

struct StoredMessage {
  int32_t total_size = 0;  // as decoded; the encoder computes it
  uint32_t magic_code = kMagicCodeV1;
  int32_t body_crc = 0;    // as decoded; the encoder computes it
  int32_t queue_id = 0;
  int32_t flag = 0;
  int64_t queue_offset = 0;
  int64_t commit_log_offset = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  HostAddress born_host;  // IPv6 iff sys_flag & message_sys_flag::kBornHostV6
  int64_t store_timestamp = 0;
  HostAddress store_host;  // IPv6 iff sys_flag & message_sys_flag::kStoreHostAddressV6
  int32_t reconsume_times = 0;
  int64_t prepared_transaction_offset = 0;
  Bytes body;  // as stored: still compressed when sys_flag & kCompressed (see inflate_body)
  std::string topic;
  // The properties exactly as stored (what the encoder writes) and their parsed form.
  std::string properties_raw;
  PropertyList properties;

  bool body_compressed() const { return (sys_flag & message_sys_flag::kCompressed) != 0; }
  // The offset msgId (spec §5.13) of this record: store host + commit-log offset.
  std::string msg_id() const;
  // Sets both property forms from a list (encoded in the 4.9.1+ form).
  void set_properties(PropertyList list);
  friend bool operator==(const StoredMessage&, const StoredMessage&) = default;
};

// UtilAll.crc32: CRC-32 of the body, & 0x7FFFFFFF.
int32_t body_crc(ByteView body);

// One record. totalSize and bodyCRC are computed; the properties written are properties_raw. Fails when a host
// address does not match its sysFlag bit, or the topic (v1: 127 bytes, v2: 32767) or properties (32767 bytes)
// are too long for their length field, or the magic code is unknown.
Result<Bytes> encode_stored_message(const StoredMessage& message);

// Decodes the record at the start of `bytes`; `consumed` receives its length.
Result<StoredMessage> decode_stored_message(ByteView bytes, size_t* consumed = nullptr);

// Where and why decoding a body stopped early.
struct DecodeStop {
  size_t record_index = 0;  // the record that failed (= number of records decoded)
  size_t offset = 0;        // byte offset of that record in the body
  std::string reason;       // names the field and the byte offset in the body
};
struct StoredMessagesDecode {
  std::vector<StoredMessage> messages;
  std::optional<DecodeStop> stop;  // nullopt: every byte of the body was decoded
};

StoredMessagesDecode decode_stored_messages_report(ByteView body);
// The records before the first bad one (Java's decodes(): a bad record ends decoding silently).
std::vector<StoredMessage> decode_stored_messages(ByteView body);

// Offset msgId: upper-case hex of store host ip (4 or 16 bytes) + port int32 + commit-log offset int64:
// 32 hex chars for IPv4, 56 for IPv6.
struct OffsetMsgId {
  HostAddress store_host;
  int64_t commit_log_offset = 0;
  friend bool operator==(const OffsetMsgId&, const OffsetMsgId&) = default;
};
std::string make_offset_msg_id(const HostAddress& store_host, int64_t commit_log_offset);
// Accepts 32 (IPv4) or 56 (IPv6) hex digits of either case, as MessageDecoder.decodeMessageId does.
Result<OffsetMsgId> decode_offset_msg_id(std::string_view msg_id);

// zlib (RFC 1950) bodies, as Java's UtilAll.compress/uncompress write and read them: the compression of
// sysFlag bit 0 when bits 8-10 are 0 or 3 (message_sys_flag::compression_type; LZ4/ZSTD are not handled here).
// Inflating stops with an error once the output would exceed `max_output` (a deflated body can expand ~1000x).
inline constexpr size_t kDefaultInflateLimit = size_t{64} << 20;
Result<Bytes> inflate_body(ByteView deflated, size_t max_output = kDefaultInflateLimit);
// Java compresses with level 5 (DefaultMQProducer compressMsgBodyOverHowmuch path).
Result<Bytes> deflate_body(ByteView raw, int level = 5);

}  // namespace rmq::protocol
