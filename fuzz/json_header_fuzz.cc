// parse_json_header (core/remoting/json_header.h) on arbitrary text. Checks: no crash; an error's offset lies
// within the text; a header that parsed re-encodes (append_json_header) to text that parses to the same fields.
#include "core/remoting/json_header.h"
#include "fuzz/fuzz_util.h"

using namespace rmq;
using namespace rmq::remoting;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView text = fuzz::view(data, size);
  RemotingCommand cmd;
  if (auto error = parse_json_header(text, cmd)) {
    RMQ_FUZZ_CHECK(error->offset <= text.size());
    return 0;
  }
  Bytes again;
  append_json_header(cmd, again);
  RemotingCommand back;
  auto error = parse_json_header(again, back);
  if (error) std::fprintf(stderr, "re-encoded header does not parse: %s\n%s\n", error->message.c_str(), again.c_str());
  RMQ_FUZZ_CHECK(!error);
  RMQ_FUZZ_CHECK(back.code == cmd.code);
  RMQ_FUZZ_CHECK(back.version == cmd.version);
  RMQ_FUZZ_CHECK(back.opaque == cmd.opaque || cmd.opaque_missing);
  RMQ_FUZZ_CHECK(back.flag == cmd.flag);
  // An unknown language is fastjson's null: not written, so it reads back as Java's default (JAVA).
  RMQ_FUZZ_CHECK(back.language == cmd.language ||
                 (cmd.language == LanguageCode::kUnknown && back.language == LanguageCode::kJava));
  RMQ_FUZZ_CHECK(back.remark == cmd.remark);
  RMQ_FUZZ_CHECK(back.ext_fields == cmd.ext_fields);
  RMQ_FUZZ_CHECK(back.serialize_type_current_rpc == cmd.serialize_type_current_rpc);
  return 0;
}
