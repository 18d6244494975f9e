// Test-only: one request/response suite, two runtimes. A RuntimeHarness drives either the simulator (virtual
// time, a "server" host) or the Asio runtime (loopback sockets, wall time) behind the same calls, so the
// remoting tests assert the same behaviour over both.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/runtime/asio_runtime.h"
#include "core/runtime/runtime.h"
#include "sim/sim_runtime.h"

namespace rmq::testing {

class RuntimeHarness {
 public:
  virtual ~RuntimeHarness() = default;
  virtual runtime::Runtime& runtime() = 0;
  // Where a test server listens: port 0 on loopback for Asio, a fixed simulated host for the simulator.
  virtual std::string server_listen_address() const = 0;
  // An address nobody listens on.
  virtual std::string dead_address() const = 0;
  // Runs the event loop until `done` holds or `limit_ms` (virtual or wall milliseconds) pass; returns done().
  virtual bool run_until(const std::function<bool()>& done, int64_t limit_ms) = 0;
  virtual bool simulated() const = 0;
  virtual const char* name() const = 0;
};

class SimHarness : public RuntimeHarness {
 public:
  explicit SimHarness(uint64_t seed = 1);
  runtime::Runtime& runtime() override { return *sim_; }
  std::string server_listen_address() const override { return "server:10911"; }
  std::string dead_address() const override { return "server:10999"; }
  bool run_until(const std::function<bool()>& done, int64_t limit_ms) override;
  bool simulated() const override { return true; }
  const char* name() const override { return "sim"; }
  sim::SimRuntime& sim() { return *sim_; }

 private:
  std::unique_ptr<sim::SimRuntime> sim_;
};

class AsioHarness : public RuntimeHarness {
 public:
  AsioHarness();
  runtime::Runtime& runtime() override { return *asio_; }
  std::string server_listen_address() const override { return "127.0.0.1:0"; }
  std::string dead_address() const override;
  bool run_until(const std::function<bool()>& done, int64_t limit_ms) override;
  bool simulated() const override { return false; }
  const char* name() const override { return "asio"; }

 private:
  std::unique_ptr<runtime::AsioRuntime> asio_;
  std::string dead_address_;
};

// The definitions live here (inline) so that no test-only code enters the rmqsim_sim library.

inline SimHarness::SimHarness(uint64_t seed) {
  sim::SimOptions options;
  options.seed = seed;
  sim_ = std::make_unique<sim::SimRuntime>(options);
}

inline bool SimHarness::run_until(const std::function<bool()>& done, int64_t limit_ms) {
  sim_->run_until(done, sim_->now() + runtime::millis(limit_ms));
  return done();
}

inline AsioHarness::AsioHarness() {
  runtime::AsioRuntimeOptions options;
  options.seed = 1;
  asio_ = std::make_unique<runtime::AsioRuntime>(options);
  // A port that was free a moment ago: listen on port 0, note the port, close the listener.
  auto listener = asio_->listen("127.0.0.1:0", [](runtime::ConnectionPtr) {});
  dead_address_ = listener.ok() ? listener.value()->address() : "127.0.0.1:1";
  if (listener.ok()) listener.value()->close();
  asio_->poll();
}

inline std::string AsioHarness::dead_address() const { return dead_address_; }

inline bool AsioHarness::run_until(const std::function<bool()>& done, int64_t limit_ms) {
  return asio_->run_until(done, runtime::millis(limit_ms));
}

inline std::unique_ptr<RuntimeHarness> make_harness(const std::string& kind) {
  if (kind == "sim") return std::make_unique<SimHarness>();
  return std::make_unique<AsioHarness>();
}

}  // namespace rmq::testing
