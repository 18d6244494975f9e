#include "core/protocol/offset_headers.h"

#include <map>

#include <gtest/gtest.h>

#include "core/protocol/header_test_util.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

// Parses every captured request of `code` as H and checks the round trip; returns them by "<name>/<serialize>".
template <class H>
std::map<std::string, H> golden_requests(int64_t code) {
  std::map<std::string, H> parsed;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != code) continue;
    std::string name = testutil::string_field(c.line, "name");
    if (name == "update_15_missing_field") continue;  // checked on its own
    auto header = test::expect_request_round_trip<H>(test::describe(c), test::request_ext(c.line), {});
    if (header) parsed.emplace(name + "/" + testutil::string_field(c.line, "serialize"), *header);
  }
  return parsed;
}

// Every successful answer to `code` parses as H and comes in the broker's order; returns offset by name.
template <class H>
std::map<std::string, int64_t> golden_responses(int64_t code) {
  std::map<std::string, int64_t> offsets;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != code || test::response_code(c.line) != 0) continue;
    std::optional<ExtFields> actual = test::response_ext(c.line);
    EXPECT_TRUE(actual.has_value()) << test::describe(c);
    if (!actual) continue;
    Result<H> header = H::from_ext(*actual);
    EXPECT_TRUE(header.ok()) << test::describe(c);
    if (!header.ok()) continue;
    EXPECT_EQ(test::java_response_order(*header, ExtFields{}, test::response_serialize(c.line)), *actual)
        << test::describe(c);
    offsets.emplace(testutil::string_field(c.line, "name") + "/" + testutil::string_field(c.line, "serialize"),
                    header->offset);
  }
  return offsets;
}

TEST(OffsetHeadersGolden, QueryConsumerOffset) {
  auto requests = golden_requests<QueryConsumerOffsetRequestHeader>(14);
  EXPECT_GE(requests.size(), 16u);
  EXPECT_EQ(requests.at("query_14_unknown_topic/JSON"),
            (QueryConsumerOffsetRequestHeader{"CG_OFFJ", "NoSuchTopicJ", 0, std::nullopt}));
  auto offsets = golden_responses<QueryConsumerOffsetResponseHeader>(14);
  EXPECT_GE(offsets.size(), 16u);
  EXPECT_EQ(offsets.at("query_14_new_group/JSON"), 0);
  EXPECT_EQ(offsets.at("query_14_after_update/JSON"), 3);
  EXPECT_EQ(offsets.at("query_14_after_beyond_max/ROCKETMQ"), 1000);
}

TEST(OffsetHeadersGolden, UpdateConsumerOffset) {
  auto requests = golden_requests<UpdateConsumerOffsetRequestHeader>(15);
  EXPECT_EQ(requests.size(), 8u);
  EXPECT_EQ(requests.at("update_15_beyond_max/ROCKETMQ").commitOffset, 1000);
  EXPECT_EQ(requests.at("update_15/JSON"), (UpdateConsumerOffsetRequestHeader{"CG_OFFJ", "PullJ", 0, 3, std::nullopt}));
  for (const auto& c : test::captures()) {
    if (testutil::string_field(c.line, "name") != "update_15_missing_field") continue;
    EXPECT_EQ(UpdateConsumerOffsetRequestHeader::from_ext(test::request_ext(c.line)).error(),
              (Error{1, "the custom field <commitOffset> is null"}));
  }
}

TEST(OffsetHeadersGolden, MaxMinAndSearch) {
  auto max_requests = golden_requests<GetMaxOffsetRequestHeader>(30);
  EXPECT_GE(max_requests.size(), 10u);
  EXPECT_EQ(max_requests.at("max_30_bad_queue/JSON").queueId, 99);
  auto min_requests = golden_requests<GetMinOffsetRequestHeader>(31);
  EXPECT_EQ(min_requests.size(), 4u);
  auto search_requests = golden_requests<SearchOffsetRequestHeader>(29);
  EXPECT_EQ(search_requests.size(), 10u);
  EXPECT_EQ(search_requests.at("search_29_ts_future/JSON"),
            (SearchOffsetRequestHeader{"PullJ", 0, 4102444800000, std::nullopt}));

  auto max_offsets = golden_responses<GetMaxOffsetResponseHeader>(30);
  EXPECT_EQ(max_offsets.at("max_30/JSON"), 6);
  EXPECT_EQ(max_offsets.at("max_30_unknown_topic/ROCKETMQ"), 0);
  auto min_offsets = golden_responses<GetMinOffsetResponseHeader>(31);
  EXPECT_EQ(min_offsets.at("min_31/JSON"), 0);
  auto search_offsets = golden_responses<SearchOffsetResponseHeader>(29);
  EXPECT_EQ(search_offsets.at("search_29_ts_future/JSON"), 5);  // the last message (max - 1), not max
}

TEST(OffsetHeadersClients, JavaClientOffsetRequestsAreInJavasOrder) {
  int queries = 0, updates = 0;
  for (const auto& r : test::logged_requests("java-requests.log")) {
    if (r.code == 14) {
      auto header = QueryConsumerOffsetRequestHeader::from_ext(r.ext);
      ASSERT_TRUE(header.ok()) << r.text;
      EXPECT_EQ(header->to_ext(), r.ext) << r.text;
      EXPECT_EQ(header->bname, "broker-a");
      ++queries;
    } else if (r.code == 15) {
      auto header = UpdateConsumerOffsetRequestHeader::from_ext(r.ext);
      ASSERT_TRUE(header.ok()) << r.text;
      // bname before commitOffset although both sit in bucket 5 and commitOffset is declared in the class itself:
      // the order of Java's HashSet<Field>, not of the declarations (header_fields.h).
      EXPECT_EQ(header->to_ext(), r.ext) << r.text;
      EXPECT_EQ(test::keys_of(header->to_ext()),
                (std::vector<std::string>{"queueId", "bname", "commitOffset", "topic", "consumerGroup"}));
      ++updates;
    }
  }
  EXPECT_EQ(queries, 8);
  EXPECT_EQ(updates, 8);
}

TEST(OffsetHeadersClients, AliOnsAndCppOffsetRequestsParse) {
  int seen = 0;
  for (const char* log : {"alions-requests.log", "cpp-requests.log"}) {
    for (const auto& r : test::logged_requests(log)) {
      if (r.code == 14) {
        EXPECT_TRUE(QueryConsumerOffsetRequestHeader::from_ext(r.ext).ok()) << r.text;
        ++seen;
      } else if (r.code == 15) {
        EXPECT_TRUE(UpdateConsumerOffsetRequestHeader::from_ext(r.ext).ok()) << r.text;
        ++seen;
      }
    }
  }
  EXPECT_GE(seen, 4);
}

TEST(OffsetHeaders, BnameIsOmittedWhenNull) {
  GetMaxOffsetRequestHeader header{"T", 2, std::nullopt};
  EXPECT_EQ(header.to_ext(), (ExtFields{{"queueId", "2"}, {"topic", "T"}}));
  header.bname = "broker-a";
  EXPECT_EQ(test::keys_of(header.to_ext()), (std::vector<std::string>{"queueId", "bname", "topic"}));
  EXPECT_EQ(GetMaxOffsetRequestHeader::from_ext(header.to_ext()).value(), header);
  EXPECT_EQ(GetMinOffsetRequestHeader::from_ext(ExtFields{{"topic", "T"}}).error().message,
            "the custom field <queueId> is null");
}

}  // namespace
}  // namespace rmq::protocol
