#include "core/protocol/header_fields.h"

#include <limits>

#include "core/common/java_compat.h"
#include "core/common/java_compat.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

// The zero of every run of decimal digits (general category Nd) in the Basic Multilingual Plane, Unicode 13
// (JDK 17). Character.digit(ch, 10) accepts exactly these; a supplementary digit reaches Java's parser as two
// surrogate chars, neither of which is a digit.
constexpr uint32_t kDigitZeros[] = {
    0x0030, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66,
    0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
};

// The decimal value of the UTF-8 character at s[i] (advancing i past it), or -1 when it is no BMP digit or not
// well-formed UTF-8.
int next_digit(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead >= '0' && lead <= '9' ? lead - '0' : -1;
  }
  // Two- and three-byte sequences only: a four-byte one is a supplementary character (never a digit to Java),
  // anything else is not well-formed. The parse fails either way, so i need not advance.
  size_t extra = (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xE ? 2 : 0;
  if (extra == 0) return -1;
  uint32_t cp = lead & (0x3Fu >> extra);
  for (size_t k = 1; k <= extra; ++k) {
    if (i + k >= s.size() || (byte(i + k) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i + k) & 0x3Fu);
  }
  if (cp < (extra == 1 ? 0x80u : 0x800u)) return -1;  // overlong: Java decodes it as U+FFFD
  i += extra + 1;
  for (uint32_t zero : kDigitZeros) {
    if (cp >= zero && cp < zero + 10) return static_cast<int>(cp - zero);
  }
  return -1;
}

// Integer.parseInt / Long.parseLong (radix 10), including their negative accumulation so that MIN_VALUE parses
// and MAX_VALUE + 1 does not.
template <typename T>
std::optional<T> parse_java_integer(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    if (s.size() == 1) return std::nullopt;
    i = 1;
  }
  const T limit = negative ? std::numeric_limits<T>::min() : static_cast<T>(-std::numeric_limits<T>::max());
  const T multmin = static_cast<T>(limit / 10);
  T result = 0;
  while (i < s.size()) {
    int digit = next_digit(s, i);
    if (digit < 0 || result < multmin) return std::nullopt;
    result = static_cast<T>(result * 10);
    if (result < limit + digit) return std::nullopt;
    result = static_cast<T>(result - digit);
  }
  return negative ? result : static_cast<T>(-result);
}

// Inserts like HashMap.put: an existing key keeps its position and takes the new value.
void put(std::vector<std::string>& keys, std::vector<std::string>& values, const std::string& key,
         const std::string& value) {
  for (size_t k = 0; k < keys.size(); ++k) {
    if (keys[k] == key) {
      values[k] = value;
      return;
    }
  }
  keys.push_back(key);
  values.push_back(value);
}

ExtFields in_hash_map_order(const std::vector<std::string>& keys, const std::vector<std::string>& values) {
  ExtFields out;
  out.reserve(keys.size());
  for (size_t k : java_hash_map_order(keys)) out.append(keys[k], values[k]);
  return out;
}

}  // namespace

std::optional<int32_t> parse_java_int(std::string_view text) { return parse_java_integer<int32_t>(text); }
std::optional<int64_t> parse_java_long(std::string_view text) { return parse_java_integer<int64_t>(text); }

bool parse_java_boolean(std::string_view text) {
  constexpr std::string_view kTrue = "true";
  if (text.size() != kTrue.size()) return false;
  for (size_t k = 0; k < kTrue.size(); ++k) {
    char c = text[k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kTrue[k]) return false;
  }
  return true;
}

Error missing_field_error(std::string_view name) {
  return Error{kHeaderErrorCode, "the custom field <" + std::string(name) + "> is null"};
}

Error bad_number_error(std::string_view name, std::string_view value) {
  return Error{kHeaderErrorCode, "Failed field [" + std::string(name) +
                                     "] decoding: java.lang.NumberFormatException: For input string: \"" +
                                     std::string(value) + "\""};
}

ExtFields java_reflection_ext(const std::vector<JavaFieldValue>& fields) {
  // First the HashSet<Field> that getClazzFields builds: its order is the order the values are put in the map.
  std::vector<int32_t> field_hashes;
  field_hashes.reserve(fields.size());
  // Fields of one class share its (long) name: hash it once per run of equal names, not once per field.
  std::string_view last_class;
  int32_t class_hash = 0;
  for (const JavaFieldValue& f : fields) {
    if (f.declaring_class.data() != last_class.data() || f.declaring_class.size() != last_class.size()) {
      last_class = f.declaring_class;
      class_hash = java_string_hash(last_class);
    }
    field_hashes.push_back(class_hash ^ java_string_hash(f.name));
  }
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (size_t index : java_hash_order(field_hashes)) {
    const JavaFieldValue& f = fields[index];
    if (f.value) put(keys, values, std::string(f.name), *f.value);
  }
  return in_hash_map_order(keys, values);
}

ExtFields java_declared_ext(const std::vector<JavaFieldValue>& fields) {
  ExtFields out;
  for (const JavaFieldValue& f : fields) {
    if (f.value) out.append(std::string(f.name), *f.value);
  }
  return out;
}

ExtFields merge_java_ext(const ExtFields& added, const ExtFields& header_ext) {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (const auto& [key, value] : added.entries()) put(keys, values, key, value);
  // header_ext is already in HashMap order; keys that share a bucket of the merged map shared one there too,
  // so their relative order is still their insertion order.
  for (const auto& [key, value] : header_ext.entries()) put(keys, values, key, value);
  return in_hash_map_order(keys, values);
}

ExtFields merge_java_ext_fast(const ExtFields& added, const ExtFields& header_fast_ext) {
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (const auto& [key, value] : added.entries()) put(keys, values, key, value);
  ExtFields out = header_fast_ext;
  ExtFields map_part = in_hash_map_order(keys, values);
  for (const auto& [key, value] : map_part.entries()) out.append(key, value);
  return out;
}

namespace detail {

Status read_field(const ExtFields& ext, std::string_view name, std::string& out) {
  auto value = ext.get(name);
  if (!value) return missing_field_error(name);
  out.assign(*value);
  return Status::Ok();
}

Status read_field(const ExtFields& ext, std::string_view name, std::optional<std::string>& out) {
  if (auto value = ext.get(name)) out.emplace(*value);
  return Status::Ok();
}

Status read_field(const ExtFields& ext, std::string_view name, int32_t& out) {
  auto value = ext.get(name);
  if (!value) return missing_field_error(name);
  auto parsed = parse_java_int(*value);
  if (!parsed) return bad_number_error(name, *value);
  out = *parsed;
  return Status::Ok();
}

Status read_field(const ExtFields& ext, std::string_view name, std::optional<int32_t>& out) {
  auto value = ext.get(name);
  if (!value) return Status::Ok();
  auto parsed = parse_java_int(*value);
  if (!parsed) return bad_number_error(name, *value);
  out = *parsed;
  return Status::Ok();
}

Status read_field(const ExtFields& ext, std::string_view name, int64_t& out) {
  auto value = ext.get(name);
  if (!value) return missing_field_error(name);
  auto parsed = parse_java_long(*value);
  if (!parsed) return bad_number_error(name, *value);
  out = *parsed;
  return Status::Ok();
}

Status read_field(const ExtFields& ext, std::string_view name, std::optional<int64_t>& out) {
  auto value = ext.get(name);
  if (!value) return Status::Ok();
  auto parsed = parse_java_long(*value);
  if (!parsed) return bad_number_error(name, *value);
  out = *parsed;
  return Status::Ok();
}

Status read_field(const ExtFields& ext, std::string_view name, bool& out) {
  if (auto value = ext.get(name)) out = parse_java_boolean(*value);
  return Status::Ok();
}

Status read_field(const ExtFields& ext, std::string_view name, std::optional<bool>& out) {
  if (auto value = ext.get(name)) out = parse_java_boolean(*value);
  return Status::Ok();
}

}  // namespace detail
}  // namespace rmq::protocol
