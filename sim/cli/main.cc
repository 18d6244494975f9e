// rmqsim: the command-line tool: decode, serve, produce, consume, allocate, and the scenario commands run, replay,
// fuzz, minimize, trace.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>

#include "sim/cli/allocate_command.h"
#include "sim/cli/consume_command.h"
#include "sim/cli/decode_command.h"
#include "sim/cli/produce_command.h"
#include "sim/cli/scenario_commands.h"
#include "sim/cli/serve_command.h"

namespace {

constexpr const char* kVersion = "rmqsim 0.1.0 (RocketMQ remoting protocol, reference client 4.9.8)";

void add_decode(CLI::App& app, rmq::cli::DecodeOptions& options) {
  auto* decode = app.add_subcommand(
      "decode", "Decode a stream of RemotingCommand frames and print one JSON object per command");
  decode->add_option("input", options.input, "File of raw frames, or - for standard input")->capture_default_str();
  decode->add_flag("--hex", options.hex, "The input is hex text (whitespace ignored)");
  decode->add_flag("--pretty", options.pretty, "One field per line");
  decode->add_option("--max-frame", options.max_frame_length,
                     "Frame limit in bytes, length word included (the real servers use 16777216)")
      ->check(CLI::Range(8u, 0x7FFFFFFFu))
      ->capture_default_str();
}

std::atomic<bool> g_stop{false};

extern "C" void request_stop(int) { g_stop.store(true); }

void add_serve(CLI::App& app, rmq::cli::ServeOptions& options) {
  auto* serve = app.add_subcommand(
      "serve", "Run a fake nameserver and brokers on real sockets for any RocketMQ 4.x client");
  serve->add_option("--namesrv-port", options.namesrv_port, "Nameserver port")->capture_default_str();
  serve->add_option("--brokers", options.brokers, "Number of brokers (broker-0, broker-1, ...)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_option("--broker-base-port", options.broker_base_port, "Broker i listens on base + 10*i")
      ->check(CLI::Range(1, 65535 - 640))
      ->capture_default_str();
  serve->add_option("--topic", options.topics, "NAME:QUEUES, created on every broker (repeatable)");
  serve->add_option("--faults", options.faults_file, "Fault plan file")->check(CLI::ExistingFile);
  serve->add_flag("--log-requests", options.log_requests, "Log one line per request");
  serve->add_option("--bind", options.bind, "Address to listen on (loopback unless given)")->capture_default_str();
  serve->add_option("--max-connections", options.max_connections, "Connections per server; further ones are closed")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  serve->add_option("--max-frame", options.max_frame, "Frame limit in bytes, length word included")
      ->check(CLI::Range(1024u, 0x7FFFFFFFu))
      ->capture_default_str();
  serve->add_option("--send-backlog", options.send_backlog,
                    "Unsent answer bytes per connection (a client that never reads); answers past it are dropped")
      ->check(CLI::Range(size_t{65536}, size_t{1} << 32))
      ->capture_default_str();
  serve->add_option("--idle-timeout", options.idle_timeout_s, "Seconds of silence before a connection is closed (0: never)")
      ->check(CLI::Range(int64_t{0}, int64_t{86400}))
      ->capture_default_str();
}

constexpr const char* kProduceFooter = R"(Output: one JSON line per send, in order (index counts from 0):
  {"index":0,"status":"SEND_OK","msgId":"...","offsetMsgId":"...","brokerName":"broker-0","queueId":1,"queueOffset":7,"elapsedMs":3}
  {"index":1,"error":{"code":2,"message":"CODE: 2  DESC: ... BROKER: 127.0.0.1:10911"},"elapsedMs":1}
  {"index":2,"status":"ONEWAY_SENT","elapsedMs":0}      (--mode oneway: written, no answer exists)
status is Java's SendStatus; msgId is the client's UNIQ_KEY, offsetMsgId the broker's; code and message are the
Java exception's responseCode and getMessage() (without the FAQ link); elapsedMs is measured around each send.
Exit code: 0 when every send succeeded (a status line: SEND_OK, a degraded status such as SLAVE_NOT_AVAILABLE,
which Java returns rather than throws, or ONEWAY_SENT), 1 when any send failed (an error line), 2 for bad flags.)";

void add_produce(CLI::App& app, rmq::cli::ProduceOptions& options) {
  auto* produce = app.add_subcommand(
      "produce", "Send messages with the rmqsim producer core over TCP to a nameserver (rmqsim serve or a real one)");
  produce->footer(kProduceFooter);
  produce->add_option("--namesrv", options.namesrv, "Nameserver address HOST:PORT, several separated by ';'")
      ->required();
  produce->add_option("--topic", options.topic, "Topic to send to")->required();
  produce->add_option("--count", options.count, "Number of messages, sent one after another")->capture_default_str();
  produce->add_option("--body", options.body, "Message body")->capture_default_str();
  produce->add_option("--tags", options.tags, "Message tags (none unless given)");
  produce->add_option("--group", options.group, "Producer group")->capture_default_str();
  produce->add_option("--mode", options.mode,
                      "sync (send), async (send with a callback; the next send after it ran) or oneway")
      ->capture_default_str();
  produce->add_option("--timeout-ms", options.timeout_ms, "Timeout of each send (sendMsgTimeout)")
      ->capture_default_str();
  produce->add_option("--retries", options.retries, "retryTimesWhenSendFailed (sync)")->capture_default_str();
  produce->add_option("--async-retries", options.async_retries, "retryTimesWhenSendAsyncFailed (async)")
      ->capture_default_str();
  produce->add_flag("--latency-fault", options.latency_fault, "sendLatencyFaultEnable=true");
  produce->add_flag("--retry-another-broker", options.retry_another_broker,
                    "retryAnotherBrokerWhenNotStoreOK=true");
  produce->add_option("--profile", options.profile, "Client behaviour: v4_9_8 or v5")->capture_default_str();
  produce->add_option("--client-ip", options.client_ip, "Client IPv4 address (client id, message ids)")
      ->capture_default_str();
}

constexpr const char* kConsumeFooter = R"(Output: one JSON line per message delivered to the listener, in order:
  {"msgId":"...","topic":"T","brokerName":"broker-0","queueId":1,"queueOffset":7,"tags":"TagA","keys":"K1","body":"..."}
msgId is the producer's UNIQ_KEY, else the offset msgId (Java's MessageClientExt.getMsgId()); topic is the original
topic also for a redelivery through %RETRY%<group>; tags and keys are null when absent; body is UTF-8 text, a byte
that is not well-formed UTF-8 written as \xNN.
Every printed message is answered CONSUME_SUCCESS, except that a message whose KEYS holds a key of
--reconsume-later-keys is answered RECONSUME_LATER when it first arrives (reconsumeTimes 0): it is sent back to
%RETRY%<group> and printed again when redelivered.
The run ends after --count lines, after --idle-exit-ms without a new line, or on SIGINT/SIGTERM (with neither
limit, only a signal ends it). Messages delivered past the count or during the shutdown are neither printed nor
answered: they stay uncommitted, and the next consumer of the group gets them. The shutdown persists the offsets
and unregisters the client.
--strategy: AVG, AVG_BY_CIRCLE, CONSISTENT_HASH, MACHINE_ROOM_NEARBY-<one of these> (CONFIG and MACHINE_ROOM need
parameters this command does not take).
--from applies to a group with no stored offset. As with Java, --from last still reads a young queue from 0: a 4.9.8
broker answers offset 0 for a new group while the queue's first message is in memory.
Exit code: 0 on a clean finish, 1 when the consumer failed to start (or its shutdown hung for 60 s), 2 for bad
flags.)";

void add_consume(CLI::App& app, rmq::cli::ConsumeOptions& options) {
  auto* consume = app.add_subcommand(
      "consume", "Consume with the rmqsim push consumer core (clustering) over TCP from a nameserver (rmqsim serve or "
                 "a real one)");
  consume->footer(kConsumeFooter);
  consume->add_option("--namesrv", options.namesrv, "Nameserver address HOST:PORT, several separated by ';'")
      ->required();
  consume->add_option("--group", options.group, "Consumer group")->required();
  consume->add_option("--topic", options.topic, "Topic to subscribe to")->required();
  consume->add_option("--tags", options.tags, "Subscription expression: *, TagA, TagA || TagB")
      ->capture_default_str();
  consume->add_option("--strategy", options.strategy, "Queue allocation strategy, by Java getName()")
      ->capture_default_str();
  consume->add_option("--from", options.from, "Where a group without a stored offset starts: first or last")
      ->capture_default_str();
  consume->add_option_function<int64_t>(
      "--count", [&options](const int64_t& n) { options.count = n; },
      "Exit after this many messages (no limit unless given)");
  consume->add_option_function<int64_t>(
      "--idle-exit-ms", [&options](const int64_t& ms) { options.idle_exit_ms = ms; },
      "Exit after this long without a new message (never unless given)");
  consume->add_option("--pull-batch-size", options.pull_batch_size, "pullBatchSize")->capture_default_str();
  consume->add_option("--reconsume-later-keys", options.reconsume_later_keys,
                      "K1,K2,...: a message with one of these keys is answered RECONSUME_LATER when it first arrives");
  consume->add_option("--client-ip", options.client_ip, "Client IPv4 address (client id)")->capture_default_str();
}

constexpr const char* kAllocateFooter = R"(Queues: TOPIC:BROKER:IDS, IDS a comma list of N or A-B: TopicTest:broker-a:0-7, T:b:0,2,5-6.
Strategies (Java getName()): AVG, AVG_BY_CIRCLE, CONFIG (--config), MACHINE_ROOM (--idc; brokers "room@broker"),
CONSISTENT_HASH (--virtual-nodes), MACHINE_ROOM_NEARBY-<inner> (room = text before the first --room-separator).
Output, one JSON line per query (per consumer with --each, which adds "currentCid"):
  {"result":[{"topic":"T","brokerName":"b","queueId":0},...]}      the queues, in the strategy's order
  {"error":"IllegalArgumentException: cidAll is null or cidAll empty"}   what the Java 4.9.8 strategy throws
--jsonl reads one query per line (standard input, or the file given) and answers each on one line:
  {"strategy":"AVG","currentCid":"C1","cidAll":["C1","C2"],"mqAll":[{"topic":"T","brokerName":"b","queueId":0}],
   "virtualNodes":10,"consumeridcs":["room1"],"config":[...queues],"roomSeparator":"-","consumerGroup":"G"}
  currentCid, cidAll and mqAll null or absent are Java's null; consumeridcs and config absent are empty; fields a
  strategy does not use are ignored. A malformed line (bad JSON, wrong types, unknown field or strategy) is
  answered {"error":"line N: <problem>","malformed":true} and the batch goes on. Blank lines are skipped.
Lists are passed as given; --sort sorts them first as RebalanceImpl does (queues by topic, broker, id; ids as
Java strings).
Exit code: 0 when every query was answered (a Java exception is an answer), 2 for bad flags, an unreadable input
or any malformed input line.)";

void add_allocate(CLI::App& app, rmq::cli::AllocateOptions& options) {
  auto* allocate = app.add_subcommand(
      "allocate", "Explain a rebalance: the queues a consumer gets from a Java 4.9.8 allocation strategy");
  allocate->footer(kAllocateFooter);
  allocate->add_option("--strategy", options.strategy, "AVG, AVG_BY_CIRCLE, CONFIG, MACHINE_ROOM, CONSISTENT_HASH or "
                                                       "MACHINE_ROOM_NEARBY-<inner>")
      ->capture_default_str();
  allocate->add_option_function<std::string>(
      "--current-cid", [&options](const std::string& cid) { options.current_cid = cid; },
      "The consumer asking (currentCID; null unless given)");
  allocate->add_option("--cid", options.cids, "A consumer id of cidAll (repeatable, in order)")
      ->allow_extra_args(false);
  allocate->add_option("--queues", options.queues, "Queues of mqAll: TOPIC:BROKER:IDS (repeatable, in order)")
      ->allow_extra_args(false);
  allocate->add_option("--group", options.group, "Consumer group (appears only in the log of a non-member)");
  allocate->add_option("--virtual-nodes", options.virtual_nodes, "CONSISTENT_HASH: virtual nodes per consumer")
      ->capture_default_str();
  allocate->add_option("--idc", options.consumer_idcs, "MACHINE_ROOM: a room of consumeridcs (repeatable)")
      ->allow_extra_args(false);
  allocate->add_option("--config", options.config, "CONFIG: the configured queues, TOPIC:BROKER:IDS (repeatable)")
      ->allow_extra_args(false);
  allocate->add_option("--room-separator", options.room_separator,
                       "MACHINE_ROOM_NEARBY-*: a room is the text before the first separator")
      ->capture_default_str();
  allocate->add_flag("--each", options.each, "Answer for every consumer of --cid instead of --current-cid");
  allocate->add_flag("--sort", options.sort, "Sort the queues and ids as RebalanceImpl does before allocating");
  allocate->add_flag("--jsonl", options.jsonl, "Batch: read one JSON query per line, answer one line each");
  allocate->add_option("input", options.input, "--jsonl input file, or - for standard input")->capture_default_str();
}

const std::string kScenarioFooter = R"(Exit code: 0 every check passed, 1 a check failed, 2 bad input (a scenario error names the file,
line and field), 3 replay: the digest differs from --expect-digest.
Test-only switches (--break, repeatable) break the client on purpose while the checks keep the scenario's
configuration: )" + rmq::cli::break_switch_names() + R"(.
Scenario schema: docs/scenarios.md.)";

void add_scenario_flags(CLI::App* cmd, rmq::cli::ScenarioRunOptions& options) {
  cmd->add_option("scenario", options.scenario, "Scenario file (textproto)")->capture_default_str();
  cmd->add_option_function<uint64_t>("--seed", [&options](uint64_t seed) { options.seed = seed; },
                                     "Seed (default: the scenario's seed)");
  cmd->add_option("--break", options.breaks, "A test-only broken client switch NAME[=VALUE] (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--check-determinism", options.check_determinism,
                "Run twice and compare the traces; name the first differing event");
  cmd->add_flag("--json", options.json, "One JSON object instead of the text report");
  cmd->footer(kScenarioFooter);
}

void add_run(CLI::App& app, rmq::cli::ScenarioRunOptions& run, rmq::cli::ScenarioRunOptions& replay) {
  auto* cmd = app.add_subcommand("run", "Run one scenario with one seed: seed, faults, digest and every check's verdict");
  add_scenario_flags(cmd, run);
  cmd->add_flag("--list-checks", run.list_checks, "Print the check names (for checks.disable) and exit");
  auto* rep = app.add_subcommand("replay", "Run a seed again, as a fuzz failure prints it, and compare the digest");
  add_scenario_flags(rep, replay);
  rep->add_option_function<std::string>("--expect-digest", [&replay](const std::string& d) { replay.expect_digest = d; },
                                        "The digest the run must reproduce (16 hex digits)");
}

void add_fuzz(CLI::App& app, rmq::cli::FuzzOptions& o) {
  auto* cmd = app.add_subcommand("fuzz", "Swarm campaign: one scenario over many seeds, each picking its own fault mix");
  cmd->add_option("scenario", o.scenario, "Scenario file (textproto)")->capture_default_str();
  // The last --seeds / --jobs wins, so that `ci/demo --seeds 5000` overrides the demo's own.
  cmd->add_option("--seeds", o.seeds, "N (1..N), A-B, or a list A,B,C")
      ->capture_default_str()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--time-budget", o.time_budget, "Stop starting seeds after this long: 90s, 15m, 2h");
  cmd->add_option("--jobs,-j", o.jobs, "Worker threads")
      ->capture_default_str()
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  cmd->add_option("--shard", o.shard, "I/N: run the I-th of N interleaved parts of the seeds (CI matrices)")
      ->capture_default_str();
  cmd->add_flag("--check-determinism", o.check_determinism, "Run every seed twice and compare digests");
  cmd->add_option("--break", o.breaks, "A test-only broken client switch NAME[=VALUE] (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--json-report", o.json_report, "Write the JSON report here");
  cmd->add_option("--junit", o.junit, "Write JUnit XML here");
  cmd->add_option("--progress", o.progress, "auto (a bar on a terminal), bar, lines, off")->capture_default_str();
  cmd->add_flag("--fail-fast", o.fail_fast, "Start no new seed after the first failure");
  cmd->add_flag("--no-coverage", o.no_coverage, "Leave the protocol coverage table out of the summary");
  cmd->footer(kScenarioFooter);
}

void add_minimize(CLI::App& app, rmq::cli::MinimizeOptions& o) {
  auto* cmd = app.add_subcommand(
      "minimize", "Delta-debug a failing seed into the smallest scenario that still fails, written as textproto");
  cmd->add_option("scenario", o.scenario, "Scenario file (textproto)")->required();
  cmd->add_option("--seed", o.seed, "The failing seed")->required();
  cmd->add_option("--break", o.breaks, "A test-only broken client switch NAME[=VALUE] (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--output,-o", o.output, "Where to write the regression case (default <name>-min-seed<N>.textproto)");
  cmd->add_option("--max-runs", o.max_runs, "Candidate runs at most")->capture_default_str();
  cmd->footer(kScenarioFooter);
}

void add_trace(CLI::App& app, rmq::cli::TraceOptions& o) {
  auto* cmd = app.add_subcommand("trace", "Write a run's trace as text, JSON lines or Chrome/Perfetto trace events; "
                                          "or name the first difference between two traces");
  cmd->add_option("scenario", o.scenario, "Scenario file (textproto)");
  cmd->add_option_function<uint64_t>("--seed", [&o](uint64_t seed) { o.seed = seed; }, "Seed (default: the scenario's)");
  cmd->add_option("--break", o.breaks, "A test-only broken client switch NAME[=VALUE] (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--format", o.format, "text, jsonl or chrome (open in ui.perfetto.dev)")->capture_default_str();
  cmd->add_option("--output,-o", o.output, "Output file (default: standard output)");
  cmd->add_option("--diff", o.diff, "Two .jsonl traces: print the first differing event")->expected(2);
  cmd->footer(kScenarioFooter);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"rmqsim: deterministic simulation and test harness for the Apache RocketMQ 4.x client protocol"};
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  rmq::cli::DecodeOptions decode_options;
  add_decode(app, decode_options);
  rmq::cli::ServeOptions serve_options;
  add_serve(app, serve_options);
  rmq::cli::ProduceOptions produce_options;
  add_produce(app, produce_options);
  rmq::cli::ConsumeOptions consume_options;
  add_consume(app, consume_options);
  rmq::cli::AllocateOptions allocate_options;
  add_allocate(app, allocate_options);
  rmq::cli::ScenarioRunOptions run_options, replay_options;
  add_run(app, run_options, replay_options);
  rmq::cli::FuzzOptions fuzz_options;
  add_fuzz(app, fuzz_options);
  rmq::cli::MinimizeOptions minimize_options;
  add_minimize(app, minimize_options);
  rmq::cli::TraceOptions trace_options;
  add_trace(app, trace_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "rmqsim: " << e.what() << " (see rmqsim --help)\n";
    return 2;
  }
  if (app.got_subcommand("decode")) return rmq::cli::run_decode(decode_options, std::cin, std::cout, std::cerr);
  if (app.got_subcommand("serve")) {
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    return rmq::cli::run_serve(serve_options, g_stop, std::cout, std::cerr);
  }
  if (app.got_subcommand("produce")) return rmq::cli::run_produce(produce_options, std::cout, std::cerr);
  if (app.got_subcommand("consume")) {
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    return rmq::cli::run_consume(consume_options, g_stop, std::cout, std::cerr);
  }
  if (app.got_subcommand("allocate")) {
    return rmq::cli::run_allocate(allocate_options, std::cin, std::cout, std::cerr);
  }
  if (app.got_subcommand("run")) return rmq::cli::run_scenario_command(run_options, false, std::cout, std::cerr);
  if (app.got_subcommand("replay")) return rmq::cli::run_scenario_command(replay_options, true, std::cout, std::cerr);
  if (app.got_subcommand("fuzz")) return rmq::cli::run_fuzz(fuzz_options, std::cout, std::cerr);
  if (app.got_subcommand("minimize")) return rmq::cli::run_minimize(minimize_options, std::cout, std::cerr);
  if (app.got_subcommand("trace")) return rmq::cli::run_trace(trace_options, std::cout, std::cerr);
  return 2;
}
