#include "core/remoting/remoting_command.h"

#include <algorithm>
#include <array>

namespace rmq::remoting {
namespace {

constexpr std::array<std::string_view, 14> kLanguageNames = {
    "JAVA", "CPP", "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY", "OTHER", "HTTP", "GO", "PHP", "OMS", "RUST",
    "NODE_JS"};

}  // namespace

std::string_view serialize_type_name(SerializeType type) {
  return type == SerializeType::kJson ? "JSON" : "ROCKETMQ";
}

std::optional<SerializeType> serialize_type_from_name(std::string_view name) {
  if (name == "JSON") return SerializeType::kJson;
  if (name == "ROCKETMQ") return SerializeType::kRocketMq;
  return std::nullopt;
}

std::optional<std::string_view> language_name(LanguageCode code) {
  auto index = static_cast<size_t>(code);
  if (index < kLanguageNames.size()) return kLanguageNames[index];
  return std::nullopt;
}

LanguageCode language_from_name(std::string_view name) {
  auto it = std::find(kLanguageNames.begin(), kLanguageNames.end(), name);
  if (it == kLanguageNames.end()) return LanguageCode::kUnknown;
  return static_cast<LanguageCode>(it - kLanguageNames.begin());
}

LanguageCode language_from_byte(uint8_t byte) {
  return byte < kLanguageNames.size() ? static_cast<LanguageCode>(byte) : LanguageCode::kUnknown;
}

void ExtFields::set(std::string_view key, std::string value) {
  for (auto& entry : entries_) {
    if (entry.first == key) {
      entry.second = std::move(value);
      return;
    }
  }
  entries_.emplace_back(std::string(key), std::move(value));
}

std::optional<std::string_view> ExtFields::get(std::string_view key) const {
  // The last occurrence wins, as when a Java map is filled from a JSON object with a repeated key.
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->first == key) return std::string_view(it->second);
  }
  return std::nullopt;
}

bool ExtFields::erase(std::string_view key) {
  auto before = entries_.size();
  std::erase_if(entries_, [&](const Entry& e) { return e.first == key; });
  return entries_.size() != before;
}

RemotingCommand make_request(int32_t code, int32_t opaque, ExtFields ext, SerializeType serialize) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.language = LanguageCode::kJava;
  cmd.version = kVersion498;
  cmd.opaque = opaque;
  if (!ext.empty()) cmd.ext_fields = std::move(ext);
  cmd.serialize_type_current_rpc = SerializeType::kJson;
  cmd.header_serialize = serialize;
  return cmd;
}

RemotingCommand make_response(const RemotingCommand& request, int32_t code, std::optional<std::string> remark) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.language = LanguageCode::kJava;
  cmd.version = kVersion498;
  cmd.opaque = request.opaque;
  cmd.flag = kFlagResponse;
  cmd.remark = std::move(remark);
  cmd.serialize_type_current_rpc = SerializeType::kJson;
  cmd.header_serialize = request.header_serialize;
  return cmd;
}

}  // namespace rmq::remoting
