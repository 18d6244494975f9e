// Conformance: every exchange of broker-admin, broker-send, broker-pull, broker-offsets and broker-consumer (both
// serializations) replayed against one FakeBroker (and the FakeNameServer it registers with) set up like the
// capture's servers, on the simulator and on real loopback sockets. As in the capture, the JSON run goes first and
// the ROCKETMQ run follows on the same servers, so commit-log offsets, msgIds and the shared system queues
// (TBW102, SCHEDULE_TOPIC_XXXX) match the captured bytes exactly.
#include <gtest/gtest.h>

#include "fake_broker/broker.h"
#include "fake_broker/replay.h"
#include "fake_nameserver/name_server.h"

namespace rmq::fake::test {
namespace {

constexpr const char* kAreas[] = {"broker-admin.jsonl", "broker-send.jsonl", "broker-pull.jsonl",
                                  "broker-offsets.jsonl", "broker-consumer.jsonl"};

// Exchanges whose answer differs from the capture beyond the README's run-dependent values, and why. Empty: the
// fake reproduces every captured answer (JDK-specific NPE texts included where captured).
const std::map<std::string, std::string> kDocumentedDeviations = {};

class Replayer {
 public:
  Replayer(TestEnv& env, ReplayTiming timing) : env_(env), timing_(timing), scripted_(env.runtime()) {
    NameServerOptions ns_options;
    ns_ = std::make_unique<FakeNameServer>(env.runtime(), ns_options);
    EXPECT_TRUE(ns_->start(env.listen_address("127.0.0.1:19876")).ok());
    BrokerOptions options;
    options.advertised_address = "127.0.0.1:20911";  // the capture's broker-a: msgIds carry it
    options.commit_log_file_size = 64 << 20;
    if (!env.simulated()) {
      // Real time: shorter delays and long-poll holds keep the loopback run quick; answers are the same.
      for (int64_t& d : options.message_delay_levels_ms) d /= 5;
      options.long_polling_suspend_max_ms = 300;
    }
    broker_ = std::make_unique<FakeBroker>(scripted_, options);
    EXPECT_TRUE(broker_->start(env.listen_address("127.0.0.1:20911")).ok());
    broker_->attach_name_server(ns_.get());
  }

  void replay_area(const std::string& file, const std::string& serialize) {
    conns_.clear();
    for (auto& line : testutil::load_jsonl(testutil::spec_path("captures/real-4.9.8/" + file))) {
      if (testutil::string_field(line, "serialize") != serialize) continue;
      exchange(file, serialize, line);
    }
  }

  std::vector<Outcome> outcomes;
  FakeBroker& broker() { return *broker_; }

 private:
  static bool for_name_server(const std::string& name) {
    return name.starts_with("namesrv_") || (name.starts_with("route_105_") && name != "route_105_sent_to_broker");
  }
  static std::string connection_of(const std::string& name) {
    if (name.find("member1") != std::string::npos) return "member1";
    if (name.find("member2") != std::string::npos) return "member2";
    if (name == "send_waking_the_suspended_pull") return "waker";
    return "main";
  }
  RawConnection& conn(const std::string& name, bool name_server = false) {
    std::string key = name_server ? "namesrv" : name;
    auto& c = conns_[key];
    if (!c) c = std::make_unique<RawConnection>(env_, name_server ? ns_->address() : broker_->server().address());
    return *c;
  }

  // The captured request, except where the README calls a request value run-dependent: search_29's "now".
  Bytes request_bytes(const boost::json::object& line) {
    Bytes bytes = testutil::hex_field(line, "request_hex");
    const std::string name = testutil::string_field(line, "name");
    if (name == "search_29_ts_now" || name == "search_29_empty_queue") {
      auto request = decode_frame(bytes);
      request->set_ext("timestamp", std::to_string(env_.runtime().wall_clock_ms()));
      bytes = remoting::encode_frame(*request);
    }
    if (const auto* elided = object_field(line, "request_hex_body_elided")) {
      auto fill = testutil::hex_field(*elided, "fill_byte_hex");
      bytes.append(static_cast<size_t>(elided->at("bytes").as_int64()), fill.at(0));
    }
    return bytes;
  }

  // Waits for the answer on `c`; frames that are not answers (pushes) are kept for the push comparison.
  std::optional<Bytes> await_response(RawConnection& c, const std::string& cname, int64_t limit_ms) {
    int64_t deadline = env_.now_ms() + limit_ms;
    while (env_.now_ms() <= deadline) {
      auto f = c.next(std::max<int64_t>(1, deadline - env_.now_ms()));
      if (!f) return std::nullopt;
      auto cmd = decode_frame(*f);
      if (cmd && cmd->is_response()) return f;
      pushes_[cname].push_back(*f);
    }
    return std::nullopt;
  }

  void collect_pushes(const boost::json::object& line) {
    if (line.contains("other_frames")) {
      size_t want = line.at("other_frames").as_array().size();
      env_.run_until([&] {
        size_t n = 0;
        for (auto& [name, c] : conns_) n += c->frames.size() + pushes_[name].size();
        return n >= want;
      }, 2000);
    }
    env_.run_for(timing_.push_wait_ms);
    for (auto& [name, c] : conns_) {
      while (!c->frames.empty()) {
        pushes_[name].push_back(std::move(c->frames.front()));
        c->frames.pop_front();
      }
    }
  }

  std::string compare_pushes(const boost::json::object& line) {
    std::map<std::string, std::vector<Bytes>> expected;
    if (auto it = line.find("other_frames"); it != line.end()) {
      for (const auto& f : it->value().as_array()) {
        std::string c = testutil::string_field(f.as_object(), "connection");
        expected[c == "broker-a" || c == "other" ? "main" : c].push_back(testutil::hex_field(f.as_object(), "hex"));
      }
    }
    std::string diff;
    for (auto& [cname, frames] : pushes_) {
      auto& want = expected[cname];
      if (want.size() != frames.size()) {
        diff += " pushes on " + cname + ": " + std::to_string(frames.size()) + " (capture " + std::to_string(want.size()) + ")";
        continue;
      }
      for (size_t i = 0; i < frames.size(); ++i) {
        auto cap = decode_frame(want[i]);
        auto act = decode_frame(frames[i]);
        if (!cap || !act) { diff += " undecodable push"; continue; }
        act->opaque = cap->opaque;  // the server's own counter: run-dependent
        if (remoting::encode_frame(*act) != want[i]) diff += " push on " + cname + ": " + describe(*act);
      }
    }
    for (auto& [cname, want] : expected) {
      if (!want.empty() && pushes_[cname].empty()) diff += " missing pushes on " + cname;
    }
    pushes_.clear();
    return diff;
  }

  void exchange(const std::string& file, const std::string& serialize, const boost::json::object& line) {
    const std::string name = testutil::string_field(line, "name");
    if (name == "create_topic_17_broker_b") return;  // for the capture's broker-b, not served here
    if (name == "send_waking_the_suspended_pull") {
      waker_line_ = line;
      return;
    }
    if (name == "sendback_36_delay1") sendback_at_ = env_.now_ms();
    if (name == "send_310_queue_negative") {
      // The real broker's pick (random % 4) is run-dependent: make the fake pick the same, so that the queue
      // offsets of later sends line up with the capture.
      auto captured = decode_frame(testutil::hex_field(line, "response_hex"));
      scripted_.force_next_random(std::stoull(std::string(*captured->ext("queueId"))));
    }
    if (name == "retry_max_30" || name == "retry_pull_found") wait_until(sendback_at_ + timing_.retry_check_ms);
    if (name == "retry_pull_after_10s") wait_until(sendback_at_ + timing_.retry_after_level3_ms);
    Outcome outcome{serialize, file, name, "", 0};
    if (name == "member2_connection_closed") {
      conn("member2").close();
      conns_.erase("member2");
      collect_pushes(line);
      outcome.diff = compare_pushes(line);
      outcomes.push_back(outcome);
      return;
    }
    const bool to_ns = for_name_server(name);
    const std::string cname = to_ns ? "namesrv" : connection_of(name);
    RawConnection& c = conn(to_ns ? "namesrv" : cname, to_ns);
    int64_t sent_at = env_.now_ms();
    c.send(request_bytes(line));
    if (name == "pull_suspend_woken_by_send") {
      env_.run_for(timing_.waker_delay_ms);
      send_waker(serialize, file);
    }
    Bytes captured = testutil::hex_field(line, "response_hex");
    if (captured.empty()) {  // oneway: nothing may come back
      env_.run_for(100);
      outcome.diff = c.frames.empty() ? "" : "answered a oneway request";
    } else {
      auto response = await_response(c, cname, 30000);
      outcome.elapsed_ms = env_.now_ms() - sent_at;
      outcome.diff = response ? compare_frame(name, captured, *response, &outcome.byte_exact) : "no answer";
    }
    collect_pushes(line);
    outcome.diff += compare_pushes(line);
    outcomes.push_back(outcome);
  }

  void send_waker(const std::string& serialize, const std::string& file) {
    RawConnection& w = conn("waker");
    w.send(request_bytes(waker_line_));
    auto response = await_response(w, "waker", 30000);
    Outcome o{serialize, file, "send_waking_the_suspended_pull", "", 0};
    o.diff = response ? compare_frame(o.name, testutil::hex_field(waker_line_, "response_hex"), *response) : "no answer";
    outcomes.push_back(o);
  }

  void wait_until(int64_t at_ms) {
    if (env_.now_ms() < at_ms) env_.run_for(at_ms - env_.now_ms());
  }

  TestEnv& env_;
  ReplayTiming timing_;
  ScriptedRandomRuntime scripted_;
  std::unique_ptr<FakeNameServer> ns_;
  std::unique_ptr<FakeBroker> broker_;
  std::map<std::string, std::unique_ptr<RawConnection>> conns_;
  std::map<std::string, std::vector<Bytes>> pushes_;
  boost::json::object waker_line_;
  int64_t sendback_at_ = 0;
};

class Conformance : public ::testing::TestWithParam<std::string> {};

TEST_P(Conformance, EveryCapturedExchangeIsAnsweredAsTheRealBrokerDid) {
  TestEnv env(GetParam());
  ReplayTiming timing;
  if (!env.simulated()) timing = ReplayTiming{5, 100, 500, 2300};
  Replayer replayer(env, timing);
  for (const char* serialize : {"JSON", "ROCKETMQ"}) {
    for (const char* file : kAreas) replayer.replay_area(file, serialize);
  }
  size_t matched = 0, exact = 0;
  std::set<std::string> deviating;
  for (const Outcome& o : replayer.outcomes) {
    exact += o.byte_exact ? 1 : 0;
    if (o.diff.empty()) {
      ++matched;
      continue;
    }
    deviating.insert(o.name);
    auto documented = kDocumentedDeviations.find(o.name);
    EXPECT_NE(documented, kDocumentedDeviations.end())
        << o.serialize << " " << o.file << " " << o.name << ":" << o.diff;
  }
  for (const auto& [name, why] : kDocumentedDeviations) {
    EXPECT_TRUE(deviating.count(name)) << name << " is documented as deviating but now matches: " << why;
  }
  EXPECT_GE(replayer.outcomes.size(), 240u);
  std::printf("[%s] %zu of %zu exchanges equal the capture (%zu byte for byte, the rest after masking)\n",
              GetParam().c_str(), matched, replayer.outcomes.size(), exact);
}

// The fake answers a timed-out long poll exactly at suspendTimeoutMillis; the real broker waits for its next 5 s
// hold-service tick (captured: 1000 ms -> 5912 / 2178 ms, 6000 ms -> 10000 ms). A woken pull is answered when the
// message arrives, as on the real broker (captured 706 ms for a send 700 ms after the pull).
TEST(ConformanceTiming, LongPollTimesOutExactlyNotOnTheRealBrokersTick) {
  TestEnv env("sim");
  Replayer replayer(env, ReplayTiming{});
  replayer.replay_area("broker-admin.jsonl", "JSON");
  replayer.replay_area("broker-send.jsonl", "JSON");
  replayer.replay_area("broker-pull.jsonl", "JSON");
  std::map<std::string, int64_t> elapsed;
  for (const Outcome& o : replayer.outcomes) elapsed[o.name] = o.elapsed_ms;
  EXPECT_GE(elapsed["pull_suspend_timeout_1000"], 1000);
  EXPECT_LE(elapsed["pull_suspend_timeout_1000"], 1010);
  EXPECT_GE(elapsed["pull_suspend_timeout_6000"], 6000);
  EXPECT_LE(elapsed["pull_suspend_timeout_6000"], 6010);
  EXPECT_GE(elapsed["pull_suspend_empty_queue"], 1000);
  EXPECT_LE(elapsed["pull_suspend_empty_queue"], 1010);
  EXPECT_GE(elapsed["pull_suspend_woken_by_send"], 700);
  EXPECT_LE(elapsed["pull_suspend_woken_by_send"], 710);
}

INSTANTIATE_TEST_SUITE_P(BothRuntimes, Conformance, ::testing::Values("sim", "asio"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace rmq::fake::test
