#include "core/remoting/json_header.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <limits>

#include <boost/json/basic_parser_impl.hpp>

#include "core/common/fastjson_writer.h"

namespace rmq::remoting {
namespace {

namespace json = boost::json;

enum class Field : uint8_t {
  kIgnored, kCode, kLanguage, kVersion, kOpaque, kFlag, kRemark, kExtFields, kSerializeType,
};

Field field_from_key(std::string_view key) {
  switch (key.size()) {
    case 4: return key == "code" ? Field::kCode : key == "flag" ? Field::kFlag : Field::kIgnored;
    case 6: return key == "opaque" ? Field::kOpaque : key == "remark" ? Field::kRemark : Field::kIgnored;
    case 7: return key == "version" ? Field::kVersion : Field::kIgnored;
    case 8: return key == "language" ? Field::kLanguage : Field::kIgnored;
    case 9: return key == "extFields" ? Field::kExtFields : Field::kIgnored;
    case 23: return key == "serializeTypeCurrentRPC" ? Field::kSerializeType : Field::kIgnored;
    default: return Field::kIgnored;
  }
}

std::string_view field_name(Field f) {
  switch (f) {
    case Field::kCode: return "code";
    case Field::kLanguage: return "language";
    case Field::kVersion: return "version";
    case Field::kOpaque: return "opaque";
    case Field::kFlag: return "flag";
    case Field::kRemark: return "remark";
    case Field::kExtFields: return "extFields";
    case Field::kSerializeType: return "serializeTypeCurrentRPC";
    case Field::kIgnored: break;
  }
  return "?";
}

// SAX handler for boost::json::basic_parser: fills a RemotingCommand without building a JSON tree.
// Depth 1 is the header object; depth 2 the extFields object; deeper values belong to ignored fields.
class HeaderHandler {
 public:
  static constexpr size_t max_object_size = 1 << 20;
  static constexpr size_t max_array_size = 1 << 20;
  static constexpr size_t max_key_size = 1 << 24;
  static constexpr size_t max_string_size = 1 << 24;

  explicit HeaderHandler(RemotingCommand& cmd) : cmd_(cmd) {}

  // Set when the JSON is well formed but not a header (the parse is then stopped).
  std::string field_error;
  DecodeErrorKind field_error_kind = DecodeErrorKind::kBadJsonHeaderField;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code& ec);
  bool on_object_end(size_t, json::error_code&);
  bool on_array_begin(json::error_code& ec);
  bool on_array_end(size_t, json::error_code&) { --depth_; return true; }
  bool on_key_part(json::string_view s, size_t, json::error_code&) { key_.append(s.data(), s.size()); return true; }
  bool on_key(json::string_view s, size_t, json::error_code&);
  bool on_string_part(json::string_view s, size_t, json::error_code&) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, size_t, json::error_code& ec) {
    text_.append(s.data(), s.size());
    return scalar(Kind::kString, ec);
  }
  bool on_number_part(json::string_view s, json::error_code&) { text_.append(s.data(), s.size()); return true; }
  bool on_int64(int64_t, json::string_view s, json::error_code& ec) { return number(s, ec); }
  bool on_uint64(uint64_t, json::string_view s, json::error_code& ec) { return number(s, ec); }
  bool on_double(double, json::string_view s, json::error_code& ec) { return number(s, ec); }
  bool on_bool(bool b, json::error_code& ec) { text_ = b ? "true" : "false"; return scalar(Kind::kBool, ec); }
  bool on_null(json::error_code& ec) { return scalar(Kind::kNull, ec); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

  bool saw_opaque() const { return saw_opaque_; }

 private:
  enum class Kind : uint8_t { kString, kNumber, kBool, kNull };

  bool number(json::string_view s, json::error_code& ec) {
    text_.append(s.data(), s.size());
    return scalar(Kind::kNumber, ec);
  }
  bool scalar(Kind kind, json::error_code& ec);
  bool top_level_value(Kind kind, json::error_code& ec);
  bool int_field(Kind kind, int32_t& out, json::error_code& ec);
  bool language_ordinal(json::error_code& ec) {
    int32_t ordinal = 0;
    if (!int_field(Kind::kNumber, ordinal, ec)) return false;
    cmd_.language = ordinal >= 0 && ordinal < 255 ? language_from_byte(static_cast<uint8_t>(ordinal))
                                                 : LanguageCode::kUnknown;
    return true;
  }
  bool fail(std::string message, json::error_code& ec,
            DecodeErrorKind kind = DecodeErrorKind::kBadJsonHeaderField) {
    field_error = std::move(message);
    field_error_kind = kind;
    ec = json::error::syntax;  // any error stops the parser; field_error says what really happened
    return false;
  }

  RemotingCommand& cmd_;
  int depth_ = 0;
  Field field_ = Field::kIgnored;
  bool in_ext_ = false;
  bool saw_opaque_ = false;
  std::string key_;
  std::string text_;
};

bool HeaderHandler::on_object_begin(json::error_code& ec) {
  ++depth_;
  if (depth_ == 2 && field_ == Field::kExtFields) {
    in_ext_ = true;
    cmd_.ext_fields.emplace();
    cmd_.ext_fields->reserve(16);  // a send header has 13-14 entries: no regrowth for the common case
  } else if (depth_ == 2 && field_ != Field::kIgnored) {
    return fail("header field \"" + std::string(field_name(field_)) + "\" is an object", ec);
  } else if (depth_ == 3 && in_ext_) {
    return fail("extFields value of \"" + key_ + "\" is an object; expected a string, number or boolean", ec);
  }
  return true;
}

bool HeaderHandler::on_object_end(size_t, json::error_code&) {
  if (depth_ == 2) in_ext_ = false;
  --depth_;
  return true;
}

bool HeaderHandler::on_array_begin(json::error_code& ec) {
  ++depth_;
  if (depth_ == 1) return fail("the header is a JSON array, not an object", ec, DecodeErrorKind::kMalformedJsonHeader);
  if (depth_ == 2 && field_ != Field::kIgnored) {
    return fail("header field \"" + std::string(field_name(field_)) + "\" is an array", ec);
  }
  if (depth_ == 3 && in_ext_) {
    return fail("extFields value of \"" + key_ + "\" is an array; expected a string, number or boolean", ec);
  }
  return true;
}

bool HeaderHandler::on_key(json::string_view s, size_t, json::error_code&) {
  key_.append(s.data(), s.size());
  if (depth_ == 1) field_ = field_from_key(key_);
  if (depth_ != 2 || !in_ext_) key_.clear();  // only extFields keys are kept until their value arrives
  text_.clear();
  return true;
}

bool HeaderHandler::scalar(Kind kind, json::error_code& ec) {
  bool ok = true;
  if (depth_ == 0) {
    ok = fail("the header is a JSON scalar, not an object", ec, DecodeErrorKind::kMalformedJsonHeader);
  } else if (depth_ == 1) {
    ok = top_level_value(kind, ec);
  } else if (depth_ == 2 && in_ext_) {
    // Java holds extFields as Map<String,String>: a null value is as good as absent.
    if (kind != Kind::kNull) cmd_.ext_fields->append(std::move(key_), std::move(text_));
    key_.clear();
  }
  text_.clear();
  return ok;
}

bool HeaderHandler::int_field(Kind kind, int32_t& out, json::error_code& ec) {
  if (kind == Kind::kNull) return true;  // fastjson leaves the Java default
  int64_t value = 0;
  auto [ptr, err] = std::from_chars(text_.data(), text_.data() + text_.size(), value);
  bool whole = err == std::errc() && ptr == text_.data() + text_.size();
  if ((kind != Kind::kNumber && kind != Kind::kString) || !whole || value < std::numeric_limits<int32_t>::min() ||
      value > std::numeric_limits<int32_t>::max()) {
    return fail("header field \"" + std::string(field_name(field_)) + "\" is not a 32-bit integer: " + text_, ec);
  }
  out = static_cast<int32_t>(value);
  return true;
}

bool HeaderHandler::top_level_value(Kind kind, json::error_code& ec) {
  switch (field_) {
    case Field::kCode: return int_field(kind, cmd_.code, ec);
    case Field::kVersion: return int_field(kind, cmd_.version, ec);
    case Field::kFlag: return int_field(kind, cmd_.flag, ec);
    case Field::kOpaque:
      saw_opaque_ = saw_opaque_ || kind != Kind::kNull;
      return int_field(kind, cmd_.opaque, ec);
    case Field::kLanguage:
      if (kind == Kind::kString) cmd_.language = language_from_name(text_);
      else if (kind == Kind::kNumber) return language_ordinal(ec);
      return true;
    case Field::kRemark:
      if (kind == Kind::kNull) cmd_.remark.reset();
      else cmd_.remark = std::move(text_);
      return true;
    case Field::kSerializeType:
      cmd_.serialize_type_current_rpc =
          kind == Kind::kString ? serialize_type_from_name(text_) : std::optional<SerializeType>();
      return true;
    case Field::kExtFields:
      if (kind == Kind::kNull) { cmd_.ext_fields.reset(); return true; }
      return fail("header field \"extFields\" is not an object: " + text_, ec);
    case Field::kIgnored: return true;
  }
  return true;
}

}  // namespace

namespace {

void append_int(Bytes& out, int64_t v) {
  char digits[24];
  auto result = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, static_cast<size_t>(result.ptr - digits));
}

}  // namespace

void append_json_header(const RemotingCommand& cmd, Bytes& out) {
  // What JsonWriter would write, with the constant keys as literals, and room made once.
  size_t room = 160 + (cmd.remark ? cmd.remark->size() + 16 : 0);
  if (cmd.ext_fields) {
    for (const auto& [k, v] : cmd.ext_fields->entries()) room += k.size() + v.size() + 6;
  }
  out.reserve(out.size() + room);
  out.append("{\"code\":");
  append_int(out, cmd.code);
  if (cmd.ext_fields) {
    out.append(",\"extFields\":{");
    bool first = true;
    for (const auto& [k, v] : cmd.ext_fields->entries()) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, k);
      out.push_back(':');
      append_json_string(out, v);
    }
    out.push_back('}');
  }
  out.append(",\"flag\":");
  append_int(out, cmd.flag);
  if (auto name = language_name(cmd.language)) {
    out.append(",\"language\":\"");
    out.append(*name);  // upper-case ASCII names: nothing to escape
    out.push_back('"');
  }
  out.append(",\"opaque\":");
  append_int(out, cmd.opaque);
  if (cmd.remark) {
    out.append(",\"remark\":");
    append_json_string(out, *cmd.remark);
  }
  if (cmd.serialize_type_current_rpc) {
    out.append(",\"serializeTypeCurrentRPC\":\"");
    out.append(serialize_type_name(*cmd.serialize_type_current_rpc));
    out.push_back('"');
  }
  out.append(",\"version\":");
  append_int(out, cmd.version);
  out.push_back('}');
}

namespace detail {

std::optional<JsonHeaderError> parse_json_header_boost(std::string_view text, RemotingCommand& cmd) {
  json::parse_options options;
  options.max_depth = 32;
  json::basic_parser<HeaderHandler> parser(options, cmd);
  json::error_code ec;
  size_t consumed = parser.write_some(false, text.data(), text.size(), ec);
  auto& handler = parser.handler();
  if (!handler.field_error.empty()) {
    return JsonHeaderError{handler.field_error_kind, "JSON header: " + handler.field_error, consumed};
  }
  if (ec) {
    return JsonHeaderError{DecodeErrorKind::kMalformedJsonHeader,
                           "malformed JSON header at byte " + std::to_string(consumed) + ": " + ec.message(),
                           consumed};
  }
  size_t end = consumed;
  while (end < text.size() && (text[end] == ' ' || text[end] == '\n' || text[end] == '\r' || text[end] == '\t')) ++end;
  if (end != text.size()) {
    return JsonHeaderError{DecodeErrorKind::kMalformedJsonHeader,
                           "malformed JSON header: unexpected text after the object at byte " + std::to_string(end),
                           end};
  }
  cmd.opaque_missing = !handler.saw_opaque();
  return std::nullopt;
}

// --- the fast path ----------------------------------------------------------------------------------------------
//
// Real headers have one shape: an object of scalars and one flat extFields object of ASCII strings and integers.
// The fast path reads exactly that shape, and nothing else, in two passes: scan() checks the whole text and
// records what it found (views into the text, no allocation); apply() then fills the command as the SAX handler
// above would. Anything outside the shape — a byte >= 0x80 (Boost.JSON validates UTF-8), a control character, a
// surrogate escape, a number that is not a plain integer of at most 18 digits, a nested value, a comment, an error
// of any kind, more than kMaxExt ext entries — makes scan() decline before the command is touched, and the
// Boost.JSON path decides (with its error messages and offsets). json_header_test.cc checks both paths give the
// same command on every real frame, on crafted edge cases and on random mutations.
namespace {

enum class Kind2 : uint8_t { kString, kNumber, kTrue, kFalse, kNull, kObject };

// No default member initializers: the scanner's arrays are left uninitialized (zeroing them cost a fifth of a
// header's decode), and every field is written before it is read.
struct Scalar {
  Kind2 kind;
  bool escaped;          // the contents hold a backslash escape
  std::string_view raw;  // string contents between the quotes (still escaped), or the number's text
};

struct TopEntry {
  Field field;
  Scalar value;
  int32_t int_value;  // code, version, flag, opaque and a numeric language, checked by scan(); unset for null
  uint16_t ext_begin;  // extFields objects only
  uint16_t ext_end;
};

struct ExtEntry {
  Scalar key;
  Scalar value;
};

constexpr size_t kMaxTop = 16;
constexpr size_t kMaxExt = 32;

// The bytes of the 8 in `w` (little-endian load) that are < 0x20, '"', '\\' or >= 0x80, as their high bits. Only
// the lowest flagged byte is exact (a borrow may flag a higher one): callers use it, with countr_zero.
inline uint64_t special_bytes(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  return below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) | (w & kHighs);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

#define RMQ_INLINE [[gnu::always_inline]] inline

RMQ_INLINE void skip_ws(const char*& p, const char* end) {
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) ++p;
}

// A string at p ('"' included) into `out`; declines (false) on anything Boost.JSON would reject or decode to
// non-ASCII (raw bytes >= 0x80, surrogate escapes).
RMQ_INLINE bool scan_string(const char*& p, const char* end, Scalar& out) {
  if (p == end || *p != '"') return false;
  const char* start = ++p;
  bool escaped = false;
  for (;;) {
    // Plain bytes 8 at a time; the first byte to look at is found with countr_zero (little-endian only: on a
    // big-endian machine the byte loop below does all the work).
    if constexpr (std::endian::native == std::endian::little) {
      while (end - p >= 8) {
        uint64_t word;
        std::memcpy(&word, p, 8);
        uint64_t special = special_bytes(word);
        if (special != 0) {
          p += std::countr_zero(special) / 8;
          break;
        }
        p += 8;
      }
    }
    if (p == end) return false;
    auto c = static_cast<unsigned char>(*p);
    if (c == '"') break;
    if (c < 0x20 || c >= 0x80) return false;
    if (c == '\\') {
      escaped = true;
      if (++p == end) return false;
      switch (*p) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't': ++p; break;
        case 'u': {
          if (end - p < 5) return false;
          int unit = 0;
          for (int i = 1; i <= 4; ++i) {
            int h = hex_value(p[i]);
            if (h < 0) return false;
            unit = unit * 16 + h;
          }
          if (unit >= 0xD800 && unit <= 0xDFFF) return false;  // surrogates: left to Boost.JSON
          p += 5;
          break;
        }
        default: return false;
      }
      continue;
    }
    ++p;
  }
  out.kind = Kind2::kString;
  out.escaped = escaped;
  out.raw = std::string_view(start, static_cast<size_t>(p - start));
  ++p;  // the closing quote
  return true;
}

RMQ_INLINE bool scan_literal(const char*& p, const char* end, std::string_view word) {
  if (static_cast<size_t>(end - p) < word.size() || std::memcmp(p, word.data(), word.size()) != 0) return false;
  p += word.size();
  return true;
}

// A scalar value at p (after whitespace): string, plain integer, true, false or null.
RMQ_INLINE bool scan_scalar(const char*& p, const char* end, Scalar& out) {
  skip_ws(p, end);
  if (p == end) return false;
  switch (*p) {
    case '"': return scan_string(p, end, out);
    case 't': out = {Kind2::kTrue, false, {}}; return scan_literal(p, end, "true");
    case 'f': out = {Kind2::kFalse, false, {}}; return scan_literal(p, end, "false");
    case 'n': out = {Kind2::kNull, false, {}}; return scan_literal(p, end, "null");
    default: break;
  }
  // -?(0|[1-9][0-9]*), at most 18 digits (always an int64 for Boost.JSON), and no fraction or exponent.
  const char* start = p;
  if (*p == '-') ++p;
  const char* digits = p;
  while (p < end && *p >= '0' && *p <= '9') ++p;
  auto n = static_cast<size_t>(p - digits);
  if (n == 0 || n > 18 || (n > 1 && *digits == '0')) return false;
  if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return false;
  out = {Kind2::kNumber, false, std::string_view(start, static_cast<size_t>(p - start))};
  return true;
}

// HeaderHandler::int_field: numbers and (unescaped) strings that are whole 32-bit integers; null keeps the
// default (out untouched); anything else is an error (left to the Boost.JSON path to report).
bool int32_of(const Scalar& value, int32_t& out) {
  if (value.kind == Kind2::kNull) return true;
  if ((value.kind != Kind2::kNumber && value.kind != Kind2::kString) || value.escaped) return false;
  int64_t v = 0;
  const char* first = value.raw.data();
  const char* last = first + value.raw.size();
  auto [ptr, err] = std::from_chars(first, last, v);
  if (err != std::errc() || ptr != last || v < std::numeric_limits<int32_t>::min() ||
      v > std::numeric_limits<int32_t>::max()) {
    return false;
  }
  out = static_cast<int32_t>(v);
  return true;
}

// After a member: ',' (true, more follows) or '}' (true, `closed`); anything else declines.
RMQ_INLINE bool scan_separator(const char*& p, const char* end, bool& closed) {
  skip_ws(p, end);
  if (p == end) return false;
  if (*p == ',') {
    ++p;
    return true;
  }
  if (*p == '}') {
    ++p;
    closed = true;
    return true;
  }
  return false;
}

// What one pass over the text found: views into it, no allocation. Left uninitialized but for the counts.
struct FastScanner {
  TopEntry top[kMaxTop];
  size_t top_count = 0;
  ExtEntry ext[kMaxExt];
  size_t ext_count = 0;

  bool scan(std::string_view text);
};

bool FastScanner::scan(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  skip_ws(p, end);
  if (p == end || *p != '{') return false;
  ++p;
  skip_ws(p, end);
  if (p < end && *p == '}') {
    ++p;
  } else {
    for (bool closed = false; !closed;) {
      if (top_count == kMaxTop) return false;
      TopEntry& t = top[top_count++];
      Scalar key;
      skip_ws(p, end);
      if (!scan_string(p, end, key) || key.escaped) return false;
      skip_ws(p, end);
      if (p == end || *p != ':') return false;
      ++p;
      t.field = field_from_key(key.raw);
      skip_ws(p, end);
      if (p == end) return false;
      if (*p == '{') {
        if (t.field != Field::kExtFields) return false;  // an error, or an ignored nested value
        ++p;
        t.value.kind = Kind2::kObject;
        t.ext_begin = static_cast<uint16_t>(ext_count);
        skip_ws(p, end);
        if (p < end && *p == '}') {
          ++p;
        } else {
          for (bool ext_closed = false; !ext_closed;) {
            if (ext_count == kMaxExt) return false;
            ExtEntry& e = ext[ext_count++];
            skip_ws(p, end);
            if (!scan_string(p, end, e.key)) return false;
            skip_ws(p, end);
            if (p == end || *p != ':') return false;
            ++p;
            if (!scan_scalar(p, end, e.value) || !scan_separator(p, end, ext_closed)) return false;
          }
        }
        t.ext_end = static_cast<uint16_t>(ext_count);
      } else {
        if (!scan_scalar(p, end, t.value)) return false;
        switch (t.field) {
          case Field::kCode: case Field::kVersion: case Field::kFlag: case Field::kOpaque:
            if (!int32_of(t.value, t.int_value)) return false;
            break;
          case Field::kLanguage:
            if (t.value.escaped) return false;
            if (t.value.kind == Kind2::kNumber && !int32_of(t.value, t.int_value)) return false;
            break;
          case Field::kSerializeType:
            if (t.value.escaped) return false;
            break;
          case Field::kExtFields:
            if (t.value.kind != Kind2::kNull) return false;  // a scalar extFields: an error
            break;
          case Field::kRemark: case Field::kIgnored: break;
        }
      }
      if (!scan_separator(p, end, closed)) return false;
    }
  }
  skip_ws(p, end);
  return p == end;
}

#undef RMQ_INLINE

// The text of a scanned scalar as the SAX handler collects it: unescaped string contents, the number's text,
// "true" / "false".
std::string scalar_text(const Scalar& s) {
  switch (s.kind) {
    case Kind2::kTrue: return "true";
    case Kind2::kFalse: return "false";
    case Kind2::kNumber: return std::string(s.raw);
    case Kind2::kNull: case Kind2::kObject: return {};
    case Kind2::kString: break;
  }
  if (!s.escaped) return std::string(s.raw);
  std::string out;
  out.reserve(s.raw.size());
  for (size_t i = 0; i < s.raw.size(); ++i) {
    size_t escape = s.raw.find('\\', i);
    if (escape == std::string_view::npos) escape = s.raw.size();
    out.append(s.raw.data() + i, escape - i);
    i = escape;
    if (i == s.raw.size()) break;
    char e = s.raw[++i];
    switch (e) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        unsigned unit = 0;
        for (int k = 1; k <= 4; ++k) unit = unit * 16 + static_cast<unsigned>(hex_value(s.raw[i + k]));
        i += 4;
        if (unit < 0x80) {
          out.push_back(static_cast<char>(unit));
        } else if (unit < 0x800) {
          out.push_back(static_cast<char>(0xC0 | (unit >> 6)));
          out.push_back(static_cast<char>(0x80 | (unit & 0x3F)));
        } else {
          out.push_back(static_cast<char>(0xE0 | (unit >> 12)));
          out.push_back(static_cast<char>(0x80 | ((unit >> 6) & 0x3F)));
          out.push_back(static_cast<char>(0x80 | (unit & 0x3F)));
        }
        break;
      }
      default: out.push_back(e); break;  // '"', '\\', '/'
    }
  }
  return out;
}

void apply(const FastScanner& scan, RemotingCommand& cmd) {
  bool saw_opaque = false;
  for (size_t i = 0; i < scan.top_count; ++i) {
    const TopEntry& t = scan.top[i];
    const Scalar& v = t.value;
    const bool null = v.kind == Kind2::kNull;
    switch (t.field) {
      case Field::kCode: if (!null) cmd.code = t.int_value; break;
      case Field::kVersion: if (!null) cmd.version = t.int_value; break;
      case Field::kFlag: if (!null) cmd.flag = t.int_value; break;
      case Field::kOpaque:
        saw_opaque = saw_opaque || !null;
        if (!null) cmd.opaque = t.int_value;
        break;
      case Field::kLanguage:
        if (v.kind == Kind2::kString) {
          cmd.language = language_from_name(v.raw);
        } else if (v.kind == Kind2::kNumber) {
          cmd.language = t.int_value >= 0 && t.int_value < 255 ? language_from_byte(static_cast<uint8_t>(t.int_value))
                                                               : LanguageCode::kUnknown;
        }
        break;
      case Field::kRemark:
        if (null) cmd.remark.reset();
        else cmd.remark = scalar_text(v);
        break;
      case Field::kSerializeType:
        cmd.serialize_type_current_rpc =
            v.kind == Kind2::kString ? serialize_type_from_name(v.raw) : std::optional<SerializeType>();
        break;
      case Field::kExtFields:
        if (null) {
          cmd.ext_fields.reset();
          break;
        }
        cmd.ext_fields.emplace();
        cmd.ext_fields->reserve(t.ext_end - t.ext_begin);
        for (size_t k = t.ext_begin; k < t.ext_end; ++k) {
          const ExtEntry& e = scan.ext[k];
          if (e.value.kind == Kind2::kNull) continue;  // Java's Map<String,String>: null is as good as absent
          if (!e.key.escaped && !e.value.escaped && e.value.kind != Kind2::kTrue && e.value.kind != Kind2::kFalse) {
            // The usual entry: both texts as they stand in the header, built in place.
            cmd.ext_fields->mutable_entries().emplace_back(e.key.raw, e.value.raw);
          } else {
            cmd.ext_fields->append(scalar_text(e.key), scalar_text(e.value));
          }
        }
        break;
      case Field::kIgnored: break;
    }
  }
  cmd.opaque_missing = !saw_opaque;
}

}  // namespace

bool parse_json_header_fast(std::string_view text, RemotingCommand& cmd) {
  FastScanner scanner;
  if (!scanner.scan(text)) return false;
  apply(scanner, cmd);
  return true;
}

}  // namespace detail

std::optional<JsonHeaderError> parse_json_header(std::string_view text, RemotingCommand& cmd) {
  if (detail::parse_json_header_fast(text, cmd)) return std::nullopt;
  return detail::parse_json_header_boost(text, cmd);
}

}  // namespace rmq::remoting
