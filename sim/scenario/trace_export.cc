#include "sim/scenario/trace_export.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <utility>

#include "sim/trace.h"

namespace rmq::scenario {
namespace {

namespace json = boost::json;
namespace pbu = ::google::protobuf::util;

using sim::append_escaped;

// "1234.567" for 1234567 us; the sign goes in front of the whole value (-500 us is "-0.500", not "0.-500").
std::string millis_text(int64_t time_us) {
  const uint64_t magnitude = time_us < 0 ? 0 - static_cast<uint64_t>(time_us) : static_cast<uint64_t>(time_us);
  std::string fraction = std::to_string(magnitude % 1000);
  fraction.insert(0, 3 - fraction.size(), '0');
  return (time_us < 0 ? "-" : "") + std::to_string(magnitude / 1000) + "." + fraction;
}

// ---- JSON lines ----

std::string proto_json(const google::protobuf::Message& message) {
  pbu::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;  // every field on every line: readers need not know defaults
  options.always_print_enums_as_ints = false;
  options.preserve_proto_field_names = false;
  std::string out;
  const auto status = pbu::MessageToJsonString(message, &out, options);
  (void)status;  // only fails on an invalid descriptor or a bad Any, which these messages cannot hold
  return out;
}

void append_wrapped(std::string& out, std::string_view type, const google::protobuf::Message& message) {
  out += "{\"";
  out += type;
  out += "\":";
  out += proto_json(message);
  out += "}\n";
}

// Reads the documents' lines one by one, keeping the order header, events, footer.
class JsonlReader {
 public:
  explicit JsonlReader(std::string_view file_name) : file_name_(file_name) {}

  Status read_line(std::string_view line, uint64_t line_number);
  Result<TraceDocument> finish(uint64_t next_line_number);

 private:
  Error error_at(uint64_t line_number, const std::string& what) const {
    return Error{kBadTraceFile, std::string(file_name_) + ":" + std::to_string(line_number) + ": " + what};
  }
  Status parse_into(const json::value& inner, google::protobuf::Message& message, uint64_t line_number) const;

  std::string_view file_name_;
  TraceDocument doc_;
  bool have_header_ = false, have_footer_ = false;
};

Status JsonlReader::parse_into(const json::value& inner, google::protobuf::Message& message,
                               uint64_t line_number) const {
  pbu::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // the schema only ever adds fields
  const auto status = pbu::JsonStringToMessage(json::serialize(inner), &message, options);
  if (!status.ok()) return error_at(line_number, "bad " + message.GetDescriptor()->name() + ": " + status.ToString());
  return Status::Ok();
}

Status JsonlReader::read_line(std::string_view line, uint64_t line_number) {
  boost::system::error_code ec;
  const json::value value = json::parse(line, ec);
  if (ec) return error_at(line_number, "not JSON (" + ec.message() + ")");
  if (!value.is_object()) return error_at(line_number, "not a JSON object");
  const json::object& object = value.as_object();
  if (object.size() != 1)
    return error_at(line_number, "expected one key (header, event or footer), got " + std::to_string(object.size()));
  const std::string type(object.begin()->key());
  const json::value& inner = object.begin()->value();
  if (type != "header" && type != "event" && type != "footer")
    return error_at(line_number, "unknown line type '" + type + "'");
  if (have_footer_) return error_at(line_number, "'" + type + "' line after the footer");
  if (!have_header_ && type != "header")
    return error_at(line_number, "expected the header line first, got '" + type + "'");
  if (type == "header") {
    if (have_header_) return error_at(line_number, "a second header line");
    if (Status s = parse_into(inner, doc_.header, line_number); !s) return s;
    if (doc_.header.version() != kTraceVersion)
      return error_at(line_number, "trace version " + std::to_string(doc_.header.version()) +
                                       " is not supported (this reader knows version " +
                                       std::to_string(kTraceVersion) + ")");
    have_header_ = true;
  } else if (type == "event") {
    if (Status s = parse_into(inner, doc_.events.emplace_back(), line_number); !s) return s;
  } else {
    if (Status s = parse_into(inner, doc_.footer, line_number); !s) return s;
    have_footer_ = true;
  }
  return Status::Ok();
}

Result<TraceDocument> JsonlReader::finish(uint64_t next_line_number) {
  if (!have_header_) return error_at(next_line_number, "missing header line: the file has no lines");
  if (!have_footer_)
    return error_at(next_line_number, "missing footer line: the file ends after " +
                                          std::to_string(doc_.events.size()) + " events (truncated?)");
  return std::move(doc_);
}

// ---- Chrome / Perfetto ----

// Natural order: digit runs compare as numbers, so "broker-2" < "broker-10"; ties fall back to plain order.
bool natural_less(std::string_view a, std::string_view b) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() && is_digit(a[i_end])) ++i_end;
      while (j_end < b.size() && is_digit(b[j_end])) ++j_end;
      auto trimmed = [](std::string_view digits) {
        const size_t nonzero = digits.find_first_not_of('0');
        return nonzero == std::string_view::npos ? std::string_view() : digits.substr(nonzero);
      };
      const std::string_view x = trimmed(a.substr(i, i_end - i)), y = trimmed(b.substr(j, j_end - j));
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;
}

int track_group(std::string_view track) {
  if (track.starts_with("namesrv")) return 0;
  if (track.starts_with("broker-")) return 1;
  if (track.starts_with("producer-")) return 2;
  if (track.starts_with("consumer-")) return 3;
  if (track == "network") return 4;
  if (track == "checks") return 6;
  return 5;
}

std::string track_name(const tv::TraceEvent& event) { return event.track().empty() ? "(no track)" : event.track(); }

// Tracks in display order, each with its tid (1, 2, ...).
std::map<std::string, int64_t> assign_tids(const std::vector<tv::TraceEvent>& events) {
  std::vector<std::string> tracks;
  for (const auto& event : events) tracks.push_back(track_name(event));
  std::sort(tracks.begin(), tracks.end());
  tracks.erase(std::unique(tracks.begin(), tracks.end()), tracks.end());
  std::sort(tracks.begin(), tracks.end(), [](const std::string& a, const std::string& b) {
    const int group_a = track_group(a), group_b = track_group(b);
    return group_a != group_b ? group_a < group_b : natural_less(a, b);
  });
  std::map<std::string, int64_t> tids;
  for (const auto& track : tracks) tids.emplace(track, static_cast<int64_t>(tids.size()) + 1);
  return tids;
}

// Boost.JSON writes string bytes as given, so invalid UTF-8 would make the whole file unreadable.
std::string valid_utf8(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    bool ok = length != 0 && i + length <= s.size();
    for (size_t k = 1; ok && k < length; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && length > 1) {  // reject overlong forms, surrogates and code points past U+10FFFF
      uint32_t cp = lead & (0xFFu >> (length + 1));
      for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
      static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
      ok = cp >= kMinimum[length] && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF);
    }
    if (ok) {
      out.append(s.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD, one per bad byte
      ++i;
    }
  }
  return out;
}

json::object chrome_event(const tv::TraceEvent& event, std::string_view phase, int64_t tid) {
  const std::string& kind = event.kind();
  json::object out;
  out["name"] = valid_utf8(kind);
  out["cat"] = valid_utf8(kind.substr(0, kind.find('.')));
  out["ph"] = phase;
  out["ts"] = event.time_us();
  out["pid"] = 1;
  out["tid"] = tid;
  out["args"] = json::object{{"text", valid_utf8(event.text())}, {"peer", valid_utf8(event.peer())},
                             {"index", event.index()}};
  return out;
}

json::object metadata_event(std::string_view name, int64_t tid, json::object args) {
  return json::object{{"name", name}, {"ph", "M"}, {"pid", 1}, {"tid", tid}, {"args", std::move(args)}};
}

// For each BEGIN, the position of its END (or nullopt); for each END with no BEGIN, true in unmatched_end.
struct Pairing {
  std::vector<std::optional<size_t>> end_of;
  std::vector<bool> unmatched_end;
};

Pairing pair_spans(const std::vector<tv::TraceEvent>& events) {
  Pairing pairing{std::vector<std::optional<size_t>>(events.size()), std::vector<bool>(events.size())};
  std::map<std::pair<std::string, uint64_t>, std::vector<size_t>> open;  // (track, span) -> BEGINs, innermost last
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& event = events[i];
    if (event.phase() == tv::TraceEvent::BEGIN) {
      open[{event.track(), event.span()}].push_back(i);
    } else if (event.phase() == tv::TraceEvent::END) {
      const auto found = open.find({event.track(), event.span()});
      if (found == open.end() || found->second.empty()) {
        pairing.unmatched_end[i] = true;
      } else {
        pairing.end_of[found->second.back()] = i;
        found->second.pop_back();
      }
    }
  }
  return pairing;
}

json::object chrome_slice(const std::vector<tv::TraceEvent>& events, size_t begin, std::optional<size_t> end,
                          int64_t tid) {
  const auto& event = events[begin];
  const int64_t last_time = events.back().time_us();
  json::object slice = chrome_event(event, "X", tid);
  // "dur" goes in before `args` is borrowed: inserting a key may move the object's values.
  slice["dur"] = end ? events[*end].time_us() - event.time_us() : std::max<int64_t>(0, last_time - event.time_us());
  json::object& args = slice["args"].as_object();
  if (end) {
    args["end_kind"] = valid_utf8(events[*end].kind());
    args["end_text"] = valid_utf8(events[*end].text());
    args["end_index"] = events[*end].index();
  } else {
    args["unfinished"] = true;
  }
  return slice;
}

json::array chrome_events(const TraceDocument& doc, const std::map<std::string, int64_t>& tids) {
  const auto& events = doc.events;
  const Pairing pairing = pair_spans(events);
  json::array out;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& event = events[i];
    const int64_t tid = tids.at(track_name(event));
    if (event.phase() == tv::TraceEvent::BEGIN) {
      out.push_back(chrome_slice(events, i, pairing.end_of[i], tid));
      continue;
    }
    const bool matched_end = event.phase() == tv::TraceEvent::END && !pairing.unmatched_end[i];
    if (matched_end) continue;  // drawn by its BEGIN's slice
    // An INSTANT, an END without its BEGIN, or a phase from a newer schema: a point in time.
    json::object instant = chrome_event(event, "i", tid);
    const bool global = event.kind().starts_with("fault.") && event.phase() == tv::TraceEvent::INSTANT;
    instant["s"] = global ? "g" : "t";
    if (pairing.unmatched_end[i]) instant["args"].as_object()["unmatched_end"] = true;
    out.push_back(std::move(instant));
  }
  return out;
}

bool same_event(const tv::TraceEvent& x, const tv::TraceEvent& y) {
  return x.time_us() == y.time_us() && x.kind() == y.kind() && x.track() == y.track() && x.text() == y.text();
}

}  // namespace

std::string event_line(const tv::TraceEvent& event) {
  std::string line = "#" + std::to_string(event.index()) + " t=" + millis_text(event.time_us()) + "ms ";
  if (event.track().empty()) {
    line += '-';
  } else {
    append_escaped(line, event.track());
  }
  line += ' ';
  append_escaped(line, event.kind());
  if (!event.text().empty()) {
    line += ' ';
    append_escaped(line, event.text());
  }
  return line;
}

std::string to_text(const TraceDocument& doc) {
  std::string out = "# rmqsim trace v" + std::to_string(kTraceVersion) + " scenario ";
  append_escaped(out, doc.header.scenario());
  out += " seed " + std::to_string(doc.header.seed()) + "\n";
  for (const auto& event : doc.events) out += event_line(event) + "\n";
  out += "events " + std::to_string(doc.footer.events()) + " digest " + doc.footer.digest() + "\n";
  return out;
}

std::string to_jsonl(const TraceDocument& doc) {
  std::string out;
  append_wrapped(out, "header", doc.header);
  for (const auto& event : doc.events) append_wrapped(out, "event", event);
  append_wrapped(out, "footer", doc.footer);
  return out;
}

Result<TraceDocument> parse_jsonl(std::string_view text, std::string_view file_name) {
  JsonlReader reader(file_name);
  uint64_t line_number = 0;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    at = end + 1;
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (Status s = reader.read_line(line, line_number); !s) return s.error();
  }
  return reader.finish(line_number + 1);
}

std::string to_chrome_json(const TraceDocument& doc) {
  const auto tids = assign_tids(doc.events);
  const std::string process = "rmqsim " + doc.header.scenario() + " seed " + std::to_string(doc.header.seed());
  json::array trace_events;
  trace_events.push_back(metadata_event("process_name", 0, {{"name", valid_utf8(process)}}));
  std::vector<std::pair<int64_t, std::string>> by_tid;  // metadata in tid order, not map (name) order
  for (const auto& [track, tid] : tids) by_tid.emplace_back(tid, track);
  std::sort(by_tid.begin(), by_tid.end());
  for (const auto& [tid, track] : by_tid) {
    trace_events.push_back(metadata_event("thread_name", tid, {{"name", valid_utf8(track)}}));
    trace_events.push_back(metadata_event("thread_sort_index", tid, {{"sort_index", tid}}));
  }
  for (auto& event : chrome_events(doc, tids)) trace_events.push_back(std::move(event));
  json::object root;
  root["traceEvents"] = std::move(trace_events);
  root["displayTimeUnit"] = "ms";
  root["metadata"] = json::object{{"tool", valid_utf8(doc.header.tool())},
                                  {"scenario", valid_utf8(doc.header.scenario())},
                                  {"scenario_file", valid_utf8(doc.header.scenario_file())},
                                  {"seed", doc.header.seed()},
                                  {"events", doc.footer.events()},
                                  {"digest", valid_utf8(doc.footer.digest())}};
  return json::serialize(root);
}

std::string TraceDiff::describe() const {
  auto line = [](const std::optional<tv::TraceEvent>& event) {
    return event ? event_line(*event) : std::string("<end of trace>");
  };
  return "first difference at event #" + std::to_string(index) + ":\n  a: " + line(a) + "\n  b: " + line(b) +
         "\n  digests: a " + digest_a + ", b " + digest_b;
}

std::optional<TraceDiff> diff(const TraceDocument& a, const TraceDocument& b) {
  const size_t common = std::min(a.events.size(), b.events.size());
  size_t index = 0;
  while (index < common && same_event(a.events[index], b.events[index])) ++index;
  const bool same_footer = a.footer.events() == b.footer.events() && a.footer.digest() == b.footer.digest();
  if (index == common && a.events.size() == b.events.size() && same_footer) return std::nullopt;
  TraceDiff out;
  out.index = index;
  if (index < a.events.size()) out.a = a.events[index];
  if (index < b.events.size()) out.b = b.events[index];
  out.digest_a = a.footer.digest();
  out.digest_b = b.footer.digest();
  return out;
}

}  // namespace rmq::scenario
