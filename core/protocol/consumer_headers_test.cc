#include "core/protocol/consumer_headers.h"

#include <map>

#include <gtest/gtest.h>

#include "core/protocol/header_test_util.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

template <class H>
std::map<std::string, H> golden_requests(int64_t code, const std::set<std::string>& primitive_booleans) {
  std::map<std::string, H> parsed;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != code) continue;
    std::string name = testutil::string_field(c.line, "name");
    if (name == "sendback_36_missing_group") continue;  // checked on its own
    auto header = test::expect_request_round_trip<H>(test::describe(c), test::request_ext(c.line), primitive_booleans);
    if (header) parsed.emplace(name + "/" + testutil::string_field(c.line, "serialize"), *header);
  }
  return parsed;
}

TEST(ConsumerHeadersGolden, GetConsumerListByGroup) {
  auto parsed = golden_requests<GetConsumerListByGroupRequestHeader>(38, {});
  EXPECT_EQ(parsed.size(), 10u);
  EXPECT_EQ(parsed.at("list_38_unknown_group/JSON").consumerGroup, "CG_UNKNOWNJ");
}

TEST(ConsumerHeadersGolden, UnregisterClient) {
  auto parsed = golden_requests<UnregisterClientRequestHeader>(35, {});
  EXPECT_EQ(parsed.size(), 6u);
  EXPECT_EQ(parsed.at("unregister_35_producer/JSON"),
            (UnregisterClientRequestHeader{"127.0.0.1@m2J", "PG_CORPUS", std::nullopt}));
  EXPECT_EQ(parsed.at("unregister_35_member2/ROCKETMQ"),
            (UnregisterClientRequestHeader{"127.0.0.1@m2R", std::nullopt, "CG_GRPR"}));
}

TEST(ConsumerHeadersGolden, ConsumerSendMsgBack) {
  auto parsed = golden_requests<ConsumerSendMsgBackRequestHeader>(36, {"unitMode"});
  EXPECT_EQ(parsed.size(), 12u);
  const ConsumerSendMsgBackRequestHeader& dlq = parsed.at("sendback_36_dlq_negative/JSON");
  EXPECT_EQ(dlq, (ConsumerSendMsgBackRequestHeader{.offset = 8392230, .group = "CG_GRPJ", .delayLevel = -1,
                                                    .originMsgId = "7F000001000051AF0000000000800E26",
                                                    .originTopic = "TopicJA", .unitMode = false,
                                                    .maxReconsumeTimes = 16, .bname = std::nullopt}));
  EXPECT_EQ(parsed.at("sendback_36_max_reconsume_0/JSON").maxReconsumeTimes, 0);
  for (const auto& c : test::captures()) {
    if (testutil::string_field(c.line, "name") != "sendback_36_missing_group") continue;
    EXPECT_EQ(ConsumerSendMsgBackRequestHeader::from_ext(test::request_ext(c.line)).error(),
              (Error{1, "the custom field <group> is null"}));
  }
}

TEST(ConsumerHeadersGolden, BrokerPushedNotifyConsumerIdsChanged) {
  int seen = 0;
  for (const auto& c : test::captures()) {
    const boost::json::value* frames = c.line.if_contains("other_frames");
    if (frames == nullptr || !frames->is_array()) continue;
    for (const boost::json::value& frame : frames->as_array()) {
      const boost::json::object* header = test::object_field(frame.as_object(), "header");
      if (header == nullptr || header->at("code").as_int64() != 40) continue;
      ExtFields ext = test::ext_from_json(*test::object_field(*header, "extFields"));
      auto notify = NotifyConsumerIdsChangedRequestHeader::from_ext(ext);
      ASSERT_TRUE(notify.ok()) << test::describe(c);
      EXPECT_EQ(notify->to_ext(), ext) << test::describe(c);
      EXPECT_EQ(notify->consumerGroup.substr(0, 3), "CG_") << test::describe(c);
      ++seen;
    }
  }
  EXPECT_GE(seen, 10);
}

TEST(ConsumerHeadersClients, JavaClientRequestsAreInJavasOrder) {
  int unregisters = 0, lists = 0;
  for (const auto& r : test::logged_requests("java-requests.log")) {
    if (r.code == 35) {
      auto header = UnregisterClientRequestHeader::from_ext(r.ext);
      ASSERT_TRUE(header.ok()) << r.text;
      EXPECT_EQ(header->to_ext(), r.ext) << r.text;
      ++unregisters;
    } else if (r.code == 38) {
      auto header = GetConsumerListByGroupRequestHeader::from_ext(r.ext);
      ASSERT_TRUE(header.ok()) << r.text;
      EXPECT_EQ(header->to_ext(), r.ext) << r.text;
      ++lists;
    }
  }
  EXPECT_EQ(unregisters, 4);
  EXPECT_EQ(lists, 2);
}

TEST(ConsumerHeadersClients, AliOnsAndCppRequestsParse) {
  int seen = 0;
  for (const char* log : {"alions-requests.log", "cpp-requests.log"}) {
    for (const auto& r : test::logged_requests(log)) {
      if (r.code == 35) {
        auto header = UnregisterClientRequestHeader::from_ext(r.ext);
        EXPECT_TRUE(header.ok()) << r.text;
        ++seen;
      } else if (r.code == 38) {
        EXPECT_TRUE(GetConsumerListByGroupRequestHeader::from_ext(r.ext).ok()) << r.text;
        ++seen;
      } else if (r.code == 36) {
        EXPECT_TRUE(ConsumerSendMsgBackRequestHeader::from_ext(r.ext).ok()) << r.text;
        ++seen;
      }
    }
  }
  EXPECT_GE(seen, 3);
}

TEST(ConsumerHeaders, UnregisterWritesOnlyTheGroupItHas) {
  UnregisterClientRequestHeader producer{"ip@pid", "PG", std::nullopt};
  EXPECT_EQ(producer.to_ext(), (ExtFields{{"producerGroup", "PG"}, {"clientID", "ip@pid"}}));
  // The C++ client sends an empty consumerGroup: present, so kept.
  auto cpp = UnregisterClientRequestHeader::from_ext(ExtFields{{"clientID", "c"}, {"consumerGroup", ""}});
  ASSERT_TRUE(cpp.ok());
  EXPECT_EQ(cpp->consumerGroup, "");
  EXPECT_EQ(UnregisterClientRequestHeader::from_ext(ExtFields{{"producerGroup", "PG"}}).error().message,
            "the custom field <clientID> is null");
}

TEST(ConsumerHeaders, SendBackWritesUnitModeAlwaysAndBnameWhenSet) {
  ConsumerSendMsgBackRequestHeader header;
  header.offset = 1;
  header.group = "G";
  header.delayLevel = 3;
  EXPECT_EQ(header.to_ext().get("unitMode"), "false");
  EXPECT_FALSE(header.to_ext().contains("bname"));
  header.bname = "broker-a";
  EXPECT_EQ(ConsumerSendMsgBackRequestHeader::from_ext(header.to_ext()).value(), header);
  ExtFields bad = header.to_ext();
  bad.set("offset", "-");
  EXPECT_EQ(ConsumerSendMsgBackRequestHeader::from_ext(bad).error(), bad_number_error("offset", "-"));
}

}  // namespace
}  // namespace rmq::protocol
