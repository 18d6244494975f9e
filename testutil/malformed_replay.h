// Test-only: replays the malformed-input lines of captures/real-4.9.8/malformed.jsonl for one server (the
// `namesrv_*` or the `broker_*` lines) against a fake, each on a fresh connection, and checks what the real
// server did: closed without an answer, or kept open with nothing sent, or answered as the line shows; then that a
// fresh connection is still served (the line's other_connection_response_code). Shared by the nameserver and the
// broker conformance tests, which differ only in the probe they ask and in per-line comparison tweaks.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/remoting/remoting_command.h"
#include "testutil/capture_replay.h"

namespace rmq::testutil {

struct MalformedReplayOptions {
  std::string prefix;                // which lines: "namesrv_" or "broker_"
  remoting::RemotingCommand probe;   // what the fresh connection asks after each case
  ReplayOptions replay;
  CompareOptions compare;
  // Adjusts the comparison for one line (e.g. ignore an opaque the server took from its own counter).
  std::function<void(const boost::json::object& line, CompareOptions&)> adjust;
};

struct MalformedOutcome {
  std::string name;
  std::string label;                // name/serialize, for messages
  std::string client_address;       // the case connection's local address (the server's remote address)
  bool closed_by_server = false;
  std::vector<std::string> diffs;   // differences from the capture, the probe's included; empty = as captured
};

// Replays every line of malformed.jsonl whose name starts with options.prefix, against `address`.
std::vector<MalformedOutcome> replay_malformed(runtime::Runtime& runtime, const std::string& address,
                                               const RunUntil& run_until, const MalformedReplayOptions& options);

// The outcomes' differences as one indented text ("" when every case matched).
std::string describe_differences(const std::vector<MalformedOutcome>& outcomes);

}  // namespace rmq::testutil
