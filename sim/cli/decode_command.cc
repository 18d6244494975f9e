#include "sim/cli/decode_command.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <map>

#include "core/common/hex.h"
#include "sim/cli/command_json.h"

namespace rmq::cli {
namespace {

constexpr size_t kMaxPendingRequests = 65536;

using remoting::DecodeError;
using remoting::FrameDecoder;
using remoting::NeedMore;
using remoting::RemotingCommand;

// Delivers the input in chunks: raw bytes straight from the stream (so a large capture is never held whole),
// hex text converted once read.
class InputSource {
 public:
  InputSource(const DecodeOptions& options, std::istream& in) : options_(options), in_(&in) {}

  // False (with the reason on `err`) when the input cannot be opened or is not hex text.
  bool open(std::ostream& err) {
    if (options_.input != "-") {
      file_.open(options_.input, std::ios::binary);
      if (!file_) {
        err << "rmqsim decode: cannot open " << options_.input << "\n";
        return false;
      }
      in_ = &file_;
    }
    if (!options_.hex) return true;
    std::string text(std::istreambuf_iterator<char>(*in_), {});
    auto bytes = from_hex(text);
    if (!bytes) {
      err << "rmqsim decode: " << name() << ": --hex input is not hex text (odd digit count or a non-hex "
          << "character)\n";
      return false;
    }
    hex_bytes_ = std::move(*bytes);
    return true;
  }

  // The next chunk; empty at the end of the input.
  ByteView next() {
    if (options_.hex) {
      ByteView all = hex_bytes_done_ ? ByteView() : ByteView(hex_bytes_);
      hex_bytes_done_ = true;
      return all;
    }
    in_->read(chunk_.data(), static_cast<std::streamsize>(chunk_.size()));
    return ByteView(chunk_.data(), static_cast<size_t>(in_->gcount()));
  }

  std::string name() const { return options_.input == "-" ? "<stdin>" : options_.input; }

 private:
  const DecodeOptions& options_;
  std::istream* in_;
  std::ifstream file_;
  Bytes hex_bytes_;
  bool hex_bytes_done_ = false;
  std::string chunk_ = std::string(64 * 1024, '\0');
};

void print(const boost::json::value& v, bool pretty, std::ostream& out) {
  if (!pretty) {
    out << boost::json::serialize(v) << "\n";
    return;
  }
  // A light indentation: one field per line at the top level.
  const auto& obj = v.as_object();
  out << "{\n";
  size_t i = 0;
  for (const auto& [k, val] : obj) {
    out << "  " << boost::json::serialize(boost::json::value(k)) << ": " << boost::json::serialize(val)
        << (++i < obj.size() ? ",\n" : "\n");
  }
  out << "}\n";
}

}  // namespace

int run_decode(const DecodeOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  InputSource source(options, in);
  if (!source.open(err)) return 2;
  FrameDecoder decoder(options.max_frame_length);
  std::map<int32_t, int32_t> request_code_by_opaque;
  for (ByteView input = source.next(); !input.empty(); input = source.next()) {
    for (;;) {
      uint64_t frame_offset = decoder.consumed() - decoder.buffered();
      auto step = decoder.decode(input);
      if (auto* error = std::get_if<DecodeError>(&step)) {
        err << "rmqsim decode: " << source.name() << ": byte offset " << error->offset << ": " << error->message
            << " [" << remoting::decode_error_kind_name(error->kind) << "]\n";
        return 2;
      }
      if (std::holds_alternative<NeedMore>(step)) break;
      auto& cmd = std::get<RemotingCommand>(step);
      std::optional<int32_t> request_code;
      if (!cmd.is_response()) {
        request_code_by_opaque[cmd.opaque] = cmd.code;
        // Unanswered requests (oneway, or cut from the capture) must not grow the table without bound.
        if (request_code_by_opaque.size() > kMaxPendingRequests) request_code_by_opaque.erase(request_code_by_opaque.begin());
      } else if (auto it = request_code_by_opaque.find(cmd.opaque); it != request_code_by_opaque.end()) {
        request_code = it->second;
        request_code_by_opaque.erase(it);
      }
      auto json = command_to_json(cmd, frame_offset, request_code);
      json["body"] = body_to_json(cmd, request_code);
      print(json, options.pretty, out);
    }
  }
  if (decoder.buffered() > 0) {
    err << "rmqsim decode: " << source.name() << ": byte offset " << (decoder.consumed() - decoder.buffered())
        << ": the input ends inside a frame (" << decoder.buffered() << " bytes of it present)\n";
    return 2;
  }
  return 0;
}

}  // namespace rmq::cli
