// Conformance, second tier: captures/real-4.9.8/broker-extra.jsonl (both serializations) replayed against a fresh
// FakeBroker per serialization run, on the simulator and on real loopback sockets. The capture ran on fresh servers
// of its own (README "broker-extra.jsonl"), and none of the answers the fake can give depends on what the JSON run
// left behind (commit-log offsets show only in 320/33/12 answers, which the fake does not serve), so a fresh
// broker per run reproduces the captured state.
//
// The rule for this tier: what the fake implements is answered exactly as captured; a request code it does not
// implement gets 3 REQUEST_CODE_NOT_SUPPORTED " request type <code> not supported" in the request's
// serialization (the bytes a real 4.9.8 broker sends for a code it has no processor for: unknown_code_9999_broker of
// broker-admin.jsonl, with the opaque and the code in the remark changed). kExchanges names the path of each line.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>

#include "core/common/hex.h"
#include "core/remoting/frame_codec.h"
#include "fake_broker/broker.h"
#include "fake_broker/rebalance_lock.h"
#include "sim/remoting_harness.h"
#include "testutil/capture_replay.h"
#include "testutil/corpus.h"

namespace rmq::fake {
namespace {

using remoting::RemotingCommand;

enum class Path {
  kExact,        // implemented: the captured answer, field by field and header bytes
  kUnsupported,  // not implemented: code 3 " request type <code> not supported"
  kJsonErrorText,  // implemented; the real remark is fastjson's parser message, the fake's a generic one
  kEmptyQueue,   // implemented, but reads what a 320 batch stored; the fake rejected the batch (kUnsupported), so
                 // the answer is the real broker's for an empty queue (pull_empty_queue_0 of broker-pull.jsonl)
};

const char* path_name(Path p) {
  switch (p) {
    case Path::kExact: return "exact";
    case Path::kUnsupported: return "code 3";
    case Path::kEmptyQueue: return "empty-queue answer (batch not stored)";
    case Path::kJsonErrorText: return "exact but fastjson's message";
  }
  return "?";
}

// The request codes of broker-extra.jsonl that FakeBroker has no processor for (broker.cc install_handlers).
const std::set<int32_t> kUnsupportedCodes = {320, 33, 12, 46};

// Every line of broker-extra.jsonl (the same names in both serializations) and the path it takes.
const std::map<std::string, Path> kExchanges = {
    {"setup_create_topic", Path::kExact},               // 17 UPDATE_AND_CREATE_TOPIC Extra<S>, 2 queues
    {"send_batch_320", Path::kUnsupported},             // 320 SEND_BATCH_MESSAGE
    {"send_batch_320_retry_topic", Path::kUnsupported},  // 320 to %RETRY%CG_EXTRA<S>
    {"send_batch_320_garbage_body", Path::kUnsupported},  // 320, body not a batch (real: code 1 BufferUnderflow)
    {"send_310_oneway", Path::kExact},                  // 310 flag 2: no answer, stored
    {"max_30_after_oneway", Path::kExact},              // 30 GET_MAX_OFFSET: 1, the oneway message was stored
    {"pull_batch", Path::kEmptyQueue},                  // 11 PULL_MESSAGE of the batch's queue
    {"pull_sql92", Path::kExact},                       // 11 with SQL92: code 1 "does not support ... SQL92"
    {"view_33", Path::kUnsupported},                    // 33 VIEW_MESSAGE_BY_ID
    {"view_33_bad_offset", Path::kUnsupported},
    {"query_12_by_key", Path::kUnsupported},            // 12 QUERY_MESSAGE
    {"query_12_unique_key", Path::kUnsupported},
    {"query_12_no_match", Path::kUnsupported},
    {"lock_41_client1", Path::kExact},            // 41 LOCK_BATCH_MQ
    {"lock_41_client2_conflict", Path::kExact},
    {"lock_41_client1_again", Path::kExact},
    {"unlock_42_client1", Path::kExact},          // 42 UNLOCK_BATCH_MQ
    {"lock_41_client2_after_unlock", Path::kExact},
    {"unlock_42_not_owner", Path::kExact},
    {"lock_41_invalid_body", Path::kJsonErrorText},
    {"check_client_config_46", Path::kUnsupported},     // 46 CHECK_CLIENT_CONFIG
    {"check_client_config_46_sql92", Path::kUnsupported},
};

RemotingCommand decode(ByteView frame) {
  auto decoded = remoting::decode_frame_content(frame.substr(4));
  EXPECT_TRUE(std::holds_alternative<RemotingCommand>(decoded));
  return std::holds_alternative<RemotingCommand>(decoded) ? std::get<RemotingCommand>(decoded) : RemotingCommand{};
}

// The captured answer of the named line in `file` for `serialize`, re-encoded after `edit`. The re-encoding is
// checked to reproduce the captured bytes first, so only the edited fields can differ from the real broker's.
Bytes captured_answer(const std::string& file, const std::string& name, const std::string& serialize,
                      const std::function<void(RemotingCommand&)>& edit) {
  for (const auto& line : testutil::load_jsonl(testutil::spec_path("captures/real-4.9.8/" + file))) {
    if (testutil::string_field(line, "name") != name || testutil::string_field(line, "serialize") != serialize) {
      continue;
    }
    Bytes captured = testutil::hex_field(line, "response_hex");
    RemotingCommand answer = decode(captured);
    EXPECT_EQ(remoting::encode_frame(answer), captured) << name << "/" << serialize << " does not re-encode";
    edit(answer);
    return remoting::encode_frame(answer);
  }
  ADD_FAILURE() << "no line " << name << "/" << serialize << " in " << file;
  return {};
}

// What a line should get from the fake on its path.
Bytes expected_answer(Path path, const boost::json::object& line, const RemotingCommand& request) {
  const std::string serialize = testutil::string_field(line, "serialize");
  auto same_opaque = [&](RemotingCommand& c) { c.opaque = request.opaque; };
  switch (path) {
    case Path::kExact: return testutil::hex_field(line, "response_hex");
    case Path::kUnsupported:
      return captured_answer("broker-admin.jsonl", "unknown_code_9999_broker", serialize, [&](RemotingCommand& c) {
        same_opaque(c);
        c.remark = " request type " + std::to_string(request.code) + " not supported";
      });
    case Path::kEmptyQueue: return captured_answer("broker-pull.jsonl", "pull_empty_queue_0", serialize, same_opaque);
    case Path::kJsonErrorText:
      return captured_answer("broker-extra.jsonl", testutil::string_field(line, "name"), serialize,
                             [&](RemotingCommand& c) { c.remark = kLockBodyJsonError; });
  }
  return {};
}

class ExtraConformance : public ::testing::TestWithParam<std::string> {
 protected:
  // One serialization run on a fresh broker (and a fresh runtime); returns the number of lines replayed.
  size_t replay_run(const std::string& serialize);
};

size_t ExtraConformance::replay_run(const std::string& serialize) {
  auto harness = testing::make_harness(GetParam());
  BrokerOptions options;
  options.advertised_address = "127.0.0.1:20911";  // the capture's broker-a
  options.commit_log_file_size = 64 << 20;
  FakeBroker broker(harness->runtime(), options);
  EXPECT_TRUE(broker.start(harness->server_listen_address()).ok());
  testutil::RunUntil run_until = [&](const std::function<bool()>& done, int64_t ms) {
    return harness->run_until(done, ms);
  };
  std::string error;
  auto conn = testutil::RawConnection::connect_and_wait(harness->runtime(), broker.server().address(), run_until,
                                                        &error);
  EXPECT_TRUE(conn) << error;
  if (!conn) return 0;
  testutil::ReplayOptions replay;
  if (!harness->simulated()) replay.silence_ms = 300;  // the oneway send: nothing may come back
  testutil::CompareOptions compare;
  compare.exact_header = true;
  size_t replayed = 0;
  for (const auto& line : testutil::load_jsonl(testutil::spec_path("captures/real-4.9.8/broker-extra.jsonl"))) {
    if (testutil::string_field(line, "serialize") != serialize) continue;
    const std::string name = testutil::string_field(line, "name");
    auto entry = kExchanges.find(name);
    if (entry == kExchanges.end()) {
      ADD_FAILURE() << name << " is not in kExchanges: decide its path";
      continue;
    }
    const Path path = entry->second;
    const RemotingCommand request = decode(testutil::request_bytes(line));
    EXPECT_EQ(kUnsupportedCodes.contains(request.code), path == Path::kUnsupported)
        << name << ": request code " << request.code << " vs path " << path_name(path);
    // The line as it should be answered on its path: the replay waits for that and compare_exchange checks it.
    boost::json::object want = line;
    Bytes answer = expected_answer(path, line, request);
    want["response_hex"] = answer.empty() ? boost::json::value(nullptr) : boost::json::value(to_hex_lower(answer));
    auto result = testutil::replay_exchange(*conn, want, run_until, replay);
    std::string diffs;
    for (const auto& d : testutil::compare_exchange(want, result, compare)) diffs += "  " + d + "\n";
    EXPECT_EQ(diffs, "") << name << "/" << serialize << " (" << path_name(path) << ")";
    std::printf("[%s] %-30s %-8s %s%s\n", GetParam().c_str(), name.c_str(), serialize.c_str(), path_name(path),
                diffs.empty() ? "" : "  DIFFERS");
    ++replayed;
  }
  return replayed;
}

TEST_P(ExtraConformance, ImplementedExactlyTheRestCode3) {
  EXPECT_EQ(replay_run("JSON"), kExchanges.size());
  EXPECT_EQ(replay_run("ROCKETMQ"), kExchanges.size());
}

INSTANTIATE_TEST_SUITE_P(Runtimes, ExtraConformance, ::testing::Values("sim", "asio"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace rmq::fake
