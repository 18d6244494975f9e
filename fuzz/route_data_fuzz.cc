// parse_topic_route_data (core/protocol/route_data.h) and quote_bare_integer_keys on arbitrary text. Checks: no
// crash; a route that parsed encodes in both key styles to text that parses back to the same route.
#include "core/protocol/route_data.h"
#include "fuzz/fuzz_util.h"

using namespace rmq;
using namespace rmq::protocol;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = fuzz::view(data, size);
  (void)quote_bare_integer_keys(text);
  auto route = parse_topic_route_data(text);
  if (!route.ok()) return 0;
  for (BrokerAddrKeys keys : {BrokerAddrKeys::kQuoted, BrokerAddrKeys::kUnquoted}) {
    std::string encoded = encode_topic_route_data(*route, keys);
    auto back = parse_topic_route_data(encoded);
    if (!back.ok()) std::fprintf(stderr, "re-encoded route does not parse: %s\n", encoded.c_str());
    RMQ_FUZZ_CHECK(back.ok());
    // The encoder writes what the nameserver writes (brokerAddrs sorted by id, filter servers in map order), so
    // compare the parts it keeps as they are.
    RMQ_FUZZ_CHECK(back->queue_datas == route->queue_datas);
    RMQ_FUZZ_CHECK(back->broker_datas.size() == route->broker_datas.size());
    RMQ_FUZZ_CHECK(back->order_topic_conf == route->order_topic_conf);
    RMQ_FUZZ_CHECK(encode_topic_route_data(*back, keys) == encoded);
  }
  return 0;
}
