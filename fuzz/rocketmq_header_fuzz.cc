// parse_rocketmq_header (core/remoting/rocketmq_header.h) on arbitrary bytes. Checks: no crash; an error's offset
// lies within the header; a header that parsed re-encodes to bytes that parse to the same fields.
#include "core/remoting/rocketmq_header.h"
#include "fuzz/fuzz_util.h"

using namespace rmq;
using namespace rmq::remoting;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView header = fuzz::view(data, size);
  RemotingCommand cmd;
  cmd.header_serialize = SerializeType::kRocketMq;
  if (auto error = parse_rocketmq_header(header, cmd)) {
    RMQ_FUZZ_CHECK(error->offset <= header.size());
    return 0;
  }
  Bytes again;
  append_rocketmq_header(cmd, again);
  RMQ_FUZZ_CHECK(again.size() <= header.size());  // bytes after the ext map are dropped, nothing is added
  RemotingCommand back;
  back.header_serialize = SerializeType::kRocketMq;
  RMQ_FUZZ_CHECK(!parse_rocketmq_header(again, back));
  RMQ_FUZZ_CHECK(back.code == cmd.code);
  RMQ_FUZZ_CHECK(back.version == cmd.version);
  RMQ_FUZZ_CHECK(back.opaque == cmd.opaque);
  RMQ_FUZZ_CHECK(back.flag == cmd.flag);
  RMQ_FUZZ_CHECK(back.language == cmd.language);
  RMQ_FUZZ_CHECK(back.remark.value_or("") == cmd.remark.value_or(""));
  bool had_ext = cmd.ext_fields && !cmd.ext_fields->empty();
  RMQ_FUZZ_CHECK(had_ext == (back.ext_fields && !back.ext_fields->empty()));
  if (had_ext) RMQ_FUZZ_CHECK(*back.ext_fields == *cmd.ext_fields);
  return 0;
}
