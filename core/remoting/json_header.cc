#include "core/remoting/json_header.h"

#include <charconv>
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

void append_json_header(const RemotingCommand& cmd, Bytes& out) {
  JsonWriter w(out);
  w.begin_object().key("code").number(cmd.code);
  if (cmd.ext_fields) {
    w.key("extFields").begin_object();
    for (const auto& [k, v] : cmd.ext_fields->entries()) w.key(k).string(v);
    w.end_object();
  }
  w.key("flag").number(cmd.flag);
  if (auto name = language_name(cmd.language)) w.key("language").string(*name);
  w.key("opaque").number(cmd.opaque);
  if (cmd.remark) w.key("remark").string(*cmd.remark);
  if (cmd.serialize_type_current_rpc) {
    w.key("serializeTypeCurrentRPC").string(serialize_type_name(*cmd.serialize_type_current_rpc));
  }
  w.key("version").number(cmd.version);
  w.end_object();
}

std::optional<JsonHeaderError> parse_json_header(std::string_view text, RemotingCommand& cmd) {
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

}  // namespace rmq::remoting
