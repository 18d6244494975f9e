// Trace exports behind `rmqsim trace`: a run's trace (proto/trace.proto, schema rmqsim.trace.v1) as readable
// text, as JSON lines that parse back, as a Perfetto/Chrome timeline, and the first difference between two runs.
//
// Contract, shared by every format:
// - The output depends only on the document: no clocks, pointers or hash-map order, so the same run gives the
//   same bytes (traces are diffed across runs and versions, DESIGN.md section 7).
// - Events are written in document order; nothing is dropped, merged or reordered except where a format says so
//   (the Chrome timeline folds a BEGIN and its END into one "X" slice).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "trace.pb.h"

namespace rmq::scenario {

namespace tv = ::rmqsim::trace::v1;

// The trace schema version this code writes and reads (TraceHeader.version).
inline constexpr uint32_t kTraceVersion = 1;
// Error::code of every parse_jsonl failure (the CLI's exit status for bad input).
inline constexpr int kBadTraceFile = 2;

struct TraceDocument {
  tv::TraceHeader header;
  std::vector<tv::TraceEvent> events;
  tv::TraceFooter footer;
};

// Text, one line per event, each ending in '\n':
//     # rmqsim trace v1 scenario <name> seed <seed>
//     #<index> t=<ms, 3 decimals>ms <track> <kind> <text>
//     events <n> digest <hex>
// An empty track prints as "-" so the columns stay put; an empty text leaves no trailing space. '\n' and '\\'
// in a track, kind or text are escaped as "\n" and "\\" (as sim::Trace's canonical lines do), so one event is
// always one line.
std::string to_text(const TraceDocument& doc);
// One event's line as to_text writes it, without the '\n'.
std::string event_line(const tv::TraceEvent& event);

// JSON lines: {"header":{...}}, then {"event":{...}} per event, then {"footer":{...}}, each line ending in '\n'.
// The inner objects are the proto3 JSON mapping (MessageToJsonString) with lowerCamel names ("timeUs"), no
// whitespace, and every field printed even when it holds its default (phase "INSTANT", span "0", peer ""), so a
// reader (jq, a script) never has to know proto3's defaults. 64-bit integers are JSON strings, as the mapping
// says. Fields come in field-number order, which makes the bytes deterministic. proto3 strings are UTF-8: the
// protobuf printer drops bytes that are not (and logs an error), so such text does not round-trip.
std::string to_jsonl(const TraceDocument& doc);

// Parses what to_jsonl wrote. Blank lines are skipped; fields this version does not know are ignored (the schema
// only ever adds fields). Errors name the file and line: "trace.jsonl:17: not a JSON object", "...: unknown line
// type 'foo'", a missing or repeated header, a line after the footer, a missing footer (named at the line where
// it should be), a version other than kTraceVersion. The footer's event count is not checked against the lines:
// a filtered export keeps the run's totals.
Result<TraceDocument> parse_jsonl(std::string_view text, std::string_view file_name);

// Chrome/Perfetto trace-event JSON, object format:
//     {"traceEvents":[...],"displayTimeUnit":"ms","metadata":{tool, scenario, scenario_file, seed, events, digest}}
// One process (pid 1) named "rmqsim <scenario> seed <seed>". Every distinct track is a thread with thread_name
// and thread_sort_index metadata; tids count from 1 in this order: "namesrv*", "broker-*", "producer-*",
// "consumer-*", "network", any other track, "checks"; within a group names sort naturally ("broker-2" before
// "broker-10"). Events ("ts" in virtual microseconds, "name" the kind, "cat" the kind before its first '.',
// "args" {text, peer, index}):
// - a BEGIN with a later END on the same track and span: one "X" slice, dur = end - begin, args also carry
//   end_kind, end_text and end_index (repeated BEGINs of one span pair innermost first);
// - a BEGIN never ended: an "X" lasting to the last event's time, args.unfinished = true;
// - an END without its BEGIN: a thread instant with args.unmatched_end = true;
// - an INSTANT: "i" with "s":"t", or "s":"g" (global: drawn across every track) when the kind starts "fault.".
// Text that is not valid UTF-8 is written with U+FFFD in place of the bad bytes, so the output always parses.
std::string to_chrome_json(const TraceDocument& doc);

// The first event at which two documents differ, comparing (time_us, kind, track, text) pairwise by position.
struct TraceDiff {
  uint64_t index = 0;                 // position in the documents' event lists
  std::optional<tv::TraceEvent> a, b;  // nullopt: that trace ended before this position
  std::string digest_a, digest_b;     // the footers' digests
  // "first difference at event #<i>:\n  a: <line or <end of trace>>\n  b: <...>\n  digests: a <hex>, b <hex>"
  std::string describe() const;
};

// nullopt when the documents are equal: the same events and the same footer (count and digest). When every event
// agrees but the footers do not (a filtered or truncated export), the diff is at the end, with a and b empty.
std::optional<TraceDiff> diff(const TraceDocument& a, const TraceDocument& b);

}  // namespace rmq::scenario
