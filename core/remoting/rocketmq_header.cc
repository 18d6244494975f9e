#include "core/remoting/rocketmq_header.h"

#include <cassert>
#include <cstring>

namespace rmq::remoting {
namespace {

RocketMqHeaderError truncated(const char* what, size_t offset) {
  return {DecodeErrorKind::kTruncatedRocketMqHeader,
          std::string("ROCKETMQ header truncated: ") + what + " at header byte " + std::to_string(offset),
          offset};
}

std::optional<RocketMqHeaderError> parse_ext_map(ByteView map, size_t map_start, ExtFields& ext) {
  ByteReader r(map);
  while (!r.at_end()) {
    size_t entry_start = map_start + r.position();
    int16_t key_len = 0;
    int32_t value_len = 0;
    ByteView key;
    ByteView value;
    bool ok = r.i16(key_len) && key_len >= 0 && r.bytes(static_cast<size_t>(key_len), key) && r.i32(value_len) &&
              value_len >= 0 && r.bytes(static_cast<size_t>(value_len), value);
    if (!ok) {
      return RocketMqHeaderError{DecodeErrorKind::kBadRocketMqExtFields,
                                 "ROCKETMQ header ext entry at header byte " + std::to_string(entry_start) +
                                     " is truncated or has a negative length",
                                 entry_start};
    }
    ext.mutable_entries().emplace_back(key, value);  // as append(), built in place
  }
  return std::nullopt;
}

}  // namespace

namespace {

char* store_be(char* p, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) *p++ = static_cast<char>((v >> (8 * i)) & 0xFF);
  return p;
}

char* store_bytes(char* p, std::string_view bytes) {
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
  return p + bytes.size();
}

}  // namespace

void append_rocketmq_header(const RemotingCommand& cmd, Bytes& out) {
  // Sized first and written in place: this sits on every send and pull of a ROCKETMQ-speaking peer.
  std::string_view remark = cmd.remark ? std::string_view(*cmd.remark) : std::string_view();
  size_t ext_length = 0;
  if (cmd.ext_fields) {
    for (const auto& [key, value] : cmd.ext_fields->entries()) ext_length += 6 + key.size() + value.size();
  }
  size_t start = out.size();
  out.resize(start + kRocketMqMinHeaderLength + remark.size() + ext_length);
  char* p = out.data() + start;
  p = store_be(p, static_cast<uint16_t>(cmd.code), 2);
  *p++ = static_cast<char>(cmd.language);
  p = store_be(p, static_cast<uint16_t>(cmd.version), 2);
  p = store_be(p, static_cast<uint32_t>(cmd.opaque), 4);
  p = store_be(p, static_cast<uint32_t>(cmd.flag), 4);
  p = store_be(p, remark.size(), 4);
  p = store_bytes(p, remark);
  p = store_be(p, ext_length, 4);
  if (cmd.ext_fields) {
    for (const auto& [key, value] : cmd.ext_fields->entries()) {
      p = store_be(p, key.size(), 2);
      p = store_bytes(p, key);
      p = store_be(p, value.size(), 4);
      p = store_bytes(p, value);
    }
  }
  assert(p == out.data() + out.size());
}

std::optional<RocketMqHeaderError> parse_rocketmq_header(ByteView header, RemotingCommand& cmd) {
  ByteReader r(header);
  int16_t code = 0;
  uint8_t language = 0;
  int16_t version = 0;
  if (!(r.i16(code) && r.u8(language) && r.i16(version) && r.i32(cmd.opaque) && r.i32(cmd.flag))) {
    return truncated("fixed fields (code, language, version, opaque, flag) end", r.position());
  }
  cmd.code = code;
  cmd.language = language_from_byte(language);
  cmd.version = version;
  int32_t remark_len = 0;
  if (!r.i32(remark_len)) return truncated("remark length missing", r.position());
  if (remark_len > 0) {
    ByteView remark;
    if (!r.bytes(static_cast<size_t>(remark_len), remark)) {
      return truncated(("remark of " + std::to_string(remark_len) + " bytes does not fit").c_str(), r.position());
    }
    cmd.remark = std::string(remark);
  }
  int32_t ext_len = 0;
  if (!r.i32(ext_len)) return truncated("ext length missing", r.position());
  if (ext_len > 0) {
    size_t map_start = r.position();
    ByteView map;
    if (!r.bytes(static_cast<size_t>(ext_len), map)) {
      return RocketMqHeaderError{DecodeErrorKind::kBadRocketMqExtFields,
                                 "ROCKETMQ header extLen " + std::to_string(ext_len) + " exceeds the " +
                                     std::to_string(r.remaining()) + " header bytes left",
                                 map_start - 4};
    }
    cmd.ext_fields.emplace();
    cmd.ext_fields->reserve(16);
    if (auto err = parse_ext_map(map, map_start, *cmd.ext_fields)) return err;
  }
  return std::nullopt;
}

}  // namespace rmq::remoting
