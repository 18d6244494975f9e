#include "core/protocol/pull_headers.h"

#include <map>

#include <gtest/gtest.h>

#include "core/protocol/header_test_util.h"
#include "core/protocol/sys_flags.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

TEST(PullHeadersGolden, EveryCapturedPullRequestParsesAndWritesTheSameFields) {
  std::map<std::string, PullMessageRequestHeader> parsed;  // by "<name>/<serialize>"
  int missing = 0;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != 11) continue;
    ExtFields ext = test::request_ext(c.line);
    std::string name = testutil::string_field(c.line, "name");
    if (name == "pull_missing_field") {
      EXPECT_EQ(PullMessageRequestHeader::from_ext(ext).error(), missing_field_error("queueOffset"));
      ++missing;
      continue;
    }
    auto header = test::expect_request_round_trip<PullMessageRequestHeader>(test::describe(c), ext, {});
    if (header) parsed.emplace(name + "/" + testutil::string_field(c.line, "serialize"), *header);
  }
  EXPECT_EQ(missing, 2);
  EXPECT_GE(parsed.size(), 50u);

  const PullMessageRequestHeader& commit = parsed.at("pull_commit_offset_flag/JSON");
  EXPECT_EQ(commit, (PullMessageRequestHeader{.consumerGroup = "CG_PULLJ", .topic = "PullJ", .queueId = 0,
                                              .queueOffset = 2, .maxMsgNums = 1, .sysFlag = 1, .commitOffset = 2,
                                              .suspendTimeoutMillis = 0, .subscription = "*", .subVersion = 0,
                                              .expressionType = "TAG", .bname = std::nullopt}));
  EXPECT_TRUE(pull_sys_flag::has_commit_offset(commit.sysFlag));
  EXPECT_EQ(parsed.at("pull_offset_too_small/ROCKETMQ").queueOffset, -1);
  EXPECT_EQ(parsed.at("pull_suspend_woken_by_send/JSON").suspendTimeoutMillis, 15000);
  EXPECT_TRUE(pull_sys_flag::has_suspend(parsed.at("pull_suspend_woken_by_send/JSON").sysFlag));
  EXPECT_EQ(parsed.at("pull_subversion_newer/JSON").subVersion, 99);
  EXPECT_EQ(parsed.at("pull_sql92/JSON").expressionType, "SQL92");
}

TEST(PullHeadersGolden, BrokerPullAnswersParseAndComeInJavasOrder) {
  std::map<int64_t, int> by_code;
  int json = 0, rocketmq = 0;
  for (const auto& c : test::captures()) {
    int64_t code = test::response_code(c.line);
    if (test::request_code(c.line) != 11 || (code != 0 && code != 19 && code != 20 && code != 21)) continue;
    std::optional<ExtFields> actual = test::response_ext(c.line);
    ASSERT_TRUE(actual.has_value()) << test::describe(c);
    Result<PullMessageResponseHeader> header = PullMessageResponseHeader::from_ext(*actual);
    ASSERT_TRUE(header.ok()) << test::describe(c) << ": " << header.error().message;
    std::string serialize = test::response_serialize(c.line);
    EXPECT_EQ(test::java_response_order(*header, ExtFields{}, serialize), *actual) << test::describe(c);
    EXPECT_EQ(header->suggestWhichBrokerId, 0) << test::describe(c);
    (serialize == "JSON" ? json : rocketmq)++;
    by_code[code]++;
  }
  EXPECT_GE(json, 15);  // long-poll answers are JSON even for ROCKETMQ requests
  EXPECT_GE(rocketmq, 10);
  EXPECT_GT(by_code[0], 0);
  EXPECT_GT(by_code[19], 0);
  EXPECT_GT(by_code[20], 0);
  EXPECT_GT(by_code[21], 0);
}

TEST(PullHeadersGolden, OffsetMovedValues) {
  for (const auto& c : test::captures()) {
    if (testutil::string_field(c.line, "name") != "pull_offset_too_small") continue;
    auto header = PullMessageResponseHeader::from_ext(*test::response_ext(c.line));
    ASSERT_TRUE(header.ok());
    // OFFSET_TOO_SMALL: nextBeginOffset = minOffset.
    EXPECT_EQ(header->nextBeginOffset, header->minOffset) << test::describe(c);
    EXPECT_LT(header->minOffset, header->maxOffset) << test::describe(c);
  }
}

TEST(PullHeadersClients, JavaClientPullIsInJavasOrder) {
  int seen = 0;
  for (const auto& r : test::logged_requests("java-requests.log")) {
    if (r.code != 11) continue;
    Result<PullMessageRequestHeader> header = PullMessageRequestHeader::from_ext(r.ext);
    ASSERT_TRUE(header.ok()) << r.text << ": " << header.error().message;
    // commitOffset before bname although they share a bucket: the HashSet<Field> order (header_fields.h).
    EXPECT_EQ(header->to_ext(), r.ext) << r.text;
    EXPECT_EQ(header->bname, "broker-a");
    EXPECT_EQ(header->subscription, std::nullopt);  // Java sends no subscription without the SUBSCRIPTION bit
    ++seen;
  }
  EXPECT_GE(seen, 10);
}

TEST(PullHeadersClients, AliOnsAndCppPullsParse) {
  int seen = 0;
  for (const char* log : {"alions-requests.log", "cpp-requests.log"}) {
    for (const auto& r : test::logged_requests(log)) {
      if (r.code != 11) continue;
      Result<PullMessageRequestHeader> header = PullMessageRequestHeader::from_ext(r.ext);
      ASSERT_TRUE(header.ok()) << r.text << ": " << header.error().message;
      // Suspend + subscription, plus commit once they have an offset to commit.
      EXPECT_EQ(header->sysFlag, pull_sys_flag::build(header->commitOffset > 0, true, true, false)) << r.text;
      EXPECT_EQ(header->expressionType, std::nullopt) << r.text;
      ++seen;
    }
  }
  EXPECT_GE(seen, 2);
}

TEST(PullHeaders, FastOrderIsDeclarationOrderWithBnameLast) {
  PullMessageRequestHeader request{.consumerGroup = "G", .topic = "T", .queueId = 1, .queueOffset = 2,
                                   .maxMsgNums = 32, .sysFlag = 6, .commitOffset = 0, .suspendTimeoutMillis = 15000,
                                   .subscription = "*", .subVersion = 5, .expressionType = "TAG", .bname = "b"};
  EXPECT_EQ(test::keys_of(request.to_fast_ext()),
            (std::vector<std::string>{"consumerGroup", "topic", "queueId", "queueOffset", "maxMsgNums", "sysFlag",
                                      "commitOffset", "suspendTimeoutMillis", "subscription", "subVersion",
                                      "expressionType", "bname"}));
  EXPECT_EQ(PullMessageRequestHeader::from_ext(request.to_fast_ext()).value(), request);
  PullMessageResponseHeader response{0, 5, 0, 5};
  EXPECT_EQ(test::keys_of(response.to_fast_ext()),
            (std::vector<std::string>{"suggestWhichBrokerId", "nextBeginOffset", "minOffset", "maxOffset"}));
  EXPECT_EQ(test::keys_of(response.to_ext()),
            (std::vector<std::string>{"suggestWhichBrokerId", "nextBeginOffset", "maxOffset", "minOffset"}));
}

TEST(PullHeaders, MissingResponseFieldIsAnError) {
  ExtFields ext{{"suggestWhichBrokerId", "0"}, {"nextBeginOffset", "5"}, {"minOffset", "0"}};
  EXPECT_EQ(PullMessageResponseHeader::from_ext(ext).error().message, "the custom field <maxOffset> is null");
  ext.set("maxOffset", "five");
  EXPECT_EQ(PullMessageResponseHeader::from_ext(ext).error(), bad_number_error("maxOffset", "five"));
}

}  // namespace
}  // namespace rmq::protocol
