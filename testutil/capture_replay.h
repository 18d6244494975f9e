// Test-only: replays exchanges of the real-server captures (spec/captures/real-4.9.8/*.jsonl) against a fake server
// over any runtime, and compares what came back with what the real server sent, field by field.
//
// RawConnection is a client socket that sends exact bytes (the capture's request_hex) and keeps every frame the
// server writes back, split by the length word and decoded, with its raw bytes. replay_exchange() sends one
// line's request and waits for what the line says should come (its response, its pushed frames), or, when the line
// has no response, for a silence window. compare_frame() / compare_exchange() then list the differences in the
// fields that matter: code, language, version, opaque, flag, remark, extFields (as a key/value set), the header
// serialization, serializeTypeCurrentRPC, the body (byte for byte), and optionally the exact header bytes (key
// order). Run-dependent fields (README "Run-dependent fields") are skipped by naming them in CompareOptions.
//
// The runtime is driven through a RunUntil callback (sim::SimRuntime::run_until or AsioRuntime::run_until
// wrapped, e.g. testing::RuntimeHarness::run_until), so this library needs neither.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/common/byte_io.h"
#include "core/remoting/remoting_command.h"
#include "core/runtime/runtime.h"

namespace rmq::testutil {

// Runs the event loop until done() holds or limit_ms (virtual or wall) pass; returns done().
using RunUntil = std::function<bool(const std::function<bool()>& done, int64_t limit_ms)>;

struct ReceivedFrame {
  Bytes raw;                          // the whole frame, length word included
  remoting::RemotingCommand command;  // decoded
  int64_t at_ms = 0;                  // runtime time of arrival
};

class RawConnection {
 public:
  // Starts connecting; wait for settled() (or use connect_and_wait).
  RawConnection(runtime::Runtime& runtime, const std::string& address, int64_t connect_timeout_ms = 3000);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Connects and waits; nullptr (with the reason in *error when given) when it failed.
  static std::unique_ptr<RawConnection> connect_and_wait(runtime::Runtime& runtime, const std::string& address,
                                                         const RunUntil& run_until, std::string* error = nullptr);

  bool settled() const;
  bool connected() const;
  const std::string& connect_error() const;
  // This side's address as the server sees it (its remote address); "" before connected.
  std::string local_address() const;
  bool send(ByteView bytes);
  void close();

  // Every frame received so far, in arrival order.
  const std::vector<ReceivedFrame>& frames() const;
  bool closed_by_peer() const;
  // Set when the bytes received do not split into decodable frames (the rest is then ignored).
  const std::optional<std::string>& stream_error() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

struct ReplayOptions {
  int64_t response_timeout_ms = 10'000;  // how long to wait for the expected response(s)
  // When the line expects no response: how long nothing may arrive. nullopt = the line's elapsed_ms (what the
  // capture driver waited), which suits virtual time; wall-clock runs pass something short.
  std::optional<int64_t> silence_ms;
  int64_t pushed_wait_ms = 3'000;  // how long to wait for the pushed frames the line shows (other_frames)
  std::string connection_name;     // whose other_frames to wait for ("" = all of the line's)
};

struct ExchangeResult {
  std::vector<ReceivedFrame> responses;  // frames with the response flag that arrived during the exchange
  std::vector<ReceivedFrame> pushed;     // server-originated requests (e.g. code 40) that arrived meanwhile
  bool closed_by_peer = false;
  std::optional<std::string> problem;    // could not send, stream error
};

// The request bytes of a line (request_hex, plus the elided body of the 4 MiB lines).
Bytes request_bytes(const boost::json::object& line);

// Sends the line's request on `conn` and collects what arrives (see ReplayOptions).
ExchangeResult replay_exchange(RawConnection& conn, const boost::json::object& line, const RunUntil& run_until,
                               const ReplayOptions& options = {});

struct CompareOptions {
  // Fields not compared: "code", "language", "version", "opaque", "flag", "remark", "ext" (all of extFields),
  // "ext.<key>" (one key's value; its presence is still required), "serialize" (the header serialization),
  // "serializeTypeCurrentRPC", "body".
  std::set<std::string> ignore;
  // Also require identical header bytes (JSON key order, ROCKETMQ ext order), unless a compared field differs.
  // With "opaque" ignored, the opaque's value is masked in both headers first.
  bool exact_header = false;
  // compare_exchange: pair the responses by opaque instead of by arrival order (a server answering two
  // pipelined requests may answer them in either order, README "Run-dependent fields").
  bool any_response_order = false;
  // Pushed frames carry the server's own opaque counter (run-dependent): skipped unless false.
  bool ignore_pushed_opaque = true;
};

// Differences between the expected frame bytes and an actual frame; empty = equal. Each names the field.
std::vector<std::string> compare_frame(ByteView expected_frame, const ReceivedFrame& actual,
                                       const CompareOptions& options = {});

// Checks a whole exchange against its line: a response iff response_hex is set (and compared), the number of
// response frames (response_frames when given), connection_closed_by_server when given, and the pushed frames of
// other_frames on connection `connection_name` ("" = all of them), in order.
std::vector<std::string> compare_exchange(const boost::json::object& line, const ExchangeResult& result,
                                          const CompareOptions& options = {},
                                          const std::string& connection_name = "");

// "name/serialize" of a line, for messages.
std::string line_label(const boost::json::object& line);

}  // namespace rmq::testutil
