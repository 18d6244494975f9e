// parse_topic_specs (`rmqsim serve --topic NAME[:QUEUES]`) and the limit flags: what they accept and the exact error
// for each bad value,
// since the message is all a user of `rmqsim serve` sees before it exits with code 2.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "sim/cli/serve_command.h"
#include "testutil/run_command.h"

namespace rmq::cli {
namespace {

std::string error_of(const std::vector<std::string>& specs) {
  auto parsed = parse_topic_specs(specs);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? "" : parsed.error().message;
}

TEST(ParseTopicSpecs, AcceptsNameWithAndWithoutQueues) {
  auto parsed = parse_topic_specs({"Orders:8", "%RETRY%G|x-1_2", "Plain"});
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  ASSERT_EQ(parsed->size(), 3u);
  EXPECT_EQ((*parsed)[0].topic, "Orders");
  EXPECT_EQ((*parsed)[0].read_queue_nums, 8);
  EXPECT_EQ((*parsed)[0].write_queue_nums, 8);
  EXPECT_EQ((*parsed)[0].perm, 6);
  EXPECT_EQ((*parsed)[1].topic, "%RETRY%G|x-1_2");
  EXPECT_EQ((*parsed)[2].read_queue_nums, 4);  // the default
  EXPECT_TRUE(parse_topic_specs({}).ok());
}

TEST(ParseTopicSpecs, BadNameNamesTheSpecAndTheRule) {
  const std::string rule = ": the topic name must match ^[%|a-zA-Z0-9_-]+$ (at most 127 characters)";
  EXPECT_EQ(error_of({"bad name:4"}), "--topic bad name:4" + rule);
  EXPECT_EQ(error_of({"a.b"}), "--topic a.b" + rule);
  EXPECT_EQ(error_of({std::string(128, 'T')}), "--topic " + std::string(128, 'T') + rule);
  EXPECT_TRUE(parse_topic_specs({std::string(127, 'T')}).ok());
  // The first bad spec is the one reported.
  EXPECT_EQ(error_of({"Good:2", "b@d"}), "--topic b@d" + rule);
}

TEST(ParseTopicSpecs, BadQueueCountNamesTheSpecAndTheRange) {
  const std::string range = ": QUEUES must be a whole number from 1 to 1024";
  for (const char* spec : {"T:0", "T:1025", "T:-1", "T:abc", "T:4x", "T:", "T: 4"}) {
    EXPECT_EQ(error_of({spec}), "--topic " + std::string(spec) + range) << spec;
  }
  EXPECT_TRUE(parse_topic_specs({"T:1", "U:1024"}).ok());
}

TEST(ParseTopicSpecs, EmptySpecOrEmptyName) {
  EXPECT_EQ(error_of({""}), "--topic \"\": empty; expected NAME or NAME:QUEUES");
  EXPECT_EQ(error_of({":4"}),
            "--topic :4: the topic name must match ^[%|a-zA-Z0-9_-]+$ (at most 127 characters)");
}

}  // namespace
}  // namespace rmq::cli

namespace rmq::cli {
namespace {

// The limit flags: out-of-range values are one line and exit 2; the limits are printed before the ready line.
TEST(ServeBinaryLimits, BadLimitFlagsAreOneLine) {
  for (const std::string& flag :
       std::vector<std::string>{"--max-frame 10", "--max-connections 0", "--send-backlog 5", "--idle-timeout -1"}) {
    auto [code, out] = testutil::run_command(std::string(RMQSIM_BINARY) + " serve " + flag);
    EXPECT_EQ(code, 2) << flag << "\n" << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << flag << "\n" << out;
    EXPECT_NE(out.find(flag.substr(0, flag.find(' '))), std::string::npos) << out;
  }
}

TEST(ServeBinaryLimits, LimitsAreAnnouncedBeforeReady) {
  // timeout(1) stops it with SIGTERM once the lines are out (its exit code is then 124); the namesrv port is the
  // kernel's choice, the broker's one derived from the pid (a taken port fails the start, named in the output).
  std::string broker_port = std::to_string(30000 + ::getpid() % 20000);
  auto [code, out] = testutil::run_command("timeout -s TERM 2 " + std::string(RMQSIM_BINARY) +
                                           " serve --namesrv-port 0 --broker-base-port " + broker_port +
                                           " --brokers 1 --max-connections 10 --send-backlog 1048576 --max-frame 65536"
                                           " --idle-timeout 30");
  EXPECT_EQ(code, 124) << out;
  EXPECT_NE(out.find("rmqsim serve: stopped"), std::string::npos) << out;
  EXPECT_NE(out.find("rmqsim serve: limits max-connections=10 per server, max-frame=65536 bytes, "
                     "send-backlog=1048576 bytes per connection, idle-timeout=30 s (worst case 21 MiB)"),
            std::string::npos)
      << out;
  EXPECT_LT(out.find("limits"), out.find("ready"));
}

}  // namespace
}  // namespace rmq::cli
