// Request and response code tables (spec §5.6, §5.7).
#include "core/protocol/response_code.h"

#include <set>

#include <gtest/gtest.h>

#include "core/protocol/request_code.h"

namespace rmq::protocol {
namespace {

TEST(RequestCodes, NamesAreJavas) {
  EXPECT_EQ(request_code_name(request_code::kSendMessageV2), "SEND_MESSAGE_V2");
  EXPECT_EQ(request_code_name(10), "SEND_MESSAGE");
  EXPECT_EQ(request_code_name(11), "PULL_MESSAGE");
  EXPECT_EQ(request_code_name(34), "HEART_BEAT");
  EXPECT_EQ(request_code_name(40), "NOTIFY_CONSUMER_IDS_CHANGED");
  EXPECT_EQ(request_code_name(105), "GET_ROUTEINFO_BY_TOPIC");
  EXPECT_EQ(request_code_name(320), "SEND_BATCH_MESSAGE");
  EXPECT_EQ(request_code_name(361), "LITE_PULL_MESSAGE");
  EXPECT_EQ(request_code_name(200050), "POP_MESSAGE");
  // The captures' unknown codes.
  EXPECT_EQ(request_code_name(0), std::nullopt);
  EXPECT_EQ(request_code_name(9999), std::nullopt);
}

TEST(RequestCodes, EverySpecCodeIsListedOnce) {
  const std::set<int32_t> spec = {10, 11, 12, 14, 15, 17, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42,
                                  46, 103, 104, 105, 106, 220, 221, 307, 309, 310, 320, 324, 325, 326, 361,
                                  200050, 200051, 200052, 200053, 200054, 200055};
  std::set<int32_t> listed;
  std::set<std::string_view> names;
  for (const CodeName& entry : request_codes()) {
    EXPECT_TRUE(listed.insert(entry.code).second) << entry.code;
    EXPECT_TRUE(names.insert(entry.name).second) << entry.name;
    EXPECT_EQ(request_code_name(entry.code), entry.name);
  }
  EXPECT_EQ(listed, spec);
}

TEST(ResponseCodes, NamesAreJavas) {
  EXPECT_EQ(response_code_name(response_code::kTopicNotExist), "TOPIC_NOT_EXIST");
  EXPECT_EQ(response_code_name(0), "SUCCESS");
  EXPECT_EQ(response_code_name(1), "SYSTEM_ERROR");
  EXPECT_EQ(response_code_name(3), "REQUEST_CODE_NOT_SUPPORTED");
  EXPECT_EQ(response_code_name(19), "PULL_NOT_FOUND");
  EXPECT_EQ(response_code_name(21), "PULL_OFFSET_MOVED");
  EXPECT_EQ(response_code_name(202), "TRANSACTION_STATE_UNKNOW");
  EXPECT_EQ(response_code_name(209), "UPDATE_AND_CREATE_ACL_CONFIG_FAILED");  // 4.9.8's meaning
  EXPECT_EQ(response_code_name(29), "INVALID_PARAMETER");                    // 5.x only
  EXPECT_EQ(response_code_name(1500), "GO_AWAY");
  EXPECT_EQ(response_code_name(5), std::nullopt);
  EXPECT_EQ(response_code_name(-1), std::nullopt);
}

TEST(ResponseCodes, OverlapRequestCodesNumericallyButNotByName) {
  // 10 is SEND_MESSAGE as a request and FLUSH_DISK_TIMEOUT as an answer: two tables.
  EXPECT_EQ(request_code_name(10), "SEND_MESSAGE");
  EXPECT_EQ(response_code_name(10), "FLUSH_DISK_TIMEOUT");
  EXPECT_EQ(response_code_name(17), "TOPIC_NOT_EXIST");
  EXPECT_EQ(request_code_name(17), "UPDATE_AND_CREATE_TOPIC");
}

TEST(ResponseCodes, EverySpecCodeIsListedOnce) {
  std::set<int32_t> spec = {0, 1, 2, 3, 4, 29, 215, 501, 1500};
  for (int32_t code = 10; code <= 28; ++code) spec.insert(code);
  for (int32_t code = 200; code <= 211; ++code) spec.insert(code);
  std::set<int32_t> listed;
  for (const CodeName& entry : response_codes()) {
    EXPECT_TRUE(listed.insert(entry.code).second) << entry.code;
    EXPECT_EQ(response_code_name(entry.code), entry.name);
  }
  EXPECT_EQ(listed, spec);
  // The 5.x meanings of 209-211 exist as constants.
  EXPECT_EQ(response_code::kPollingFull, response_code::kUpdateAndCreateAclConfigFailed);
  EXPECT_EQ(response_code::kBrokerNotExist, 211);
}

}  // namespace
}  // namespace rmq::protocol
