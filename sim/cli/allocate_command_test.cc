// `rmqsim allocate`: queue specs, one query from flags (also --each / --sort), the --jsonl batch mode with its
// malformed-line handling, and the binary's wiring.
#include "sim/cli/allocate_command.h"
#include "testutil/run_command.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/json.hpp>

namespace rmq::cli {
namespace {

namespace json = boost::json;
using client::MessageQueue;

struct Outcome {
  int exit_code = 0;
  std::vector<std::string> lines;
  std::string err;
};

Outcome run(const AllocateOptions& options, const std::string& input = "") {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  Outcome r;
  r.exit_code = run_allocate(options, in, out, err);
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) r.lines.push_back(line);
  r.err = err.str();
  return r;
}

// {"result":[...]} with these queue ids on topic T, broker b.
std::string result_of(const std::vector<int>& ids, const std::string& topic = "T", const std::string& broker = "b") {
  json::array queues;
  for (int id : ids) queues.push_back(json::object{{"topic", topic}, {"brokerName", broker}, {"queueId", id}});
  return json::serialize(json::object{{"result", queues}});
}

std::string error_of(const std::string& text) { return json::serialize(json::object{{"error", text}}); }

// --- queue specs --------------------------------------------------------------------------------------------------

TEST(ParseQueueSpec, RangesListsAndBrokerNamesWithColons) {
  auto q = parse_queue_spec("TopicTest:broker-a:0-2");
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(*q, (std::vector<MessageQueue>{{"TopicTest", "broker-a", 0}, {"TopicTest", "broker-a", 1},
                                           {"TopicTest", "broker-a", 2}}));
  auto list = parse_queue_spec("T:room1@b:5,0,2-3");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, (std::vector<MessageQueue>{{"T", "room1@b", 5}, {"T", "room1@b", 0}, {"T", "room1@b", 2},
                                              {"T", "room1@b", 3}}));
  auto colons = parse_queue_spec("T:host:port:7");
  ASSERT_TRUE(colons.ok());
  EXPECT_EQ(*colons, (std::vector<MessageQueue>{{"T", "host:port", 7}}));
  auto empty_names = parse_queue_spec("::2147483647");
  ASSERT_TRUE(empty_names.ok());
  EXPECT_EQ(*empty_names, (std::vector<MessageQueue>{{"", "", 2147483647}}));
}

TEST(ParseQueueSpec, RejectsWhatItCannotRead) {
  for (const char* spec : {"T", "T:0-3", "T:b:", "T:b:x", "T:b:3-1", "T:b:1-", "T:b:-1", "T:b:1,,2", "T:b:1,",
                           "T:b:2147483648", "T:b:0-70000", "T:b: 1"}) {
    auto q = parse_queue_spec(spec);
    EXPECT_FALSE(q.ok()) << spec;
  }
  EXPECT_EQ(parse_queue_spec("T:b:3-1").error().message,
            "\"T:b:3-1\": empty range \"3-1\" (expected TOPIC:BROKER:IDS, IDS like 0-7 or 0,2,5-6)");
}

// --- flags --------------------------------------------------------------------------------------------------------

AllocateOptions flags(const std::string& strategy, std::vector<std::string> cids, std::vector<std::string> queues) {
  AllocateOptions o;
  o.strategy = strategy;
  o.cids = std::move(cids);
  o.queues = std::move(queues);
  return o;
}

TEST(AllocateFlags, OneQuery) {
  auto o = flags("AVG", {"CID_PREFIX0", "CID_PREFIX1", "CID_PREFIX2", "CID_PREFIX3"}, {"T:b:0-9"});
  o.current_cid = "CID_PREFIX1";
  Outcome r = run(o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.lines, std::vector<std::string>{result_of({3, 4, 5})});
  EXPECT_EQ(r.err, "");
}

TEST(AllocateFlags, EachConsumer) {
  auto o = flags("AVG_BY_CIRCLE", {"C0", "C1", "C2", "C3"}, {"T:b:0-9"});
  o.each = true;
  Outcome r = run(o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 4u);
  EXPECT_EQ(r.lines[0], R"({"currentCid":"C0","result":[{"topic":"T","brokerName":"b","queueId":0},)"
                        R"({"topic":"T","brokerName":"b","queueId":4},{"topic":"T","brokerName":"b","queueId":8}]})");
  EXPECT_EQ(json::parse(r.lines[3]).at("result").as_array().size(), 2u);
}

TEST(AllocateFlags, JavaExceptionsAreAnswers) {
  auto o = flags("AVG", {"C0"}, {"T:b:0-3"});  // no --current-cid: null
  Outcome r = run(o);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.lines, std::vector<std::string>{error_of("IllegalArgumentException: currentCID is empty")});
  o.current_cid = "C0";
  o.queues.clear();
  EXPECT_EQ(run(o).lines, std::vector<std::string>{error_of("IllegalArgumentException: mqAll is null or mqAll empty")});
  o.queues = {"T:b:0"};
  o.cids.clear();
  EXPECT_EQ(run(o).lines, std::vector<std::string>{error_of("IllegalArgumentException: cidAll is null or cidAll empty")});
  auto negative = flags("CONSISTENT_HASH", {"C0"}, {"T:b:0"});
  negative.current_cid = "C0";
  negative.virtual_nodes = -2;
  Outcome rn = run(negative);
  EXPECT_EQ(rn.exit_code, 0);
  EXPECT_EQ(rn.lines, std::vector<std::string>{error_of("IllegalArgumentException: illegal virtualNodeCnt :-2")});
  negative.each = true;
  negative.current_cid.reset();
  EXPECT_EQ(run(negative).lines,
            std::vector<std::string>{R"({"currentCid":"C0","error":"IllegalArgumentException: illegal virtualNodeCnt :-2"})"});
}

TEST(AllocateFlags, ParametersOfEveryStrategy) {
  auto hash = flags("CONSISTENT_HASH", {"CID-0", "CID-1"}, {"topic_test:brokerName:0-5"});
  hash.current_cid = "CID-0";
  EXPECT_EQ(run(hash).lines, std::vector<std::string>{result_of({1, 3, 4, 5}, "topic_test", "brokerName")});
  hash.virtual_nodes = 3;
  EXPECT_EQ(run(hash).lines, std::vector<std::string>{result_of({0, 3, 5}, "topic_test", "brokerName")});

  auto room = flags("MACHINE_ROOM", {"CID_PREFIX0", "CID_PREFIX1"}, {"topic:room1@broker-a:0-4", "topic:room2@broker-b:5-9"});
  room.current_cid = "CID_PREFIX0";
  room.consumer_idcs = {"room1"};
  EXPECT_EQ(run(room).lines, std::vector<std::string>{result_of({0, 1, 4}, "topic", "room1@broker-a")});

  auto config = flags("CONFIG", {}, {});
  config.config = {"T:b:3,1"};
  EXPECT_EQ(run(config).lines, std::vector<std::string>{result_of({3, 1})});

  auto nearby = flags("MACHINE_ROOM_NEARBY-AVG", {"A.c1", "B.c1"}, {"T:A.b:0-1", "T:C.b:0-1"});
  nearby.room_separator = ".";
  nearby.current_cid = "B.c1";
  // Room B has no queues; room C has no consumers: its queues are shared by all (AVG: B.c1 second).
  EXPECT_EQ(run(nearby).lines, std::vector<std::string>{result_of({1}, "T", "C.b")});
}

TEST(AllocateFlags, SortAsRebalanceImpl) {
  auto o = flags("AVG", {"C1", "C0"}, {"T:b:3,2,1,0"});
  o.current_cid = "C0";
  EXPECT_EQ(run(o).lines, std::vector<std::string>{result_of({1, 0})});
  o.sort = true;
  EXPECT_EQ(run(o).lines, std::vector<std::string>{result_of({0, 1})});
}

TEST(AllocateFlags, BadFlagsExitTwoWithOneLine) {
  auto unknown = flags("avg", {"C0"}, {"T:b:0"});
  Outcome r = run(unknown);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.lines.empty());
  EXPECT_EQ(r.err.rfind("rmqsim allocate: --strategy avg: unknown allocate strategy \"avg\"", 0), 0u) << r.err;
  auto bad_queue = flags("AVG", {"C0"}, {"T:b"});
  EXPECT_EQ(run(bad_queue).exit_code, 2);
  auto bad_config = flags("CONFIG", {}, {});
  bad_config.config = {"x"};
  EXPECT_NE(run(bad_config).err.find("--config"), std::string::npos);
  auto both = flags("AVG", {"C0"}, {"T:b:0"});
  both.each = true;
  both.current_cid = "C0";
  EXPECT_EQ(run(both).exit_code, 2);
  auto nobody = flags("AVG", {}, {"T:b:0"});
  nobody.each = true;
  EXPECT_EQ(run(nobody).exit_code, 2);
  auto file = flags("AVG", {"C0"}, {"T:b:0"});
  file.input = "queries.jsonl";
  EXPECT_EQ(run(file).exit_code, 2);
  auto separator = flags("MACHINE_ROOM_NEARBY-AVG", {"C0"}, {"T:b:0"});
  separator.room_separator = "";
  EXPECT_EQ(run(separator).exit_code, 2);
}

// --- --jsonl ------------------------------------------------------------------------------------------------------

Outcome jsonl(const std::string& input, bool sort = false) {
  AllocateOptions o;
  o.jsonl = true;
  o.sort = sort;
  return run(o, input);
}

std::string mq_json(const std::string& topic, const std::string& broker, int from, int to) {
  json::array out;
  for (int i = from; i <= to; ++i) out.push_back(json::object{{"topic", topic}, {"brokerName", broker}, {"queueId", i}});
  return json::serialize(out);
}

TEST(AllocateJsonl, SpecVectorsOneLineEach) {
  const std::string q10 = mq_json("T", "b", 0, 9);
  const std::string ch6 = mq_json("topic_test", "brokerName", 0, 5);
  std::string input;
  input += R"({"strategy":"AVG","currentCid":"C2","cidAll":["C0","C1","C2","C3"],"mqAll":)" + q10 + "}\n";
  input += R"({"strategy":"AVG_BY_CIRCLE","currentCid":"C1","cidAll":["C0","C1","C2","C3"],"mqAll":)" + q10 + "}\n";
  input += R"({"strategy":"CONSISTENT_HASH","currentCid":"CID-1","cidAll":["CID-0","CID-1"],"mqAll":)" + ch6 + "}\n";
  input += R"({"strategy":"CONSISTENT_HASH","virtualNodes":3,"currentCid":"CID-1","cidAll":["CID-0","CID-1"],"mqAll":)" +
           ch6 + "}\n";
  input += R"({"strategy":"CONFIG","config":)" + mq_json("T", "b", 0, 3) + "}\n";
  input += R"({"strategy":"MACHINE_ROOM","consumeridcs":["room1"],"currentCid":"C1","cidAll":["C0","C1"],"mqAll":)" +
           mq_json("T", "room1@b", 0, 4) + "}\n";
  input += R"({"strategy":"MACHINE_ROOM_NEARBY-AVG","currentCid":"IDC2-C","cidAll":["IDC1-C","IDC2-C"],"mqAll":)" +
           mq_json("T", "IDC1-b", 0, 1) + "}\n";
  input += R"({"strategy":"AVG","currentCid":"X","cidAll":["C0"],"mqAll":)" + q10 + "}\n";
  Outcome r = jsonl(input);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.lines, (std::vector<std::string>{
                         result_of({6, 7}), result_of({1, 5, 9}), result_of({0, 2}, "topic_test", "brokerName"),
                         result_of({1, 2, 4}, "topic_test", "brokerName"), result_of({0, 1, 2, 3}),
                         result_of({2, 3}, "T", "room1@b"), result_of({}), result_of({})}));
}

TEST(AllocateJsonl, NullAndAbsentFieldsAreJavaNulls) {
  Outcome r = jsonl(
      R"({"strategy":"AVG","currentCid":null,"cidAll":["C"],"mqAll":[{"topic":"T","brokerName":"b","queueId":0}]})"
      "\n"
      R"({"strategy":"AVG","currentCid":"C","cidAll":["C"]})"
      "\n"
      R"({"strategy":"AVG","currentCid":"C","cidAll":null,"mqAll":[{"topic":"T","brokerName":"b","queueId":0}]})"
      "\n"
      R"({"strategy":"AVG_BY_CIRCLE","currentCid":"","mqAll":null})"
      "\n"
      R"({"strategy":"MACHINE_ROOM","currentCid":"C","cidAll":["C"],"mqAll":[{"topic":"T","brokerName":"r@b","queueId":0}]})"
      "\n"
      R"({"strategy":"CONFIG","config":null,"consumeridcs":null,"virtualNodes":null,"roomSeparator":null})"
      "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.lines, (std::vector<std::string>{error_of("IllegalArgumentException: currentCID is empty"),
                                               error_of("IllegalArgumentException: mqAll is null or mqAll empty"),
                                               error_of("IllegalArgumentException: cidAll is null or cidAll empty"),
                                               error_of("IllegalArgumentException: currentCID is empty"),
                                               result_of({}), result_of({})}));
}

TEST(AllocateJsonl, NearbyRoomsAndTheirErrors) {
  Outcome r = jsonl(
      R"({"strategy":"MACHINE_ROOM_NEARBY-AVG","currentCid":"A-1","cidAll":["A-1"],"mqAll":[{"topic":"T","brokerName":"-b","queueId":4}]})"
      "\n"
      R"({"strategy":"MACHINE_ROOM_NEARBY-CONSISTENT_HASH","virtualNodes":-1,"currentCid":"A-1","cidAll":["A-1"]})"
      "\n"
      R"({"strategy":"MACHINE_ROOM_NEARBY-AVG_BY_CIRCLE","roomSeparator":"@","currentCid":"r1@c","cidAll":["r1@c","r2@c"],)"
      R"("mqAll":[{"topic":"T","brokerName":"r3@b","queueId":0},{"topic":"T","brokerName":"r3@b","queueId":1},)"
      R"({"topic":"T","brokerName":"r1@b","queueId":0}]})"
      "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0], error_of("IllegalArgumentException: Machine room is null for mq MessageQueue [topic=T, "
                                 "brokerName=-b, queueId=4]"));
  EXPECT_EQ(r.lines[1], error_of("IllegalArgumentException: illegal virtualNodeCnt :-1"));
  EXPECT_EQ(r.lines[2], R"({"result":[{"topic":"T","brokerName":"r1@b","queueId":0},)"
                        R"({"topic":"T","brokerName":"r3@b","queueId":0}]})");
}

TEST(AllocateJsonl, MalformedLinesAreNamedAndTheBatchGoesOn) {
  const std::string good = R"({"strategy":"AVG","currentCid":"C","cidAll":["C"],"mqAll":[{"topic":"T","brokerName":"b","queueId":0}]})";
  std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not JSON: "},
      {"[1,2]", "the line: expected a JSON object, got an array"},
      {R"({"currentCid":"C"})", "missing \"strategy\""},
      {R"({"strategy":7})", "strategy: expected a string, got a number"},
      {R"({"strategy":"AVG","cidall":["C"]})", "unknown field \"cidall\""},
      {R"({"strategy":"nope"})", "strategy: unknown allocate strategy \"nope\""},
      {R"({"strategy":"AVG","currentCid":5})", "currentCid: expected a string, got a number"},
      {R"({"strategy":"AVG","cidAll":"C"})", "cidAll: expected an array or null, got a string"},
      {R"({"strategy":"AVG","cidAll":["C",null]})", "cidAll[1]: expected a string, got null"},
      {R"({"strategy":"AVG","mqAll":[{"topic":"T","brokerName":"b"}]})", "mqAll[0]: missing \"queueId\""},
      {R"({"strategy":"AVG","mqAll":[{"topic":"T","brokerName":"b","queueId":"0"}]})",
       "mqAll[0].queueId: expected an integer, got a string"},
      {R"({"strategy":"AVG","mqAll":[{"topic":"T","brokerName":"b","queueId":1.5}]})",
       "mqAll[0].queueId: expected an integer, got a number"},
      {R"({"strategy":"AVG","mqAll":[{"topic":"T","brokerName":"b","queueId":2147483648}]})",
       "mqAll[0].queueId: 2147483648 is outside the 32-bit integer range"},
      {R"({"strategy":"AVG","mqAll":[{"topic":"T","brokerName":"b","queueId":0,"x":1}]})",
       "mqAll[0]: unknown field \"x\""},
      {R"({"strategy":"AVG","mqAll":[7]})", "mqAll[0]: expected a queue object"},
      {R"({"strategy":"CONFIG","config":[{"topic":1,"brokerName":"b","queueId":0}]})",
       "config[0].topic: expected a string, got a number"},
      {R"({"strategy":"MACHINE_ROOM","consumeridcs":[1]})", "consumeridcs[0]: expected a string, got a number"},
      {R"({"strategy":"CONSISTENT_HASH","virtualNodes":"10"})", "virtualNodes: expected an integer, got a string"},
      {R"({"strategy":"MACHINE_ROOM_NEARBY-AVG","roomSeparator":""})", "strategy: the room separator"},
      {R"({"strategy":"AVG","consumerGroup":1})", "consumerGroup: expected a string, got a number"},
  };
  std::string input = good + "\n";
  for (const auto& [line, problem] : cases) input += line + "\n";
  input += "\n   \n" + good + "\n";
  Outcome r = jsonl(input);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "rmqsim allocate: " + std::to_string(cases.size()) + " malformed input lines\n");
  ASSERT_EQ(r.lines.size(), cases.size() + 2);
  EXPECT_EQ(r.lines.front(), result_of({0}));
  EXPECT_EQ(r.lines.back(), result_of({0}));
  for (size_t i = 0; i < cases.size(); ++i) {
    json::object o = json::parse(r.lines[i + 1]).as_object();
    std::string expected_prefix = "line " + std::to_string(i + 2) + ": " + cases[i].second;
    EXPECT_EQ(std::string(o.at("error").as_string()).rfind(expected_prefix, 0), 0u)
        << cases[i].first << " → " << r.lines[i + 1];
    EXPECT_EQ(o.at("malformed"), json::value(true));
  }
}

TEST(AllocateJsonl, LineNumbersCountBlankLines) {
  Outcome r = jsonl("\n\r\n{\"strategy\":1}\r\n");
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.err, "rmqsim allocate: 1 malformed input line\n");
  EXPECT_EQ(json::parse(r.lines[0]).at("error").as_string(), "line 3: strategy: expected a string, got a number");
}

TEST(AllocateJsonl, EmptyInputIsFine) {
  Outcome r = jsonl("");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.lines.empty());
}

TEST(AllocateJsonl, SortOption) {
  const std::string line =
      R"({"strategy":"AVG","currentCid":"C0","cidAll":["C1","C0"],"mqAll":)" + mq_json("T", "b", 0, 3) + "}\n";
  EXPECT_EQ(jsonl(line).lines, std::vector<std::string>{result_of({2, 3})});
  EXPECT_EQ(jsonl(line, true).lines, std::vector<std::string>{result_of({0, 1})});
}

TEST(AllocateJsonl, ReadsAFile) {
  std::string path = ::testing::TempDir() + "allocate_queries.jsonl";
  {
    std::ofstream f(path);
    f << R"({"strategy":"AVG","currentCid":"C","cidAll":["C"],"mqAll":[{"topic":"T","brokerName":"b","queueId":9}]})"
      << "\n";
  }
  AllocateOptions o;
  o.jsonl = true;
  o.input = path;
  Outcome r = run(o, "ignored");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.lines, std::vector<std::string>{result_of({9})});
  o.input = path + ".missing";
  Outcome missing = run(o);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "rmqsim allocate: cannot open " + path + ".missing\n");
  std::remove(path.c_str());
}

TEST(AllocateJsonl, AnswerOneLine) {
  JsonlAnswer a = answer_jsonl_line(R"({"strategy":"CONFIG"})", 1, false);
  EXPECT_FALSE(a.malformed);
  EXPECT_EQ(json::serialize(a.output), result_of({}));
  JsonlAnswer b = answer_jsonl_line("{", 42, false);
  EXPECT_TRUE(b.malformed);
  EXPECT_EQ(std::string(b.output.at("error").as_string()).rfind("line 42: not JSON", 0), 0u);
}

// --- the binary ---------------------------------------------------------------------------------------------------

std::pair<int, std::string> run_binary(const std::string& args, bool with_stderr = true) {
  return testutil::run_command(std::string(RMQSIM_BINARY) + " " + args, with_stderr);
}

TEST(AllocateBinary, FlagsAndHelp) {
  auto [code, output] = run_binary(
      "allocate --strategy AVG --current-cid C1 --cid C0 --cid C1 --queues T:b:0-4 --queues T:c:0", false);
  EXPECT_EQ(code, 0);
  EXPECT_EQ(output, R"({"result":[{"topic":"T","brokerName":"b","queueId":3},{"topic":"T","brokerName":"b","queueId":4},)"
                    R"({"topic":"T","brokerName":"c","queueId":0}]})"
                    "\n");
  auto [each_code, each] = run_binary(
      "allocate --strategy CONSISTENT_HASH --virtual-nodes 3 --each --cid CID-0 --cid CID-1 "
      "--queues topic_test:brokerName:0-5",
      false);
  EXPECT_EQ(each_code, 0);
  EXPECT_NE(each.find(R"({"currentCid":"CID-1","result":[{"topic":"topic_test","brokerName":"brokerName","queueId":1},)"),
            std::string::npos)
      << each;
  auto [empty_cid_code, empty_cid] = run_binary("allocate --current-cid '' --cid a --queues T:b:1", false);
  EXPECT_EQ(empty_cid_code, 0);
  EXPECT_EQ(empty_cid, error_of("IllegalArgumentException: currentCID is empty") + "\n");
  auto [help_code, help] = run_binary("allocate --help");
  EXPECT_EQ(help_code, 0);
  EXPECT_NE(help.find("--jsonl"), std::string::npos);
  EXPECT_NE(help.find("MACHINE_ROOM_NEARBY-<inner>"), std::string::npos);
  EXPECT_NE(help.find("\"malformed\":true"), std::string::npos) << help;
  auto [bad_code, bad] = run_binary("allocate --strategy NOPE --cid a --queues T:b:1");
  EXPECT_EQ(bad_code, 2);
  EXPECT_NE(bad.find("unknown allocate strategy \"NOPE\""), std::string::npos) << bad;
  auto [bad_flag_code, bad_flag] = run_binary("allocate --virtual-nodes many");
  EXPECT_EQ(bad_flag_code, 2);
  EXPECT_NE(bad_flag.find("--virtual-nodes"), std::string::npos) << bad_flag;
}

TEST(AllocateBinary, JsonlFromStandardInput) {
  std::string path = ::testing::TempDir() + "allocate_binary.jsonl";
  {
    std::ofstream f(path);
    f << R"({"strategy":"AVG_BY_CIRCLE","currentCid":"C1","cidAll":["C0","C1"],)"
      << R"("mqAll":[{"topic":"T","brokerName":"b","queueId":0},{"topic":"T","brokerName":"b","queueId":1}]})"
      << "\noops\n";
  }
  auto [code, output] = run_binary("allocate --jsonl < " + path, false);
  EXPECT_EQ(code, 2);
  EXPECT_EQ(output, result_of({1}) + "\n" + R"({"error":"line 2: not JSON: syntax error","malformed":true})" + "\n");
  auto [file_code, file_output] = run_binary("allocate --jsonl " + path, false);
  EXPECT_EQ(file_code, 2);
  EXPECT_EQ(file_output, output);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace rmq::cli
