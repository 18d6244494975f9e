// A JSON writer that produces text the way fastjson 1.2.x (the JSON library of the Java 4.9.8 servers and
// client) writes it, so our output can be compared byte for byte with a real server's: no spaces, keys in the
// order the caller writes them, and fastjson's string escapes (see escape_json_string).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace rmq {

// Appends `text` (UTF-8) as a double-quoted JSON string with the escapes of fastjson's default writer:
// \" \\ \b \t \n \f \r, and \uXXXX (upper-case hex) for the other characters U+0000-U+001F, for U+007F-U+00A0
// and for U+2028. Other bytes are copied as they are.
void append_json_string(std::string& out, std::string_view text);

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { comma(); out_.push_back('{'); first_ = true; return *this; }
  JsonWriter& end_object() { out_.push_back('}'); first_ = false; return *this; }
  JsonWriter& begin_array() { comma(); out_.push_back('['); first_ = true; return *this; }
  JsonWriter& end_array() { out_.push_back(']'); first_ = false; return *this; }

  // Writes a key; the next value call writes its value.
  JsonWriter& key(std::string_view name) {
    comma();
    append_json_string(out_, name);
    out_.push_back(':');
    first_ = true;  // the value that follows takes no comma
    return *this;
  }
  // fastjson's legacy map form for integer keys: {0:"..."} (not valid JSON; Java peers before 4.9.4 expect it).
  JsonWriter& bare_key(int64_t name) {
    comma();
    append_integer(name);
    out_.push_back(':');
    first_ = true;
    return *this;
  }
  JsonWriter& string(std::string_view v) { comma(); append_json_string(out_, v); return *this; }
  JsonWriter& number(int64_t v) { comma(); append_integer(v); return *this; }
  JsonWriter& boolean(bool v) { comma(); out_ += v ? "true" : "false"; return *this; }
  JsonWriter& raw(std::string_view json) { comma(); out_.append(json); return *this; }

 private:
  void append_integer(int64_t v) {
    char digits[24];
    auto result = std::to_chars(digits, digits + sizeof digits, v);
    out_.append(digits, static_cast<size_t>(result.ptr - digits));
  }
  void comma() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
};

}  // namespace rmq
