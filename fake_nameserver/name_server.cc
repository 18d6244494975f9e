#include "fake_nameserver/name_server.h"

#include <algorithm>
#include <utility>

#include "core/protocol/header_fields.h"
#include "core/protocol/message_codec.h"
#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"
#include "fake_nameserver/register_codec.h"
#include "fake_nameserver/route_table.h"
#include "fake_nameserver/server_log.h"

namespace rmq::fake {
namespace {

using remoting::RemotingCommand;
using remoting::RequestContext;
using remoting::Responder;
namespace request_code = protocol::request_code;
namespace response_code = protocol::response_code;

// FAQUrl.suggestTodo(FAQUrl.APPLY_TOPIC_URL)
constexpr std::string_view kApplyTopicFaq = "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

// An answer produced by an exception in a Java processor: SYSTEM_ERROR, and always a JSON header (the captures
// show such answers in JSON even for ROCKETMQ requests).
RemotingCommand exception_response(const RemotingCommand& request, std::string remark) {
  RemotingCommand response = remoting::make_response(request, response_code::kSystemError, std::move(remark));
  response.header_serialize = remoting::SerializeType::kJson;
  return response;
}

}  // namespace

struct FakeNameServer::Impl {
  Impl(runtime::Runtime& rt, NameServerOptions opts)
      : runtime(rt), options(std::move(opts)), server(rt, server_options(options)) {}

  static remoting::RemotingServerOptions server_options(const NameServerOptions& o) {
    remoting::RemotingServerOptions s;
    s.idle_timeout_ms = o.idle_timeout_ms;
    s.max_connections = o.max_connections;
    s.max_frame_length = o.max_frame_length;
    return s;
  }

  void install();
  void on_route(const RemotingCommand& request, const Responder& respond, const RequestContext& ctx);
  void on_cluster_info(const RemotingCommand& request, const Responder& respond, const RequestContext& ctx);
  void on_register(const RemotingCommand& request, const Responder& respond, const RequestContext& ctx);
  void on_unregister(const RemotingCommand& request, const Responder& respond, const RequestContext& ctx);
  void on_unknown(const RemotingCommand& request, const RequestContext& ctx);
  void on_closed(const remoting::ChannelPtr& channel);
  void arm_scan();
  void scan();

  // Sends `response` and writes the request's log line.
  void answer(const Responder& respond, const RequestContext& ctx, const RemotingCommand& request,
              RemotingCommand response, const std::string& detail);
  void log(const std::string& line) const {
    if (options.log) options.log(line);
  }
  int64_t now_ms() const { return runtime.now() / runtime::kMicrosPerMilli; }

  runtime::Runtime& runtime;
  NameServerOptions options;
  remoting::RemotingServer server;
  RouteTable table;
  runtime::TimerId scan_timer = runtime::kNoTimer;
  std::optional<int64_t> started_ms;  // set by start(): the scan schedule counts from it
};

void FakeNameServer::Impl::install() {
  auto& d = server.dispatcher();
  // 4.9.8's DefaultRequestProcessor returns null for codes it does not know: no answer at all.
  d.set_answer_unknown_codes(false);
  auto bind = [this](void (Impl::*fn)(const RemotingCommand&, const Responder&, const RequestContext&)) {
    return [this, fn](const RequestContext& ctx, RemotingCommand request, Responder respond) {
      (this->*fn)(request, respond, ctx);
    };
  };
  d.register_handler(request_code::kGetRouteinfoByTopic, bind(&Impl::on_route));
  d.register_handler(request_code::kGetBrokerClusterInfo, bind(&Impl::on_cluster_info));
  d.register_handler(request_code::kRegisterBroker, bind(&Impl::on_register));
  d.register_handler(request_code::kUnregisterBroker, bind(&Impl::on_unregister));
  d.set_default_handler([this](const RequestContext& ctx, RemotingCommand request, Responder) {
    on_unknown(request, ctx);
  });
  server.on_connection_closed(
      [this](const remoting::ChannelPtr& channel, runtime::CloseReason) { on_closed(channel); });
  // The server has already closed the connection (as 4.9.8 does); say so, since the client gets no answer.
  server.on_decode_error([this](const remoting::Channel& channel, const remoting::DecodeError& error) {
    log("namesrv " + server.address() + ": " + malformed_frame_line(channel, error));
  });
}

void FakeNameServer::Impl::answer(const Responder& respond, const RequestContext& ctx, const RemotingCommand& request,
                                  RemotingCommand response, const std::string& detail) {
  if (options.log && options.log_requests) {
    // A oneway request's answer is dropped by the responder: say so rather than claim an answer went out.
    log("namesrv " + server.address() + ": " + request_summary(request, *ctx.channel) +
        (detail.empty() ? "" : " " + detail) + (request.is_oneway() ? " oneway, not answered: " : " -> ") +
        response_code_label(response.code));
  }
  respond(std::move(response));
}

void FakeNameServer::Impl::on_route(const RemotingCommand& request, const Responder& respond,
                                    const RequestContext& ctx) {
  // Read the ext directly: 4.9.8 goes on with a null topic when the field is missing (answering 17 "null").
  std::optional<std::string_view> topic = request.ext("topic");
  std::optional<std::string_view> standard = request.ext("acceptStandardJsonOnly");
  bool standard_only = standard && protocol::parse_java_boolean(*standard);
  std::string topic_text = topic ? std::string(*topic) : "null";
  auto route = topic ? table.route(std::string(*topic)) : std::nullopt;
  if (!route) {
    std::string remark = "No topic route info in name server for the topic: " + topic_text;
    remark += kApplyTopicFaq;
    answer(respond, ctx, request, remoting::make_response(request, response_code::kTopicNotExist, remark),
           "topic=" + topic_text);
    return;
  }
  RemotingCommand response = remoting::make_response(request, response_code::kSuccess);
  auto keys = protocol::route_key_style_for(request.version, standard_only);
  response.body = protocol::encode_topic_route_data(*route, keys);
  answer(respond, ctx, request, std::move(response), "topic=" + topic_text);
}

void FakeNameServer::Impl::on_cluster_info(const RemotingCommand& request, const Responder& respond,
                                           const RequestContext& ctx) {
  RemotingCommand response = remoting::make_response(request, response_code::kSuccess);
  response.body = table.encode_cluster_info();
  answer(respond, ctx, request, std::move(response), "");
}

void FakeNameServer::Impl::on_register(const RemotingCommand& request, const Responder& respond,
                                       const RequestContext& ctx) {
  auto header = RegisterBrokerRequestHeader::from_ext(request.ext_fields.value_or(remoting::ExtFields{}));
  if (!header.ok()) {
    answer(respond, ctx, request, exception_response(request, header.error().message), "bad header");
    return;
  }
  std::string who = "broker=" + header->brokerName + "/" + std::to_string(header->brokerId) + "@" +
                    header->brokerAddr;
  int32_t crc = header->bodyCrc32.value_or(0);
  if (crc != 0 && protocol::body_crc(request.body) != crc) {
    RemotingCommand response = remoting::make_response(request, response_code::kSystemError, "crc32 not match");
    response.ext_fields = RegisterBrokerResponseHeader{}.to_ext();
    answer(respond, ctx, request, std::move(response), who);
    return;
  }
  RegisterBrokerBody body;  // no body: data version 0/0 and no topics, as Java does
  if (header->compressed) {
    answer(respond, ctx, request,
           exception_response(request, "rmqsim fake nameserver: compressed RegisterBrokerBody is not supported"),
           who);
    return;
  }
  if (!request.body.empty()) {
    auto parsed = parse_register_broker_body(request.body);
    if (!parsed.ok()) {
      answer(respond, ctx, request,
             exception_response(request, "org.apache.rocketmq.remoting.exception.RemotingCommandException: "
                                         "Failed to decode RegisterBrokerBody (" + parsed.error().message + ")"),
             who);
      return;
    }
    body = std::move(parsed).value();
  }
  RegisterInput input;
  input.broker = BrokerRegistration{header->clusterName, header->brokerName, header->brokerId, header->brokerAddr,
                                    std::move(body.topics), header->haServerAddr, true};
  input.ha_server_addr = header->haServerAddr;
  input.data_version = body.data_version;
  input.channel_id = ctx.channel->id();
  RegisterOutput out = table.register_broker(input, now_ms());
  arm_scan();
  RemotingCommand response = remoting::make_response(request, response_code::kSuccess);
  response.ext_fields = RegisterBrokerResponseHeader{out.ha_server_addr, out.master_addr}.to_ext();
  answer(respond, ctx, request, std::move(response), who);
}

void FakeNameServer::Impl::on_unregister(const RemotingCommand& request, const Responder& respond,
                                         const RequestContext& ctx) {
  auto header = UnRegisterBrokerRequestHeader::from_ext(request.ext_fields.value_or(remoting::ExtFields{}));
  if (!header.ok()) {
    answer(respond, ctx, request, exception_response(request, header.error().message), "bad header");
    return;
  }
  table.unregister_broker(header->clusterName, header->brokerAddr, header->brokerName, header->brokerId);
  answer(respond, ctx, request, remoting::make_response(request, response_code::kSuccess),
         "broker=" + header->brokerName + "/" + std::to_string(header->brokerId) + "@" + header->brokerAddr);
}

void FakeNameServer::Impl::on_unknown(const RemotingCommand& request, const RequestContext& ctx) {
  log("namesrv " + server.address() + ": request code " + request_code_label(request.code) + " (opaque " +
      std::to_string(request.opaque) + ", from " + ctx.channel->remote_address() +
      ") is not served by a 4.9.8 nameserver: no answer, connection kept open");
}

void FakeNameServer::Impl::on_closed(const remoting::ChannelPtr& channel) {
  if (auto addr = table.drop_channel(channel->id())) {
    log("namesrv " + server.address() + ": broker " + *addr + " dropped: its registering connection closed");
  }
}

// Java scans at a fixed rate from start (initial delay, then every period). The timer is armed only while a
// registration can expire, at the next tick of that schedule, so the expiry times are Java's and a simulation
// whose brokers are all static can still go idle.
void FakeNameServer::Impl::arm_scan() {
  if (!started_ms || scan_timer != runtime::kNoTimer || !table.has_expiring()) return;
  int64_t tick = *started_ms + options.scan_initial_delay_ms;
  int64_t now = now_ms();
  if (tick <= now) {
    int64_t period = std::max<int64_t>(options.scan_period_ms, 1);
    tick += ((now - tick) / period + 1) * period;
  }
  scan_timer = runtime.after(runtime::millis(tick - now), [this] {
    scan_timer = runtime::kNoTimer;
    scan();
    arm_scan();
  });
}

void FakeNameServer::Impl::scan() {
  for (const DroppedBroker& d : table.expire(now_ms(), options.broker_expiry_ms)) {
    log("namesrv " + server.address() + ": broker " + d.broker_addr + " expired (last registration " +
        std::to_string(now_ms() - d.last_update_ms) + " ms ago)");
    // RemotingUtil.closeChannel: the nameserver closes the stale broker's connection.
    if (auto channel = server.channel(d.channel_id)) channel->close();
  }
}

FakeNameServer::FakeNameServer(runtime::Runtime& runtime, NameServerOptions options)
    : impl_(std::make_unique<Impl>(runtime, std::move(options))) {
  impl_->install();
}

FakeNameServer::~FakeNameServer() { shutdown(); }

Status FakeNameServer::start(const std::string& listen_address) {
  Status status = impl_->server.start(listen_address);
  if (!status.ok()) return status;
  impl_->started_ms = impl_->now_ms();
  impl_->arm_scan();
  return status;
}

void FakeNameServer::shutdown() {
  if (impl_->scan_timer != runtime::kNoTimer) impl_->runtime.cancel(impl_->scan_timer);
  impl_->scan_timer = runtime::kNoTimer;
  impl_->started_ms.reset();
  impl_->server.shutdown();
}

const std::string& FakeNameServer::address() const { return impl_->server.address(); }

void FakeNameServer::register_broker(const BrokerRegistration& registration) {
  RegisterInput input;
  input.broker = registration;
  input.ha_server_addr = registration.ha_server_addr;
  input.expires = registration.expires;
  impl_->table.register_broker(input, impl_->now_ms());
  impl_->arm_scan();
}

void FakeNameServer::unregister_broker(const std::string& cluster, const std::string& broker_name,
                                       int64_t broker_id) {
  std::string addr = impl_->table.broker_addr(broker_name, broker_id).value_or("");
  impl_->table.unregister_broker(cluster, addr, broker_name, broker_id);
}

void FakeNameServer::drop_broker(const std::string& broker_addr) { impl_->table.drop_broker_addr(broker_addr); }

std::optional<protocol::TopicRouteData> FakeNameServer::route(const std::string& topic) const {
  return impl_->table.route(topic);
}

std::string FakeNameServer::cluster_info_body() const { return impl_->table.encode_cluster_info(); }

remoting::RemotingServer& FakeNameServer::server() { return impl_->server; }

}  // namespace rmq::fake
