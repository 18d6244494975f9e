// Test-only (header-only, so nothing of it enters rmqsim_fake_broker): one driving interface over the simulator
// and over real loopback sockets, and a raw client connection that writes bytes and splits the frames it gets.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "core/common/byte_io.h"
#include "core/remoting/frame_codec.h"
#include "core/runtime/asio_runtime.h"
#include "sim/sim_runtime.h"

namespace rmq::fake::test {

class TestEnv {
 public:
  // "sim": a SimRuntime whose connections originate from host 127.0.0.1 (so bornHost and remarks read as on a
  // real loopback); "asio": real sockets.
  explicit TestEnv(const std::string& kind, uint64_t seed = 1) {
    if (kind == "sim") {
      sim::SimOptions options;
      options.seed = seed;
      options.default_host = "127.0.0.1";
      sim_ = std::make_unique<sim::SimRuntime>(options);
    } else {
      runtime::AsioRuntimeOptions options;
      options.seed = seed;
      asio_ = std::make_unique<runtime::AsioRuntime>(options);
    }
  }
  bool simulated() const { return sim_ != nullptr; }
  runtime::Runtime& runtime() { return sim_ ? static_cast<runtime::Runtime&>(*sim_) : *asio_; }
  sim::SimRuntime& sim() { return *sim_; }
  // Where a broker listens: the capture's port in the simulator, any free port on loopback.
  std::string listen_address(const std::string& sim_address) const { return sim_ ? sim_address : "127.0.0.1:0"; }
  int64_t now_ms() { return runtime().now() / runtime::kMicrosPerMilli; }

  bool run_until(const std::function<bool()>& done, int64_t limit_ms) {
    if (sim_) {
      sim_->run_until(done, sim_->now() + runtime::millis(limit_ms));
      return done();
    }
    return asio_->run_until(done, runtime::millis(limit_ms));
  }
  void run_for(int64_t ms) {
    if (sim_) {
      sim_->run_for(runtime::millis(ms));
    } else {
      asio_->run_for(runtime::millis(ms));
    }
  }

 private:
  std::unique_ptr<sim::SimRuntime> sim_;
  std::unique_ptr<runtime::AsioRuntime> asio_;
};

// A runtime that forwards everything to another but lets a test script the next values of random(): the
// conformance replay makes the broker pick the queue the real one picked for queueId -1.
class ScriptedRandomRuntime final : public runtime::Runtime {
 public:
  explicit ScriptedRandomRuntime(runtime::Runtime& inner) : inner_(inner) {}
  void force_next_random(uint64_t value) { forced_.push_back(value); }

  runtime::Micros now() const override { return inner_.now(); }
  int64_t wall_clock_ms() const override { return inner_.wall_clock_ms(); }
  runtime::TimerId after(runtime::Micros delay, std::function<void()> fn) override {
    return inner_.after(delay, std::move(fn));
  }
  bool cancel(runtime::TimerId id) override { return inner_.cancel(id); }
  uint64_t random() override {
    if (forced_.empty()) return inner_.random();
    uint64_t v = forced_.front();
    forced_.pop_front();
    return v;
  }
  void connect(const std::string& address, runtime::Micros timeout,
               std::function<void(Result<runtime::ConnectionPtr>)> done) override {
    inner_.connect(address, timeout, std::move(done));
  }
  Result<runtime::ListenerPtr> listen(const std::string& address,
                                      std::function<void(runtime::ConnectionPtr)> on_accept) override {
    return inner_.listen(address, std::move(on_accept));
  }

 private:
  runtime::Runtime& inner_;
  std::deque<uint64_t> forced_;
};

// A client connection that sends raw bytes and keeps every frame it receives (length word included).
class RawConnection {
 public:
  RawConnection(TestEnv& env, const std::string& address) : env_(env) {
    env.runtime().connect(address, runtime::millis(3000), [this](Result<runtime::ConnectionPtr> r) {
      if (!r.ok()) {
        failed_ = true;
        return;
      }
      conn_ = r.value();
      conn_->start(runtime::ConnectionHandler{[this](ByteView bytes) { on_data(bytes); },
                                              [this](runtime::CloseReason) { closed_ = true; }});
    });
    env.run_until([this] { return conn_ != nullptr || failed_; }, 5000);
  }
  ~RawConnection() {
    if (conn_ && conn_->is_open()) conn_->close();
  }
  bool ok() const { return conn_ != nullptr && !failed_; }
  bool closed() const { return closed_; }
  const std::string& local_address() const { return conn_->local_address(); }
  void send(ByteView bytes) { conn_->send(bytes); }
  void send(const remoting::RemotingCommand& cmd) { send(remoting::encode_frame(cmd)); }
  void close() { conn_->close(); }

  std::deque<Bytes> frames;

  // Waits for the next frame and removes it; nullopt after `limit_ms`.
  std::optional<Bytes> next(int64_t limit_ms = 30000) {
    env_.run_until([this] { return !frames.empty(); }, limit_ms);
    if (frames.empty()) return std::nullopt;
    Bytes f = std::move(frames.front());
    frames.pop_front();
    return f;
  }
  std::optional<remoting::RemotingCommand> next_command(int64_t limit_ms = 30000) {
    auto f = next(limit_ms);
    if (!f) return std::nullopt;
    auto decoded = remoting::decode_frame_content(ByteView(*f).substr(4));
    if (!std::holds_alternative<remoting::RemotingCommand>(decoded)) return std::nullopt;
    return std::get<remoting::RemotingCommand>(std::move(decoded));
  }

 private:
  void on_data(ByteView bytes) {
    buffer_.append(bytes.data(), bytes.size());
    while (buffer_.size() >= 4) {
      uint32_t length = 0;
      for (int i = 0; i < 4; ++i) length = (length << 8) | static_cast<uint8_t>(buffer_[static_cast<size_t>(i)]);
      if (buffer_.size() < 4 + static_cast<size_t>(length)) break;
      frames.push_back(buffer_.substr(0, 4 + static_cast<size_t>(length)));
      buffer_.erase(0, 4 + static_cast<size_t>(length));
    }
  }

  TestEnv& env_;
  runtime::ConnectionPtr conn_;
  bool failed_ = false;
  bool closed_ = false;
  Bytes buffer_;
};

}  // namespace rmq::fake::test
