#include "core/protocol/json_body.h"

#include "core/common/java_compat.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <limits>

#include "core/protocol/body_error.h"

namespace rmq::protocol::detail {
namespace json = boost::json;

namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Maps a position in the normalized text back to the caller's original input.
size_t original_position(size_t pos, const std::vector<size_t>& inserted) {
  auto before = static_cast<size_t>(std::lower_bound(inserted.begin(), inserted.end(), pos) - inserted.begin());
  return pos - before;
}

void append_u_escape(std::string& out, uint32_t unit) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const char escaped[] = {'\\', 'u', kHex[(unit >> 12) & 15], kHex[(unit >> 8) & 15], kHex[(unit >> 4) & 15],
                          kHex[unit & 15]};
  out.append(escaped, sizeof escaped);
}

}  // namespace

Result<json::value> parse_json(std::string_view text, std::string_view what, const std::vector<size_t>& inserted) {
  auto fail = [&](size_t pos, std::string_view why) {
    return malformed_body(std::string(what) + ": invalid JSON at byte " +
                          std::to_string(original_position(pos, inserted)) + ": " + std::string(why));
  };
  try {
    json::stream_parser parser;
    json::error_code ec;
    size_t used = parser.write_some(text.data(), text.size(), ec);
    if (ec) return fail(used, ec.message());
    size_t rest = used;
    while (rest < text.size() && is_json_space(text[rest])) ++rest;
    if (rest < text.size()) return fail(rest, "unexpected text after the JSON value");
    parser.finish(ec);
    if (ec) return fail(text.size(), ec.message());
    return parser.release();
  } catch (const std::exception& e) {  // allocation failure: report, never escape
    return malformed_body(std::string(what) + ": cannot parse: " + e.what());
  }
}

std::string_view json_kind_name(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64: return "integer";
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "value";
}

std::optional<int64_t> json_to_int64(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_string()) {
    const json::string& s = v.get_string();
    int64_t out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

FieldReader::FieldReader(const json::object& obj, std::string_view what, std::string path)
    : obj_(obj), what_(what), path_(std::move(path)) {}

std::string FieldReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void FieldReader::fail(std::string_view key, std::string_view message) {
  if (!error_) error_ = what_ + ": " + path_of(key) + ": " + std::string(message);
}

Error FieldReader::error() const { return malformed_body(error_.value_or(what_ + ": no error")); }

const json::value* FieldReader::value(std::string_view key, bool required) {
  const json::value* v = obj_.if_contains(key);
  if (v == nullptr || v->is_null()) {
    if (required) fail(key, "missing");
    return nullptr;
  }
  return v;
}

void FieldReader::string(std::string_view key, std::string& out, bool required) {
  const json::value* v = value(key, required);
  if (v == nullptr) return;
  if (!v->is_string()) return fail(key, "expected a string, got " + std::string(json_kind_name(*v)));
  out.assign(v->get_string().data(), v->get_string().size());
}

void FieldReader::optional_string(std::string_view key, std::optional<std::string>& out) {
  std::string s;
  if (value(key, false) == nullptr) return;
  string(key, s, false);
  if (ok()) out = std::move(s);
}

void FieldReader::int64(std::string_view key, int64_t& out, bool required) {
  const json::value* v = value(key, required);
  if (v == nullptr) return;
  std::optional<int64_t> n = json_to_int64(*v);
  if (!n) return fail(key, "expected an integer, got " + std::string(json_kind_name(*v)));
  out = *n;
}

void FieldReader::int32(std::string_view key, int32_t& out, bool required) {
  int64_t wide = out;
  int64(key, wide, required);
  if (!ok()) return;
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max()) {
    return fail(key, "integer " + std::to_string(wide) + " out of int32 range");
  }
  out = static_cast<int32_t>(wide);
}

void FieldReader::boolean(std::string_view key, bool& out, bool required) {
  const json::value* v = value(key, required);
  if (v == nullptr) return;
  if (v->is_bool()) { out = v->get_bool(); return; }
  if (v->is_string() && (v->get_string() == "true" || v->get_string() == "false")) {
    out = v->get_string() == "true";
    return;
  }
  std::optional<int64_t> n = json_to_int64(*v);
  if (n && (*n == 0 || *n == 1)) { out = *n == 1; return; }
  fail(key, "expected a boolean, got " + std::string(json_kind_name(*v)));
}

const json::array* FieldReader::array(std::string_view key, bool required) {
  const json::value* v = value(key, required);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) { fail(key, "expected an array, got " + std::string(json_kind_name(*v))); return nullptr; }
  return &v->get_array();
}

const json::object* FieldReader::object(std::string_view key, bool required) {
  const json::value* v = value(key, required);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) { fail(key, "expected an object, got " + std::string(json_kind_name(*v))); return nullptr; }
  return &v->get_object();
}

std::string element_path(const std::string& path, std::string_view key, size_t index) {
  std::string p = path.empty() ? std::string(key) : path + "." + std::string(key);
  return p + "[" + std::to_string(index) + "]";
}

Error shape_error(std::string_view what, std::string_view path, std::string_view expected, const json::value& got) {
  std::string where = path.empty() ? std::string("top level") : std::string(path);
  return malformed_body(std::string(what) + ": " + where + ": expected " + std::string(expected) + ", got " +
                        std::string(json_kind_name(got)));
}

void append_browser_compatible_string(std::string& out, std::string_view text) {
  out.push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = next_utf8_code_point(text, i);
    switch (cp) {
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case '/': out += "\\/"; continue;
      case '\b': out += "\\b"; continue;
      case '\f': out += "\\f"; continue;
      case '\n': out += "\\n"; continue;
      case '\r': out += "\\r"; continue;
      case '\t': out += "\\t"; continue;
      default: break;
    }
    if (cp >= 0x20 && cp < 0x7F) {
      out.push_back(static_cast<char>(cp));
    } else if (cp >= 0x10000) {  // Java escapes the two UTF-16 surrogates of a supplementary character
      cp -= 0x10000;
      append_u_escape(out, 0xD800 + (cp >> 10));
      append_u_escape(out, 0xDC00 + (cp & 0x3FF));
    } else {
      append_u_escape(out, cp);
    }
  }
  out.push_back('"');
}

}  // namespace rmq::protocol::detail
