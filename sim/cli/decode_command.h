// `rmqsim decode`: the protocol inspector. Reads a stream of RemotingCommand frames (raw bytes, or hex text)
// and prints one JSON object per command: header fields, extFields, body length and, where the code is known,
// the decoded body. Bad input ends the run with one error line naming the byte offset (exit code 2).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "core/remoting/frame_codec.h"

namespace rmq::cli {

struct DecodeOptions {
  std::string input = "-";  // a file path, or "-" for standard input
  bool hex = false;         // the input is hex text (whitespace ignored)
  uint32_t max_frame_length = remoting::kDefaultMaxFrameLength;
  bool pretty = false;      // indent the JSON output
};

// Returns the process exit code: 0 when the whole input decoded, 2 on bad input (message on `err`).
int run_decode(const DecodeOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace rmq::cli
