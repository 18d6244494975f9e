#include "core/runtime/asio_runtime.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cassert>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/runtime/asio_connection.h"

namespace rmq::runtime {

namespace {

using detail::AsioConnection;
using detail::AsioListener;
using detail::error_code;
using detail::tcp;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using detail::bounded;
using detail::kMaxDelay;

// The runtime whose loop the current thread is running, if any: tells run_sync() it is already on the event
// thread, whichever of the two driving modes is in use.
thread_local const void* tl_loop_owner = nullptr;

class LoopScope {
 public:
  explicit LoopScope(const void* owner) : previous_(tl_loop_owner) { tl_loop_owner = owner; }
  ~LoopScope() { tl_loop_owner = previous_; }
  LoopScope(const LoopScope&) = delete;
  LoopScope& operator=(const LoopScope&) = delete;

 private:
  const void* previous_;
};

uint64_t draw_seed() {
  std::random_device device;
  uint64_t seed = (uint64_t{device()} << 32) | device();
  return seed != 0 ? seed : 1;  // 0 means "draw one"; keep the reported seed reproducible
}

// Weak references to what the runtime handed out, so its destructor can reach the survivors. Expired entries are
// dropped whenever the list doubles, which keeps adding amortized O(1).
template <typename T>
class Registry {
 public:
  void add(const std::shared_ptr<T>& item) {
    if (items_.size() >= prune_at_) {
      std::erase_if(items_, [](const std::weak_ptr<T>& w) { return w.expired(); });
      prune_at_ = std::max<size_t>(16, 2 * items_.size());
    }
    items_.push_back(item);
  }
  template <typename F>
  void for_each_live(F&& f) {
    for (auto& weak : items_) {
      if (auto item = weak.lock()) f(*item);
    }
  }

 private:
  std::vector<std::weak_ptr<T>> items_;
  size_t prune_at_ = 16;
};

Error listen_error(const std::string& address, const char* step, const error_code& ec) {
  int code = net_error::kOther;
  if (ec == asio::error::address_in_use) code = net_error::kAddressInUse;
  if (ec == boost::system::errc::address_not_available) code = net_error::kBadAddress;
  return {code, std::string("listen on ") + address + ": " + step + ": " + ec.message()};
}

}  // namespace

class AsioRuntime::Impl {
 public:
  explicit Impl(AsioRuntimeOptions opts)
      : options(std::move(opts)), seed(options.seed != 0 ? options.seed : draw_seed()), rng(seed) {}

  // Runs after the background thread has stopped: close everything the user may still hold while the
  // io_context exists; the members' destruction then drops every pending handler uncalled.
  ~Impl() {
    connections.for_each_live([](AsioConnection& c) { c.abandon(); });
    listeners.for_each_live([](AsioListener& l) { l.abandon(); });
    wakeup.cancel();
    work.reset();
  }

  Micros now() const { return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count(); }

  TimerId after(Micros delay, std::function<void()> fn) {
    Micros due = now() + std::clamp<Micros>(delay, 0, kMaxDelay);
    TimerId id = next_timer++;
    timers.emplace(std::pair{due, id}, std::move(fn));
    timer_due.emplace(id, due);
    arm();
    return id;
  }

  bool cancel(TimerId id) {
    auto it = timer_due.find(id);
    if (it == timer_due.end()) return false;
    timers.erase(std::pair{it->second, id});
    timer_due.erase(it);
    return true;  // a wakeup armed for it just finds nothing due
  }

  // One steady_timer serves the whole queue, armed for the earliest deadline, so ties and delay-0 timers keep
  // registration order (Asio's own timer heap does not promise that).
  void arm() {
    if (timers.empty()) return;
    Micros due = timers.begin()->first.first;
    if (armed && *armed <= due) return;  // an earlier wakeup is pending; fire_due() re-arms after it
    armed = due;
    uint64_t generation = ++wakeup_generation;
    wakeup.expires_at(start + std::chrono::microseconds(due));
    wakeup.async_wait([this, generation](const error_code& ec) {
      // A superseded wait may complete before its cancellation lands; only the latest one counts.
      if (ec || generation != wakeup_generation) return;
      armed.reset();
      fire_due();
    });
  }

  void fire_due() {
    struct Rearm {  // even when a callback throws out of the loop, the remaining timers stay scheduled
      Impl* impl;
      ~Rearm() { impl->arm(); }
    } rearm{this};
    Micros now_us = now();
    // Timers added by these callbacks (even with delay 0) wait for the next turn, so I/O gets its turn too.
    TimerId limit = next_timer;
    while (!timers.empty()) {
      auto it = timers.begin();
      auto [due, id] = it->first;
      if (due > now_us || id >= limit) break;
      std::function<void()> fn = std::move(it->second);
      timers.erase(it);
      timer_due.erase(id);
      fn();
    }
  }

  void connect(const std::string& address, Micros timeout, std::function<void(Result<ConnectionPtr>)> done) {
    detail::start_connect(io, address, timeout, [this](tcp::socket socket) { return adopt(std::move(socket)); },
                          std::move(done));
  }

  Result<ListenerPtr> listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept) {
    std::string full = address;
    if (!full.empty() && full.front() == ':') {
      const std::string& host = options.default_bind;
      full = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + full;
    }
    auto target = detail::split_address(full);
    error_code ec;
    asio::ip::address ip;
    if (target) ip = asio::ip::make_address(target->host, ec);
    if (!target || ec) return Error{net_error::kBadAddress, "cannot listen on \"" + address + "\": not ip:port"};
    tcp::endpoint endpoint(ip, target->port);
    tcp::acceptor acceptor(io);
    if (acceptor.open(endpoint.protocol(), ec); ec) return listen_error(full, "open", ec);
    // SO_REUSEADDR: a restarted fake broker may bind its port while old connections sit in TIME_WAIT.
    if (acceptor.set_option(tcp::acceptor::reuse_address(true), ec); ec) return listen_error(full, "option", ec);
    if (acceptor.bind(endpoint, ec); ec) return listen_error(full, "bind", ec);
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return listen_error(full, "listen", ec);
    auto listener = std::make_shared<AsioListener>(
        std::move(acceptor),
        [this, on_accept = std::move(on_accept)](tcp::socket socket) { on_accept(adopt(std::move(socket))); });
    listener->start();
    listeners.add(listener);
    return ListenerPtr(listener);
  }

  std::shared_ptr<AsioConnection> adopt(tcp::socket socket) {
    if (!read_buffer) read_buffer = std::make_shared<std::vector<char>>(std::max<size_t>(options.read_chunk, 1));
    detail::ConnectionLimits limits{options.send_buffer_limit, read_buffer,
                                    std::clamp<Micros>(options.close_linger, 0, kMaxDelay)};
    auto connection = std::make_shared<AsioConnection>(next_connection++, std::move(socket), limits);
    connections.add(connection);
    return connection;
  }

  // Before the caller's thread runs the loop (mode a). A stopped io_context returns from run*() at once until
  // restarted.
  void prepare_to_run() {
    assert(!background_running() && "the loop runs on the background thread; use post() or run_sync()");
    if (io.stopped()) io.restart();
  }

  bool background_running() {
    std::lock_guard lock(thread_mu);
    return thread_running;
  }

  const AsioRuntimeOptions options;
  const uint64_t seed;
  std::mt19937_64 rng;
  const Clock::time_point start = Clock::now();

  // Declared first among the Asio members so that it is destroyed last, after everything bound to it.
  asio::io_context io{1};  // concurrency hint: one thread runs it at a time
  // Keeps run*() waiting when nothing is pending, instead of returning (and run_until() spinning).
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::steady_timer wakeup{io};

  std::map<std::pair<Micros, TimerId>, std::function<void()>> timers;  // by (deadline, id)
  std::unordered_map<TimerId, Micros> timer_due;
  TimerId next_timer = 1;
  std::optional<Micros> armed;  // deadline of the pending wakeup, if any
  uint64_t wakeup_generation = 0;

  uint64_t next_connection = 1;
  std::shared_ptr<std::vector<char>> read_buffer;  // shared by every connection (detail::ConnectionLimits)
  Registry<AsioConnection> connections;
  Registry<AsioListener> listeners;

  std::mutex thread_mu;
  bool thread_running = false;  // guarded by thread_mu
  std::thread thread;
};

AsioRuntime::AsioRuntime(AsioRuntimeOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

AsioRuntime::~AsioRuntime() {
  assert(!on_event_thread() && "an AsioRuntime cannot be destroyed from its own callbacks");
  stop();
  impl_.reset();
}

Micros AsioRuntime::now() const { return impl_->now(); }

int64_t AsioRuntime::wall_clock_ms() const {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
}

TimerId AsioRuntime::after(Micros delay, std::function<void()> fn) { return impl_->after(delay, std::move(fn)); }
bool AsioRuntime::cancel(TimerId id) { return impl_->cancel(id); }
uint64_t AsioRuntime::random() { return impl_->rng(); }
uint64_t AsioRuntime::seed() const { return impl_->seed; }
const AsioRuntimeOptions& AsioRuntime::options() const { return impl_->options; }

void AsioRuntime::connect(const std::string& address, Micros timeout,
                          std::function<void(Result<ConnectionPtr>)> done) {
  impl_->connect(address, timeout, std::move(done));
}

Result<ListenerPtr> AsioRuntime::listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept) {
  return impl_->listen(address, std::move(on_accept));
}

bool AsioRuntime::run_until(const std::function<bool()>& done, Micros wall_timeout) {
  LoopScope scope(impl_.get());
  impl_->prepare_to_run();
  auto deadline = Clock::now() + bounded(wall_timeout);
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    impl_->io.run_one_until(deadline);
  }
  return true;
}

size_t AsioRuntime::run_for(Micros duration) {
  LoopScope scope(impl_.get());
  impl_->prepare_to_run();
  return impl_->io.run_for(bounded(duration));
}

size_t AsioRuntime::poll() {
  LoopScope scope(impl_.get());
  impl_->prepare_to_run();
  return impl_->io.poll();
}

void AsioRuntime::start_thread() {
  std::lock_guard lock(impl_->thread_mu);
  assert(!impl_->thread_running && "start_thread() twice");
  if (impl_->io.stopped()) impl_->io.restart();
  impl_->thread_running = true;
  impl_->thread = std::thread([impl = impl_.get()] {
    LoopScope scope(impl);
    impl->io.run();
  });
}

void AsioRuntime::stop() {
  {
    std::lock_guard lock(impl_->thread_mu);
    if (!impl_->thread_running) return;
    assert(!on_event_thread() && "stop() from the event thread would wait for itself");
    impl_->thread_running = false;
    // Queued behind every run_sync() accepted so far (they post under this lock), so none is left waiting.
    asio::post(impl_->io, [impl = impl_.get()] { impl->io.stop(); });
  }
  impl_->thread.join();
}

bool AsioRuntime::on_event_thread() const { return tl_loop_owner == impl_.get(); }

void AsioRuntime::post(std::function<void()> fn) { asio::post(impl_->io, std::move(fn)); }

void AsioRuntime::run_sync_erased(const std::function<void()>& fn) {
  if (on_event_thread()) return fn();
  std::promise<void> finished;
  std::future<void> result = finished.get_future();
  {
    std::unique_lock lock(impl_->thread_mu);
    if (!impl_->thread_running) {
      lock.unlock();
      return fn();  // nobody runs the loop in the background: the caller's thread is the event thread
    }
    asio::post(impl_->io, [&fn, &finished] {
      try {
        fn();
        finished.set_value();
      } catch (...) {
        finished.set_exception(std::current_exception());
      }
    });
  }
  result.get();
}

}  // namespace rmq::runtime
