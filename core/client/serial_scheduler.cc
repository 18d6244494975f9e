#include "core/client/serial_scheduler.h"

namespace rmq::client {

void SerialScheduler::schedule_at_fixed_rate(std::string name, int64_t initial_delay_ms, int64_t period_ms,
                                             Task task) {
  entries_.push_back(Entry{std::move(name), now_ms() + initial_delay_ms, period_ms, std::move(task)});
  // Never inside this call, even for a task due now.
  std::weak_ptr<int> alive = alive_;
  runtime_.after(0, [this, alive] {
    if (!alive.expired()) pump();
  });
}

void SerialScheduler::stop() {
  stopped_ = true;
  if (timer_ != runtime::kNoTimer) runtime_.cancel(timer_);
  timer_ = runtime::kNoTimer;
  alive_ = std::make_shared<int>(0);
}

uint64_t SerialScheduler::runs(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.name == name) return e.runs;
  return 0;
}

void SerialScheduler::pump() {
  if (stopped_ || busy_ || entries_.empty()) return;
  Entry* next = &entries_.front();
  for (auto& e : entries_)
    if (e.next_ms < next->next_ms) next = &e;
  if (next->next_ms > now_ms()) return arm(next->next_ms);
  busy_ = true;
  next->next_ms += next->period_ms;
  ++next->runs;
  std::weak_ptr<int> alive = alive_;
  auto finished = std::make_shared<bool>(false);
  Task task = next->task;  // the task may schedule more tasks, which moves the entries
  task([this, alive, finished] {
    if (alive.expired() || *finished) return;
    *finished = true;
    busy_ = false;
    // Continue from the event loop: a task that finished inline must not start the next one inside itself.
    runtime_.after(0, [this, alive] {
      if (!alive.expired()) pump();
    });
  });
}

void SerialScheduler::arm(int64_t due_ms) {
  if (timer_ != runtime::kNoTimer) {
    if (timer_due_ms_ == due_ms) return;
    runtime_.cancel(timer_);
  }
  timer_due_ms_ = due_ms;
  std::weak_ptr<int> alive = alive_;
  timer_ = runtime_.after(runtime::millis(due_ms - now_ms()), [this, alive] {
    if (alive.expired()) return;
    timer_ = runtime::kNoTimer;
    pump();
  });
}

}  // namespace rmq::client
