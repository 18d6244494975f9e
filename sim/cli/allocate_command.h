// `rmqsim allocate`: explain a rebalance. Runs one of the Java 4.9.8 allocation strategies (spec §7.4,
// core/consumer/allocate) on given queues and consumer ids and prints what the current consumer gets.
//
// One query from flags:
//   rmqsim allocate --strategy AVG --current-cid C1 --cid C1 --cid C2 --queues TopicTest:broker-a:0-7
//   rmqsim allocate --strategy CONSISTENT_HASH --each --cid C1 --cid C2 --queues T:b:0-7   (every consumer)
// A batch of queries, one JSON object per line (--jsonl, standard input or a file):
//   {"strategy":"AVG","currentCid":"C1","cidAll":["C1","C2"],
//    "mqAll":[{"topic":"T","brokerName":"b","queueId":0}, ...],
//    "virtualNodes":10, "consumeridcs":["room1"], "config":[<queues>], "roomSeparator":"-", "consumerGroup":"G"}
//   strategy is a Java getName(): AVG, AVG_BY_CIRCLE, CONFIG, MACHINE_ROOM, CONSISTENT_HASH,
//   MACHINE_ROOM_NEARBY-<inner name>; currentCid null or absent is Java's null; cidAll / mqAll null or absent are
//   Java's null (the strategies treat null like empty); consumeridcs / config absent or null are empty lists;
//   virtualNodes defaults to 10; roomSeparator (default "-"): the nearby strategy's room of a broker or client is
//   the text before its first separator, or the whole name when it has none. Fields a strategy does not use are
//   ignored; unknown fields are malformed input. The lists are passed as given (RebalanceImpl sorts them first;
//   --sort does the same here).
// Output, one line per query (per consumer with --each, which adds "currentCid"):
//   {"result":[{"topic":"T","brokerName":"b","queueId":0}, ...]}    the queues, in the strategy's order
//   {"error":"IllegalArgumentException: mqAll is null or mqAll empty"}   what the Java strategy throws
//   {"error":"line 3: cidAll[1]: expected a string","malformed":true}   (--jsonl) an input line that is not a query
// Blank input lines are skipped. Exit code: 0 when every query was answered (a Java exception is an answer), 2 for
// bad flags, an unreadable input, or when any input line was malformed (the batch still runs to the end).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/client/message_queue.h"
#include "core/common/status.h"

namespace rmq::cli {

struct AllocateOptions {
  std::string strategy = "AVG";
  std::string group;                          // consumerGroup (only in the "[BUG]" log of a non-member)
  std::optional<std::string> current_cid;     // absent: Java's null
  std::vector<std::string> cids;              // cidAll, in this order
  std::vector<std::string> queues;            // mqAll: specs TOPIC:BROKER:IDS, in this order
  int virtual_nodes = 10;                     // CONSISTENT_HASH
  std::vector<std::string> consumer_idcs;     // MACHINE_ROOM
  std::vector<std::string> config;            // CONFIG: queue specs
  std::string room_separator = "-";           // MACHINE_ROOM_NEARBY-*
  bool each = false;                          // one query per consumer of cidAll
  bool sort = false;                          // sort mqAll and cidAll as RebalanceImpl does
  bool jsonl = false;                         // batch mode
  std::string input = "-";                    // --jsonl: a file, or - for standard input
};

// "TOPIC:BROKER:IDS" → queues. IDS is a comma-separated list of N or A-B (inclusive, A <= B, non-negative);
// the topic is the text before the first ':', IDS after the last, the broker name what lies between.
Result<std::vector<client::MessageQueue>> parse_queue_spec(std::string_view spec);

// One --jsonl line: the output object, and whether the line was malformed (an output {"error":..,"malformed":true}).
struct JsonlAnswer {
  boost::json::object output;
  bool malformed = false;
};
JsonlAnswer answer_jsonl_line(std::string_view line, uint64_t line_number, bool sort);

// Runs the command; returns the exit code (above). `in` is read in --jsonl mode with input "-".
int run_allocate(const AllocateOptions& options, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace rmq::cli
