// decode_stored_messages_report (core/protocol/message_codec.h): a PULL_MESSAGE FOUND body from arbitrary bytes.
// Checks: no crash; the decode stops inside the body; every decoded record re-encodes to the same bytes it was
// decoded from (up to its body CRC, which the encoder computes), and compressed bodies inflate within a limit.
#include "core/protocol/message_codec.h"
#include "fuzz/fuzz_util.h"

using namespace rmq;
using namespace rmq::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView body = fuzz::view(data, size);
  StoredMessagesDecode decoded = decode_stored_messages_report(body);
  if (decoded.stop) {
    RMQ_FUZZ_CHECK(decoded.stop->offset <= body.size());
    RMQ_FUZZ_CHECK(decoded.stop->record_index == decoded.messages.size());
  }
  size_t offset = 0;
  for (const StoredMessage& message : decoded.messages) {
    RMQ_FUZZ_CHECK(message.total_size > 0);
    auto record_size = static_cast<size_t>(message.total_size);
    RMQ_FUZZ_CHECK(offset + record_size <= body.size());
    (void)message.msg_id();
    auto encoded = encode_stored_message(message);
    if (encoded.ok()) {
      RMQ_FUZZ_CHECK(encoded->size() == record_size);
      auto back = decode_stored_message(*encoded);
      RMQ_FUZZ_CHECK(back.ok());
      StoredMessage expected = message;
      expected.body_crc = back->body_crc;
      RMQ_FUZZ_CHECK(*back == expected);
    }
    if (message.body_compressed()) (void)inflate_body(message.body, size_t{1} << 20);
    offset += record_size;
  }
  if (!decoded.stop) RMQ_FUZZ_CHECK(offset == body.size());
  return 0;
}
