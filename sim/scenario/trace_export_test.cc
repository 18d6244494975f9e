#include "sim/scenario/trace_export.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace rmq::scenario {
namespace {

namespace json = boost::json;
using Phase = tv::TraceEvent::Phase;

tv::TraceEvent make_event(uint64_t index, int64_t time_us, std::string kind, std::string track, std::string text,
                          Phase phase = tv::TraceEvent::INSTANT, uint64_t span = 0, std::string peer = "") {
  tv::TraceEvent event;
  event.set_index(index);
  event.set_time_us(time_us);
  event.set_kind(std::move(kind));
  event.set_track(std::move(track));
  event.set_text(std::move(text));
  event.set_phase(phase);
  event.set_span(span);
  event.set_peer(std::move(peer));
  return event;
}

// A small run: a send whose request is answered, one never answered, a fault, a verdict.
TraceDocument sample_document() {
  TraceDocument doc;
  doc.header.set_version(kTraceVersion);
  doc.header.set_tool("rmqsim 0.1.0 test");
  doc.header.set_scenario("one_broker");
  doc.header.set_scenario_file("scenarios/one_broker.textproto");
  doc.header.set_seed(42);
  doc.events = {
      make_event(0, 0, "route.query", "producer-0", "topic T", tv::TraceEvent::BEGIN, 1, "namesrv"),
      make_event(1, 1500, "route.result", "producer-0", "ok 2 queues", tv::TraceEvent::END, 1, "namesrv"),
      make_event(2, 2000, "send.attempt", "producer-0", "msg 1 -> broker-10", tv::TraceEvent::BEGIN, 2, "broker-10"),
      make_event(3, 2500, "fault.inject", "network", "partition producer-0 | broker-10"),
      make_event(4, 3000, "pull.result", "consumer-0-1", "FOUND 3 \"quoted\"\nsecond line \x01 caf\xC3\xA9"),
      make_event(5, 3200, "broker.start", "broker-2", ""),
      make_event(6, 3500, "broker.start", "broker-10", ""),
      make_event(7, 4000, "name.ready", "namesrv", "", tv::TraceEvent::INSTANT, 0, ""),
      make_event(8, 9000, "check.verdict", "checks", "send.attempts passed"),
  };
  doc.footer.set_events(9);
  doc.footer.set_digest("0123456789abcdef");
  return doc;
}

bool same(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

TEST(TraceText, LinesAreExactlyAsSpecified) {
  TraceDocument doc = sample_document();
  doc.events = {make_event(0, 0, "route.query", "producer-0", "topic T"),
                make_event(1, 1234567, "send.attempt", "", "a\\b\nc"),
                make_event(2, -500, "clock.skew", "broker-0", "")};
  doc.footer.set_events(3);
  EXPECT_EQ(to_text(doc),
            "# rmqsim trace v1 scenario one_broker seed 42\n"
            "#0 t=0.000ms producer-0 route.query topic T\n"
            "#1 t=1234.567ms - send.attempt a\\\\b\\nc\n"
            "#2 t=-0.500ms broker-0 clock.skew\n"
            "events 3 digest 0123456789abcdef\n");
}

TEST(TraceJsonl, RoundTripsEveryField) {
  const TraceDocument doc = sample_document();
  const std::string text = to_jsonl(doc);
  const auto parsed = parse_jsonl(text, "trace.jsonl");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(same(parsed->header, doc.header));
  ASSERT_EQ(parsed->events.size(), doc.events.size());
  for (size_t i = 0; i < doc.events.size(); ++i) EXPECT_TRUE(same(parsed->events[i], doc.events[i])) << i;
  EXPECT_TRUE(same(parsed->footer, doc.footer));
  EXPECT_EQ(to_jsonl(*parsed), text);  // and writing again gives the same bytes
}

TEST(TraceJsonl, LinesAreTaggedAndPrintDefaults) {
  const std::string text = to_jsonl(sample_document());
  std::vector<std::string> lines;
  for (size_t at = 0, end; (end = text.find('\n', at)) != std::string::npos; at = end + 1)
    lines.push_back(text.substr(at, end - at));
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_TRUE(lines.front().starts_with("{\"header\":{\"version\":1,")) << lines.front();
  EXPECT_TRUE(lines.back().starts_with("{\"footer\":{")) << lines.back();
  // Event 8 holds only defaults in phase, span and peer; they are printed anyway.
  const json::object event = json::parse(lines[9]).as_object().at("event").as_object();
  EXPECT_EQ(event.at("phase").as_string(), "INSTANT");
  EXPECT_EQ(event.at("span").as_string(), "0");
  EXPECT_EQ(event.at("peer").as_string(), "");
  EXPECT_EQ(event.at("timeUs").as_string(), "9000");
}

TEST(TraceJsonl, IgnoresUnknownFieldsAndBlankLines) {
  const std::string text =
      "{\"header\":{\"version\":1,\"scenario\":\"s\",\"addedLater\":true}}\n\n"
      "{\"event\":{\"index\":\"0\",\"kind\":\"k\",\"phase\":\"END\"}}\r\n"
      "{\"footer\":{\"events\":\"1\",\"digest\":\"00\"}}";
  const auto parsed = parse_jsonl(text, "t.jsonl");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->header.scenario(), "s");
  ASSERT_EQ(parsed->events.size(), 1u);
  EXPECT_EQ(parsed->events[0].phase(), tv::TraceEvent::END);
  EXPECT_EQ(parsed->footer.digest(), "00");
}

// Parses `text` expecting a failure, and returns its message.
std::string parse_error(const std::string& text) {
  const auto parsed = parse_jsonl(text, "trace.jsonl");
  if (parsed.ok()) return "<parsed>";
  EXPECT_EQ(parsed.error().code, kBadTraceFile);
  return parsed.error().message;
}

const std::string kHeader = "{\"header\":{\"version\":1}}\n";
const std::string kEvent = "{\"event\":{\"index\":\"0\"}}\n";
const std::string kFooter = "{\"footer\":{\"events\":\"1\"}}\n";

TEST(TraceJsonlErrors, NameTheLineAndTheProblem) {
  EXPECT_EQ(parse_error(kHeader + kEvent + "[1, 2]\n" + kFooter), "trace.jsonl:3: not a JSON object");
  EXPECT_TRUE(parse_error(kHeader + "{\"event\":\n" + kFooter).starts_with("trace.jsonl:2: not JSON ("));
  EXPECT_EQ(parse_error(kHeader + kEvent + kEvent + "{\"foo\":{}}\n" + kFooter),
            "trace.jsonl:4: unknown line type 'foo'");
  EXPECT_EQ(parse_error(kHeader + "{\"event\":{},\"footer\":{}}\n"),
            "trace.jsonl:2: expected one key (header, event or footer), got 2");
  EXPECT_TRUE(parse_error(kHeader + "{\"event\":{\"timeUs\":\"soon\"}}\n" + kFooter)
                  .starts_with("trace.jsonl:2: bad TraceEvent: "));
}

TEST(TraceJsonlErrors, MissingFooterIsNamedWhereItShouldBe) {
  EXPECT_EQ(parse_error(kHeader + kEvent + kEvent),
            "trace.jsonl:4: missing footer line: the file ends after 2 events (truncated?)");
  EXPECT_EQ(parse_error(""), "trace.jsonl:1: missing header line: the file has no lines");
}

TEST(TraceJsonlErrors, OrderOfLinesIsChecked) {
  EXPECT_EQ(parse_error(kEvent + kHeader + kFooter), "trace.jsonl:1: expected the header line first, got 'event'");
  EXPECT_EQ(parse_error(kHeader + kHeader + kFooter), "trace.jsonl:2: a second header line");
  EXPECT_EQ(parse_error(kHeader + kFooter + kEvent), "trace.jsonl:3: 'event' line after the footer");
}

TEST(TraceJsonlErrors, OnlyVersionOneIsRead) {
  EXPECT_EQ(parse_error("{\"header\":{\"version\":2}}\n" + kFooter),
            "trace.jsonl:1: trace version 2 is not supported (this reader knows version 1)");
  EXPECT_EQ(parse_error("\n{\"header\":{}}\n" + kFooter),
            "trace.jsonl:2: trace version 0 is not supported (this reader knows version 1)");
}

// The Chrome JSON of `doc`, parsed; fails the test when it is not JSON.
json::object chrome(const TraceDocument& doc) {
  boost::system::error_code ec;
  json::value value = json::parse(to_chrome_json(doc), ec);
  EXPECT_FALSE(ec) << ec.message();
  return value.is_object() ? value.as_object() : json::object{};
}

std::vector<json::object> events_with(const json::object& root, std::string_view ph, std::string_view name = "") {
  std::vector<json::object> out;
  for (const auto& value : root.at("traceEvents").as_array()) {
    const auto& event = value.as_object();
    if (event.at("ph").as_string() == ph && (name.empty() || event.at("name").as_string() == name))
      out.push_back(event);
  }
  return out;
}

TEST(TraceChrome, IsJsonWithProcessAndMetadata) {
  const json::object root = chrome(sample_document());
  EXPECT_EQ(root.at("displayTimeUnit").as_string(), "ms");
  EXPECT_EQ(root.at("metadata").as_object().at("digest").as_string(), "0123456789abcdef");
  EXPECT_EQ(root.at("metadata").as_object().at("seed").to_number<uint64_t>(), 42u);
  const auto process = events_with(root, "M", "process_name");
  ASSERT_EQ(process.size(), 1u);
  EXPECT_EQ(process[0].at("args").as_object().at("name").as_string(), "rmqsim one_broker seed 42");
  EXPECT_EQ(process[0].at("pid").to_number<int64_t>(), 1);
}

TEST(TraceChrome, OneThreadPerTrackInDisplayOrder) {
  const json::object root = chrome(sample_document());
  std::vector<std::string> names;
  for (const auto& event : events_with(root, "M", "thread_name")) {
    names.emplace_back(event.at("args").as_object().at("name").as_string());
    EXPECT_EQ(event.at("tid").to_number<int64_t>(), static_cast<int64_t>(names.size()));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"namesrv", "broker-2", "broker-10", "producer-0", "consumer-0-1",
                                             "network", "checks"}));
  const auto sort_index = events_with(root, "M", "thread_sort_index");
  ASSERT_EQ(sort_index.size(), names.size());
  for (const auto& event : sort_index)
    EXPECT_EQ(event.at("args").as_object().at("sort_index"), event.at("tid"));
}

TEST(TraceChrome, PairsBeginAndEndIntoSlices) {
  const json::object root = chrome(sample_document());
  const auto slices = events_with(root, "X");
  ASSERT_EQ(slices.size(), 2u);
  const auto& route = slices[0];
  EXPECT_EQ(route.at("name").as_string(), "route.query");
  EXPECT_EQ(route.at("cat").as_string(), "route");
  EXPECT_EQ(route.at("ts").to_number<int64_t>(), 0);
  EXPECT_EQ(route.at("dur").to_number<int64_t>(), 1500);
  EXPECT_EQ(route.at("tid").to_number<int64_t>(), 4);  // producer-0
  EXPECT_EQ(route.at("args").as_object().at("end_kind").as_string(), "route.result");
  EXPECT_EQ(route.at("args").as_object().at("peer").as_string(), "namesrv");
  EXPECT_FALSE(route.at("args").as_object().contains("unfinished"));
  EXPECT_TRUE(events_with(root, "i", "route.result").empty());  // the END is inside the slice

  const auto& send = slices[1];  // never answered: runs to the last event
  EXPECT_EQ(send.at("ts").to_number<int64_t>(), 2000);
  EXPECT_EQ(send.at("dur").to_number<int64_t>(), 9000 - 2000);
  EXPECT_EQ(send.at("args").as_object().at("unfinished"), json::value(true));
}

TEST(TraceChrome, EndsWithoutBeginAndSpansOnOtherTracksStayApart) {
  TraceDocument doc = sample_document();
  doc.events = {make_event(0, 10, "req", "broker-0", "", tv::TraceEvent::BEGIN, 5),
                make_event(1, 20, "req.done", "broker-1", "", tv::TraceEvent::END, 5)};
  const json::object root = chrome(doc);
  const auto slices = events_with(root, "X");
  ASSERT_EQ(slices.size(), 1u);
  EXPECT_EQ(slices[0].at("args").as_object().at("unfinished"), json::value(true));
  const auto ends = events_with(root, "i", "req.done");
  ASSERT_EQ(ends.size(), 1u);
  EXPECT_EQ(ends[0].at("args").as_object().at("unmatched_end"), json::value(true));
}

TEST(TraceChrome, FaultInstantsAreGlobalOthersPerThread) {
  const json::object root = chrome(sample_document());
  const auto faults = events_with(root, "i", "fault.inject");
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].at("s").as_string(), "g");
  EXPECT_EQ(faults[0].at("cat").as_string(), "fault");
  const auto verdicts = events_with(root, "i", "check.verdict");
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0].at("s").as_string(), "t");
  EXPECT_EQ(verdicts[0].at("ts").to_number<int64_t>(), 9000);
  EXPECT_EQ(verdicts[0].at("args").as_object().at("index").to_number<uint64_t>(), 8u);
}

TEST(TraceChrome, EscapesControlCharactersAndKeepsUtf8) {
  TraceDocument doc = sample_document();
  const std::string raw = to_chrome_json(doc);
  EXPECT_NE(raw.find("caf\xC3\xA9"), std::string::npos);  // non-ASCII passes through
  EXPECT_EQ(raw.find('\x01'), std::string::npos);          // control characters are escaped
  const auto pulls = events_with(chrome(doc), "i", "pull.result");
  ASSERT_EQ(pulls.size(), 1u);
  EXPECT_EQ(pulls[0].at("args").as_object().at("text").as_string(), doc.events[4].text());

  doc.events[4].set_text("bad \xFF\xC3 byte");  // not UTF-8: replaced, still parses
  const auto replaced = events_with(chrome(doc), "i", "pull.result");
  ASSERT_EQ(replaced.size(), 1u);
  EXPECT_EQ(replaced[0].at("args").as_object().at("text").as_string(), "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
}

TEST(TraceDiffTest, IdenticalDocumentsHaveNoDiff) {
  EXPECT_FALSE(diff(sample_document(), sample_document()).has_value());
}

TEST(TraceDiffTest, FindsTheFirstDifferingEvent) {
  TraceDocument a = sample_document(), b = sample_document();
  b.events[5].set_text("late");
  b.events[6].set_time_us(1);
  b.footer.set_digest("fedcba9876543210");
  const auto found = diff(a, b);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->index, 5u);
  EXPECT_EQ(found->describe(),
            "first difference at event #5:\n"
            "  a: #5 t=3.200ms broker-2 broker.start\n"
            "  b: #5 t=3.200ms broker-2 broker.start late\n"
            "  digests: a 0123456789abcdef, b fedcba9876543210");
}

TEST(TraceDiffTest, PrefixEndsAtEndOfTrace) {
  TraceDocument a = sample_document(), b = sample_document();
  b.events.resize(3);
  b.footer.set_events(3);
  const auto found = diff(a, b);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->index, 3u);
  ASSERT_TRUE(found->a.has_value());
  EXPECT_FALSE(found->b.has_value());
  EXPECT_NE(found->describe().find("  b: <end of trace>\n"), std::string::npos) << found->describe();
  const auto reversed = diff(b, a);
  ASSERT_TRUE(reversed.has_value());
  EXPECT_NE(reversed->describe().find("  a: <end of trace>\n"), std::string::npos) << reversed->describe();
}

TEST(TraceDiffTest, SameEventsDifferentDigestDiffersAtTheEnd) {
  TraceDocument a = sample_document(), b = sample_document();
  b.footer.set_digest("ffffffffffffffff");
  const auto found = diff(a, b);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->index, 9u);
  EXPECT_FALSE(found->a.has_value());
  EXPECT_FALSE(found->b.has_value());
}

TEST(TraceDiffTest, IgnoresFieldsOutsideTheComparedKey) {
  TraceDocument a = sample_document(), b = sample_document();
  b.events[2].set_peer("someone else");  // peer, span, phase and index are not part of the comparison
  b.events[2].set_span(99);
  EXPECT_FALSE(diff(a, b).has_value());
}

}  // namespace
}  // namespace rmq::scenario
