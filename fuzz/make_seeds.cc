// fuzz_make_seeds OUT_DIR [CAPTURE_DIR]: writes the seed corpora of every fuzz target from the real 4.9.8
// captures (spec/captures/real-4.9.8/*.jsonl: request_hex / response_hex), one directory per target:
//   frame_decoder    whole request and response frames (two leading control bytes: one write, default limit),
//                    plus each file's requests back to back
//   json_header      the header text of every JSON frame
//   rocketmq_header  the header bytes of every ROCKETMQ frame
//   route_data       GET_ROUTEINFO_BY_TOPIC (105) answer bodies
//   scenario_loader  the shipped scenarios (scenarios/*.textproto)
//   heartbeat_data   HEART_BEAT (34) and CHECK_CLIENT_CONFIG (46) request bodies
//   message_codec    PULL_MESSAGE (11) / VIEW (33) / QUERY (12) answer bodies (stored message records)
//   broker_stream    each exchange's request as one record, and each file's requests as one session
// Deterministic: the same captures give the same files.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "core/remoting/frame_codec.h"
#include "testutil/corpus.h"

namespace fs = std::filesystem;
using namespace rmq;

namespace {

constexpr size_t kMaxSeed = 60'000;  // ci/fuzz runs with -max_len=65536

struct Writer {
  fs::path out;
  std::map<std::string, int> counts;
  void write(const std::string& target, const std::string& name, ByteView bytes) {
    if (bytes.size() > kMaxSeed) return;
    fs::create_directories(out / target);
    std::ofstream(out / target / name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    ++counts[target];
  }
};

struct Split {
  bool ok = false;
  remoting::SerializeType type{};
  Bytes header, body;
  int32_t code = 0;
};

Split split_frame(const Bytes& frame) {
  Split s;
  if (frame.size() < 8) return s;
  ByteView content = ByteView(frame).substr(4);
  auto word = (uint32_t{static_cast<uint8_t>(content[0])} << 24) | (uint32_t{static_cast<uint8_t>(content[1])} << 16) |
              (uint32_t{static_cast<uint8_t>(content[2])} << 8) | uint32_t{static_cast<uint8_t>(content[3])};
  uint32_t header_length = word & 0xFFFFFF;
  if ((word >> 24) > 1 || header_length > content.size() - 4) return s;
  s.type = static_cast<remoting::SerializeType>(word >> 24);
  s.header = Bytes(content.substr(4, header_length));
  s.body = Bytes(content.substr(4 + header_length));
  auto decoded = remoting::decode_frame_content(content);
  if (auto* cmd = std::get_if<remoting::RemotingCommand>(&decoded)) {
    s.code = cmd->code;
    s.ok = true;
  }
  return s;
}

void append_record(Bytes& out, uint8_t op, ByteView bytes) {
  out.push_back(static_cast<char>(op));
  out.push_back(static_cast<char>(bytes.size() & 0xFF));
  out.push_back(static_cast<char>((bytes.size() >> 8) & 0xFF));
  out.append(bytes);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: fuzz_make_seeds OUT_DIR [CAPTURE_DIR]\n";
    return 2;
  }
  Writer w{argv[1], {}};
  fs::path captures = argc > 2 ? fs::path(argv[2]) : fs::path(testutil::spec_path("captures/real-4.9.8"));
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(captures)) {
    if (entry.path().extension() == ".jsonl") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::cerr << "fuzz_make_seeds: no *.jsonl under " << captures << "\n";
    return 1;
  }
  for (const auto& path : files) {
    std::string stem = path.stem().string();
    bool to_namesrv = stem == "namesrv";
    Bytes session_frames, session_records;
    int n = 0;
    for (const auto& line : testutil::load_jsonl(path.string())) {
      std::string name = stem + "-" + std::to_string(n++);
      Bytes request = testutil::hex_field(line, "request_hex");
      Bytes response = testutil::hex_field(line, "response_hex");
      bool elided = line.contains("request_hex_body_elided");
      bool raw_to_namesrv = to_namesrv || testutil::string_field(line, "name").rfind("namesrv", 0) == 0;
      uint8_t op = raw_to_namesrv ? 3 : 0;
      for (const auto& [frame, dir] : {std::pair{request, "req"}, std::pair{response, "resp"}}) {
        if (frame.empty()) continue;
        Bytes framed = Bytes(2, '\0') + frame;
        w.write("frame_decoder", name + "-" + dir, framed);
        Split s = split_frame(frame);
        if (s.header.empty() && !s.ok) continue;
        w.write(s.type == remoting::SerializeType::kJson ? "json_header" : "rocketmq_header", name + "-" + dir,
                s.header);
      }
      Split req = split_frame(request);
      Split resp = split_frame(response);
      if (req.ok && (req.code == 34 || req.code == 46) && !req.body.empty()) w.write("heartbeat_data", name, req.body);
      if (req.ok && req.code == 105 && resp.ok && !resp.body.empty()) w.write("route_data", name, resp.body);
      if (req.ok && (req.code == 11 || req.code == 33 || req.code == 12) && resp.ok && !resp.body.empty()) {
        w.write("message_codec", name, resp.body);
      }
      if (!request.empty() && !elided && request.size() < 0xFFFF) {
        Bytes record;
        append_record(record, op, request);
        w.write("broker_stream", name, record);
        if (session_records.size() + record.size() <= kMaxSeed) session_records += record;
        if (session_frames.size() + request.size() <= kMaxSeed) session_frames += request;
      }
    }
    if (!session_frames.empty()) w.write("frame_decoder", stem + "-session", Bytes(2, '\0') + session_frames);
    if (!session_records.empty()) w.write("broker_stream", stem + "-session", session_records);
  }
  // The scenario loader starts from the shipped scenarios.
  for (const auto& entry : std::filesystem::directory_iterator(RMQSIM_SCENARIOS_DIR)) {
    if (entry.path().extension() != ".textproto") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    w.write("scenario_loader", entry.path().stem().string(), ByteView(text));
  }
  for (const auto& [target, count] : w.counts) std::cout << "fuzz_make_seeds: " << target << ": " << count << " seeds\n";
  return 0;
}
