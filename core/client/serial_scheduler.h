// SerialScheduler: the MQClientInstance's single scheduler thread ("MQClientFactoryScheduledThread", spec §1.5)
// for an event-driven core. Tasks run at a fixed rate (scheduleAtFixedRate: the k-th run is due at
// initial + k * period), one at a time: a task that is still running (it may wait for the network) delays every
// other task, as the one Java thread does, and a late task catches up right after. Ties run in the order the
// tasks were added (Java's sequence numbers).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/runtime/runtime.h"

namespace rmq::client {

class SerialScheduler {
 public:
  // A task calls `done` once it has finished (immediately, or after its asynchronous work).
  using Task = std::function<void(std::function<void()> done)>;

  explicit SerialScheduler(runtime::Runtime& runtime) : runtime_(runtime) {}
  ~SerialScheduler() { stop(); }
  SerialScheduler(const SerialScheduler&) = delete;
  SerialScheduler& operator=(const SerialScheduler&) = delete;

  void schedule_at_fixed_rate(std::string name, int64_t initial_delay_ms, int64_t period_ms, Task task);
  // Nothing runs after stop() (a running task's done() is ignored).
  void stop();
  bool running_task() const { return busy_; }
  // Runs so far, per task name (for tests and traces).
  uint64_t runs(const std::string& name) const;

 private:
  struct Entry {
    std::string name;
    int64_t next_ms;
    int64_t period_ms;
    Task task;
    uint64_t runs = 0;
  };
  void pump();
  void arm(int64_t due_ms);
  int64_t now_ms() const { return runtime_.now() / runtime::kMicrosPerMilli; }

  runtime::Runtime& runtime_;
  std::vector<Entry> entries_;
  bool busy_ = false;
  bool stopped_ = false;
  runtime::TimerId timer_ = runtime::kNoTimer;
  int64_t timer_due_ms_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rmq::client
