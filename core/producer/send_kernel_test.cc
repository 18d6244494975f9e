// send_kernel (spec §2.6, §2.7, §5.10): the SEND_MESSAGE_V2 request sendKernelImpl builds, processSendResponse
// (with the MQClientAPIImplTest vectors of spec §10) and MixAll.brokerVIPChannel.
#include "core/producer/send_kernel.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/protocol/message_codec.h"
#include "core/protocol/message_properties.h"
#include "core/protocol/send_headers.h"
#include "core/protocol/sys_flags.h"
#include "core/remoting/remoting_client.h"

namespace rmq::producer {
namespace {

using client::JavaException;
using client::MessageQueue;
using remoting::RemotingCommand;
using runtime::Micros;

// A runtime with no network and a still clock: ClientApi and RemotingClient only need it for opaques, the
// name-server index draw and their (unused) timers.
class StillRuntime final : public runtime::Runtime {
 public:
  Micros now() const override { return 0; }
  int64_t wall_clock_ms() const override { return kWall; }
  runtime::TimerId after(Micros, std::function<void()>) override { return ++last_id_; }
  bool cancel(runtime::TimerId) override { return true; }
  uint64_t random() override { return 42; }
  void connect(const std::string&, Micros, std::function<void(Result<runtime::ConnectionPtr>)>) override {}
  Result<runtime::ListenerPtr> listen(const std::string& address,
                                      std::function<void(runtime::ConnectionPtr)>) override {
    return Error{runtime::net_error::kOther, "no network: " + address};
  }
  static constexpr int64_t kWall = 1'700'000'000'123;

 private:
  runtime::TimerId last_id_ = 0;
};

constexpr int32_t kZlibCompressed =
    protocol::message_sys_flag::kCompressed | protocol::message_sys_flag::kCompressionZlibType;  // 1 | 0x300

class SendKernelTest : public ::testing::Test {
 protected:
  SendKernelTest() : remoting_(rt_) { rebuild(); }

  // ClientApi keeps a reference to the config: rebuild it after changing options_.client.
  void rebuild() {
    options_.group = "PG";
    options_.client.namesrv_addrs = {"127.0.0.1:9876"};
    api_ = std::make_unique<client::ClientApi>(rt_, remoting_, options_.client);
  }

  RemotingCommand build(Message& msg, const MessageQueue& mq = {"TopicTest", "broker-a", 3}) {
    return build_send_request(options_, *api_, ids_, StillRuntime::kWall, msg, mq);
  }
  static std::string ext(const RemotingCommand& r, std::string_view key) {
    return std::string(r.ext(key).value_or("<absent>"));
  }
  static std::vector<std::string> keys(const RemotingCommand& r) {
    std::vector<std::string> out;
    if (!r.ext_fields) return out;
    for (const auto& [k, v] : r.ext_fields->entries()) out.push_back(k);
    return out;
  }
  static protocol::PropertyList properties_sent(const RemotingCommand& r) {
    return protocol::decode_properties(std::string(r.ext("i").value_or("")));
  }

  StillRuntime rt_;
  remoting::RemotingClient remoting_;
  ProducerOptions options_;
  std::unique_ptr<client::ClientApi> api_;
  UniqueIdGenerator ids_{std::string("\x0a\x00\x01\x01", 4), 1, 0x12345678, StillRuntime::kWall};
};

// What a 4.9.8 client puts on the wire for a plain message: code 310, the V2 header's one-letter keys a..n
// (l, maxReconsumeTimes, only for %RETRY% topics), written in Java HashMap order, the body as given.
TEST_F(SendKernelTest, V2HeaderCarriesEveryField) {
  Message msg = Message::make("TopicTest", "hello", "TagA", "key1 key2");
  msg.flag = 7;
  RemotingCommand r = build(msg);
  EXPECT_EQ(r.code, 310);
  EXPECT_EQ(r.version, 409);
  EXPECT_EQ(r.language, remoting::LanguageCode::kJava);
  EXPECT_EQ(r.flag, 0);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(keys(r), (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m", "n"}));
  EXPECT_EQ(ext(r, "a"), "PG");
  EXPECT_EQ(ext(r, "b"), "TopicTest");
  EXPECT_EQ(ext(r, "c"), "TBW102");
  EXPECT_EQ(ext(r, "d"), "4");
  EXPECT_EQ(ext(r, "e"), "3");
  EXPECT_EQ(ext(r, "f"), "0");
  EXPECT_EQ(ext(r, "g"), "1700000000123");
  EXPECT_EQ(ext(r, "h"), "7");
  EXPECT_EQ(ext(r, "j"), "0");
  EXPECT_EQ(ext(r, "k"), "false");
  EXPECT_EQ(ext(r, "m"), "false");
  EXPECT_EQ(ext(r, "n"), "broker-a");
  auto props = properties_sent(r);
  EXPECT_EQ(protocol::find_property(props, "TAGS"), std::optional<std::string_view>("TagA"));
  EXPECT_EQ(protocol::find_property(props, "KEYS"), std::optional<std::string_view>("key1 key2"));
  EXPECT_EQ(protocol::find_property(props, "WAIT"), std::optional<std::string_view>("true"));
  EXPECT_EQ(protocol::find_property(props, "UNIQ_KEY"), msg.property("UNIQ_KEY"));
  // The header decodes back field for field.
  auto v2 = protocol::SendMessageRequestHeaderV2::from_ext(*r.ext_fields);
  ASSERT_TRUE(v2.ok()) << v2.error().message;
  protocol::SendMessageRequestHeader v1 = v2->to_v1();
  EXPECT_EQ(v1.producerGroup, "PG");
  EXPECT_EQ(v1.queueId, 3);
  EXPECT_EQ(v1.bname, std::optional<std::string>("broker-a"));
  EXPECT_FALSE(v1.maxReconsumeTimes.has_value());

  // The header takes the producer's settings.
  options_.create_topic_key = "MyKey";
  options_.default_topic_queue_nums = 2;
  options_.client.unit_mode = true;
  rebuild();
  Message other = Message::make("TopicTest", "x");
  RemotingCommand r2 = build(other, {"TopicTest", "broker-b", 0});
  EXPECT_EQ(ext(r2, "c"), "MyKey");
  EXPECT_EQ(ext(r2, "d"), "2");
  EXPECT_EQ(ext(r2, "e"), "0");
  EXPECT_EQ(ext(r2, "k"), "true");
  EXPECT_EQ(ext(r2, "n"), "broker-b");
}

TEST_F(SendKernelTest, VersionFollowsTheProfileAndEachRequestGetsAFreshOpaque) {
  Message msg = Message::make("TopicTest", "x");
  RemotingCommand first = build(msg);
  RemotingCommand second = build(msg);
  EXPECT_EQ(second.opaque, first.opaque + 1);
  options_.client.profile = client::Profile::kV5;
  rebuild();
  EXPECT_EQ(build(msg).version, 479);
  options_.client.serialize_type = remoting::SerializeType::kRocketMq;
  rebuild();
  RemotingCommand binary = build(msg);
  EXPECT_EQ(binary.header_serialize, remoting::SerializeType::kRocketMq);
  EXPECT_EQ(binary.serialize_type_current_rpc,
            std::optional<remoting::SerializeType>(remoting::SerializeType::kRocketMq));
  EXPECT_EQ(ext(binary, "n"), "broker-a");
}

// MessageClientIDSetter.setUniqID: set when absent, then kept — a retry of the same message carries the same
// UNIQ_KEY (and the SendResult's msgId is it).
TEST_F(SendKernelTest, UniqKeyIsSetOnceAndKeptForRetries) {
  UniqueIdGenerator twin(std::string("\x0a\x00\x01\x01", 4), 1, 0x12345678, StillRuntime::kWall);
  const std::string expected = twin.create_uniq_id(StillRuntime::kWall);
  Message msg = Message::make("TopicTest", "x");
  EXPECT_FALSE(msg.property("UNIQ_KEY").has_value());
  RemotingCommand first = build(msg);
  EXPECT_EQ(msg.property("UNIQ_KEY"), std::optional<std::string_view>(expected));
  EXPECT_EQ(expected.substr(0, 20), "0A0001010001" "12345678");
  RemotingCommand retry = build(msg, {"TopicTest", "broker-b", 1});
  EXPECT_EQ(protocol::find_property(properties_sent(first), "UNIQ_KEY"),
            protocol::find_property(properties_sent(retry), "UNIQ_KEY"));
  EXPECT_EQ(ids_.counter(), 1u) << "one id drawn";

  Message preset = Message::make("TopicTest", "x");
  preset.set_property("UNIQ_KEY", "MYOWNID");
  RemotingCommand r = build(preset);
  EXPECT_EQ(protocol::find_property(properties_sent(r), "UNIQ_KEY"), std::optional<std::string_view>("MYOWNID"));
  EXPECT_EQ(ids_.counter(), 1u);
}

// tryToCompressMessage: a body of compressMsgBodyOverHowmuch bytes or more goes deflated (zlib, level 5) with
// sysFlag COMPRESSED | ZLIB<<8 (0x301); the message keeps its original body (Java restores prevBody).
TEST_F(SendKernelTest, BodiesFromTheThresholdOnAreCompressed) {
  options_.compress_msg_body_over_howmuch = 16;
  const std::string at = "0123456789abcdef";  // 16 bytes
  Message msg = Message::make("TopicTest", at);
  RemotingCommand r = build(msg);
  EXPECT_EQ(ext(r, "f"), std::to_string(kZlibCompressed));
  EXPECT_EQ(kZlibCompressed, 0x301);
  EXPECT_NE(r.body, at);
  EXPECT_EQ(r.body, protocol::deflate_body(at, 5).value());
  auto inflated = protocol::inflate_body(r.body);
  ASSERT_TRUE(inflated.ok());
  EXPECT_EQ(inflated.value(), at);
  EXPECT_EQ(msg.body, std::optional<std::string>(at)) << "the message keeps its body for retries";
  // A retry compresses again from the original.
  EXPECT_EQ(build(msg).body, r.body);

  Message below = Message::make("TopicTest", at.substr(0, 15));
  RemotingCommand plain = build(below);
  EXPECT_EQ(ext(plain, "f"), "0");
  EXPECT_EQ(plain.body, at.substr(0, 15));

  // The default threshold, 4096.
  options_ = ProducerOptions{};
  rebuild();
  Message big = Message::make("TopicTest", std::string(4096, 'z'));
  EXPECT_EQ(ext(build(big), "f"), std::to_string(kZlibCompressed));
  Message small = Message::make("TopicTest", std::string(4095, 'z'));
  EXPECT_EQ(ext(build(small), "f"), "0");

  // The level is the producer's.
  options_.compress_level = 9;
  Message nine = Message::make("TopicTest", std::string(5000, 'q') + std::string(5000, 'r'));
  EXPECT_EQ(build(nine).body, protocol::deflate_body(*nine.body, 9).value());
}

TEST_F(SendKernelTest, TransactionHalfMessageSetsThePreparedFlag) {
  Message msg = Message::make("TopicTest", "x");
  msg.set_property("TRAN_MSG", "true");
  EXPECT_EQ(ext(build(msg), "f"), std::to_string(protocol::message_sys_flag::kTransactionPreparedType));
  msg.set_property("TRAN_MSG", "false");
  EXPECT_EQ(ext(build(msg), "f"), "0");
  options_.compress_msg_body_over_howmuch = 1;
  msg.set_property("TRAN_MSG", "true");
  EXPECT_EQ(ext(build(msg), "f"),
            std::to_string(kZlibCompressed | protocol::message_sys_flag::kTransactionPreparedType));
}

// %RETRY% topics: RECONSUME_TIME and MAX_RECONSUME_TIMES go into j and l and are removed from the message — after
// the properties string was taken, so this request's `i` still lists them, a retry's does not (Java's order).
TEST_F(SendKernelTest, RetryTopicMovesReconsumeTimesIntoTheHeader) {
  Message msg = Message::make("%RETRY%CG", "x");
  msg.set_property("RECONSUME_TIME", "3");
  msg.set_property("MAX_RECONSUME_TIMES", "16");
  RemotingCommand r = build(msg, {"%RETRY%CG", "broker-a", 0});
  EXPECT_EQ(ext(r, "j"), "3");
  EXPECT_EQ(ext(r, "l"), "16");
  EXPECT_EQ(keys(r), (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n"}));
  auto sent = properties_sent(r);
  EXPECT_EQ(protocol::find_property(sent, "RECONSUME_TIME"), std::optional<std::string_view>("3"));
  EXPECT_EQ(protocol::find_property(sent, "MAX_RECONSUME_TIMES"), std::optional<std::string_view>("16"));
  EXPECT_FALSE(msg.property("RECONSUME_TIME").has_value());
  EXPECT_FALSE(msg.property("MAX_RECONSUME_TIMES").has_value());

  RemotingCommand retry = build(msg, {"%RETRY%CG", "broker-b", 0});
  EXPECT_EQ(ext(retry, "j"), "0");
  EXPECT_EQ(ext(retry, "l"), "<absent>");
  auto resent = properties_sent(retry);
  EXPECT_FALSE(protocol::find_property(resent, "RECONSUME_TIME").has_value());
  EXPECT_FALSE(protocol::find_property(resent, "MAX_RECONSUME_TIMES").has_value());

  // Other topics leave both properties alone.
  Message plain = Message::make("TopicTest", "x");
  plain.set_property("RECONSUME_TIME", "3");
  plain.set_property("MAX_RECONSUME_TIMES", "16");
  RemotingCommand p = build(plain);
  EXPECT_EQ(ext(p, "j"), "0");
  EXPECT_EQ(ext(p, "l"), "<absent>");
  EXPECT_EQ(plain.property("RECONSUME_TIME"), std::optional<std::string_view>("3"));
}

// --- processSendResponse ----------------------------------------------------------------------------------------

RemotingCommand answer(int32_t code, std::optional<std::string> remark = std::nullopt) {
  RemotingCommand request = remoting::make_request(310, 77);
  return remoting::make_response(request, code, std::move(remark));
}

RemotingCommand stored_answer(int32_t code = 0) {
  RemotingCommand response = answer(code);
  protocol::SendMessageResponseHeader header;
  header.msgId = "123";
  header.queueId = 1;
  header.queueOffset = 123;
  response.ext_fields = header.to_ext();
  return response;
}

Message sent_message() {
  Message msg = Message::make("TopicTest", "x");
  msg.set_property("UNIQ_KEY", "0A0001010001123456780000000A0000");
  return msg;
}

const std::string kBroker = "127.0.0.1:10911";

// MQClientAPIImplTest.testSendMessageSync_Success.
TEST(ProcessSendResponseTest, SuccessReadsTheResponseHeader) {
  auto out = process_send_response("broker-a", sent_message(), stored_answer(), kBroker);
  ASSERT_TRUE(std::holds_alternative<SendResult>(out));
  const SendResult& r = std::get<SendResult>(out);
  EXPECT_EQ(r.status, SendStatus::kSendOk);
  EXPECT_EQ(r.offset_msg_id, "123");
  EXPECT_EQ(r.queue_offset, 123);
  EXPECT_EQ(r.queue, (MessageQueue{"TopicTest", "broker-a", 1}));
  EXPECT_EQ(r.msg_id, "0A0001010001123456780000000A0000");
  EXPECT_FALSE(r.transaction_id.has_value());
  EXPECT_EQ(r.region_id, "DefaultRegion");
  EXPECT_TRUE(r.trace_on);
}

TEST(ProcessSendResponseTest, DegradedCodesAreResultsWithTheirStatus) {
  const std::map<int32_t, SendStatus> statuses = {{0, SendStatus::kSendOk},
                                                  {10, SendStatus::kFlushDiskTimeout},
                                                  {11, SendStatus::kSlaveNotAvailable},
                                                  {12, SendStatus::kFlushSlaveTimeout}};
  for (const auto& [code, status] : statuses) {
    SCOPED_TRACE(code);
    auto out = process_send_response("broker-a", sent_message(), stored_answer(code), kBroker);
    ASSERT_TRUE(std::holds_alternative<SendResult>(out));
    EXPECT_EQ(std::get<SendResult>(out).status, status);
    EXPECT_EQ(std::get<SendResult>(out).queue_offset, 123);
  }
}

TEST(ProcessSendResponseTest, RegionTraceAndTransactionId) {
  RemotingCommand response = stored_answer();
  response.set_ext("MSG_REGION", "RegionHZ");
  response.set_ext("TRACE_ON", "false");
  response.set_ext("transactionId", "TX1");
  SendResult r = std::get<SendResult>(process_send_response("broker-a", sent_message(), response, kBroker));
  EXPECT_EQ(r.region_id, "RegionHZ");
  EXPECT_FALSE(r.trace_on);
  EXPECT_EQ(r.transaction_id, std::optional<std::string>("TX1"));

  // An empty region is the default one; anything but "false" keeps tracing on.
  response = stored_answer();
  response.set_ext("MSG_REGION", "");
  response.set_ext("TRACE_ON", "FALSE");
  r = std::get<SendResult>(process_send_response("broker-a", sent_message(), response, kBroker));
  EXPECT_EQ(r.region_id, "DefaultRegion");
  EXPECT_TRUE(r.trace_on);
}

// testSendMessageSync_WithException: any other code is an MQBrokerException naming the broker.
TEST(ProcessSendResponseTest, OtherCodesAreBrokerExceptions) {
  auto out = process_send_response("broker-a", sent_message(), answer(1, "Broker is broken."), kBroker);
  ASSERT_TRUE(std::holds_alternative<client::ClientError>(out));
  const auto& e = std::get<client::ClientError>(out);
  EXPECT_EQ(e.exception, JavaException::kMQBrokerException);
  EXPECT_EQ(e.code, 1);
  EXPECT_EQ(e.message, "CODE: 1  DESC: Broker is broken. BROKER: 127.0.0.1:10911");
  EXPECT_NE(e.message.find("Broker is broken."), std::string::npos);
  EXPECT_EQ(e.broker_addr, kBroker);

  for (int32_t code : {1, 2, 13, 14, 16, 17, 25, 215}) {
    SCOPED_TRACE(code);
    auto other = process_send_response("broker-a", sent_message(), stored_answer(code), kBroker);
    ASSERT_TRUE(std::holds_alternative<client::ClientError>(other));
    EXPECT_EQ(std::get<client::ClientError>(other).code, code);
  }
  // A null remark prints as "null".
  auto no_remark = process_send_response("broker-a", sent_message(), answer(2), kBroker);
  EXPECT_EQ(std::get<client::ClientError>(no_remark).message, "CODE: 2  DESC: null BROKER: 127.0.0.1:10911");
}

// decodeCommandCustomHeader: a header lacking a @CFNotNull field is a RemotingCommandException (a
// RemotingException: the sync loop retries it).
TEST(ProcessSendResponseTest, MissingHeaderFieldIsARemotingCommandException) {
  for (const char* missing : {"msgId", "queueId", "queueOffset"}) {
    SCOPED_TRACE(missing);
    RemotingCommand response = stored_answer();
    response.ext_fields->erase(missing);
    auto out = process_send_response("broker-a", sent_message(), response, kBroker);
    ASSERT_TRUE(std::holds_alternative<client::ClientError>(out));
    const auto& e = std::get<client::ClientError>(out);
    EXPECT_EQ(e.exception, JavaException::kRemotingCommandException);
    EXPECT_EQ(e.message, "the custom field <" + std::string(missing) + "> is null");
    EXPECT_TRUE(e.is_remoting());
  }
  // A degraded status reads the header too.
  RemotingCommand degraded = stored_answer(10);
  degraded.ext_fields->erase("queueId");
  auto out = process_send_response("broker-a", sent_message(), degraded, kBroker);
  ASSERT_TRUE(std::holds_alternative<client::ClientError>(out));
  EXPECT_EQ(std::get<client::ClientError>(out).exception, JavaException::kRemotingCommandException);
}

// MixAll.brokerVIPChannel: port - 2 when enabled.
TEST(BrokerVipChannelTest, PortMinusTwoWhenEnabled) {
  EXPECT_EQ(broker_vip_channel(false, "127.0.0.1:10911"), "127.0.0.1:10911");
  EXPECT_EQ(broker_vip_channel(true, "127.0.0.1:10911"), "127.0.0.1:10909");
  EXPECT_EQ(broker_vip_channel(true, "broker-a.example:10911"), "broker-a.example:10909");
  EXPECT_EQ(broker_vip_channel(true, "[::1]:10911"), "[::1]:10909");  // Java splits at the last ':'
  EXPECT_EQ(broker_vip_channel(true, "10.0.0.1:1"), "10.0.0.1:-1");   // Java's arithmetic, unchecked
}

}  // namespace
}  // namespace rmq::producer
