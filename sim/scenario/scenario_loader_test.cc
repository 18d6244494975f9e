#include "sim/scenario/scenario_loader.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace rmq::scenario {
namespace {

std::string error_of(const std::string& text) {
  auto s = parse_scenario(text, "x.textproto");
  return s.ok() ? "<parsed>" : s.error().message;
}

TEST(ScenarioLoader, AMinimalScenarioGetsTheDefaults) {
  auto s = parse_scenario("version: 1\nname: \"m\"\n", "m.textproto");
  ASSERT_TRUE(s.ok()) << s.error().message;
  pb::Scenario d = with_defaults(*s);
  EXPECT_EQ(d.topology().brokers(), 2);
  ASSERT_EQ(d.topology().topics_size(), 1);
  EXPECT_EQ(d.topology().topics(0).name(), "TopicTest");
  EXPECT_EQ(d.topology().topics(0).queues(), 4);
  EXPECT_EQ(d.phases().fault_ms(), 30'000);
  EXPECT_EQ(d.seed(), 1u);
}

TEST(ScenarioLoader, UnknownFieldNamesFileLineAndColumn) {
  EXPECT_EQ(error_of("version: 1\ntopology {\n  brokerz: 3\n}\n"),
            "x.textproto:3:10: Message type \"rmqsim.scenario.v1.Topology\" has no field named \"brokerz\".");
}

TEST(ScenarioLoader, BadEnumValueNamesTheField) {
  std::string e = error_of("version: 1\nproducers { mode: SOMETIMES }\n");
  EXPECT_EQ(e.rfind("x.textproto:2:29: Unknown enumeration value of \"SOMETIMES\" for field \"mode\"", 0), 0u) << e;
  EXPECT_NE(e.find("SOMETIMES"), std::string::npos) << e;
  EXPECT_NE(e.find("mode"), std::string::npos) << e;
}

TEST(ScenarioLoader, OutOfRangeValuesNameThePathAndLine) {
  EXPECT_EQ(error_of("version: 1\ntopology {\n  brokers: 40\n}\n"),
            "x.textproto:3:3: topology.brokers: 40 is out of range 1..16");
  EXPECT_EQ(error_of("version: 1\nproducers { }\nproducers {\n  every_ms: -5\n}\n"),
            "x.textproto:4:3: producers[1].every_ms: -5 is out of range 1..3600000");
  EXPECT_EQ(error_of("version: 1\nfaults { at_ms: 10 broker_crash {\n broker: 7 } }\n"),
            "x.textproto:3:2: faults[0].broker_crash.broker: 7 is out of range 0..1");
  EXPECT_EQ(error_of("version: 1\nfaults { at_ms: 10 partition { a: \"broker-0\" b: \"router\" } }\n"),
            "x.textproto:2:46: faults[0].partition.b: 'router' names no host (namesrv, broker-<i>, producer-<i>, "
            "consumer-<g>-<j>, brokers, producers, consumers, clients)");
}

TEST(ScenarioLoader, SemanticErrors) {
  EXPECT_EQ(error_of("name: \"v\"\n"), "x.textproto:1:1: version: missing: a scenario says `version: 1`");
  EXPECT_EQ(error_of("version: 2\n"), "x.textproto:1:1: version: version 2 is not supported (this rmqsim reads version 1)");
  EXPECT_EQ(error_of("version: 1\nfaults { at_ms: 5 }\n"),
            "x.textproto:2:10: faults[0].at_ms: the fault names no kind (broker_crash, partition, broker_code, ...)");
  EXPECT_EQ(error_of("version: 1\nchecks { disable: \"send.nothing\" }\n"),
            "x.textproto:2:10: checks.disable[0]: unknown check 'send.nothing' (rmqsim run --list-checks)");
  EXPECT_EQ(error_of("version: 1\nswarm { families: \"meteor\" }\n"),
            "x.textproto:2:9: swarm.families[0]: unknown family 'meteor' (see docs/scenarios.md)");
  EXPECT_EQ(error_of("version: 1\nconsumer_groups { topic: \"Nope\" }\n"),
            "x.textproto:2:19: consumer_groups[0].topic: 'Nope' is not one of topology.topics (a consumer group needs "
            "its queue count)");
  EXPECT_EQ(error_of("version: 1\nfaults { consumer_join { group: 0 } }\n"),
            "x.textproto:2:26: faults[0].consumer_join.group: the scenario has no consumer_groups");
  std::string e = error_of("version: 1\nconsumer_groups { allocate_strategy: \"RANDOM\" }\n");
  EXPECT_EQ(e.rfind("x.textproto:2:19: consumer_groups[0].allocate_strategy: unknown strategy 'RANDOM'", 0), 0u) << e;
}

TEST(ScenarioLoader, TagsAndSubscriptionsMustBeMatchable) {
  EXPECT_EQ(error_of("version: 1\nproducers { tags: \"A\" tags: \"B||C\" }\n"),
            "x.textproto:2:23: producers[0].tags[1]: 'B||C' contains \"||\", so no subscription can name it");
  EXPECT_EQ(error_of("version: 1\nproducers { tags: \" A\" }\n"),
            "x.textproto:2:13: producers[0].tags[0]: ' A' starts or ends with a blank, which subscriptions trim, so no "
            "subscription can name it");
  EXPECT_EQ(error_of("version: 1\nproducers { tags: \"\" }\n"), "x.textproto:2:13: producers[0].tags[0]: is empty");
  EXPECT_EQ(error_of("version: 1\nproducers { tags: \"a\\001b\" }\n"),
            "x.textproto:2:13: producers[0].tags[0]: contains a control character");
  EXPECT_EQ(error_of("version: 1\nconsumer_groups { subscription: \" || \" }\n"),
            "x.textproto:2:19: consumer_groups[0].subscription: ' || ' names no tag (\"*\" subscribes to every "
            "message)");
  EXPECT_EQ(error_of("version: 1\nproducers { tags: \"A\" }\nconsumer_groups { subscription: \"A || B\" }\n"),
            "<parsed>");
  auto s = parse_scenario("version: 1\nconsumer_groups { }\n", "x");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(with_defaults(*s).consumer_groups(0).subscription(), "*");
}

// Found by fuzz_scenario_loader: an explicit name equal to another group's default one passed validation, and the
// scenario with its defaults written in then had two groups of one name.
TEST(ScenarioLoader, DefaultGroupNamesCountAsTaken) {
  EXPECT_EQ(error_of("version: 1\nconsumer_groups { }\nconsumer_groups { group: \"CG0\" }\n"),
            "x.textproto:3:19: consumer_groups[1].group: group 'CG0' is used twice (unnamed groups are CG<g>)");
  EXPECT_EQ(error_of("version: 1\nproducers { group: \"PG1\" }\nproducers { }\n"),
            "x.textproto:3:1: producers[1].group: group 'PG1' is used twice (unnamed producers are PG<i>)");
  EXPECT_EQ(error_of("version: 1\nproducers { group: \"a b\" }\n"),
            "x.textproto:2:13: producers[0].group: 'a b' is not a valid group name (letters, digits, - _ % |)");
  EXPECT_EQ(error_of("version: 1\nname: \"\\377\"\n"), "x.textproto:2:1: name: is not valid UTF-8");
}

// Every scenario that validates still validates with its defaults written in (what the runner takes).
TEST(ScenarioLoader, DefaultsKeepAScenarioValid) {
  auto s = parse_scenario("version: 1\nproducers { start_ms: 45000 }\nphases { fault_ms: 20000 }\n", "x");
  ASSERT_TRUE(s.ok()) << s.error().message;
  pb::Scenario d = with_defaults(*s);
  EXPECT_EQ(d.producers(0).stop_ms(), 45'000);
  EXPECT_TRUE(validate_scenario(d, "d").ok());
}

TEST(ScenarioLoader, GroupsFitTheirHostAddresses) {
  std::string text = "version: 1\nconsumer_groups { consumers: 16 }\n";
  for (int i = 0; i < 184; ++i) text += "faults { at_ms: 1 consumer_join { group: 0 } }\n";
  EXPECT_EQ(error_of(text), "<parsed>");
  text += "faults { at_ms: 2 consumer_join { group: 0 } }\n";
  EXPECT_EQ(error_of(text), "x.textproto:187:19: faults[184].consumer_join: group 0 would have more than 200 members");
}

TEST(ScenarioLoader, MissingFile) {
  auto s = load_scenario("/nonexistent/dir/s.textproto");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "cannot read /nonexistent/dir/s.textproto: no such file or not readable");
}

TEST(ScenarioLoader, TextprotoRoundTrip) {
  auto s = load_scenario(std::string(RMQSIM_SCENARIOS_DIR) + "/consumer_churn.textproto");
  ASSERT_TRUE(s.ok()) << s.error().message;
  auto again = parse_scenario(to_textproto(*s), "again");
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->SerializeAsString(), s->SerializeAsString());
}

TEST(ScenarioLoader, EveryShippedScenarioLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(RMQSIM_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".textproto") continue;
    auto s = load_scenario(entry.path().string());
    EXPECT_TRUE(s.ok()) << entry.path() << ": " << (s.ok() ? "" : s.error().message);
    ++count;
  }
  EXPECT_GE(count, 9);
}

}  // namespace
}  // namespace rmq::scenario
