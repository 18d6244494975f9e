// Shared plumbing of the JSON body codecs (route, heartbeat, consumer list, lock bodies): strict parsing with a
// byte position in every syntax error, and typed field access that names the JSON path of a bad field.
// Reading is as lenient as fastjson is on the Java side where real peers rely on it: integers may arrive as
// digit strings (the C++ client sends "subVersion":"1700000000000"), null counts as absent, unknown keys are
// ignored. Internal to core/protocol.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/common/status.h"

namespace rmq::protocol::detail {

// Parses one JSON value filling all of `text` (whitespace around it allowed). `what` names the body in errors
// ("route body: invalid JSON at byte 17: syntax error"). `inserted` lists positions in `text` of characters
// that were added to the caller's original input (see quote_bare_integer_keys); error positions are reported
// in the original input.
Result<boost::json::value> parse_json(std::string_view text, std::string_view what,
                                      const std::vector<size_t>& inserted = {});

// "string", "number", "object", ... for messages.
std::string_view json_kind_name(const boost::json::value& v);

// fastjson-style integer coercion: a JSON integer, or a string holding a decimal integer. nullopt otherwise.
std::optional<int64_t> json_to_int64(const boost::json::value& v);

// Typed access to the fields of one JSON object. Getters leave `out` untouched when the key is absent or
// null; an absent required key, a wrong type or an out-of-range number records an error. The first error
// wins; check ok() after reading and return error().
class FieldReader {
 public:
  // `what` names the body, `path` this object inside it ("" at the top, "consumerDataSet[0]" below).
  FieldReader(const boost::json::object& obj, std::string_view what, std::string path);

  void string(std::string_view key, std::string& out, bool required = true);
  void optional_string(std::string_view key, std::optional<std::string>& out);
  void int32(std::string_view key, int32_t& out, bool required = true);
  void int64(std::string_view key, int64_t& out, bool required = true);
  // true/false, or fastjson's lenient 0/1 and "true"/"false".
  void boolean(std::string_view key, bool& out, bool required = false);
  // nullptr when absent or null (an error if required) or of another type (an error).
  const boost::json::array* array(std::string_view key, bool required = false);
  const boost::json::object* object(std::string_view key, bool required = false);
  // The raw value, nullptr when absent or null (an error if required).
  const boost::json::value* value(std::string_view key, bool required);

  // "consumerDataSet[0].groupName" for key "groupName".
  std::string path_of(std::string_view key) const;
  std::string_view what() const { return what_; }
  // Records "<what>: <path>: <message>" unless an error is already recorded.
  void fail(std::string_view key, std::string_view message);
  bool ok() const { return !error_.has_value(); }
  Error error() const;

 private:
  const boost::json::object& obj_;
  std::string what_;
  std::string path_;
  std::optional<std::string> error_;
};

// A JSON array element's path: "<path>[<index>]" (path may be empty at the top level).
std::string element_path(const std::string& path, std::string_view key, size_t index);

// Error for a value at `path` of the wrong shape, e.g. "<what>: <path>: expected an object, got string".
Error shape_error(std::string_view what, std::string_view path, std::string_view expected,
                  const boost::json::value& got);

// Appends `text` as fastjson writes a string under SerializerFeature.BrowserCompatible (the 4.9.4+ nameserver's
// standard-JSON route form): \" \\ \/ \b \f \n \r \t, \u00XX for other controls, \uXXXX (upper-case hex, UTF-16
// code units) for every character >= 0x7F. Ill-formed UTF-8 bytes are written as \uFFFD.
void append_browser_compatible_string(std::string& out, std::string_view text);

}  // namespace rmq::protocol::detail
