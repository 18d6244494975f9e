#include "bench/bench_messages.h"

#include <chrono>
#include <cstdlib>

#include "core/protocol/message_properties.h"
#include "core/protocol/pull_headers.h"
#include "core/protocol/request_code.h"
#include "core/protocol/send_headers.h"

namespace rmq::bench {

using remoting::RemotingCommand;
using remoting::SerializeType;

RemotingCommand send_v2_request(SerializeType type) {
  protocol::SendMessageRequestHeaderV2 header;
  header.a = "PG_BENCH";
  header.b = "TopicBench";
  header.c = "TBW102";
  header.d = 4;
  header.e = 2;
  header.f = 0;
  header.g = 1795567162185;
  header.h = 0;
  header.i = "KEYS\x01key0\x02UNIQ_KEY\x01" "7F00000100002A9F0000000000000001\x02WAIT\x01true\x02TAGS\x01TagA";
  header.j = 0;
  header.k = false;
  header.m = false;
  header.n = "broker-a";
  RemotingCommand cmd = remoting::make_request(
      protocol::request_code::kSendMessageV2, 42, type == SerializeType::kJson ? header.to_ext() : header.to_fast_ext(),
      type);
  if (type == SerializeType::kRocketMq) cmd.serialize_type_current_rpc.reset();
  cmd.body = Bytes(128, 'x');
  return cmd;
}

RemotingCommand pull_response_32(SerializeType type) {
  Bytes body;
  for (int i = 0; i < 32; ++i) {
    protocol::StoredMessage m;
    m.queue_id = 1;
    m.queue_offset = 1000 + i;
    m.commit_log_offset = 8390496 + 200 * i;
    m.born_timestamp = 1700000000000 + i;
    m.born_host = {Bytes("\x7f\x00\x00\x01", 4), 33322};
    m.store_timestamp = 1700000000100 + i;
    m.store_host = {Bytes("\x7f\x00\x00\x01", 4), 20911};
    m.body = Bytes(128, static_cast<char>('a' + i % 26));
    m.topic = "TopicBench";
    m.set_properties({{"CLUSTER", "DefaultCluster"}, {"TAGS", "TagA"}, {"KEYS", "key" + std::to_string(i)}});
    body += protocol::encode_stored_message(m).value();
  }
  RemotingCommand request = remoting::make_request(protocol::request_code::kPullMessage, 42, {}, type);
  RemotingCommand cmd = remoting::make_response(request, 0, "FOUND");
  if (type == SerializeType::kRocketMq) cmd.serialize_type_current_rpc.reset();
  cmd.ext_fields = remoting::ExtFields{
      {"suggestWhichBrokerId", "0"}, {"nextBeginOffset", "1032"}, {"maxOffset", "5000"}, {"minOffset", "0"}};
  cmd.body = std::move(body);
  return cmd;
}

std::vector<protocol::StoredMessage> decode_pull_body(ByteView body) { return protocol::decode_stored_messages(body); }

void injected_slowdown() {
  static const int64_t nanos = [] {
    const char* text = std::getenv("RMQSIM_BENCH_SLOWDOWN_NS");
    return text == nullptr ? int64_t{0} : std::strtoll(text, nullptr, 10);
  }();
  if (nanos <= 0) return;
  const auto until = std::chrono::steady_clock::now() + std::chrono::nanoseconds(nanos);
  while (std::chrono::steady_clock::now() < until) {
  }
}

}  // namespace rmq::bench
