#include "testutil/capture_replay.h"

#include <algorithm>
#include <regex>
#include <variant>

#include "core/common/hex.h"
#include "core/remoting/frame_codec.h"
#include "testutil/corpus.h"

namespace rmq::testutil {
namespace {

namespace json = boost::json;
using remoting::RemotingCommand;

constexpr size_t kMaxFrame = remoting::kDefaultMaxFrameLength;

uint32_t read_u32(ByteView bytes, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(bytes[at + i]);
  return v;
}

// Printable form of bytes for messages: text as is, other bytes as \xNN; long input is cut.
std::string printable(ByteView bytes, size_t limit = 160) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < limit; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(static_cast<char>(c));
    } else {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (bytes.size() > limit) out += "...(" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

std::string opt_text(const std::optional<std::string>& s) { return s ? "\"" + printable(*s) + "\"" : "(absent)"; }

int64_t int_field(const json::object& line, const char* key, int64_t fallback) {
  auto it = line.find(key);
  return it != line.end() && it->value().is_int64() ? it->value().get_int64() : fallback;
}

const json::array* array_field(const json::object& line, const char* key) {
  auto it = line.find(key);
  return it != line.end() && it->value().is_array() ? &it->value().get_array() : nullptr;
}

// The frames a line expects as responses: response_frames when listed, else response_hex (if any).
std::vector<Bytes> expected_responses(const json::object& line) {
  std::vector<Bytes> out;
  if (const json::array* frames = array_field(line, "response_frames")) {
    for (const json::value& f : *frames) out.push_back(hex_field(f.as_object(), "hex"));
    return out;
  }
  Bytes single = hex_field(line, "response_hex");
  if (!single.empty()) out.push_back(std::move(single));
  return out;
}

std::vector<Bytes> expected_pushed(const json::object& line, const std::string& connection_name) {
  std::vector<Bytes> out;
  if (const json::array* frames = array_field(line, "other_frames")) {
    for (const json::value& f : *frames) {
      const json::object& o = f.as_object();
      if (connection_name.empty() || string_field(o, "connection") == connection_name) out.push_back(hex_field(o, "hex"));
    }
  }
  return out;
}

void compare_ext(const RemotingCommand& want, const RemotingCommand& got, const CompareOptions& o,
                 std::vector<std::string>& diffs) {
  if (o.ignore.contains("ext")) return;
  if (want.ext_fields.has_value() != got.ext_fields.has_value()) {
    diffs.push_back(std::string("extFields: expected ") + (want.ext_fields ? "present" : "absent") + ", got " +
                    (got.ext_fields ? "present" : "absent"));
    return;
  }
  remoting::ExtFields none;
  const auto& w = want.ext_fields ? *want.ext_fields : none;
  const auto& g = got.ext_fields ? *got.ext_fields : none;
  for (const auto& [key, value] : w.entries()) {
    auto other = g.get(key);
    if (!other) {
      diffs.push_back("ext." + key + ": missing (expected \"" + printable(value) + "\")");
    } else if (*other != value && !o.ignore.contains("ext." + key)) {
      diffs.push_back("ext." + key + ": expected \"" + printable(value) + "\", got \"" + printable(*other) + "\"");
    }
  }
  for (const auto& [key, value] : g.entries()) {
    if (!w.contains(key)) diffs.push_back("ext." + key + ": unexpected (\"" + printable(value) + "\")");
  }
}

void compare_body(ByteView want, ByteView got, std::vector<std::string>& diffs) {
  if (want == got) return;
  size_t at = 0;
  while (at < want.size() && at < got.size() && want[at] == got[at]) ++at;
  size_t from = at > 40 ? at - 40 : 0;
  diffs.push_back("body: differs at byte " + std::to_string(at) + " (expected " + std::to_string(want.size()) +
                  " bytes, got " + std::to_string(got.size()) + "): expected ..." +
                  printable(want.substr(std::min(from, want.size()))) + " got ..." +
                  printable(got.substr(std::min(from, got.size()))));
}

template <class T>
void compare_value(const char* field, const T& want, const T& got, const CompareOptions& o,
                   std::vector<std::string>& diffs) {
  if (o.ignore.contains(field) || want == got) return;
  diffs.push_back(std::string(field) + ": expected " + std::to_string(want) + ", got " + std::to_string(got));
}

ByteView header_bytes(ByteView frame) {
  if (frame.size() < 8) return {};
  uint32_t length = read_u32(frame, 4) & 0xFFFFFF;
  return frame.substr(8, std::min<size_t>(length, frame.size() - 8));
}

// The header bytes with the opaque's value blanked: a JSON header's "opaque":N becomes "opaque":?, a ROCKETMQ
// header's 4 opaque bytes (after code 2, language 1, version 2) become zero.
Bytes header_without_opaque(ByteView frame) {
  Bytes header(header_bytes(frame));
  if (frame.size() < 8) return header;
  if (static_cast<uint8_t>(frame[4]) == 1) {
    if (header.size() >= 9) std::fill(header.begin() + 5, header.begin() + 9, '\0');
    return header;
  }
  static const std::regex kOpaque(R"re("opaque":-?[0-9]+)re");
  return std::regex_replace(header, kOpaque, "\"opaque\":?");
}

// The actual responses in the order of the expected ones: each expected frame takes the first unused response
// with its opaque; the rest keep their arrival order.
std::vector<ReceivedFrame> paired_by_opaque(const std::vector<Bytes>& want, const std::vector<ReceivedFrame>& got) {
  std::vector<ReceivedFrame> out;
  std::vector<bool> used(got.size(), false);
  for (const Bytes& w : want) {
    if (w.size() < 8) continue;
    auto decoded = remoting::decode_frame_content(ByteView(w).substr(4));
    if (!std::holds_alternative<RemotingCommand>(decoded)) continue;
    int32_t opaque = std::get<RemotingCommand>(decoded).opaque;
    for (size_t i = 0; i < got.size(); ++i) {
      if (used[i] || got[i].command.opaque != opaque) continue;
      used[i] = true;
      out.push_back(got[i]);
      break;
    }
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (!used[i]) out.push_back(got[i]);
  }
  return out;
}

}  // namespace

// ---- RawConnection ------------------------------------------------------------------------------------------

struct RawConnection::State {
  runtime::Runtime* runtime = nullptr;
  runtime::ConnectionPtr connection;
  bool settled = false;
  std::string connect_error;
  Bytes pending;  // bytes of an incomplete frame
  std::vector<ReceivedFrame> frames;
  bool closed_by_peer = false;
  std::optional<std::string> stream_error;

  void on_data(ByteView bytes);
};

void RawConnection::State::on_data(ByteView bytes) {
  if (stream_error) return;
  pending.append(bytes.data(), bytes.size());
  while (pending.size() >= 4) {
    uint32_t length = read_u32(pending, 0);
    if (length > kMaxFrame || length < 4) {
      stream_error = "bad frame length " + std::to_string(length);
      return;
    }
    if (pending.size() < 4 + size_t{length}) return;
    ReceivedFrame frame;
    frame.raw = pending.substr(0, 4 + size_t{length});
    pending.erase(0, 4 + size_t{length});
    auto decoded = remoting::decode_frame_content(ByteView(frame.raw).substr(4));
    if (std::holds_alternative<remoting::DecodeError>(decoded)) {
      stream_error = "undecodable frame: " + printable(frame.raw, 64);
      return;
    }
    frame.command = std::move(std::get<RemotingCommand>(decoded));
    frame.at_ms = runtime->now() / runtime::kMicrosPerMilli;
    frames.push_back(std::move(frame));
  }
}

RawConnection::RawConnection(runtime::Runtime& runtime, const std::string& address, int64_t connect_timeout_ms)
    : state_(std::make_shared<State>()) {
  state_->runtime = &runtime;
  std::weak_ptr<State> weak = state_;
  runtime.connect(address, runtime::millis(connect_timeout_ms), [weak](Result<runtime::ConnectionPtr> result) {
    auto state = weak.lock();
    if (!state) return;
    state->settled = true;
    if (!result.ok()) {
      state->connect_error = result.error().message;
      return;
    }
    state->connection = std::move(result.value());
    state->connection->start(runtime::ConnectionHandler{
        [weak](ByteView bytes) {
          if (auto s = weak.lock()) s->on_data(bytes);
        },
        [weak](runtime::CloseReason) {
          if (auto s = weak.lock()) s->closed_by_peer = true;
        }});
  });
}

RawConnection::~RawConnection() { close(); }

std::unique_ptr<RawConnection> RawConnection::connect_and_wait(runtime::Runtime& runtime, const std::string& address,
                                                               const RunUntil& run_until, std::string* error) {
  auto conn = std::make_unique<RawConnection>(runtime, address);
  run_until([&] { return conn->settled(); }, 10'000);
  if (conn->connected()) return conn;
  if (error != nullptr) *error = conn->settled() ? conn->connect_error() : "connect did not settle";
  return nullptr;
}

bool RawConnection::settled() const { return state_->settled; }
bool RawConnection::connected() const { return state_->connection != nullptr; }
const std::string& RawConnection::connect_error() const { return state_->connect_error; }
std::string RawConnection::local_address() const {
  return state_->connection ? state_->connection->local_address() : std::string();
}
bool RawConnection::send(ByteView bytes) { return state_->connection && state_->connection->send(bytes); }
void RawConnection::close() {
  if (state_->connection && state_->connection->is_open()) state_->connection->close();
}
const std::vector<ReceivedFrame>& RawConnection::frames() const { return state_->frames; }
bool RawConnection::closed_by_peer() const { return state_->closed_by_peer; }
const std::optional<std::string>& RawConnection::stream_error() const { return state_->stream_error; }

// ---- replay -------------------------------------------------------------------------------------------------

Bytes request_bytes(const json::object& line) {
  Bytes bytes = hex_field(line, "request_hex");
  auto it = line.find("request_hex_body_elided");
  if (it != line.end() && it->value().is_object()) {
    const json::object& elided = it->value().get_object();
    Bytes fill = hex_field(elided, "fill_byte_hex");
    int64_t count = int_field(elided, "bytes", 0);
    if (fill.size() == 1 && count > 0) bytes.append(static_cast<size_t>(count), fill[0]);
  }
  return bytes;
}

ExchangeResult replay_exchange(RawConnection& conn, const json::object& line, const RunUntil& run_until,
                               const ReplayOptions& options) {
  ExchangeResult result;
  size_t start = conn.frames().size();
  if (!conn.send(request_bytes(line))) {
    result.problem = "the request could not be sent (connection closed?)";
    return result;
  }
  auto count = [&](bool responses) {
    return static_cast<size_t>(std::count_if(conn.frames().begin() + static_cast<std::ptrdiff_t>(start),
                                             conn.frames().end(), [&](const ReceivedFrame& f) {
                                               return f.command.is_response() == responses;
                                             }));
  };
  size_t want_responses = expected_responses(line).size();
  size_t want_pushed = expected_pushed(line, options.connection_name).size();
  auto closed = line.find("connection_closed_by_server");
  bool want_close = closed != line.end() && closed->value().is_bool() && closed->value().get_bool();
  if (want_responses == 0 && want_pushed == 0 && !want_close) {
    int64_t silence = options.silence_ms.value_or(int_field(line, "elapsed_ms", 3000));
    run_until([&] { return conn.frames().size() > start || conn.closed_by_peer(); }, silence);
  } else {
    run_until([&] { return count(true) >= want_responses && (!want_close || conn.closed_by_peer()); },
              options.response_timeout_ms);
    if (want_pushed > 0) run_until([&] { return count(false) >= want_pushed; }, options.pushed_wait_ms);
  }
  for (size_t i = start; i < conn.frames().size(); ++i) {
    const ReceivedFrame& f = conn.frames()[i];
    (f.command.is_response() ? result.responses : result.pushed).push_back(f);
  }
  result.closed_by_peer = conn.closed_by_peer();
  if (conn.stream_error()) result.problem = *conn.stream_error();
  return result;
}

// ---- comparison ---------------------------------------------------------------------------------------------

std::vector<std::string> compare_frame(ByteView expected_frame, const ReceivedFrame& actual,
                                       const CompareOptions& o) {
  std::vector<std::string> diffs;
  if (expected_frame.size() < 8) return {"expected frame too short: " + printable(expected_frame)};
  auto decoded = remoting::decode_frame_content(expected_frame.substr(4));
  if (!std::holds_alternative<RemotingCommand>(decoded)) {
    return {"expected frame does not decode: " + printable(expected_frame, 64)};
  }
  const RemotingCommand& want = std::get<RemotingCommand>(decoded);
  const RemotingCommand& got = actual.command;
  compare_value("code", want.code, got.code, o, diffs);
  compare_value("language", static_cast<int>(want.language), static_cast<int>(got.language), o, diffs);
  compare_value("version", want.version, got.version, o, diffs);
  compare_value("opaque", want.opaque, got.opaque, o, diffs);
  compare_value("flag", want.flag, got.flag, o, diffs);
  compare_value("serialize", static_cast<int>(want.header_serialize), static_cast<int>(got.header_serialize), o,
                diffs);
  if (!o.ignore.contains("serializeTypeCurrentRPC") && want.serialize_type_current_rpc != got.serialize_type_current_rpc) {
    diffs.push_back(std::string("serializeTypeCurrentRPC: expected ") +
                    (want.serialize_type_current_rpc ? "present" : "absent") + ", got " +
                    (got.serialize_type_current_rpc ? "present" : "absent"));
  }
  if (!o.ignore.contains("remark") && want.remark != got.remark) {
    diffs.push_back("remark: expected " + opt_text(want.remark) + ", got " + opt_text(got.remark));
  }
  compare_ext(want, got, o, diffs);
  if (!o.ignore.contains("body")) compare_body(want.body, got.body, diffs);
  if (diffs.empty() && o.exact_header) {
    const bool masked = o.ignore.contains("opaque");
    Bytes want_header = masked ? header_without_opaque(expected_frame) : Bytes(header_bytes(expected_frame));
    Bytes got_header = masked ? header_without_opaque(actual.raw) : Bytes(header_bytes(actual.raw));
    if (want_header != got_header) {
      diffs.push_back("header bytes (key order): expected " + printable(want_header, 400) + " got " +
                      printable(got_header, 400));
    }
  }
  return diffs;
}

std::vector<std::string> compare_exchange(const json::object& line, const ExchangeResult& result,
                                          const CompareOptions& options, const std::string& connection_name) {
  std::vector<std::string> diffs;
  if (result.problem) diffs.push_back("problem: " + *result.problem);
  std::vector<Bytes> want = expected_responses(line);
  if (want.size() != result.responses.size()) {
    std::string got;
    for (const ReceivedFrame& f : result.responses) got += " [code " + std::to_string(f.command.code) + "]";
    diffs.push_back("responses: expected " + std::to_string(want.size()) + ", got " +
                    std::to_string(result.responses.size()) + got);
  }
  const std::vector<ReceivedFrame> responses =
      options.any_response_order ? paired_by_opaque(want, result.responses) : result.responses;
  for (size_t i = 0; i < want.size() && i < responses.size(); ++i) {
    for (std::string& d : compare_frame(want[i], responses[i], options)) {
      diffs.push_back("response " + std::to_string(i) + ": " + d);
    }
  }
  auto closed = line.find("connection_closed_by_server");
  if (closed != line.end() && closed->value().is_bool() && closed->value().get_bool() != result.closed_by_peer) {
    diffs.push_back(std::string("connection closed by server: expected ") +
                    (closed->value().get_bool() ? "yes" : "no") + ", got " + (result.closed_by_peer ? "yes" : "no"));
  }
  std::vector<Bytes> pushed = expected_pushed(line, connection_name);
  if (pushed.size() != result.pushed.size()) {
    diffs.push_back("pushed frames: expected " + std::to_string(pushed.size()) + ", got " +
                    std::to_string(result.pushed.size()));
  }
  CompareOptions pushed_options = options;
  if (options.ignore_pushed_opaque) pushed_options.ignore.insert("opaque");
  for (size_t i = 0; i < pushed.size() && i < result.pushed.size(); ++i) {
    for (std::string& d : compare_frame(pushed[i], result.pushed[i], pushed_options)) {
      diffs.push_back("pushed " + std::to_string(i) + ": " + d);
    }
  }
  return diffs;
}

std::string line_label(const json::object& line) {
  std::string serialize = string_field(line, "serialize");
  return string_field(line, "name") + "/" + (serialize.empty() ? "raw" : serialize);
}

}  // namespace rmq::testutil
