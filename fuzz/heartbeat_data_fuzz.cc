// parse_heartbeat_data and parse_check_client_config_body (core/protocol/heartbeat_data.h) on arbitrary text.
// Checks: no crash; a body that parsed encodes to the Java client's form, which parses back to the same value.
#include "core/protocol/heartbeat_data.h"
#include "fuzz/fuzz_util.h"

using namespace rmq;
using namespace rmq::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::view(data, size);
  if (auto heartbeat = parse_heartbeat_data(text); heartbeat.ok()) {
    std::string encoded = encode_heartbeat_data(*heartbeat);
    auto back = parse_heartbeat_data(encoded);
    if (!back.ok()) std::fprintf(stderr, "re-encoded heartbeat does not parse: %s\n", encoded.c_str());
    RMQ_FUZZ_CHECK(back.ok());
    RMQ_FUZZ_CHECK(*back == *heartbeat);
  }
  if (auto body = parse_check_client_config_body(text); body.ok()) {
    std::string encoded = encode_check_client_config_body(*body);
    auto back = parse_check_client_config_body(encoded);
    RMQ_FUZZ_CHECK(back.ok());
    RMQ_FUZZ_CHECK(*back == *body);
  }
  return 0;
}
