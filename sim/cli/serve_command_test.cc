// parse_topic_specs (`rmqsim serve --topic NAME[:QUEUES]`): what it accepts and the exact error for each bad spec,
// since the message is all a user of `rmqsim serve` sees before it exits with code 2.
#include <gtest/gtest.h>

#include "sim/cli/serve_command.h"

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
