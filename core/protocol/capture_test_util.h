// Test-only helpers over the real-4.9.8 captures and the client logs for the body codec tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/common/byte_io.h"
#include "testutil/corpus.h"

namespace rmq::protocol::test {

inline const std::vector<testutil::CaptureLine>& captures() {
  static const std::vector<testutil::CaptureLine> all = testutil::load_real_captures();
  return all;
}

inline const boost::json::object* object_field(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

// request_header.code, or -1.
inline int64_t request_code(const boost::json::object& line) {
  const boost::json::object* h = object_field(line, "request_header");
  const boost::json::value* code = h != nullptr ? h->if_contains("code") : nullptr;
  return code != nullptr && code->is_int64() ? code->get_int64() : -1;
}

inline int64_t response_code(const boost::json::object& line) {
  const boost::json::object* h = object_field(line, "response_header");
  const boost::json::value* code = h != nullptr ? h->if_contains("code") : nullptr;
  return code != nullptr && code->is_int64() ? code->get_int64() : -1;
}

// "<file>:<name>/<serialize>" for failure messages.
inline std::string describe(const testutil::CaptureLine& c) {
  return c.file + ":" + testutil::string_field(c.line, "name") + "/" + testutil::string_field(c.line, "serialize");
}

// The body of a whole frame: length word, header-length word (low 24 bits = header length), header, body.
inline std::optional<Bytes> frame_body(const Bytes& frame) {
  ByteReader r(frame);
  uint32_t total = 0, header_word = 0;
  if (!r.u32(total) || !r.u32(header_word) || !r.skip(header_word & 0xFFFFFF)) return std::nullopt;
  if (total + 4 != frame.size()) return std::nullopt;
  ByteView body;
  r.bytes(r.remaining(), body);
  return Bytes(body);
}

// The lines of a client log (captures/clients/<name>) that contain `marker`, with the text after it.
inline std::vector<std::string> client_log_values(const std::string& name, const std::string& marker) {
  std::vector<std::string> out;
  std::string text = testutil::read_file(testutil::spec_path("captures/clients/" + name));
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (size_t at = line.find(marker); at != std::string::npos) out.push_back(line.substr(at + marker.size()));
    pos = end + 1;
  }
  return out;
}

}  // namespace rmq::protocol::test
