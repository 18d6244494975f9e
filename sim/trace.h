// The simulator's trace: every network event, every fault injected or healed, and whatever higher layers record,
// in order, each with its virtual time and sequence number, plus a 64-bit digest over all of it (DESIGN §3:
// same scenario + seed + binary => identical trace; a run prints its seed and digest).
//
// Canonical encoding: event number i (from 0) is the text line
//     "#<i> t=<micros> <kind> <text>"
// with decimal integers, no padding, and '\n' and '\\' in kind or text escaped as "\n" and "\\". Nothing in it
// depends on pointers, hash-map order or the platform. Each event's hash is FNV-1a 64 of its line; the trace
// digest is FNV-1a 64 over the sequence of event hashes, each as 8 bytes least significant first (one pass over
// each line, and any tool that prints FNV-1a of the lines can recompute it).
//
// Memory is bounded by options: the texts of the first `keep_first` and the last `keep_last` events are stored,
// (time, hash) pairs for the first `keep_hashes` events; the digest and count always cover every event.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/byte_io.h"
#include "core/runtime/runtime.h"

namespace rmq::sim {

using runtime::Micros;

struct TraceOptions {
  size_t keep_first = 100'000;     // texts of the first N events
  size_t keep_last = 10'000;       // a ring of the last M event texts
  size_t keep_hashes = 1u << 22;   // per-event (time, hash) pairs, 16 bytes each (64 MiB at most)
  bool hash_payloads = true;       // network events carry a hash of the bytes (payload_hash)
};

class Trace {
 public:
  explicit Trace(TraceOptions options = {});

  // Appends an event. `kind` names it ("net.send", "fault.inject", or a higher layer's own kind).
  void record(Micros time, std::string_view kind, std::string_view text);

  // Sees every event as it is recorded (a scenario run's structured export); one tap at a time.
  using Tap = std::function<void(uint64_t index, Micros time, std::string_view kind, std::string_view text)>;
  void set_tap(Tap tap) { tap_ = std::move(tap); }

  uint64_t size() const { return count_; }
  uint64_t digest() const { return digest_; }
  const TraceOptions& options() const { return options_; }

  // The canonical line of event i, when its text was kept.
  std::optional<std::string> text(uint64_t index) const;
  // Event i's time and hash, when kept (index < keep_hashes).
  std::optional<Micros> time(uint64_t index) const;
  std::optional<uint64_t> event_hash(uint64_t index) const;
  // Kept lines in order; a gap between the first and the last ones reads "... <n> events not kept ...".
  std::vector<std::string> lines() const;
  std::string dump() const;  // lines() joined, each followed by '\n'
  // The digest as 16 lowercase hex digits.
  std::string digest_hex() const;

 private:
  TraceOptions options_;
  uint64_t count_ = 0;
  uint64_t digest_;
  std::vector<std::string> first_;
  std::vector<std::string> ring_;  // ring_[i % keep_last] holds event i for the last keep_last events
  struct Kept {
    Micros time;
    uint64_t hash;
  };
  std::vector<Kept> kept_;
  std::string line_;  // scratch for the line being recorded
  Tap tap_;
};

// A 64-bit hash of payload bytes for traces (not FNV: a word-at-a-time multiply-rotate hash, ~8x faster on
// large bodies). Words are assembled little-endian from the bytes, so the value is platform independent.
uint64_t payload_hash(ByteView bytes);

// Appends `s` with '\n' and '\\' escaped as the canonical encoding escapes them (one event stays one line).
void append_escaped(std::string& out, std::string_view s);

// Appends v in lowercase hex, 16 digits.
void append_hex64(std::string& out, uint64_t v);
// Appends v in decimal (no allocation, unlike std::to_string).
void append_decimal(std::string& out, int64_t v);

struct Divergence {
  uint64_t index = 0;               // the first event that differs (or the first one only one trace has)
  std::optional<Micros> time_a, time_b;
  std::string text_a, text_b;       // canonical lines, "<end of trace>" or "<not kept>"
  std::string describe() const;
};

// The first event at which a and b differ; nullopt when they are equal (same count and digest). When the
// difference lies beyond the kept hashes, the index is the first event not kept and the texts say so.
std::optional<Divergence> first_divergence(const Trace& a, const Trace& b);

struct DeterminismReport {
  uint64_t seed = 0;
  bool deterministic = false;
  uint64_t events_a = 0, events_b = 0;
  uint64_t digest_a = 0, digest_b = 0;
  std::optional<Divergence> divergence;
  std::string describe() const;  // "seed 7: deterministic, 1234 events, digest ..." or the first divergence
};

// Runs `run(seed)` twice and compares the traces.
DeterminismReport check_determinism(const std::function<Trace(uint64_t seed)>& run, uint64_t seed);

}  // namespace rmq::sim
