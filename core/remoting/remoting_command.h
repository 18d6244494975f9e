// RemotingCommand: the unit of the RocketMQ remoting protocol (spec §5.1-§5.5). One frame carries one command:
// a header (JSON text or ROCKETMQ binary) and an opaque body.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/byte_io.h"

namespace rmq::remoting {

// The header serialization, as carried in the high byte of the header-length word.
enum class SerializeType : uint8_t { kJson = 0, kRocketMq = 1 };

std::string_view serialize_type_name(SerializeType type);  // "JSON" / "ROCKETMQ"
std::optional<SerializeType> serialize_type_from_name(std::string_view name);

// LanguageCode (spec §5.2). JSON headers carry the name, ROCKETMQ headers the byte. A byte or name we do not
// know is kept as kUnknown (Java's valueOf yields null there and the command is still processed).
enum class LanguageCode : uint8_t {
  kJava = 0, kCpp = 1, kDotnet = 2, kPython = 3, kDelphi = 4, kErlang = 5, kRuby = 6, kOther = 7, kHttp = 8,
  kGo = 9, kPhp = 10, kOms = 11, kRust = 12, kNodeJs = 13, kUnknown = 255,
};

std::optional<std::string_view> language_name(LanguageCode code);  // nullopt for kUnknown
LanguageCode language_from_name(std::string_view name);
LanguageCode language_from_byte(uint8_t byte);

inline constexpr int32_t kFlagResponse = 1 << 0;
inline constexpr int32_t kFlagOneway = 1 << 1;

// The version the client advertises (MQVersion V4_9_8 ordinal) and the one the real 4.9.8 servers answer with.
inline constexpr int32_t kVersion498 = 409;

// Custom header fields, in wire order. Java holds them in a HashMap<String,String>, so the order a peer writes
// is the map's iteration order; we keep whatever order we were given (decoding then encoding is the identity).
class ExtFields {
 public:
  using Entry = std::pair<std::string, std::string>;

  ExtFields() = default;
  ExtFields(std::initializer_list<Entry> entries) : entries_(entries) {}

  // Replaces the value of an existing key (keeping its position) or appends a new entry.
  void set(std::string_view key, std::string value);
  std::optional<std::string_view> get(std::string_view key) const;
  bool contains(std::string_view key) const { return get(key).has_value(); }
  bool erase(std::string_view key);

  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& mutable_entries() { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void reserve(size_t n) { entries_.reserve(n); }
  // Appends without looking for an existing key (decoders use it; a repeated key keeps the last value on get).
  void append(std::string key, std::string value) { entries_.emplace_back(std::move(key), std::move(value)); }

  friend bool operator==(const ExtFields&, const ExtFields&) = default;

 private:
  std::vector<Entry> entries_;
};

struct RemotingCommand {
  int32_t code = 0;
  LanguageCode language = LanguageCode::kJava;
  int32_t version = 0;
  int32_t opaque = 0;
  int32_t flag = 0;
  std::optional<std::string> remark;
  // nullopt = no extFields at all (JSON omits the key, ROCKETMQ writes extLen 0); an empty map is written
  // as "extFields":{} in JSON and as extLen 0 in ROCKETMQ (so it decodes back as nullopt there).
  std::optional<ExtFields> ext_fields;
  // JSON only: "serializeTypeCurrentRPC". Real Java peers write "JSON"; ali-ons and the C++ client omit it.
  std::optional<SerializeType> serialize_type_current_rpc;
  Bytes body;

  // Which serialization the header came in (decoding) or should go out in (encoding).
  SerializeType header_serialize = SerializeType::kJson;
  // A JSON header without "opaque": Java assigns one from the receiver's own counter (see captures).
  bool opaque_missing = false;

  bool is_response() const { return (flag & kFlagResponse) != 0; }
  bool is_oneway() const { return (flag & kFlagOneway) != 0; }
  void mark_response() { flag |= kFlagResponse; }
  void mark_oneway() { flag |= kFlagOneway; }

  std::optional<std::string_view> ext(std::string_view key) const {
    return ext_fields ? ext_fields->get(key) : std::nullopt;
  }
  void set_ext(std::string_view key, std::string value) {
    if (!ext_fields) ext_fields.emplace();
    ext_fields->set(key, std::move(value));
  }

  friend bool operator==(const RemotingCommand&, const RemotingCommand&) = default;
};

// A request as the Java client builds it: language JAVA, version 409, flag 0, serializeTypeCurrentRPC JSON.
RemotingCommand make_request(int32_t code, int32_t opaque, ExtFields ext = {},
                             SerializeType serialize = SerializeType::kJson);
// A response to `request` as a Java server builds it: same opaque and serialization, flag 1, version 409.
RemotingCommand make_response(const RemotingCommand& request, int32_t code,
                              std::optional<std::string> remark = std::nullopt);

}  // namespace rmq::remoting
