#include "core/consumer/offset_json.h"

#include <algorithm>

#include <boost/json.hpp>

#include "core/common/fastjson_writer.h"
#include "core/common/java_compat.h"
#include "core/protocol/header_fields.h"

namespace rmq::consumer {

namespace json = boost::json;

std::vector<client::MessageQueue> concurrent_hash_map_order(const std::vector<client::MessageQueue>& inserted,
                                                            size_t peak_size) {
  std::vector<int32_t> hashes;
  hashes.reserve(inserted.size());
  for (const auto& mq : inserted) hashes.push_back(mq.java_hash_code());
  size_t peak = std::max(peak_size, inserted.size());
  std::vector<client::MessageQueue> out;
  out.reserve(inserted.size());
  // A CHM of n entries has the table of a HashMap of n + 1.
  for (size_t i : java_hash_order(hashes, 16, peak + 1)) out.push_back(inserted[i]);
  return out;
}

std::string encode_offset_file(const std::vector<std::pair<client::MessageQueue, int64_t>>& entries) {
  std::vector<client::MessageQueue> keys;
  std::map<client::MessageQueue, int64_t> values;
  for (const auto& [mq, offset] : entries) {
    if (values.emplace(mq, offset).second) keys.push_back(mq);
  }
  std::string out = "{\n\t\"offsetTable\":{";
  bool first = true;
  for (const auto& mq : concurrent_hash_map_order(keys)) {
    out += first ? "{" : ",{";
    first = false;
    out += "\n\t\t\t\"brokerName\":";
    append_json_string(out, mq.broker_name);
    out += ",\n\t\t\t\"queueId\":" + std::to_string(mq.queue_id) + ",\n\t\t\t\"topic\":";
    append_json_string(out, mq.topic);
    out += "\n\t\t}:" + std::to_string(values.at(mq));
  }
  out += keys.empty() ? "}" : "\n\t}";
  out += "\n}";
  return out;
}

namespace {

using Table = std::map<client::MessageQueue, int64_t>;

// A lenient reader of fastjson text: object keys may be objects; values are skipped by bracket matching.
class Reader {
 public:
  explicit Reader(std::string_view text) : s_(text) {}

  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool at_end() { ws(); return i_ >= s_.size(); }
  bool eat(char c) {
    ws();
    if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
    return false;
  }
  bool peek(char c) { ws(); return i_ < s_.size() && s_[i_] == c; }
  bool eat_word(std::string_view word) {
    ws();
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }
  // The raw text of the next value (string, object, array or literal), or nullopt when there is none.
  std::optional<std::string_view> raw_value() {
    ws();
    size_t begin = i_;
    int depth = 0;
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '"') {
        if (!skip_string()) return std::nullopt;
        if (depth == 0) break;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (depth == 0) break;
        if (--depth == 0) { ++i_; break; }
      }
      if (depth == 0 && (c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) break;
      ++i_;
    }
    if (i_ == begin || depth != 0) return std::nullopt;
    return s_.substr(begin, i_ - begin);
  }
  Error error(std::string_view what) const {
    return Error{0, "offsets file: " + std::string(what) + " at byte " + std::to_string(i_)};
  }

 private:
  bool skip_string() {
    for (++i_; i_ < s_.size(); ++i_) {
      if (s_[i_] == '\\') { ++i_; continue; }
      if (s_[i_] == '"') { ++i_; return true; }
    }
    return false;
  }
  std::string_view s_;
  size_t i_ = 0;
};

std::optional<json::value> parse_json(std::string_view raw) {
  boost::system::error_code ec;
  json::value v = json::parse(raw, ec);
  if (ec) return std::nullopt;
  return v;
}

// A MessageQueue key: an inline object, or a string holding one. Missing fields keep Java's defaults.
std::optional<client::MessageQueue> parse_queue_key(std::string_view raw) {
  auto v = parse_json(raw);
  if (v && v->is_string()) v = parse_json(std::string_view(v->get_string()));
  if (!v || !v->is_object()) return std::nullopt;
  client::MessageQueue mq;
  for (const auto& [key, field] : v->get_object()) {
    if (key == "topic" && field.is_string()) mq.topic = std::string(field.get_string());
    else if (key == "brokerName" && field.is_string()) mq.broker_name = std::string(field.get_string());
    else if (key == "queueId" && field.is_int64()) mq.queue_id = static_cast<int32_t>(field.get_int64());
    else if (key == "topic" || key == "brokerName" || key == "queueId") {
      if (!field.is_null()) return std::nullopt;
    }
  }
  return mq;
}

std::optional<int64_t> parse_offset_value(std::string_view raw) {
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') raw = raw.substr(1, raw.size() - 2);
  return protocol::parse_java_long(raw);
}

Result<std::optional<Table>> parse_table(Reader& r) {
  if (r.eat_word("null")) return std::optional<Table>();
  if (!r.eat('{')) return r.error("expected the offsetTable object");
  Table table;
  if (r.eat('}')) return std::optional<Table>(std::move(table));
  do {
    auto key_raw = r.raw_value();
    auto mq = key_raw ? parse_queue_key(*key_raw) : std::nullopt;
    if (!mq) return r.error("expected a MessageQueue key");
    if (!r.eat(':')) return r.error("expected ':'");
    auto value_raw = r.raw_value();
    auto offset = value_raw ? parse_offset_value(*value_raw) : std::nullopt;
    if (!offset) return r.error("expected an offset");
    table[*mq] = *offset;
  } while (r.eat(','));
  if (!r.eat('}')) return r.error("expected ',' or '}'");
  return std::optional<Table>(std::move(table));
}

}  // namespace

Result<std::optional<Table>> parse_offset_file(std::string_view text) {
  Reader r(text);
  if (r.at_end() || r.eat_word("null")) {
    if (!r.at_end()) return r.error("unexpected text after null");
    return std::optional<Table>();
  }
  if (!r.eat('{')) return r.error("expected an object");
  std::optional<Table> table = Table{};  // the wrapper's field initializer: an empty map
  if (!r.eat('}')) {
    do {
      auto key_raw = r.raw_value();
      auto key = key_raw ? parse_json(*key_raw) : std::nullopt;
      if (!key || !key->is_string()) return r.error("expected a field name");
      if (!r.eat(':')) return r.error("expected ':'");
      if (key->get_string() == "offsetTable") {
        auto parsed = parse_table(r);
        if (!parsed.ok()) return parsed.error();
        table = std::move(parsed).value();
      } else if (!r.raw_value()) {
        return r.error("expected a value");
      }
    } while (r.eat(','));
    if (!r.eat('}')) return r.error("expected ',' or '}'");
  }
  if (!r.at_end()) return r.error("unexpected text after the object");
  return table;
}

}  // namespace rmq::consumer
