// FakeBroker wiring: lifecycle (start, shutdown, crash, restart), the nameserver registration, channel close
// events, and the small helpers every processor shares.
#include "fake_broker/broker_impl.h"

#include "core/protocol/header_fields.h"
#include "core/protocol/perm.h"
#include "core/protocol/request_code.h"
#include "fake_nameserver/server_log.h"

namespace rmq::fake {

namespace rc = protocol::request_code;

std::vector<int64_t> default_message_delay_levels_ms() {
  constexpr int64_t s = 1000, m = 60 * s, h = 60 * m;
  return {1 * s, 5 * s, 10 * s, 30 * s, 1 * m, 2 * m,  3 * m,  4 * m, 5 * m,
          6 * m, 7 * m, 8 * m,  9 * m,  10 * m, 20 * m, 30 * m, 1 * h, 2 * h};
}

RemotingCommand exception_response(const RemotingCommand& request, std::string remark) {
  RemotingCommand response = remoting::make_response(request, 1, std::move(remark));
  response.header_serialize = remoting::SerializeType::kJson;
  return response;
}

std::string npe_unbox(std::string_view box, std::string_view header_class, std::string_view field,
                      std::string_view where) {
  std::string getter = "get" + std::string(field);
  getter[3] = static_cast<char>(std::toupper(static_cast<unsigned char>(getter[3])));
  std::string prim = box == "Integer" ? "int" : "long";
  return "java.lang.NullPointerException: Cannot invoke \"java.lang." + std::string(box) + "." + prim +
         "Value()\" because the return value of \"org.apache.rocketmq.common.protocol.header." +
         std::string(header_class) + "." + getter + "()\" is null, org.apache.rocketmq.broker.processor." +
         std::string(where);
}

std::string npe_null_key() {
  return "java.lang.NullPointerException: Cannot invoke \"Object.hashCode()\" because \"key\" is null, "
         "java.base/java.util.concurrent.ConcurrentHashMap.get(ConcurrentHashMap.java:936)";
}

std::optional<std::string> ext_string(const RemotingCommand& request, std::string_view key) {
  auto v = request.ext(key);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}
std::optional<int32_t> ext_int(const RemotingCommand& request, std::string_view key) {
  auto v = request.ext(key);
  return v ? protocol::parse_java_int(*v) : std::nullopt;
}
std::optional<int64_t> ext_long(const RemotingCommand& request, std::string_view key) {
  auto v = request.ext(key);
  return v ? protocol::parse_java_long(*v) : std::nullopt;
}
bool ext_bool(const RemotingCommand& request, std::string_view key) {
  auto v = request.ext(key);
  return v && protocol::parse_java_boolean(*v);
}

protocol::HostAddress host_address_of(const std::string& address) {
  auto parsed = protocol::parse_host_address(address);
  if (parsed.ok() && !parsed->is_ipv6()) return parsed.value();
  return protocol::HostAddress{std::string(4, '\0'), 0};
}

FakeBroker::Impl::Impl(runtime::Runtime& rt, BrokerOptions o)
    : runtime(rt),
      options(std::move(o)),
      topics(options.cluster, options.broker_name, options.auto_create_topic, options.default_topic_queue_nums,
             options.topics),
      store(MessageStore::Options{options.max_message_size, options.commit_log_file_size,
                                  options.initial_commit_log_offset, options.message_delay_levels_ms}) {}

FakeBroker::Impl::~Impl() {
  for (auto& [id, h] : held) runtime.cancel(h.timer);
  for (auto& [offset, d] : deliveries) runtime.cancel(d.timer);
  runtime.cancel(register_timer);
  if (server) server->shutdown();
}

void FakeBroker::Impl::log(const std::string& line) const {
  if (options.log) options.log(options.broker_name + ": " + line);
}

int32_t FakeBroker::Impl::broker_perm() const {
  return faults.write_permission_revoked ? protocol::kPermRead : protocol::kPermReadWrite;
}

Status FakeBroker::Impl::start(const std::string& address) {
  listen_address = address;
  remoting::RemotingServerOptions server_options;
  server_options.idle_timeout_ms = options.idle_timeout_ms;
  server_options.max_connections = options.max_connections;
  server_options.max_frame_length = options.max_frame_length;
  server = std::make_unique<remoting::RemotingServer>(runtime, server_options);
  install_handlers();
  std::weak_ptr<int> token = alive;
  server->on_connection_closed([this, token](const ChannelPtr& channel, runtime::CloseReason) {
    if (!token.expired()) on_channel_closed(channel);
  });
  // The server has already closed the connection (as 4.9.8 does); say so, since the client gets no answer.
  server->on_decode_error([this, token](const remoting::Channel& channel, const remoting::DecodeError& error) {
    if (!token.expired()) log(malformed_frame_line(channel, error));
  });
  Status status = server->start(address);
  if (!status.ok()) return status;
  listen_address = server->address();  // a restart reuses the port picked for port 0
  advertised = options.advertised_address.empty() ? server->address() : options.advertised_address;
  store_host = host_address_of(advertised);
  auto hp = runtime::parse_host_port(advertised);
  broker_ip = hp ? hp->host : advertised;
  running = true;
  register_with_name_server();
  arm_register_timer();
  return Status::Ok();
}

void FakeBroker::Impl::install_handlers() {
  auto& d = server->dispatcher();
  auto bind = [this, &d](int32_t code, Handler h) {
    d.register_handler(code, [this, h](const RequestContext& ctx, RemotingCommand request, Responder respond) {
      on_request(h, ctx, std::move(request), std::move(respond));
    });
  };
  bind(rc::kSendMessage, &Impl::handle_send);
  bind(rc::kSendMessageV2, &Impl::handle_send);
  bind(rc::kPullMessage, &Impl::handle_pull);
  bind(rc::kQueryConsumerOffset, &Impl::handle_query_offset);
  bind(rc::kUpdateConsumerOffset, &Impl::handle_update_offset);
  bind(rc::kGetMaxOffset, &Impl::handle_get_max_offset);
  bind(rc::kGetMinOffset, &Impl::handle_get_min_offset);
  bind(rc::kSearchOffsetByTimestamp, &Impl::handle_search_offset);
  bind(rc::kGetEarliestMsgStoretime, &Impl::handle_earliest_time);
  bind(rc::kHeartBeat, &Impl::handle_heartbeat);
  bind(rc::kUnregisterClient, &Impl::handle_unregister);
  bind(rc::kGetConsumerListByGroup, &Impl::handle_consumer_list);
  bind(rc::kConsumerSendMsgBack, &Impl::handle_send_back);
  bind(rc::kLockBatchMq, &Impl::handle_lock_batch);
  bind(rc::kUnlockBatchMq, &Impl::handle_unlock_batch);
  bind(rc::kUpdateAndCreateTopic, &Impl::handle_create_topic);
  // Not through on_request: no faults and no request count for them, as before; only the log line is added.
  d.set_default_handler([this](const RequestContext& ctx, RemotingCommand request, Responder) {
    handle_unsupported(ctx, request);
  });
}

BrokerRegistration FakeBroker::Impl::registration() const {
  BrokerRegistration r;
  r.cluster = options.cluster;
  r.broker_name = options.broker_name;
  r.broker_id = options.broker_id;
  r.broker_addr = advertised;
  r.topics = topics.registration_topics(broker_perm());
  return r;
}

void FakeBroker::Impl::register_with_name_server() {
  if (name_server == nullptr || !running) return;
  ++stats.registrations;
  name_server->register_broker(registration());
}

void FakeBroker::Impl::arm_register_timer() {
  runtime.cancel(register_timer);
  register_timer = runtime::kNoTimer;
  // Only with a nameserver: it expires a broker that stops registering, and a timer nobody needs would keep a
  // simulation from ever going idle.
  if (name_server == nullptr || !running || options.register_period_ms <= 0) return;
  std::weak_ptr<int> token = alive;
  register_timer = runtime.after(runtime::millis(options.register_period_ms), [this, token] {
    if (token.expired()) return;
    register_timer = runtime::kNoTimer;
    register_with_name_server();
    arm_register_timer();
  });
}

void FakeBroker::Impl::on_channel_closed(const ChannelPtr& channel) {
  for (auto it = held.begin(); it != held.end();) {
    if (it->second.channel.lock() == channel || it->second.channel.expired()) {
      runtime.cancel(it->second.timer);
      it = held.erase(it);
    } else {
      ++it;
    }
  }
  for (const GroupNotice& notice : consumers.channel_closed(channel->id())) notify_group(notice);
}

void FakeBroker::Impl::stop_server() {
  if (!server) return;
  server->shutdown();
  // The server may be inside one of its own callbacks (a fault handler crashing the broker): keep it alive.
  std::shared_ptr<remoting::RemotingServer> retired(server.release());
  runtime.after(0, [retired] {});
}

void FakeBroker::Impl::crash() {
  if (!running) return;
  running = false;
  log("crash (store " + std::string(options.keep_store_on_crash ? "kept" : "lost") + ")");
  stop_server();
  for (auto& [id, h] : held) runtime.cancel(h.timer);
  held.clear();
  for (auto& [offset, d] : deliveries) runtime.cancel(d.timer);
  runtime.cancel(register_timer);
  register_timer = runtime::kNoTimer;
  consumers.clear();
  if (name_server != nullptr) name_server->drop_broker(advertised);  // as when a broker's connection drops
  if (!options.keep_store_on_crash) {
    store.clear();
    offsets.clear();
    deliveries.clear();
    topics = TopicConfigTable(options.cluster, options.broker_name, options.auto_create_topic,
                              options.default_topic_queue_nums, options.topics);
  }
}

FakeBroker::FakeBroker(runtime::Runtime& runtime, BrokerOptions options)
    : impl_(std::make_unique<Impl>(runtime, std::move(options))) {}

FakeBroker::~FakeBroker() = default;

Status FakeBroker::start(const std::string& listen_address) { return impl_->start(listen_address); }

void FakeBroker::shutdown() {
  if (!impl_->running) return;
  impl_->running = false;
  impl_->stop_server();
  if (impl_->name_server != nullptr) {
    impl_->name_server->unregister_broker(impl_->options.cluster, impl_->options.broker_name,
                                          impl_->options.broker_id);
  }
}

const std::string& FakeBroker::address() const { return impl_->advertised; }

void FakeBroker::attach_name_server(FakeNameServer* name_server) {
  impl_->name_server = name_server;
  impl_->register_with_name_server();
  impl_->arm_register_timer();
}

BrokerRegistration FakeBroker::registration() const { return impl_->registration(); }

remoting::RemotingServer& FakeBroker::server() { return *impl_->server; }

void FakeBroker::set_faults(BrokerFaults faults) {
  bool perm_changed = faults.write_permission_revoked != impl_->faults.write_permission_revoked;
  impl_->faults = std::move(faults);
  if (perm_changed) impl_->register_with_name_server();
}

const BrokerFaults& FakeBroker::faults() const { return impl_->faults; }

void FakeBroker::crash() { impl_->crash(); }

Status FakeBroker::restart() {
  if (impl_->running) return Status::Ok();
  Status status = impl_->start(impl_->listen_address);
  if (status.ok()) impl_->rearm_deliveries();
  return status;
}

bool FakeBroker::running() const { return impl_->running; }
const BrokerStats& FakeBroker::stats() const { return impl_->stats; }

int64_t FakeBroker::max_offset(const std::string& topic, int32_t queue_id) const {
  return impl_->store.max_offset(topic, queue_id);
}

std::optional<protocol::StoredMessage> FakeBroker::stored_message(const std::string& topic, int32_t queue_id,
                                                                  int64_t offset) const {
  return impl_->store.look_by_queue_offset(topic, queue_id, offset);
}

std::optional<int64_t> FakeBroker::consumer_offset(const std::string& group, const std::string& topic,
                                                   int32_t queue_id) const {
  return impl_->query_offset(group, topic, queue_id);
}

std::vector<std::string> FakeBroker::consumer_ids(const std::string& group) const {
  const ConsumerGroupInfo* info = impl_->consumers.find(group);
  return info ? info->client_ids() : std::vector<std::string>{};
}

bool FakeBroker::has_topic(const std::string& topic) const { return impl_->topics.find(topic) != nullptr; }
size_t FakeBroker::held_pulls() const { return impl_->held.size(); }

}  // namespace rmq::fake
