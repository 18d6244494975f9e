// Conformance: every exchange of captures/real-4.9.8/namesrv.jsonl (both header serializations) replayed against the
// fake nameserver, on the simulator and on real loopback sockets, must get the real server's answer: every field,
// the body byte for byte, and in fact the whole frame byte for byte (JSON key order included). Also the namesrv_*
// lines of malformed.jsonl (closed or not, nothing answered, another connection still served; the replay is
// testutil/malformed_replay.h, shared with fake_broker/malformed_conformance_test.cc).
//
// The fake is set up as the capture's servers were (README "Server configuration"): broker-a at 127.0.0.1:20911
// and broker-b at 127.0.0.1:21911 in DefaultCluster, master, with TBW102 (8/8 queues, perm 7) on both,
// Topic<S>AB (4 queues, perm 6) on both, Topic<S>A and Pull<S> (2 queues) on broker-a, <S> = J and R. The JSON
// and ROCKETMQ runs used the same servers one after the other, so the ROCKETMQ exchanges saw the J topics and
// whatever the broker captures created in between (%RETRY% groups, auto-created topics); none of the namesrv
// exchanges can see that difference (they ask only for the topics above, unknown ones, %RETRY%CG_NONE<S> which no
// group ever used, and 106, which lists no topics), so one state serves every exchange: no exchange deviates and
// none is marked run-dependent (the opaque is echoed from the request bytes).
#include <gtest/gtest.h>

#include <algorithm>

#include "core/remoting/frame_codec.h"
#include "fake_nameserver/name_server.h"
#include "sim/remoting_harness.h"
#include "testutil/capture_replay.h"
#include "testutil/corpus.h"
#include "testutil/malformed_replay.h"

namespace rmq::fake {
namespace {

using testutil::RawConnection;

std::vector<TopicQueueConfig> capture_topics(bool broker_a) {
  std::vector<TopicQueueConfig> topics = {{"TBW102", 8, 8, 7, 0}};
  for (const char* s : {"J", "R"}) {
    topics.push_back({std::string("Topic") + s + "AB", 4, 4, 6, 0});
    if (broker_a) {
      topics.push_back({std::string("Topic") + s + "A", 4, 4, 6, 0});
      topics.push_back({std::string("Pull") + s, 2, 2, 6, 0});
    }
  }
  return topics;
}

// The two brokers of the capture, as static registrations (the real brokers kept re-registering).
void register_capture_brokers(FakeNameServer& ns) {
  ns.register_broker({"DefaultCluster", "broker-a", 0, "127.0.0.1:20911", capture_topics(true), "127.0.0.1:20912",
                      false});
  ns.register_broker({"DefaultCluster", "broker-b", 0, "127.0.0.1:21911", capture_topics(false), "127.0.0.1:21912",
                      false});
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  " + l + "\n";
  return out;
}

class NamesrvConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    harness_ = testing::make_harness(GetParam());
    NameServerOptions options;
    options.log = [this](const std::string& line) { logs_.push_back(line); };
    ns_ = std::make_unique<FakeNameServer>(harness_->runtime(), options);
    register_capture_brokers(*ns_);
    ASSERT_TRUE(ns_->start(harness_->server_listen_address()).ok());
    run_until_ = [this](const std::function<bool()>& done, int64_t ms) { return harness_->run_until(done, ms); };
    // Waiting out a silence costs nothing in virtual time; on sockets a short window keeps the suite quick.
    if (!harness_->simulated()) replay_.silence_ms = 300;
    compare_.exact_header = true;
  }

  std::unique_ptr<RawConnection> connect() {
    std::string error;
    auto conn = RawConnection::connect_and_wait(harness_->runtime(), ns_->address(), run_until_, &error);
    EXPECT_TRUE(conn) << error;
    return conn;
  }

  std::unique_ptr<testing::RuntimeHarness> harness_;
  std::unique_ptr<FakeNameServer> ns_;
  std::vector<std::string> logs_;
  testutil::RunUntil run_until_;
  testutil::ReplayOptions replay_;
  testutil::CompareOptions compare_;
};

TEST_P(NamesrvConformance, EveryNamesrvExchangeGetsTheRealAnswer) {
  auto lines = testutil::load_jsonl(testutil::spec_path("captures/real-4.9.8/namesrv.jsonl"));
  ASSERT_EQ(lines.size(), 36u);
  std::unique_ptr<RawConnection> previous;
  size_t answered = 0;
  size_t unanswered = 0;
  for (const auto& line : lines) {
    std::string name = testutil::string_field(line, "name");
    std::string label = testutil::line_label(line);
    // The capture sent this one on the connection of the unanswered 9999 just before it.
    std::unique_ptr<RawConnection> conn =
        name == "after_unknown_code_same_connection" ? std::move(previous) : connect();
    ASSERT_TRUE(conn) << label;
    auto result = testutil::replay_exchange(*conn, line, run_until_, replay_);
    auto diffs = testutil::compare_exchange(line, result, compare_);
    EXPECT_TRUE(diffs.empty()) << label << " differs from the real 4.9.8 nameserver:\n" << join(diffs);
    Bytes expected = testutil::hex_field(line, "response_hex");
    if (expected.empty()) {
      ++unanswered;
      EXPECT_FALSE(result.closed_by_peer) << label << ": the connection must stay open";
    } else if (result.responses.size() == 1) {
      ++answered;
      EXPECT_EQ(result.responses[0].raw, expected) << label << ": frame not byte-identical";
    }
    if (name == "unknown_code_9999_namesrv") previous = std::move(conn);
  }
  EXPECT_EQ(answered, 32u);
  EXPECT_EQ(unanswered, 4u);
  auto mentions = [&](const std::string& what) {
    return std::any_of(logs_.begin(), logs_.end(), [&](const std::string& l) { return l.find(what) != l.npos; });
  };
  EXPECT_TRUE(mentions("request code 9999")) << join(logs_);
  EXPECT_TRUE(mentions("request code 0 ")) << join(logs_);
  EXPECT_TRUE(mentions("105 GET_ROUTEINFO_BY_TOPIC")) << join(logs_);
}

// The namesrv_* lines of malformed.jsonl; the probe after each case is the capture's 105 TBW102. Each connection
// closed for a malformed frame leaves exactly one log line naming the client, the byte offset and the reason.
TEST_P(NamesrvConformance, MalformedInputToTheNamesrvAsCaptured) {
  testutil::MalformedReplayOptions options;
  options.prefix = "namesrv_";
  options.probe = remoting::make_request(105, 4242, {{"topic", "TBW102"}});
  options.replay = replay_;
  options.compare = compare_;
  auto outcomes = testutil::replay_malformed(harness_->runtime(), ns_->address(), run_until_, options);
  EXPECT_EQ(outcomes.size(), 21u);
  EXPECT_EQ(testutil::describe_differences(outcomes), "");
  for (const auto& o : outcomes) {
    auto closing = std::count_if(logs_.begin(), logs_.end(), [&](const std::string& l) {
      return l.find("from " + o.client_address + " closed: malformed frame at byte ") != l.npos;
    });
    EXPECT_EQ(closing, o.closed_by_server ? 1 : 0) << o.label << "\n" << join(logs_);
  }
}

INSTANTIATE_TEST_SUITE_P(Runtimes, NamesrvConformance, ::testing::Values("sim", "asio"),
                         [](const auto& param_info) { return param_info.param; });

}  // namespace
}  // namespace rmq::fake
