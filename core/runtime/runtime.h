// The runtime seam (DESIGN §2): everything non-deterministic that the core, the fakes and the simulator touch —
// time, timers, randomness and the network — goes through one Runtime, passed in explicitly (never a global),
// as leveldb's Env. Two implementations: sim::SimRuntime (one thread, virtual time, seeded) and
// runtime::AsioRuntime (one io_context thread, real sockets, real clocks).
//
// Threading contract: a Runtime calls every callback (timers, connect results, accepted connections, data, close
// events) on its own event thread, one at a time, and the core calls the Runtime only from that thread. Nothing
// here blocks. Callbacks are never invoked from inside the call that registered them (a timer of delay 0, a
// refused connect or a send to a dead peer all report later, from the event loop), so callers never re-enter.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/common/byte_io.h"
#include "core/common/status.h"

namespace rmq::runtime {

// Microseconds. Monotonic time and delays use it; the protocol logic works in milliseconds as Java does.
using Micros = int64_t;
inline constexpr Micros kMicrosPerMilli = 1000;
constexpr Micros millis(int64_t ms) { return ms * kMicrosPerMilli; }

using TimerId = uint64_t;
inline constexpr TimerId kNoTimer = 0;

// Why a connection ended, as its handler sees it.
enum class CloseReason : uint8_t {
  kPeerClosed,  // the peer closed gracefully (FIN): bytes it sent before are all delivered first
  kReset,       // reset or broken (RST, I/O error, simulated crash or reset fault): bytes in flight are lost
  kLocal,       // this end called close() — never reported to this end's own handler, listed for traces
};
const char* close_reason_name(CloseReason reason);

// Network errors, as Error codes. Messages name the address.
namespace net_error {
inline constexpr int kRefused = 1;       // nothing listens there (or a refused-connection fault)
inline constexpr int kTimedOut = 2;      // no answer within the connect timeout (partition, unreachable host)
inline constexpr int kBadAddress = 3;    // not "host:port"
inline constexpr int kAddressInUse = 4;  // listen on a taken address
inline constexpr int kOther = 5;
}  // namespace net_error

struct ConnectionHandler {
  // Bytes in arrival order; a view valid only during the call.
  std::function<void(ByteView)> on_data;
  // Called once, when the connection ends for a reason other than this end's close().
  std::function<void(CloseReason)> on_close;
};

// One end of a TCP-like ordered byte stream.
class Connection {
 public:
  virtual ~Connection() = default;

  // Unique within the runtime, never reused; orders connections deterministically.
  virtual uint64_t id() const = 0;
  virtual const std::string& local_address() const = 0;
  virtual const std::string& remote_address() const = 0;

  // Starts delivering data and close events to `handler`. Until then arriving bytes wait (within limits).
  virtual void start(ConnectionHandler handler) = 0;

  // Queues bytes for the peer. Returns false, sending nothing, when the connection is closed or the bytes would
  // take the unsent backlog past the runtime's per-connection send-buffer limit (Netty's write fails the same way
  // once the channel is unwritable or dead); the caller treats that as a failed write.
  virtual bool send(ByteView bytes) = 0;
  virtual size_t send_backlog() const = 0;

  // Graceful close: queued bytes still go out, then the peer sees kPeerClosed. This end gets no on_close.
  virtual void close() = 0;
  virtual bool is_open() const = 0;
};

using ConnectionPtr = std::shared_ptr<Connection>;

class Listener {
 public:
  virtual ~Listener() = default;
  // The bound address, e.g. "127.0.0.1:10911" (with the chosen port when asked for port 0).
  virtual const std::string& address() const = 0;
  // Stops accepting; connections already accepted live on.
  virtual void close() = 0;
};

using ListenerPtr = std::shared_ptr<Listener>;

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Monotonic time since the runtime started.
  virtual Micros now() const = 0;
  // Wall-clock milliseconds since the Unix epoch (message born/store timestamps, like System.currentTimeMillis).
  // The simulator derives it from its virtual clock and a configured epoch.
  virtual int64_t wall_clock_ms() const = 0;

  // Runs `fn` once, `delay` from now (delay <= 0: at the current time, after what is already due).
  virtual TimerId after(Micros delay, std::function<void()> fn) = 0;
  // Returns false when the timer already ran or was cancelled.
  virtual bool cancel(TimerId id) = 0;

  // The runtime's seeded generator: 64 uniformly random bits.
  virtual uint64_t random() = 0;

  // Opens a connection; `done` receives it, or an Error with a net_error code once the attempt failed or
  // `timeout` passed.
  virtual void connect(const std::string& address, Micros timeout,
                       std::function<void(Result<ConnectionPtr>)> done) = 0;

  // Listens on `address` ("host:port"; port 0 picks one); `on_accept` receives each inbound connection, which
  // must be start()ed to receive its bytes.
  virtual Result<ListenerPtr> listen(const std::string& address, std::function<void(ConnectionPtr)> on_accept) = 0;
};

// Splits "host:port". nullopt unless the port is a decimal number within 0..65535 and the host is non-empty.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
std::optional<HostPort> parse_host_port(std::string_view address);

// A uniformly random integer in [0, bound) from the runtime's generator (bound > 0), without modulo bias.
uint64_t random_below(Runtime& runtime, uint64_t bound);

}  // namespace rmq::runtime
