// `rmqsim serve` against hostile clients (ctest label `hostile`): the real binary runs as a child process on
// loopback while this test, over plain sockets, opens 1000 connections that never finish a frame, writes garbage
// and 20 MB length words, trickles a request one byte at a time, parks partial 16 MiB frames, and keeps
// connections that ask for 4 MiB pulls and never read. Meanwhile a well-behaved producer (BlockingProducer) and
// push consumer (PushConsumer on an AsioRuntime background thread) must complete their work. Afterwards the
// server's peak memory (VmHWM of the child) must stay under a bound computed from its limits
// (RemotingServerOptions, AsioRuntimeOptions), and it must stop cleanly on SIGTERM.
//
// What the real 4.9.8 servers do with the same input (spec/captures/real-4.9.8/malformed.jsonl, idle.jsonl)
// and where serve differs: see docs/hardening.md.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <limits>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/client/client_manager.h"
#include "core/consumer/push_consumer.h"
#include "core/producer/blocking_producer.h"
#include "core/protocol/pull_headers.h"
#include "core/protocol/sys_flags.h"
#include "core/remoting/frame_codec.h"
#include "core/remoting/remoting_server.h"
#include "core/runtime/asio_runtime.h"

namespace rmq {
namespace {

using Clock = std::chrono::steady_clock;

// Under ASan or TSan (the serve child is built the same way) shadow memory inflates the resident set several
// times over: the memory bound is checked only in uninstrumented builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
// How long a client waits for an answer. The server keeps building the never-reading clients' 3.5 MiB answers
// (and dropping them once their backlog is full): instrumented, that keeps its one event thread busy for seconds.
constexpr int kAnswerWaitMs = kSanitized ? 120'000 : 20'000;
using remoting::RemotingCommand;

constexpr int kIdleConnections = 1000;
constexpr int kNeverReading = 3;
constexpr int kPullsPerNeverReading = 80;
constexpr int kPartialBigFrames = 4;
constexpr size_t kPartialBigBytes = size_t{4} << 20;  // of a 16 MiB - 4 frame, then silence
constexpr int kGoodMessages = 100;
constexpr size_t kBigBody = (size_t{7} << 19);  // 3.5 MiB: every pull of it answers with one ~3.5 MiB record
// The limits serve is started with (its flags): the memory bound below is computed from them. The send backlog is
// a quarter of the default so that the bound is tight; the frame limit stays the real servers' 16 MiB (the
// partial big frames are just under it); the connection limit leaves room for the 1000 idle ones.
constexpr size_t kConfiguredMaxConnections = 2048;
constexpr size_t kConfiguredSendBacklog = size_t{16} << 20;
constexpr uint32_t kConfiguredMaxFrame = 16 * 1024 * 1024;

// --- the child process -----------------------------------------------------------------------------------------

struct Serve {
  pid_t pid = -1;
  int out = -1;  // the child's stdout and stderr
  std::string output;
  std::string namesrv, broker;

  ~Serve() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    if (out >= 0) ::close(out);
  }

  // Starts `rmqsim serve ARGS` and waits for its ready line. False when it exited first (e.g. port taken).
  bool start(const std::vector<std::string>& args) {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    pid = ::fork();
    if (pid == 0) {
      ::dup2(fds[1], 1);
      ::dup2(fds[1], 2);
      ::close(fds[0]);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(RMQSIM_BINARY));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(RMQSIM_BINARY, argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out = fds[0];
    auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) {
        char buf[4096];
        ssize_t n = ::read(out, buf, sizeof buf);
        if (n <= 0) break;
        output.append(buf, static_cast<size_t>(n));
        auto at = output.find("rmqsim serve: ready ");
        if (at != std::string::npos && output.find('\n', at) != std::string::npos) {
          std::istringstream line(output.substr(at, output.find('\n', at) - at));
          std::string word;
          while (line >> word) {
            if (word.rfind("namesrv=", 0) == 0) namesrv = word.substr(8);
            if (word.rfind("brokers=", 0) == 0) broker = word.substr(word.find('@') + 1);
          }
          return true;
        }
      }
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    pid = -1;
    return false;
  }

  // /proc/<pid>/status field in kB (VmHWM: peak resident set, VmRSS: now).
  long status_kb(const std::string& field) const {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    }
    return -1;
  }

  // The local addresses ("HEXADDR:HEXPORT") of the child's own listening TCP sockets: /proc/<pid>/net/tcp{,6}
  // lists every socket of the network namespace, so only the inodes among the child's descriptors count.
  std::vector<std::string> listening() const {
    std::set<std::string> inodes;
    std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
    for (const auto& entry : std::filesystem::directory_iterator(fd_dir)) {
      std::error_code ec;
      std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
      if (!ec && target.rfind("socket:[", 0) == 0) inodes.insert(target.substr(8, target.size() - 9));
    }
    std::vector<std::string> result;
    for (const char* file : {"tcp", "tcp6"}) {
      std::ifstream table("/proc/" + std::to_string(pid) + "/net/" + file);
      std::string line;
      std::getline(table, line);
      while (std::getline(table, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
        if (state == "0A" && inodes.count(inode)) result.push_back(local);
      }
    }
    return result;
  }

  // SIGTERM, then the exit status (-1 when it had to be killed after `seconds`).
  int stop(int seconds = 30) {
    ::kill(pid, SIGTERM);
    auto deadline = Clock::now() + std::chrono::seconds(seconds);
    int status = 0;
    while (Clock::now() < deadline) {
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        char buf[4096];
        ssize_t n = ::read(out, buf, sizeof buf);
        if (n > 0) output.append(buf, static_cast<size_t>(n));
      }
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;
  }
};

uint16_t port_of(const std::string& address) {
  return static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
}

// --- raw sockets -----------------------------------------------------------------------------------------------

int connect_to(uint16_t port, int rcvbuf = 0) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (rcvbuf > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Writes everything unless the peer stops taking bytes for `timeout_ms`.
bool write_all(int fd, ByteView bytes, int timeout_ms = kAnswerWaitMs) {
  while (!bytes.empty()) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// True once the peer closed (EOF or reset) within `timeout_ms`; bytes arriving before are discarded.
bool closed_by_peer(int fd, int timeout_ms) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
  }
  return false;
}

// The next whole command on `fd`, or nullopt after `timeout_ms`.
std::optional<RemotingCommand> read_command(int fd, int timeout_ms) {
  remoting::FrameDecoder decoder;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[65536];
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n <= 0) return std::nullopt;
    ByteView in(buf, static_cast<size_t>(n));
    auto step = decoder.decode(in);
    if (auto* cmd = std::get_if<RemotingCommand>(&step)) return std::move(*cmd);
    if (std::holds_alternative<remoting::DecodeError>(step)) return std::nullopt;
  }
  return std::nullopt;
}

Bytes request(int32_t code, int32_t opaque, std::vector<std::pair<std::string, std::string>> ext) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.version = remoting::kVersion498;
  cmd.opaque = opaque;
  cmd.ext_fields.emplace();
  for (auto& [k, v] : ext) cmd.ext_fields->append(k, v);
  return remoting::encode_frame(cmd);
}

Bytes big_pull(int32_t opaque) {
  protocol::PullMessageRequestHeader h;
  h.consumerGroup = "AttackCG";
  h.topic = "HostileBig";
  h.queueId = 0;
  h.queueOffset = 0;
  h.maxMsgNums = 32;
  h.sysFlag = protocol::pull_sys_flag::kSubscription;
  h.subscription = "*";
  h.expressionType = "TAG";
  RemotingCommand cmd;
  cmd.code = 11;
  cmd.version = remoting::kVersion498;
  cmd.opaque = opaque;
  cmd.ext_fields = h.to_ext();
  return remoting::encode_frame(cmd);
}

Bytes be32(uint32_t v) {
  Bytes b;
  ByteWriter(b).u32(v);
  return b;
}

// --- the test --------------------------------------------------------------------------------------------------

TEST(HostileServe, BoundedMemoryAndGoodClientsFinish) {
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  if (files.rlim_cur < 4096 && files.rlim_max >= 4096) {
    files.rlim_cur = 4096;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  ASSERT_GE(files.rlim_cur, rlim_t{2 * kIdleConnections + 200}) << "raise ulimit -n: the test and the server each "
                                                                      "hold "
                                                                   << kIdleConnections << "+ sockets";
  Serve serve;
  std::mt19937 ports(static_cast<unsigned>(::getpid()));
  bool started = false;
  for (int attempt = 0; attempt < 5 && !started; ++attempt) {
    int base = 22000 + static_cast<int>(ports() % 2000) * 10;
    started = serve.start({"serve", "--namesrv-port", std::to_string(base), "--broker-base-port",
                           std::to_string(base + 1), "--brokers", "1", "--topic", "Hostile:4", "--topic",
                           "HostileBig:1", "--max-connections", std::to_string(kConfiguredMaxConnections),
                           "--send-backlog", std::to_string(kConfiguredSendBacklog), "--max-frame",
                           std::to_string(kConfiguredMaxFrame)});
  }
  ASSERT_TRUE(started) << serve.output;
  // Loopback only unless --bind says otherwise: the ready line and the kernel's listening sockets agree.
  EXPECT_EQ(serve.namesrv.rfind("127.0.0.1:", 0), 0u) << serve.namesrv;
  EXPECT_EQ(serve.broker.rfind("127.0.0.1:", 0), 0u) << serve.broker;
  auto listening = serve.listening();
  EXPECT_EQ(listening.size(), 2u);  // the nameserver and the one broker
  for (const auto& local : listening) EXPECT_EQ(local.rfind("0100007F:", 0), 0u) << local;
  const uint16_t namesrv_port = port_of(serve.namesrv);
  const uint16_t broker_port = port_of(serve.broker);
  const long baseline_kb = serve.status_kb("VmRSS");

  // The well-behaved consumer first (from the first offset), then the producer's big message for the pulls.
  runtime::AsioRuntime consumer_runtime;
  consumer_runtime.start_thread();
  std::unique_ptr<client::ClientManager> manager;
  std::unique_ptr<consumer::PushConsumer> consumer;
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::string> received;
  auto consumer_error = consumer_runtime.run_sync([&]() -> std::optional<client::ClientError> {
    consumer::PushConsumerOptions options;
    options.group = "HostileCG";
    options.subscription["Hostile"] = "*";
    options.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromFirstOffset;
    options.client.namesrv_addrs = {serve.namesrv};
    options.client.pid = static_cast<int32_t>(::getpid());
    manager = std::make_unique<client::ClientManager>(consumer_runtime);
    consumer = std::make_unique<consumer::PushConsumer>(consumer_runtime, *manager, options);
    consumer->register_listener(consumer::ConcurrentlyListener(
        [&](const std::vector<consumer::MessageExt>& msgs, consumer::ConsumeConcurrentlyContext&,
            std::function<void(consumer::ConsumeConcurrentlyStatus)> done) {
          {
            std::lock_guard lock(mutex);
            for (const auto& m : msgs) received.insert(std::string(m.body()));
          }
          changed.notify_all();
          done(consumer::ConsumeConcurrentlyStatus::kConsumeSuccess);
        }));
    return consumer->start();
  });
  ASSERT_FALSE(consumer_error.has_value()) << consumer_error->message;

  runtime::AsioRuntime producer_runtime;
  producer_runtime.start_thread();
  producer::ProducerOptions producer_options;
  producer_options.group = "HostilePG";
  producer_options.client.namesrv_addrs = {serve.namesrv};
  producer_options.client.pid = static_cast<int32_t>(::getpid());
  producer_options.compress_msg_body_over_howmuch = std::numeric_limits<int32_t>::max();
  producer_options.send_msg_timeout_ms = kAnswerWaitMs;
  producer::BlockingProducer good_producer(producer_runtime, producer_options);
  auto start_error = good_producer.start();
  ASSERT_FALSE(start_error.has_value()) << start_error->message;
  {
    std::mt19937_64 noise(1);
    Bytes body(kBigBody, '\0');
    for (auto& c : body) c = static_cast<char>(noise());
    auto outcome = good_producer.send(producer::Message::make("HostileBig", body));
    ASSERT_TRUE(std::holds_alternative<producer::SendResult>(outcome)) << std::get<client::ClientError>(outcome).message;
  }

  // The producer sends its messages while the attacks run.
  std::atomic<int> sent_ok{0};
  std::vector<std::string> send_errors;
  std::thread producer_thread([&] {
    for (int i = 0; i < kGoodMessages; ++i) {
      auto outcome = good_producer.send(producer::Message::make("Hostile", "good-" + std::to_string(i)));
      if (std::holds_alternative<producer::SendResult>(outcome)) {
        ++sent_ok;
      } else {
        send_errors.push_back(std::get<client::ClientError>(outcome).message);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  struct Join {
    std::thread& thread;
    ~Join() {
      if (thread.joinable()) thread.join();  // also when an ASSERT below returns early
    }
  } join_producer{producer_thread};

  auto attack_start = Clock::now();
  std::vector<int> held;  // sockets kept open until the end
  // 1. 1000 connections, half to each server, each with 6 bytes of a frame that never completes.
  for (int i = 0; i < kIdleConnections; ++i) {
    int fd = connect_to(i % 2 ? namesrv_port : broker_port);
    ASSERT_GE(fd, 0) << "connection " << i;
    Bytes partial = be32(200) + "\x00\x00";
    ASSERT_TRUE(write_all(fd, partial));
    held.push_back(fd);
  }
  // 2. Garbage, a 20 MB length word, a header length beyond the frame: closed at once, as the real servers do.
  std::vector<std::pair<std::string, Bytes>> closing_inputs = {
      {"http", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"length_20MB", be32(20u << 20) + "xxxx"},
      {"length_16MB_exact", be32(16u << 20) + "xxxx"},
      {"serialize_type_0x7f", be32(8) + be32(0x7F000004) + "abcd"},
      {"header_len_exceeds_frame", be32(8) + be32(0x00000100) + "abcd"},
      {"invalid_json", be32(4 + 5) + be32(5) + "{nope"},
      {"negative_length", be32(0xFFFFFFFF)},
  };
  std::mt19937_64 garbage_rng(2);
  for (int i = 0; i < 20; ++i) {
    Bytes noise(64 + i * 37, '\0');
    for (auto& c : noise) c = static_cast<char>(garbage_rng());
    noise[0] = static_cast<char>(0x80 | (noise[0] & 0x7F));  // a negative length word: rejected at once
    closing_inputs.push_back({"random_" + std::to_string(i), noise});
  }
  for (const auto& [name, bytes] : closing_inputs) {
    for (uint16_t port : {namesrv_port, broker_port}) {
      int fd = connect_to(port);
      ASSERT_GE(fd, 0);
      write_all(fd, bytes);  // the server may close before taking everything
      EXPECT_TRUE(closed_by_peer(fd, 5000)) << name << " to port " << port;
      ::close(fd);
    }
  }
  // 3. Partial frames of 16 MiB - 4 (the limit's largest): the real servers keep these open and wait.
  for (int i = 0; i < kPartialBigFrames; ++i) {
    int fd = connect_to(broker_port);
    ASSERT_GE(fd, 0);
    Bytes head = be32((16u << 20) - 4) + be32(100);
    ASSERT_TRUE(write_all(fd, head + Bytes(kPartialBigBytes - head.size(), 'z')));
    held.push_back(fd);
  }
  // 4. Connections that ask for ~3.5 MiB pulls and never read (small receive buffers): the server may buffer at
  //    most its per-connection send limit for each, and must drop the rest.
  for (int i = 0; i < kNeverReading; ++i) {
    int fd = connect_to(broker_port, 4096);
    ASSERT_GE(fd, 0);
    Bytes pulls;
    for (int k = 0; k < kPullsPerNeverReading; ++k) pulls += big_pull(1000 + k);
    ASSERT_TRUE(write_all(fd, pulls));
    held.push_back(fd);
  }
  // 5. A request trickled one byte at a time is answered like any other, on both servers.
  {
    int fd = connect_to(namesrv_port);
    ASSERT_GE(fd, 0);
    Bytes frame = request(105, 77, {{"topic", "Hostile"}});
    for (char c : frame) {
      ASSERT_TRUE(write_all(fd, ByteView(&c, 1)));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    auto answer = read_command(fd, kAnswerWaitMs);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->code, 0);
    EXPECT_EQ(answer->opaque, 77);
    EXPECT_NE(answer->body.find("broker-0"), std::string::npos);
    ::close(fd);
    fd = connect_to(broker_port);
    ASSERT_GE(fd, 0);
    frame = request(30, 78, {{"topic", "Hostile"}, {"queueId", "0"}});
    for (char c : frame) {
      ASSERT_TRUE(write_all(fd, ByteView(&c, 1)));
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    answer = read_command(fd, kAnswerWaitMs);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->code, 0);
    EXPECT_EQ(answer->opaque, 78);
    ::close(fd);
  }
  // The held connections are still open (none was closed for being slow or partial).
  int still_open = 0;
  for (int fd : held) {
    pollfd p{fd, POLLIN, 0};
    char c;
    if (::poll(&p, 1, 0) == 0 || ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) > 0) ++still_open;
  }
  EXPECT_EQ(still_open, static_cast<int>(held.size()));

  producer_thread.join();
  EXPECT_EQ(sent_ok.load(), kGoodMessages) << (send_errors.empty() ? "" : send_errors.front());
  {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, std::chrono::milliseconds(3 * kAnswerWaitMs),
                     [&] { return received.size() >= static_cast<size_t>(sent_ok.load()); });
    EXPECT_EQ(received.size(), static_cast<size_t>(sent_ok.load()));
  }
  // A fresh connection is still served after all of it.
  {
    int fd = connect_to(broker_port);
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(write_all(fd, request(30, 79, {{"topic", "Hostile"}, {"queueId", "1"}})));
    auto answer = read_command(fd, kAnswerWaitMs);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->opaque, 79);
    ::close(fd);
  }
  double attack_seconds = std::chrono::duration<double>(Clock::now() - attack_start).count();

  // The bound, from the server's limits: per connection its bookkeeping (socket, channel, decoder, idle timer:
  // kPerConnectionBytes), the partial frame it holds (at most the frame limit; here what was sent) and, for the
  // never-reading ones, the send backlog limit; one read buffer for the whole runtime; the store (the big message
  // and the small ones), an answer being built (a record copied a few times) and a fixed allowance for the
  // allocator, thread stacks and the runtime.
  constexpr long kPerConnectionBytes = 32 * 1024;
  const runtime::AsioRuntimeOptions asio_defaults;  // for the read chunk, which serve does not configure
  const long connections = kIdleConnections + kPartialBigFrames + kNeverReading + 8;
  const long bound_kb =
      baseline_kb +
      static_cast<long>((connections * kPerConnectionBytes + asio_defaults.read_chunk +
                         kPartialBigFrames * kPartialBigBytes +
                         kNeverReading * (kConfiguredSendBacklog + kBigBody + 4096) + 4 * kBigBody) /
                        1024) +
      64 * 1024;
  const long hwm_kb = serve.status_kb("VmHWM");
  const long attempted_kb = static_cast<long>(kNeverReading * kPullsPerNeverReading * (kBigBody / 1024));
  std::printf("hostile: baseline %ld kB, peak %ld kB (bound %ld kB; never-reading clients asked for %ld kB of "
              "answers), attacks and good clients took %.1f s, max_frame %u, max_connections %zu\n",
              baseline_kb, hwm_kb, bound_kb, attempted_kb, attack_seconds, kConfiguredMaxFrame,
              kConfiguredMaxConnections);
  EXPECT_GT(hwm_kb, 0);
  if (!kSanitized) {
    EXPECT_LT(hwm_kb, bound_kb);
    EXPECT_LT(hwm_kb, baseline_kb + attempted_kb) << "the never-reading connections' answers were all buffered";
  }

  for (int fd : held) ::close(fd);
  auto finished = std::make_shared<std::promise<void>>();
  auto future = finished->get_future();
  consumer_runtime.post([&consumer, finished] { consumer->shutdown([finished] { finished->set_value(); }); });
  EXPECT_EQ(future.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  consumer_runtime.run_sync([&] {
    consumer.reset();
    manager.reset();
  });
  consumer_runtime.stop();
  good_producer.shutdown();

  EXPECT_EQ(serve.stop(), 0) << serve.output;
  EXPECT_NE(serve.output.find("rmqsim serve: stopped"), std::string::npos) << serve.output;
}

}  // namespace
}  // namespace rmq
