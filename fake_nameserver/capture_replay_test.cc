// The capture-replay helper (testutil/capture_replay.h) must see differences, not only agreement: the conformance
// suite is only as strong as its comparison.
#include <gtest/gtest.h>

#include "core/remoting/frame_codec.h"
#include "fake_nameserver/name_server.h"
#include "sim/remoting_harness.h"
#include "testutil/capture_replay.h"
#include "testutil/corpus.h"

namespace rmq::testutil {
namespace {

using remoting::RemotingCommand;

ReceivedFrame received(const RemotingCommand& command) {
  ReceivedFrame f;
  f.raw = remoting::encode_frame(command);
  f.command = command;
  return f;
}

RemotingCommand answer() {
  RemotingCommand request = remoting::make_request(105, 7, {});
  RemotingCommand r = remoting::make_response(request, 0);
  r.ext_fields = remoting::ExtFields{{"a", "1"}, {"b", "2"}};
  r.body = "{\"x\":1}";
  return r;
}

bool mentions(const std::vector<std::string>& diffs, const std::string& what) {
  for (const auto& d : diffs) {
    if (d.find(what) != std::string::npos) return true;
  }
  return false;
}

TEST(CaptureReplay, CompareFrameNamesEachDifferingField) {
  Bytes expected = remoting::encode_frame(answer());
  EXPECT_TRUE(compare_frame(expected, received(answer())).empty());

  RemotingCommand other = answer();
  other.code = 17;
  other.remark = "why";
  other.ext_fields->set("b", "3");
  other.ext_fields->set("c", "4");
  other.body = "{\"x\":2}";
  other.header_serialize = remoting::SerializeType::kRocketMq;
  auto diffs = compare_frame(expected, received(other));
  for (const char* field : {"code:", "remark:", "ext.b:", "ext.c:", "body:", "serialize:"}) {
    EXPECT_TRUE(mentions(diffs, field)) << field;
  }
  CompareOptions lenient;
  lenient.ignore = {"code", "remark", "ext.b", "body", "serialize", "serializeTypeCurrentRPC"};
  diffs = compare_frame(expected, received(other), lenient);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_TRUE(mentions(diffs, "ext.c: unexpected"));
}

TEST(CaptureReplay, ExtIsASetUnlessTheExactHeaderIsAsked) {
  RemotingCommand swapped = answer();
  swapped.ext_fields = remoting::ExtFields{{"b", "2"}, {"a", "1"}};
  Bytes expected = remoting::encode_frame(answer());
  EXPECT_TRUE(compare_frame(expected, received(swapped)).empty());
  CompareOptions exact;
  exact.exact_header = true;
  EXPECT_TRUE(mentions(compare_frame(expected, received(swapped), exact), "header bytes"));
}

TEST(CaptureReplay, AReplayAgainstADifferentServerStateIsReported) {
  testing::SimHarness harness;
  fake::FakeNameServer ns(harness.runtime());
  ns.register_broker({"DefaultCluster", "broker-a", 0, "127.0.0.1:20911", {{"TopicJAB", 4, 4, 6, 0}}, "", false});
  ASSERT_TRUE(ns.start(harness.server_listen_address()).ok());
  RunUntil run_until = [&](const std::function<bool()>& done, int64_t ms) { return harness.run_until(done, ms); };
  auto lines = load_jsonl(spec_path("captures/real-4.9.8/namesrv.jsonl"));
  ASSERT_EQ(string_field(lines[0], "name"), "route_105_two_brokers_v409");
  auto conn = RawConnection::connect_and_wait(harness.runtime(), ns.address(), run_until);
  ASSERT_TRUE(conn);
  auto result = replay_exchange(*conn, lines[0], run_until);
  auto diffs = compare_exchange(lines[0], result);
  ASSERT_EQ(diffs.size(), 1u);
  EXPECT_TRUE(mentions(diffs, "body: differs")) << diffs[0];
  // A line that expects no answer, replayed where one comes, is reported too.
  boost::json::object silent = lines[0];
  silent["response_hex"] = nullptr;
  result = replay_exchange(*conn, silent, run_until);
  EXPECT_TRUE(mentions(compare_exchange(silent, result), "responses: expected 0, got 1"));
}

}  // namespace
}  // namespace rmq::testutil
