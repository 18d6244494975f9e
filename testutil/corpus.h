// Test-only access to the protocol captures in ../shared/spec/captures (the golden data of the spec).
#pragma once

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "core/common/byte_io.h"

namespace rmq::testutil {

// Absolute path of a file under the spec directory, e.g. spec_path("captures/real-4.9.8/namesrv.jsonl").
std::string spec_path(const std::string& relative);

// Reads a whole file; aborts the test binary (with the path named) when it cannot be read.
std::string read_file(const std::string& path);

// One JSON object per non-empty line.
std::vector<boost::json::object> load_jsonl(const std::string& path);

// The eight exchange files of captures/real-4.9.8 (idle.jsonl and malformed.jsonl included), loaded.
struct CaptureLine {
  std::string file;  // e.g. "broker-send.jsonl"
  boost::json::object line;
};
std::vector<CaptureLine> load_real_captures();

// Hex field of a capture line decoded to bytes; empty when the field is absent or null.
Bytes hex_field(const boost::json::object& line, const char* field);

// The string value of a field, or "" when absent or not a string.
std::string string_field(const boost::json::object& line, const char* field);

}  // namespace rmq::testutil
