#include "testutil/corpus.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/common/hex.h"

namespace rmq::testutil {

std::string spec_path(const std::string& relative) { return std::string(RMQSIM_SPEC_DIR) + "/" + relative; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s (is ../shared beside the checkout?)\n", path.c_str());
    std::abort();
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<boost::json::object> load_jsonl(const std::string& path) {
  std::vector<boost::json::object> lines;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    lines.push_back(boost::json::parse(line).as_object());
  }
  return lines;
}

std::vector<CaptureLine> load_real_captures() {
  static const char* kFiles[] = {"namesrv.jsonl",        "broker-admin.jsonl",   "broker-send.jsonl",
                                 "broker-pull.jsonl",    "broker-offsets.jsonl", "broker-consumer.jsonl",
                                 "broker-extra.jsonl",   "malformed.jsonl",      "idle.jsonl"};
  std::vector<CaptureLine> all;
  for (const char* file : kFiles) {
    for (auto& line : load_jsonl(spec_path(std::string("captures/real-4.9.8/") + file))) {
      all.push_back({file, std::move(line)});
    }
  }
  return all;
}

Bytes hex_field(const boost::json::object& line, const char* field) {
  auto it = line.find(field);
  if (it == line.end() || !it->value().is_string()) return {};
  auto bytes = from_hex(std::string_view(it->value().as_string()));
  if (!bytes) {
    std::fprintf(stderr, "field %s is not hex\n", field);
    std::abort();
  }
  return *bytes;
}

std::string string_field(const boost::json::object& line, const char* field) {
  auto it = line.find(field);
  if (it == line.end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

}  // namespace rmq::testutil
