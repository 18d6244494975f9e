// FakeBroker::Impl: the broker's state and its request processors. Each area lives in its own file:
// broker.cc (wiring, lifecycle, nameserver), send_processor.cc (10/310), pull_processor.cc (11 + long polling),
// offset_processor.cc (14/15/29/30/31/32), client_processor.cc (34/35/38 + notify), send_back.cc (36 + delayed
// delivery), admin_processor.cc (17), faults.cc (fault hooks around every handler, the request log line, code 3
// for codes without a processor).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/protocol/message_codec.h"
#include "core/remoting/remoting_server.h"
#include "fake_broker/broker.h"
#include "fake_broker/consumer_manager.h"
#include "fake_broker/rebalance_lock.h"
#include "fake_broker/message_store.h"
#include "fake_broker/topic_config.h"

namespace rmq::fake {

using remoting::ChannelPtr;
using remoting::RemotingCommand;
using remoting::RequestContext;
using remoting::Responder;

// FAQUrl.suggestTodo(...) as the broker appends it.
inline constexpr std::string_view kFaqSuffix = "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

// A code-1 answer made from a Java exception in a processor: always a JSON header (even for a ROCKETMQ request),
// no extFields, remark "<exception>, <first stack frame>" (RemotingHelper.exceptionSimpleDesc).
RemotingCommand exception_response(const RemotingCommand& request, std::string remark);
// JDK 17's helpful NPE text for unboxing a null header field: `box` "Integer" / "Long", `where` the stack frame.
// The frames (class, method, line) are 4.9.8's where captured; elsewhere they name the method without a line
// (documented deviation: the real text depends on the JDK and the source line).
std::string npe_unbox(std::string_view box, std::string_view header_class, std::string_view field,
                      std::string_view where);
// The NPE of ConcurrentHashMap.get(null) (a null group or topic used as a key).
std::string npe_null_key();

// Lenient header reads, as Java's decodeCommandCustomHeader leaves a missing or unparsable field null.
std::optional<std::string> ext_string(const RemotingCommand& request, std::string_view key);
std::optional<int32_t> ext_int(const RemotingCommand& request, std::string_view key);
std::optional<int64_t> ext_long(const RemotingCommand& request, std::string_view key);
bool ext_bool(const RemotingCommand& request, std::string_view key);

// "a.b.c.d:port" as a stored host; anything else (simulated host names) as 0.0.0.0:0.
protocol::HostAddress host_address_of(const std::string& address);

struct SendFields;
struct PullFields;

struct FakeBroker::Impl {
  using Handler = void (Impl::*)(const RequestContext&, RemotingCommand, Responder);

  Impl(runtime::Runtime& runtime, BrokerOptions options);
  ~Impl();

  // broker.cc
  Status start(const std::string& listen_address);
  void stop_server();
  void install_handlers();
  void register_with_name_server();
  void arm_register_timer();
  BrokerRegistration registration() const;
  int32_t broker_perm() const;
  void on_channel_closed(const ChannelPtr& channel);
  void log(const std::string& line) const;
  void crash();
  std::shared_ptr<int> alive_token() const { return alive; }

  // faults.cc (with the per-request log line)
  void on_request(Handler handler, const RequestContext& ctx, RemotingCommand request, Responder respond);
  void run_request(const FaultRule* rule, Handler handler, const RequestContext& ctx, RemotingCommand request,
                   Responder respond);
  void handle_unsupported(const RequestContext& ctx, const RemotingCommand& request);
  const FaultRule* pick_fault(int32_t code);
  void apply_fault(const FaultRule& rule, Handler handler, const RequestContext& ctx, RemotingCommand request,
                   Responder respond);

  // send_processor.cc
  void handle_send(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void store_send(const RequestContext& ctx, RemotingCommand request, const SendFields& fields,
                  const std::string& store_topic, int32_t queue_id, Responder respond);
  void message_stored(const PutResult& put);
  bool create_send_back_topic(const std::string& topic, int32_t queue_nums, int32_t perm, int32_t sys_flag);

  // pull_processor.cc
  void handle_pull(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void process_pull(const ChannelPtr& channel, const RemotingCommand& request, bool allow_suspend, bool wakeup,
                    Responder respond);
  std::optional<std::pair<int32_t, std::string>> pull_subscription(const RemotingCommand& request,
                                                                   const PullFields& fields,
                                                                   protocol::SubscriptionData& out) const;
  void answer_pull(const ChannelPtr& channel, const RemotingCommand& request, const PullFields& fields,
                   const protocol::SubscriptionData& subscription, bool allow_suspend, RemotingCommand response,
                   Responder respond);
  void hold_pull(const ChannelPtr& channel, const RemotingCommand& request, int64_t timeout_ms,
                 std::optional<protocol::SubscriptionData> filter, Responder respond);
  void wake_held_pulls(const std::string& topic, int32_t queue_id, int64_t tags_code);
  void wake_held_pull(uint64_t id);
  void store_offset_moved_event(const std::string& group, const std::string& topic, int32_t queue_id,
                                int64_t requested, int64_t next);

  // offset_processor.cc
  void handle_query_offset(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_update_offset(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_get_max_offset(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_get_min_offset(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_search_offset(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_earliest_time(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void commit_offset(const std::string& group, const std::string& topic, int32_t queue_id, int64_t offset);
  std::optional<int64_t> query_offset(const std::string& group, const std::string& topic, int32_t queue_id) const;

  // client_processor.cc
  void handle_heartbeat(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_unregister(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_consumer_list(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_lock_batch(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void handle_unlock_batch(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void notify_group(const GroupNotice& notice);

  // send_back.cc
  void handle_send_back(const RequestContext& ctx, RemotingCommand request, Responder respond);
  void schedule_delivery(int64_t commit_offset, int64_t delay_ms);
  void deliver_delayed(int64_t commit_offset);
  void rearm_deliveries();

  // admin_processor.cc
  void handle_create_topic(const RequestContext& ctx, RemotingCommand request, Responder respond);

  struct HeldPull {
    std::weak_ptr<remoting::Channel> channel;
    RemotingCommand request;
    std::string topic;
    int32_t queue_id = 0;
    int64_t offset = 0;
    std::optional<protocol::SubscriptionData> filter;
    Responder respond;
    runtime::TimerId timer = runtime::kNoTimer;
  };
  struct PendingDelivery {
    runtime::Micros due = 0;  // runtime time
    runtime::TimerId timer = runtime::kNoTimer;
  };

  runtime::Runtime& runtime;
  BrokerOptions options;
  std::unique_ptr<remoting::RemotingServer> server;
  std::string listen_address;
  std::string advertised;
  protocol::HostAddress store_host;
  std::string broker_ip;  // brokerIP1, named in NO_PERMISSION remarks
  TopicConfigTable topics;
  MessageStore store;
  ConsumerManager consumers;
  RebalanceLockManager locks;
  std::map<std::string, std::map<int32_t, int64_t>> offsets;  // "topic@group" -> queue -> offset
  BrokerFaults faults;
  BrokerStats stats;
  FakeNameServer* name_server = nullptr;
  int32_t next_push_opaque = 1;  // the server's own RemotingCommand counter, for pushed frames
  bool running = false;
  std::map<uint64_t, HeldPull> held;
  uint64_t next_hold_id = 1;
  std::map<int64_t, PendingDelivery> deliveries;  // by commit-log offset of the schedule record
  runtime::TimerId register_timer = runtime::kNoTimer;
  std::shared_ptr<int> alive = std::make_shared<int>(0);
};

}  // namespace rmq::fake
