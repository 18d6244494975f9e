// Every JSON body parser and the record decoder, fed deterministic mutations of real captured bodies: each
// answer is a value or an Error, never a crash (the ASan preset turns overreads into failures).
#include <gtest/gtest.h>

#include "core/protocol/capture_test_util.h"
#include "core/protocol/consumer_list.h"
#include "core/protocol/heartbeat_data.h"
#include "core/protocol/message_codec.h"
#include "core/protocol/route_data.h"

namespace rmq::protocol {
namespace {

class Mutator {
 public:
  // Flips, deletes, duplicates or truncates at positions drawn from a fixed LCG.
  std::string mutate(std::string s) {
    if (s.empty()) return s;
    switch (next() % 4) {
      case 0: s[next() % s.size()] = "{}[]:,\"\\0-9 x"[next() % 13]; break;
      case 1: s.erase(next() % s.size(), 1 + next() % 4); break;
      case 2: { size_t at = next() % s.size(); s.insert(at, s.substr(at, 1 + next() % 8)); break; }
      default: s.resize(next() % s.size()); break;
    }
    return s;
  }

 private:
  uint64_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33;
  }
  uint64_t state_ = 42;
};

TEST(BodyMutation, ParsersNeverCrash) {
  Mutator mutator;
  int parsed = 0, rejected = 0;
  for (const auto& c : test::captures()) {
    int64_t code = test::request_code(c.line);
    std::string request = testutil::string_field(c.line, "request_body_text");
    std::string response = testutil::string_field(c.line, "response_body_text");
    std::optional<Bytes> raw = test::frame_body(testutil::hex_field(c.line, "response_hex"));
    for (int round = 0; round < 40; ++round) {
      std::optional<bool> ok;  // nullopt: this line has no body of these kinds
      if (code == 105 && !response.empty()) ok = parse_topic_route_data(mutator.mutate(response)).ok();
      if (code == 34 && !request.empty()) ok = parse_heartbeat_data(mutator.mutate(request)).ok();
      if (code == 38 && !response.empty()) ok = parse_consumer_id_list(mutator.mutate(response)).ok();
      if ((code == 41 || code == 42) && !request.empty()) ok = parse_lock_batch_request(mutator.mutate(request)).ok();
      if (code == 41 && !response.empty()) ok = parse_lock_batch_response(mutator.mutate(response)).ok();
      if (c.line.contains("response_body_messages") && raw) {
        ok = !decode_stored_messages_report(mutator.mutate(*raw)).stop.has_value();
      }
      if (ok) (*ok ? parsed : rejected)++;
    }
  }
  // Both outcomes occur (some mutations keep a body valid, e.g. a changed digit).
  EXPECT_GT(rejected, 1000);
  EXPECT_GT(parsed, 50);
}

}  // namespace
}  // namespace rmq::protocol
