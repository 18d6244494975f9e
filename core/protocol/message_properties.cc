#include "core/protocol/message_properties.h"

#include <algorithm>

#include "core/common/java_compat.h"
#include "core/common/java_compat.h"

namespace rmq::protocol {

std::string encode_properties(const PropertyList& properties) {
  size_t size = 0;
  for (const auto& [name, value] : properties) size += name.size() + value.size() + 2;
  std::string out;
  out.reserve(size);
  for (const auto& [name, value] : properties) {
    if (!out.empty()) out.push_back(kPropertySeparator);
    out += name;
    out.push_back(kNameValueSeparator);
    out += value;
  }
  return out;
}

PropertyList decode_properties(std::string_view text) {
  PropertyList out;
  size_t index = 0;
  while (index < text.size()) {
    size_t end = text.find(kPropertySeparator, index);
    if (end == std::string_view::npos) end = text.size();
    std::string_view segment = text.substr(index, end - index);
    size_t sep = segment.find(kNameValueSeparator);
    // Java: segment length >= 3 and 0 < sep < length - 1 (a non-empty name and a non-empty value).
    if (segment.size() >= 3 && sep != std::string_view::npos && sep > 0 && sep < segment.size() - 1) {
      set_property(out, segment.substr(0, sep), std::string(segment.substr(sep + 1)));
    }
    index = end + 1;
  }
  return out;
}

std::optional<std::string_view> find_property(const PropertyList& properties, std::string_view name) {
  for (const auto& [k, v] : properties) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

void set_property(PropertyList& properties, std::string_view name, std::string value) {
  for (auto& [k, v] : properties) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  properties.emplace_back(std::string(name), std::move(value));
}

bool erase_property(PropertyList& properties, std::string_view name) {
  auto it = std::find_if(properties.begin(), properties.end(), [&](const Property& p) { return p.first == name; });
  if (it == properties.end()) return false;
  properties.erase(it);
  return true;
}

void sort_properties_java_order(PropertyList& properties) {
  sort_java_hash_order(properties, [](const Property& p) { return java_string_hash(p.first); });
}

}  // namespace rmq::protocol
