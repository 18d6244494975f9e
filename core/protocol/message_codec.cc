#include "core/protocol/message_codec.h"

#include <cstdio>
#include <limits>

#include "core/protocol/body_error.h"

namespace rmq::protocol {

namespace {

// Reads the fields of one record out of a body, naming the field and its byte offset in the body when a field
// does not fit. The reader is limited to the record (totalSize), so no read passes it.
class RecordReader {
 public:
  // `scope` names what limits the reads in messages: "body" (the totalSize word) or "record (totalSize)".
  RecordReader(ByteView record, size_t base, const char* scope) : r_(record), base_(base), scope_(scope) {}

  bool i32(int32_t& v, const char* field) { return r_.i32(v) || truncated(field, 4); }
  bool u32(uint32_t& v, const char* field) { return r_.u32(v) || truncated(field, 4); }
  bool i64(int64_t& v, const char* field) { return r_.i64(v) || truncated(field, 8); }
  bool i16(int16_t& v, const char* field) { return r_.i16(v) || truncated(field, 2); }
  bool i8(int8_t& v, const char* field) { return r_.i8(v) || truncated(field, 1); }
  bool bytes(int64_t n, ByteView& v, const char* field) {
    if (n < 0) return fail(field, "negative length " + std::to_string(n));
    return r_.bytes(static_cast<size_t>(n), v) || truncated(field, static_cast<size_t>(n));
  }
  bool host(bool v6, HostAddress& h, const char* field) {
    ByteView ip;
    if (!bytes(v6 ? 16 : 4, ip, field)) return false;
    h.ip.assign(ip);
    return i32(h.port, field);
  }
  bool fail(const char* field, const std::string& problem) {
    error_ = std::string(field) + " at byte " + std::to_string(base_ + r_.position()) + ": " + problem;
    return false;
  }
  bool at_end() const { return r_.at_end(); }
  size_t remaining() const { return r_.remaining(); }
  const std::string& error() const { return error_; }

 private:
  bool truncated(const char* field, size_t need) {
    return fail(field, "needs " + std::to_string(need) + " bytes, the " + scope_ + " has " +
                           std::to_string(r_.remaining()) + " left");
  }
  ByteReader r_;
  size_t base_;
  const char* scope_;
  std::string error_;
};

// The fixed fields 3-14 (after totalSize and magic code).
bool read_fixed_fields(RecordReader& r, StoredMessage& m) {
  return r.i32(m.body_crc, "bodyCRC") && r.i32(m.queue_id, "queueId") && r.i32(m.flag, "flag") &&
         r.i64(m.queue_offset, "queueOffset") && r.i64(m.commit_log_offset, "commitLogOffset") &&
         r.i32(m.sys_flag, "sysFlag") && r.i64(m.born_timestamp, "bornTimestamp") &&
         r.host((m.sys_flag & message_sys_flag::kBornHostV6) != 0, m.born_host, "bornHost") &&
         r.i64(m.store_timestamp, "storeTimestamp") &&
         r.host((m.sys_flag & message_sys_flag::kStoreHostAddressV6) != 0, m.store_host, "storeHost") &&
         r.i32(m.reconsume_times, "reconsumeTimes") &&
         r.i64(m.prepared_transaction_offset, "preparedTransactionOffset");
}

// Fields 15-17: body, topic, properties.
bool read_variable_fields(RecordReader& r, StoredMessage& m) {
  int32_t body_len = 0;
  ByteView body;
  if (!r.i32(body_len, "bodyLength") || !r.bytes(body_len, body, "body")) return false;
  m.body.assign(body);
  int64_t topic_len = 0;
  if (m.magic_code == kMagicCodeV2) {
    int16_t n = 0;
    if (!r.i16(n, "topicLength")) return false;
    topic_len = n;
  } else {
    int8_t n = 0;  // Java reads a signed byte: a topic longer than 127 bytes cannot be decoded
    if (!r.i8(n, "topicLength")) return false;
    topic_len = n;
  }
  ByteView topic;
  if (!r.bytes(topic_len, topic, "topic")) return false;
  m.topic.assign(topic);
  int16_t props_len = 0;
  ByteView props;
  if (!r.i16(props_len, "propertiesLength") || !r.bytes(props_len, props, "properties")) return false;
  m.properties_raw.assign(props);
  m.properties = decode_properties(m.properties_raw);
  return true;
}

// Decodes the record at body[start]; an error names the field and offset.
Result<StoredMessage> decode_record(ByteView body, size_t start, size_t& consumed) {
  ByteView rest = body.substr(start);
  RecordReader head(rest, start, "body");
  StoredMessage m;
  if (!head.i32(m.total_size, "totalSize")) return malformed_body(head.error());
  if (m.total_size < 8 || static_cast<size_t>(m.total_size) > rest.size()) {
    return malformed_body("totalSize at byte " + std::to_string(start) + ": " + std::to_string(m.total_size) +
                          " does not fit the " + std::to_string(rest.size()) + " bytes left in the body");
  }
  RecordReader r(rest.substr(0, static_cast<size_t>(m.total_size)), start, "record (totalSize)");
  int32_t ignored = 0;
  if (!r.i32(ignored, "totalSize") || !r.u32(m.magic_code, "magicCode")) return malformed_body(r.error());
  if (m.magic_code != kMagicCodeV1 && m.magic_code != kMagicCodeV2) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", m.magic_code);
    return malformed_body("magicCode at byte " + std::to_string(start + 4) + ": unknown " + hex +
                          " (expected 0xDAA320A7 or 0xDAA320AB)");
  }
  if (!read_fixed_fields(r, m) || !read_variable_fields(r, m)) return malformed_body(r.error());
  if (!r.at_end()) {
    return malformed_body("record at byte " + std::to_string(start) + ": totalSize " +
                          std::to_string(m.total_size) + " leaves " + std::to_string(r.remaining()) +
                          " bytes after the properties");
  }
  consumed = static_cast<size_t>(m.total_size);
  return m;
}

void write_host(ByteWriter& w, const HostAddress& h) {
  w.bytes(h.ip);
  w.i32(h.port);
}

Status check_encodable(const StoredMessage& m) {
  auto host_ok = [](const HostAddress& h, bool v6) { return h.ip.size() == (v6 ? 16u : 4u); };
  if (!host_ok(m.born_host, (m.sys_flag & message_sys_flag::kBornHostV6) != 0)) {
    return malformed_body("bornHost has " + std::to_string(m.born_host.ip.size()) +
                          " address bytes, sysFlag bit 16 asks for " +
                          ((m.sys_flag & message_sys_flag::kBornHostV6) != 0 ? "16" : "4"));
  }
  if (!host_ok(m.store_host, (m.sys_flag & message_sys_flag::kStoreHostAddressV6) != 0)) {
    return malformed_body("storeHost has " + std::to_string(m.store_host.ip.size()) +
                          " address bytes, sysFlag bit 32 asks for " +
                          ((m.sys_flag & message_sys_flag::kStoreHostAddressV6) != 0 ? "16" : "4"));
  }
  if (m.magic_code != kMagicCodeV1 && m.magic_code != kMagicCodeV2) return malformed_body("unknown magic code");
  size_t topic_max = m.magic_code == kMagicCodeV1 ? 127 : 32767;
  if (m.topic.size() > topic_max) {
    return malformed_body("topic of " + std::to_string(m.topic.size()) + " bytes exceeds " +
                          std::to_string(topic_max));
  }
  if (m.properties_raw.size() > 32767) {
    return malformed_body("properties of " + std::to_string(m.properties_raw.size()) + " bytes exceed 32767");
  }
  if (m.body.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max() / 2)) {
    return malformed_body("body of " + std::to_string(m.body.size()) + " bytes is too large for a record");
  }
  return Status::Ok();
}

}  // namespace

std::string StoredMessage::msg_id() const { return make_offset_msg_id(store_host, commit_log_offset); }

void StoredMessage::set_properties(PropertyList list) {
  properties_raw = encode_properties(list);
  properties = std::move(list);
}

Result<Bytes> encode_stored_message(const StoredMessage& m) {
  if (Status s = check_encodable(m); !s.ok()) return s.error();
  bool v2 = m.magic_code == kMagicCodeV2;
  size_t size = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + (m.born_host.ip.size() + 4) + 8 + (m.store_host.ip.size() + 4) +
                4 + 8 + 4 + m.body.size() + (v2 ? 2 : 1) + m.topic.size() + 2 + m.properties_raw.size();
  Bytes out;
  out.reserve(size);
  ByteWriter w(out);
  w.i32(static_cast<int32_t>(size));
  w.u32(m.magic_code);
  w.i32(body_crc(m.body));
  w.i32(m.queue_id);
  w.i32(m.flag);
  w.i64(m.queue_offset);
  w.i64(m.commit_log_offset);
  w.i32(m.sys_flag);
  w.i64(m.born_timestamp);
  write_host(w, m.born_host);
  w.i64(m.store_timestamp);
  write_host(w, m.store_host);
  w.i32(m.reconsume_times);
  w.i64(m.prepared_transaction_offset);
  w.i32(static_cast<int32_t>(m.body.size()));
  w.bytes(m.body);
  if (v2) {
    w.i16(static_cast<int16_t>(m.topic.size()));
  } else {
    w.u8(static_cast<uint8_t>(m.topic.size()));
  }
  w.bytes(m.topic);
  w.i16(static_cast<int16_t>(m.properties_raw.size()));
  w.bytes(m.properties_raw);
  return out;
}

Result<StoredMessage> decode_stored_message(ByteView bytes, size_t* consumed) {
  size_t used = 0;
  Result<StoredMessage> m = decode_record(bytes, 0, used);
  if (m.ok() && consumed != nullptr) *consumed = used;
  return m;
}

StoredMessagesDecode decode_stored_messages_report(ByteView body) {
  StoredMessagesDecode out;
  size_t offset = 0;
  while (offset < body.size()) {
    size_t used = 0;
    Result<StoredMessage> m = decode_record(body, offset, used);
    if (!m.ok()) {
      out.stop = DecodeStop{out.messages.size(), offset, m.error().message};
      break;
    }
    out.messages.push_back(std::move(m).value());
    offset += used;
  }
  return out;
}

std::vector<StoredMessage> decode_stored_messages(ByteView body) {
  return decode_stored_messages_report(body).messages;
}

}  // namespace rmq::protocol
