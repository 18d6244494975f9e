// Broker registration over the wire (REGISTER_BROKER 103 / UNREGISTER_BROKER 104) and liveness: what 105 and 106
// show afterwards, removal when the registering connection closes, expiry after 120 s (simulator: virtual time),
// and unknown codes (no answer, the same connection still served). On both runtimes where time allows.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/protocol/message_codec.h"
#include "core/protocol/route_data.h"
#include "core/remoting/frame_codec.h"
#include "fake_nameserver/name_server.h"
#include "fake_nameserver/register_codec.h"
#include "sim/remoting_harness.h"
#include "testutil/capture_replay.h"

namespace rmq::fake {
namespace {

using remoting::RemotingCommand;
using remoting::SerializeType;
using testutil::RawConnection;

constexpr int32_t kRegister = 103;
constexpr int32_t kUnregister = 104;
constexpr int32_t kRoute = 105;
constexpr int32_t kClusterInfo = 106;

BrokerRegistration broker(const std::string& name, int64_t id, const std::string& addr,
                          std::vector<TopicQueueConfig> topics = {{"T", 4, 4, 6, 0}}) {
  return BrokerRegistration{"DefaultCluster", name, id, addr, std::move(topics), addr + "-ha", true};
}

RemotingCommand register_request(const BrokerRegistration& b, DataVersion version, SerializeType type) {
  RegisterBrokerBody body{version, b.topics, {}};
  std::string text = encode_register_broker_body(body);
  RegisterBrokerRequestHeader h{b.broker_name, b.broker_addr, b.cluster, b.ha_server_addr, b.broker_id, false,
                                protocol::body_crc(text)};
  RemotingCommand r = remoting::make_request(kRegister, 0, h.to_ext(), type);
  r.body = std::move(text);
  return r;
}

RemotingCommand unregister_request(const BrokerRegistration& b, SerializeType type) {
  UnRegisterBrokerRequestHeader h{b.broker_name, b.broker_addr, b.cluster, b.broker_id};
  return remoting::make_request(kUnregister, 0, h.to_ext(), type);
}

RemotingCommand route_request(const std::string& topic) {
  return remoting::make_request(kRoute, 0, {{"topic", topic}});
}

// One client connection that sends commands and waits for their answers by opaque.
class Peer {
 public:
  Peer(testing::RuntimeHarness& harness, const std::string& address) : harness_(harness) {
    conn_ = RawConnection::connect_and_wait(
        harness.runtime(), address, [&](const auto& done, int64_t ms) { return harness.run_until(done, ms); });
  }
  bool ok() const { return conn_ != nullptr; }

  void send(RemotingCommand request) {
    request.opaque = next_opaque_++;
    conn_->send(remoting::encode_frame(request));
  }
  // Sends and waits for the answer with the same opaque.
  std::optional<testutil::ReceivedFrame> call(RemotingCommand request) {
    int32_t opaque = next_opaque_;
    send(std::move(request));
    auto find = [&]() -> const testutil::ReceivedFrame* {
      for (const auto& f : conn_->frames()) {
        if (f.command.is_response() && f.command.opaque == opaque) return &f;
      }
      return nullptr;
    };
    harness_.run_until([&] { return find() != nullptr; }, 10'000);
    if (const auto* f = find()) return *f;
    return std::nullopt;
  }
  RawConnection& conn() { return *conn_; }

 private:
  testing::RuntimeHarness& harness_;
  std::unique_ptr<RawConnection> conn_;
  int32_t next_opaque_ = 1;
};

class Registration : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    harness_ = testing::make_harness(GetParam());
    NameServerOptions options;
    options.log = [this](const std::string& line) { logs_.push_back(line); };
    ns_ = std::make_unique<FakeNameServer>(harness_->runtime(), options);
    ASSERT_TRUE(ns_->start(harness_->server_listen_address()).ok());
  }

  std::unique_ptr<Peer> peer() {
    auto p = std::make_unique<Peer>(*harness_, ns_->address());
    EXPECT_TRUE(p->ok());
    return p;
  }

  // The code a fresh client gets for 105 `topic`, and the route when 0.
  int32_t route_code(const std::string& topic, std::optional<protocol::TopicRouteData>* route = nullptr) {
    auto client = peer();
    auto answer = client->call(route_request(topic));
    if (!answer) return -1;
    if (route != nullptr && answer->command.code == 0) {
      auto parsed = protocol::parse_topic_route_data(answer->command.body);
      if (parsed.ok()) *route = std::move(parsed).value();
    }
    return answer->command.code;
  }

  bool logged(const std::string& what) const {
    return std::any_of(logs_.begin(), logs_.end(), [&](const std::string& l) { return l.find(what) != l.npos; });
  }

  std::unique_ptr<testing::RuntimeHarness> harness_;
  std::unique_ptr<FakeNameServer> ns_;
  std::vector<std::string> logs_;
};

TEST_P(Registration, RegisterOverTheWireThenTheRouteShowsIt) {
  for (SerializeType type : {SerializeType::kJson, SerializeType::kRocketMq}) {
    auto b = peer();
    auto answer = b->call(register_request(broker("broker-a", 0, "10.0.0.1:10911"), {1, 1}, type));
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->command.code, 0);
    EXPECT_EQ(answer->command.header_serialize, type);
    EXPECT_FALSE(answer->command.remark.has_value());
    EXPECT_TRUE(answer->command.body.empty());
    // A master gets no masterAddr/haServerAddr; Java still creates the (empty) ext map.
    if (type == SerializeType::kJson) {
      EXPECT_NE(answer->raw.find(R"("extFields":{})"), std::string::npos) << answer->raw;
    } else {
      EXPECT_FALSE(answer->command.ext_fields.has_value());
    }
    std::optional<protocol::TopicRouteData> route;
    ASSERT_EQ(route_code("T", &route), 0);
    ASSERT_EQ(route->broker_datas.size(), 1u);
    EXPECT_EQ(route->broker_datas[0].address(0), "10.0.0.1:10911");
    EXPECT_EQ(route->queue_datas[0].perm, 6);
  }
}

TEST_P(Registration, SlaveIsAnsweredItsMastersAddresses) {
  auto master = peer();
  ASSERT_EQ(master->call(register_request(broker("broker-a", 0, "m:1"), {1, 1}, SerializeType::kJson))->command.code, 0);
  auto slave = peer();
  auto answer = slave->call(register_request(broker("broker-a", 1, "s:1", {{"T", 2, 2, 4, 0}}), {1, 1},
                                             SerializeType::kRocketMq));
  ASSERT_TRUE(answer.has_value());
  ASSERT_TRUE(answer->command.ext_fields.has_value());
  EXPECT_EQ(answer->command.ext("masterAddr"), "m:1");
  EXPECT_EQ(answer->command.ext("haServerAddr"), "m:1-ha");
  std::optional<protocol::TopicRouteData> route;
  ASSERT_EQ(route_code("T", &route), 0);
  EXPECT_EQ(route->broker_datas[0].broker_addrs.size(), 2u);
  EXPECT_EQ(route->queue_datas[0].read_queue_nums, 4);  // from the master only
}

TEST_P(Registration, UnregisterRemovesTheBroker) {
  auto b = peer();
  auto reg = broker("broker-a", 0, "10.0.0.1:10911");
  ASSERT_EQ(b->call(register_request(reg, {1, 1}, SerializeType::kJson))->command.code, 0);
  auto answer = b->call(unregister_request(reg, SerializeType::kRocketMq));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->command.code, 0);
  EXPECT_FALSE(answer->command.ext_fields.has_value());
  EXPECT_EQ(route_code("T"), 17);
  auto client = peer();
  auto info = client->call(remoting::make_request(kClusterInfo, 0));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->command.body, R"({"brokerAddrTable":{},"clusterAddrTable":{}})");
}

TEST_P(Registration, ClosingTheRegisteringConnectionRemovesTheBrokerAtOnce) {
  auto b = peer();
  ASSERT_EQ(b->call(register_request(broker("broker-a", 0, "10.0.0.1:10911"), {1, 1}, SerializeType::kJson))
                ->command.code,
            0);
  ns_->register_broker(broker("broker-b", 0, "10.0.0.2:10911"));  // in-process: unaffected
  b->conn().close();
  harness_->run_until([&] { return !ns_->route("T") || ns_->route("T")->broker_datas.size() == 1; }, 5'000);
  std::optional<protocol::TopicRouteData> route;
  ASSERT_EQ(route_code("T", &route), 0);
  ASSERT_EQ(route->broker_datas.size(), 1u);
  EXPECT_EQ(route->broker_datas[0].broker_name, "broker-b");
  EXPECT_TRUE(logged("broker 10.0.0.1:10911 dropped: its registering connection closed"));
}

TEST_P(Registration, ReRegistrationOnANewConnectionSurvivesTheOldOnesClose) {
  auto reg = broker("broker-a", 0, "10.0.0.1:10911");
  auto first = peer();
  ASSERT_EQ(first->call(register_request(reg, {1, 1}, SerializeType::kJson))->command.code, 0);
  auto second = peer();
  ASSERT_EQ(second->call(register_request(reg, {1, 1}, SerializeType::kJson))->command.code, 0);
  first->conn().close();
  harness_->run_until([] { return false; }, 300);  // lets the close reach the server
  EXPECT_EQ(route_code("T"), 0);
}

TEST_P(Registration, BadRegistrationsAreRefused) {
  auto b = peer();
  auto wrong_crc = register_request(broker("broker-a", 0, "a:1"), {1, 1}, SerializeType::kRocketMq);
  wrong_crc.set_ext("bodyCrc32", "1");
  auto answer = b->call(wrong_crc);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->command.code, 1);
  EXPECT_EQ(answer->command.remark, "crc32 not match");
  EXPECT_EQ(answer->command.header_serialize, SerializeType::kRocketMq);

  auto garbage = register_request(broker("broker-a", 0, "a:1"), {1, 1}, SerializeType::kRocketMq);
  garbage.body = "not json";
  garbage.set_ext("bodyCrc32", "0");
  answer = b->call(garbage);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->command.code, 1);
  EXPECT_EQ(answer->command.header_serialize, SerializeType::kJson);  // exception answers are JSON
  EXPECT_NE(answer->command.remark->find("Failed to decode RegisterBrokerBody"), std::string::npos);

  auto missing = register_request(broker("broker-a", 0, "a:1"), {1, 1}, SerializeType::kJson);
  missing.ext_fields->erase("brokerName");
  answer = b->call(missing);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->command.code, 1);
  EXPECT_NE(answer->command.remark->find("brokerName"), std::string::npos);
  EXPECT_EQ(route_code("T"), 17);  // nothing was registered
}

TEST_P(Registration, UnknownCodeGetsNoAnswerAndTheConnectionIsStillServed) {
  ns_->register_broker(broker("broker-a", 0, "a:1"));
  auto client = peer();
  client->send(remoting::make_request(9999, 0));
  auto answer = client->call(route_request("T"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->command.code, 0);
  EXPECT_EQ(client->conn().frames().size(), 1u);  // the 9999 (opaque 1) got nothing; 105 (opaque 2) its answer
  EXPECT_EQ(answer->command.opaque, 2);
  EXPECT_FALSE(client->conn().closed_by_peer());
  EXPECT_TRUE(logged("request code 9999"));
}

INSTANTIATE_TEST_SUITE_P(Runtimes, Registration, ::testing::Values("sim", "asio"),
                         [](const auto& param_info) { return param_info.param; });

// ---- liveness in virtual time ----------------------------------------------------------------------------------

class Expiry : public ::testing::Test {
 protected:
  void SetUp() override { start(0); }
  // idle_timeout_ms 0 isolates the expiry scan: with the default 120 s idle close, a broker that registers once
  // and then stays silent loses its connection (and so its routes) at 120 s, before the 125 s scan.
  void start(int64_t idle_timeout_ms) {
    if (ns_) ns_->shutdown();
    NameServerOptions options;
    options.idle_timeout_ms = idle_timeout_ms;
    options.log = [this](const std::string& line) { logs_.push_back(line); };
    ns_ = std::make_unique<FakeNameServer>(harness_.runtime(), options);
    ASSERT_TRUE(ns_->start(harness_.server_listen_address()).ok());
  }
  int64_t now_ms() { return harness_.sim().now() / runtime::kMicrosPerMilli; }
  // Runs the events up to `t` and sets the clock there (even with nothing pending).
  void run_to_ms(int64_t t) {
    if (t > now_ms()) harness_.sim().run_for(runtime::millis(t) - harness_.sim().now());
  }

  testing::SimHarness harness_;
  std::unique_ptr<FakeNameServer> ns_;
  std::vector<std::string> logs_;
};

TEST_F(Expiry, ABrokerThatStopsRegisteringIsDroppedAfter120Seconds) {
  Peer b(harness_, ns_->address());
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b.call(register_request(broker("broker-a", 0, "a:1"), {1, 1}, SerializeType::kJson))->command.code, 0);
  int64_t registered = now_ms();
  ASSERT_LT(registered, 5'000);
  // Scans run at 5 s, 15 s, ...: the first with last + 120 s < now is the one at 125 s.
  run_to_ms(124'999);
  EXPECT_TRUE(ns_->route("T").has_value());
  EXPECT_FALSE(b.conn().closed_by_peer());
  run_to_ms(125'001);
  EXPECT_FALSE(ns_->route("T").has_value());
  run_to_ms(126'000);
  EXPECT_TRUE(b.conn().closed_by_peer());  // the nameserver closes the stale broker's connection
  EXPECT_TRUE(std::any_of(logs_.begin(), logs_.end(), [](const auto& l) { return l.find("expired") != l.npos; }));
}

TEST_F(Expiry, AnIdleRegisteringConnectionIsClosedAt120SecondsAndItsBrokerDropped) {
  start(120'000);
  Peer b(harness_, ns_->address());
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b.call(register_request(broker("broker-a", 0, "a:1"), {1, 1}, SerializeType::kJson))->command.code, 0);
  int64_t last_activity = now_ms();
  run_to_ms(last_activity + 119'000);
  EXPECT_TRUE(ns_->route("T").has_value());
  EXPECT_FALSE(b.conn().closed_by_peer());
  run_to_ms(last_activity + 121'000);
  EXPECT_FALSE(ns_->route("T").has_value()) << "dropped with its connection, before the 125 s scan";
  EXPECT_TRUE(b.conn().closed_by_peer());
  EXPECT_EQ(ns_->server().stats().idle_closed, 1u);
}

TEST_F(Expiry, ABrokerRegisteringEvery30SecondsStays) {
  Peer b(harness_, ns_->address());
  ASSERT_TRUE(b.ok());
  for (int i = 0; i < 12; ++i) {
    ASSERT_EQ(b.call(register_request(broker("broker-a", 0, "a:1"), {1, 1}, SerializeType::kJson))->command.code, 0);
    run_to_ms(10'000 + 30'000 * (i + 1));
    EXPECT_TRUE(ns_->route("T").has_value()) << "at " << now_ms() << " ms";
  }
}

TEST_F(Expiry, InProcessRegistrationsExpireUnlessStatic) {
  ns_->register_broker(broker("broker-a", 0, "a:1", {{"A", 4, 4, 6, 0}}));
  auto fixed = broker("broker-b", 0, "b:1", {{"B", 4, 4, 6, 0}});
  fixed.expires = false;
  ns_->register_broker(fixed);
  run_to_ms(130'000);
  EXPECT_FALSE(ns_->route("A").has_value());
  EXPECT_TRUE(ns_->route("B").has_value());
  ns_->drop_broker("b:1");  // what a crash of an in-process broker does
  EXPECT_FALSE(ns_->route("B").has_value());
}

TEST_F(Expiry, ScansKeepJavasScheduleAndStopWhenNothingCanExpire) {
  EXPECT_EQ(harness_.sim().run_until_idle().outcome, sim::RunOutcome::kIdle);  // no registration: no timer
  run_to_ms(37'000);
  ns_->register_broker(broker("broker-a", 0, "a:1"));
  // last + 120 s = 157 s; the scans tick at 5 s + k * 10 s, so the broker goes at 165 s.
  run_to_ms(164'999);
  EXPECT_TRUE(ns_->route("T").has_value());
  run_to_ms(165'001);
  EXPECT_FALSE(ns_->route("T").has_value());
  auto fixed = broker("broker-b", 0, "b:1");
  fixed.expires = false;
  ns_->register_broker(fixed);
  EXPECT_EQ(harness_.sim().run_until_idle().outcome, sim::RunOutcome::kIdle);
  EXPECT_TRUE(ns_->route("T").has_value());
}

}  // namespace
}  // namespace rmq::fake
