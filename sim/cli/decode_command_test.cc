#include "sim/cli/decode_command.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include <boost/json.hpp>

#include "core/common/hex.h"
#include "testutil/corpus.h"
#include "testutil/run_command.h"

namespace rmq::cli {
namespace {

namespace json = boost::json;

struct DecodeRun {
  int exit_code = 0;
  std::vector<json::object> lines;
  std::string err;
};

DecodeRun decode_bytes(const Bytes& input, DecodeOptions options = {}) {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  DecodeRun run;
  run.exit_code = run_decode(options, in, out, err);
  std::istringstream lines(out.str());
  for (std::string line; std::getline(lines, line);) run.lines.push_back(json::parse(line).as_object());
  run.err = err.str();
  return run;
}

std::string session_path() { return std::string(RMQSIM_SOURCE_DIR) + "/scenarios/captures/real-4.9.8-session.bin"; }

TEST(DecodeCommand, ShippedSessionDecodesWithBodies) {
  DecodeOptions options;
  options.input = session_path();
  DecodeRun run = decode_bytes("", options);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_GE(run.lines.size(), 26u);
  std::map<std::string, int> kinds;
  for (const auto& line : run.lines) {
    const auto& body = line.at("body");
    if (body.is_object() && body.as_object().contains("kind")) ++kinds[std::string(body.at("kind").as_string())];
  }
  EXPECT_GE(kinds["route"], 2);
  EXPECT_GE(kinds["heartbeat"], 1);
  EXPECT_GE(kinds["consumerIdList"], 1);
  EXPECT_GE(kinds["messages"], 2);
  EXPECT_GE(kinds["lockBatch"], 1);
  // The first answer is matched to its request by opaque and named.
  EXPECT_EQ(run.lines[1].at("requestCode").as_int64(), 105);
  EXPECT_EQ(run.lines[1].at("name").as_string(), "SUCCESS");
  EXPECT_EQ(run.lines[0].at("name").as_string(), "GET_ROUTEINFO_BY_TOPIC");
}

TEST(DecodeCommand, EveryPulledMessageOfTheCapturesIsShownFieldByField) {
  size_t responses = 0;
  for (const auto& [file, line] : testutil::load_real_captures()) {
    auto it = line.find("response_body_messages");
    if (it == line.end()) continue;
    DecodeRun run = decode_bytes(testutil::hex_field(line, "request_hex") + testutil::hex_field(line, "response_hex"));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_EQ(run.lines.size(), 2u);
    const auto& body = run.lines[1].at("body").as_object();
    const auto& shown = body.at("messages").as_array();
    const auto& expected = it->value().as_array();
    ASSERT_EQ(shown.size(), expected.size()) << testutil::string_field(line, "name");
    for (size_t i = 0; i < shown.size(); ++i) {
      const auto& s = shown[i].as_object();
      const auto& e = expected[i].as_object();
      EXPECT_EQ(s.at("queueOffset"), e.at("queueOffset"));
      EXPECT_EQ(s.at("commitLogOffset"), e.at("commitLogOffset"));
      EXPECT_EQ(s.at("storeHost"), e.at("storeHost"));
      EXPECT_EQ(s.at("topic"), e.at("topic"));
      if (e.contains("body_text")) {
        EXPECT_EQ(s.at("body"), e.at("body_text"));
      }
      if (e.contains("body_inflated_text")) {
        EXPECT_EQ(s.at("bodyInflated"), e.at("body_inflated_text"));
      }
      EXPECT_EQ(s.at("properties").as_object().size(), e.at("properties").as_object().size());
    }
    ++responses;
  }
  EXPECT_GE(responses, 20u);
}

TEST(DecodeCommand, HexInputIsAccepted) {
  DecodeOptions options;
  options.hex = true;
  DecodeRun run = decode_bytes(
      "0000002d 01000029 0069 00 0199 00000001 00000000 00000000 00000014\n"
      "0005 746f706963 00000009 546f70696354657374\n",
      options);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.lines.size(), 1u);
  EXPECT_EQ(run.lines[0].at("serialize").as_string(), "ROCKETMQ");
  EXPECT_EQ(run.lines[0].at("extFields").at("topic").as_string(), "TopicTest");
}

TEST(DecodeCommand, BadInputGivesOneLineWithTheByteOffsetAndExitCode2) {
  Bytes good = from_hex("0000002d01000029006900019900000001000000000000000000000014"
                        "0005746f70696300000009546f70696354657374").value();
  struct Case {
    Bytes input;
    bool hex;
    std::string expected;
  } cases[] = {
      {good + from_hex("01400000").value(), false, "byte offset 49: frame length word 20971520"},
      {good + good.substr(0, 10), false, "byte offset 49: the input ends inside a frame (10 bytes"},
      {"00 0g", true, "--hex input is not hex text"},
      {from_hex("0000001500000011").value() + "{this is not json", false, "byte offset 9: malformed JSON"},
  };
  for (const auto& c : cases) {
    DecodeOptions options;
    options.hex = c.hex;
    DecodeRun run = decode_bytes(c.input, options);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find(c.expected), std::string::npos) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  }
}

TEST(DecodeCommand, MissingFileIsNamed) {
  DecodeOptions options;
  options.input = "/nonexistent/capture.bin";
  DecodeRun run = decode_bytes("", options);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "rmqsim decode: cannot open /nonexistent/capture.bin\n");
}

// The installed binary: flags are checked and errors are one line with exit code 2.
std::pair<int, std::string> run_binary(const std::string& args) {
  return testutil::run_command(std::string(RMQSIM_BINARY) + " " + args);
}

TEST(RmqsimBinary, RejectsBadFlagsWithOneClearLine) {
  auto [code, output] = run_binary("decode --no-such-flag x");
  EXPECT_EQ(code, 2);
  EXPECT_NE(output.find("--no-such-flag"), std::string::npos) << output;
  auto [code2, output2] = run_binary("decode --max-frame 3 x");
  EXPECT_EQ(code2, 2);
  EXPECT_NE(output2.find("--max-frame"), std::string::npos) << output2;
  auto [code3, output3] = run_binary("frobnicate");
  EXPECT_EQ(code3, 2);
}

TEST(RmqsimBinary, DecodesTheShippedSession) {
  auto [code, output] = run_binary("decode " + session_path());
  EXPECT_EQ(code, 0) << output;
  EXPECT_NE(output.find("\"kind\":\"messages\""), std::string::npos);
}

}  // namespace
}  // namespace rmq::cli
