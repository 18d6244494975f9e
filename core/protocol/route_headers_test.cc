#include "core/protocol/route_headers.h"

#include <map>

#include <gtest/gtest.h>

#include "core/protocol/header_test_util.h"

namespace rmq::protocol {
namespace {

using remoting::ExtFields;

TEST(RouteHeadersGolden, EveryCapturedRouteRequestParses) {
  std::map<std::string, GetRouteInfoRequestHeader> parsed;
  int missing = 0;
  for (const auto& c : test::captures()) {
    if (test::request_code(c.line) != 105) continue;
    ExtFields ext = test::request_ext(c.line);
    std::string name = testutil::string_field(c.line, "name");
    if (name == "route_105_missing_topic_field" || name == "route_105_no_ext") {
      // The name server answers TOPIC_NOT_EXIST for "null" here; as a header it is a missing required field.
      EXPECT_EQ(GetRouteInfoRequestHeader::from_ext(ext).error(), missing_field_error("topic")) << test::describe(c);
      ++missing;
      continue;
    }
    auto header = test::expect_request_round_trip<GetRouteInfoRequestHeader>(test::describe(c), ext, {});
    if (header) parsed.emplace(name + "/" + testutil::string_field(c.line, "serialize"), *header);
  }
  EXPECT_EQ(missing, 4);
  EXPECT_GE(parsed.size(), 30u);
  EXPECT_EQ(parsed.at("route_105_two_brokers_v409/JSON"), (GetRouteInfoRequestHeader{"TopicJAB", std::nullopt}));
  EXPECT_EQ(parsed.at("route_105_v121_acceptStandardJsonOnly/ROCKETMQ"), (GetRouteInfoRequestHeader{"TopicRAB", true}));
}

TEST(RouteHeadersClients, EveryClientsRouteRequestParses) {
  int seen = 0;
  for (const char* log : {"java-requests.log", "alions-requests.log", "cpp-requests.log"}) {
    for (const auto& r : test::logged_requests(log)) {
      if (r.code != 105) continue;
      auto header = GetRouteInfoRequestHeader::from_ext(r.ext);
      ASSERT_TRUE(header.ok()) << r.text;
      EXPECT_EQ(header->acceptStandardJsonOnly, std::nullopt) << r.text;
      if (std::string_view(log) == "java-requests.log") {
        EXPECT_EQ(header->to_ext(), r.ext) << r.text;
      }
      ++seen;
    }
  }
  EXPECT_GE(seen, 9);
}

TEST(RouteHeaders, AcceptStandardJsonOnlyIsABooleanOrAbsent) {
  GetRouteInfoRequestHeader header{"T", std::nullopt};
  EXPECT_EQ(header.to_ext(), (ExtFields{{"topic", "T"}}));
  header.acceptStandardJsonOnly = false;
  EXPECT_EQ(header.to_ext().get("acceptStandardJsonOnly"), "false");
  // Boolean.parseBoolean: anything but "true" (any case) is false, never an error.
  EXPECT_EQ(GetRouteInfoRequestHeader::from_ext(ExtFields{{"topic", "T"}, {"acceptStandardJsonOnly", "TRUE"}})
                ->acceptStandardJsonOnly,
            true);
  EXPECT_EQ(GetRouteInfoRequestHeader::from_ext(ExtFields{{"topic", "T"}, {"acceptStandardJsonOnly", "1"}})
                ->acceptStandardJsonOnly,
            false);
}

}  // namespace
}  // namespace rmq::protocol
