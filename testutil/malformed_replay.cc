#include "testutil/malformed_replay.h"

#include "core/remoting/frame_codec.h"
#include "testutil/corpus.h"

namespace rmq::testutil {
namespace {

// The line's other_connection_response_code (0 when the line has none: every case was followed by a served
// probe in this corpus).
int32_t expected_probe_code(const boost::json::object& line) {
  auto it = line.find("other_connection_response_code");
  return it != line.end() && it->value().is_int64() ? static_cast<int32_t>(it->value().get_int64()) : 0;
}

// Asks the probe on a fresh connection; "" when answered with the expected code, else what went wrong.
std::string probe_other_connection(runtime::Runtime& runtime, const std::string& address, const RunUntil& run_until,
                                   const remoting::RemotingCommand& probe, int32_t want_code) {
  std::string error;
  auto conn = RawConnection::connect_and_wait(runtime, address, run_until, &error);
  if (!conn) return "other connection: could not connect: " + error;
  if (!conn->send(remoting::encode_frame(probe))) return "other connection: could not send the probe";
  run_until([&] { return !conn->frames().empty() || conn->closed_by_peer(); }, 10'000);
  if (conn->frames().size() != 1) {
    return "other connection: expected 1 answer, got " + std::to_string(conn->frames().size());
  }
  int32_t code = conn->frames()[0].command.code;
  if (code != want_code) {
    return "other connection: expected code " + std::to_string(want_code) + ", got " + std::to_string(code);
  }
  return "";
}

}  // namespace

std::vector<MalformedOutcome> replay_malformed(runtime::Runtime& runtime, const std::string& address,
                                               const RunUntil& run_until, const MalformedReplayOptions& options) {
  std::vector<MalformedOutcome> outcomes;
  for (const auto& line : load_jsonl(spec_path("captures/real-4.9.8/malformed.jsonl"))) {
    MalformedOutcome outcome;
    outcome.name = string_field(line, "name");
    if (!outcome.name.starts_with(options.prefix)) continue;
    outcome.label = line_label(line);
    std::string error;
    auto conn = RawConnection::connect_and_wait(runtime, address, run_until, &error);
    if (!conn) {
      outcome.diffs.push_back("could not connect: " + error);
      outcomes.push_back(std::move(outcome));
      continue;
    }
    outcome.client_address = conn->local_address();
    CompareOptions compare = options.compare;
    if (options.adjust) options.adjust(line, compare);
    ExchangeResult result = replay_exchange(*conn, line, run_until, options.replay);
    outcome.closed_by_server = result.closed_by_peer;
    outcome.diffs = compare_exchange(line, result, compare);
    // The capture asked right afterwards, with the case's connection still open (or just closed by the server).
    std::string probe = probe_other_connection(runtime, address, run_until, options.probe, expected_probe_code(line));
    if (!probe.empty()) outcome.diffs.push_back(probe);
    outcomes.push_back(std::move(outcome));
  }
  return outcomes;
}

std::string describe_differences(const std::vector<MalformedOutcome>& outcomes) {
  std::string out;
  for (const MalformedOutcome& o : outcomes) {
    if (o.diffs.empty()) continue;
    out += o.label + " differs from the real 4.9.8 server:\n";
    for (const std::string& d : o.diffs) out += "  " + d + "\n";
  }
  return out;
}

}  // namespace rmq::testutil
