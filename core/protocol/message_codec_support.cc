// The parts of message_codec.h that are not the record layout: host addresses, offset msgIds, CRC and zlib.
#include <arpa/inet.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdio>

#include "core/common/hex.h"
#include "core/protocol/body_error.h"
#include "core/protocol/message_codec.h"

namespace rmq::protocol {

namespace {

std::string ipv6_java_text(ByteView ip) {
  // Inet6Address.getHostAddress: eight groups of lower-case hex without leading zeros, no "::" compression.
  std::string out;
  char group[8];
  for (size_t i = 0; i < 16; i += 2) {
    unsigned v = (static_cast<uint8_t>(ip[i]) << 8) | static_cast<uint8_t>(ip[i + 1]);
    std::snprintf(group, sizeof group, "%x", v);
    if (i > 0) out.push_back(':');
    out += group;
  }
  return out;
}

}  // namespace

std::string HostAddress::to_string() const {
  if (ip.size() == 16) return "[" + ipv6_java_text(ip) + "]:" + std::to_string(port);
  if (ip.size() != 4) return "<" + std::to_string(ip.size()) + "-byte address>:" + std::to_string(port);
  std::string out;
  for (size_t i = 0; i < 4; ++i) {
    if (i > 0) out.push_back('.');
    out += std::to_string(static_cast<uint8_t>(ip[i]));
  }
  return out + ":" + std::to_string(port);
}

Result<HostAddress> parse_host_address(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Error{kMalformedBody, "host address \"" + std::string(text) + "\": " + std::string(why)};
  };
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad("expected ip:port");
  std::string host(text.substr(0, colon));
  std::string_view port_text = text.substr(colon + 1);
  int port = -1;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 ||
      port > 65535) {
    return bad("port is not a number 0-65535");
  }
  HostAddress out;
  out.port = port;
  unsigned char buf[16];
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), buf) != 1) return bad("bad IPv6 address");
    out.ip.assign(reinterpret_cast<const char*>(buf), 16);
  } else {
    if (inet_pton(AF_INET, host.c_str(), buf) != 1) return bad("bad IPv4 address");
    out.ip.assign(reinterpret_cast<const char*>(buf), 4);
  }
  return out;
}

int32_t body_crc(ByteView body) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t done = 0;
  while (done < body.size()) {  // crc32 takes a uInt length
    auto n = static_cast<uInt>(std::min<size_t>(body.size() - done, UINT_MAX));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(body.data() + done), n);
    done += n;
  }
  return static_cast<int32_t>(crc & 0x7FFFFFFFu);
}

std::string make_offset_msg_id(const HostAddress& store_host, int64_t commit_log_offset) {
  Bytes raw;
  ByteWriter w(raw);
  w.bytes(store_host.ip);
  w.i32(store_host.port);
  w.i64(commit_log_offset);
  return to_hex_upper(raw);
}

Result<OffsetMsgId> decode_offset_msg_id(std::string_view msg_id) {
  if (msg_id.size() != 32 && msg_id.size() != 56) {
    return Error{kMalformedBody, "msgId \"" + std::string(msg_id) +
                                     "\": expected 32 (IPv4) or 56 (IPv6) hex digits, got " +
                                     std::to_string(msg_id.size())};
  }
  std::optional<Bytes> raw = from_hex(msg_id);
  if (!raw || raw->size() * 2 != msg_id.size()) {
    return Error{kMalformedBody, "msgId \"" + std::string(msg_id) + "\": not hexadecimal"};
  }
  ByteReader r(*raw);
  OffsetMsgId out;
  ByteView ip;
  bool ok = r.bytes(msg_id.size() == 32 ? 4 : 16, ip) && r.i32(out.store_host.port) && r.i64(out.commit_log_offset);
  if (!ok) return Error{kMalformedBody, "msgId \"" + std::string(msg_id) + "\": too short"};
  out.store_host.ip.assign(ip);
  return out;
}

Result<Bytes> inflate_body(ByteView deflated, size_t max_output) {
  if (deflated.size() > UINT_MAX) return Error{kMalformedBody, "inflate: input too large"};
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Error{kMalformedBody, "inflate: zlib init failed"};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
  zs.avail_in = static_cast<uInt>(deflated.size());
  Bytes out;
  char chunk[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    size_t produced = sizeof chunk - zs.avail_out;
    if (out.size() + produced > max_output) {
      inflateEnd(&zs);
      return Error{kMalformedBody, "inflate: output exceeds the limit of " + std::to_string(max_output) + " bytes"};
    }
    out.append(chunk, produced);
  }
  size_t at = deflated.size() - zs.avail_in;
  std::string why = zs.msg != nullptr ? zs.msg : "truncated zlib stream";
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return Error{kMalformedBody, "inflate: " + why + " at input byte " + std::to_string(at)};
  }
  return out;
}

Result<Bytes> deflate_body(ByteView raw, int level) {
  if (raw.size() > UINT_MAX / 2) return Error{kMalformedBody, "deflate: input too large"};
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  Bytes out(size, '\0');
  int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
                     static_cast<uLong>(raw.size()), level);
  if (rc != Z_OK) return Error{kMalformedBody, "deflate: zlib error " + std::to_string(rc)};
  out.resize(size);
  return out;
}

}  // namespace rmq::protocol
