#include "core/client/client_api.h"

#include <algorithm>
#include <set>

#include "core/protocol/consumer_headers.h"
#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"
#include "core/protocol/route_headers.h"

namespace rmq::client {

namespace {

// Collections.shuffle: for i from size-1 down to 1, swap(i, nextInt(i + 1)).
void java_shuffle(std::vector<std::string>& items, runtime::Runtime& runtime) {
  for (size_t i = items.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(runtime::random_below(runtime, i));
    std::swap(items[i - 1], items[j]);
  }
}

int32_t java_abs(int32_t v) { return v < 0 && v != INT32_MIN ? -v : v; }

}  // namespace

std::string java_list_string(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

ClientApi::ClientApi(runtime::Runtime& runtime, remoting::RemotingClient& remoting, const ClientConfig& config)
    : runtime_(runtime),
      remoting_(remoting),
      config_(config),
      namesrv_index_(static_cast<uint32_t>(runtime::random_below(runtime, 999))) {
  update_name_server_address_list(config.namesrv_addrs);
}

void ClientApi::update_name_server_address_list(std::vector<std::string> addrs) {
  if (addrs.empty()) return;
  bool same = addrs.size() == namesrv_addrs_.size() &&
              std::set<std::string>(addrs.begin(), addrs.end()) ==
                  std::set<std::string>(namesrv_addrs_.begin(), namesrv_addrs_.end());
  if (same) return;
  java_shuffle(addrs, runtime_);
  namesrv_addrs_ = std::move(addrs);
  if (chosen_namesrv_ &&
      std::find(namesrv_addrs_.begin(), namesrv_addrs_.end(), *chosen_namesrv_) == namesrv_addrs_.end())
    chosen_namesrv_.reset();
}

remoting::RemotingCommand ClientApi::make_request(int32_t code, remoting::ExtFields ext) {
  remoting::RemotingCommand cmd = remoting::make_request(code, remoting_.next_opaque(), std::move(ext),
                                                         config_.serialize_type);
  cmd.version = config_.version();
  if (config_.serialize_type == remoting::SerializeType::kRocketMq)
    cmd.serialize_type_current_rpc = remoting::SerializeType::kRocketMq;
  return cmd;
}

// getAndCreateNameserverChannel: keep the chosen address while its channel is OK; otherwise try up to
// list.size() addresses from abs(++namesrvIndex) % size, the first that connects becomes the chosen one.
void ClientApi::choose_name_server(size_t attempts_left, std::function<void(std::optional<std::string>)> done) {
  if (attempts_left == 0 || namesrv_addrs_.empty()) return done(std::nullopt);
  ++namesrv_index_;
  size_t index = static_cast<size_t>(java_abs(static_cast<int32_t>(namesrv_index_))) % namesrv_addrs_.size();
  std::string addr = namesrv_addrs_[index];
  chosen_namesrv_ = addr;
  remoting_.connect(addr, [this, addr, attempts_left, done = std::move(done)](bool ok) mutable {
    if (ok) return done(addr);
    choose_name_server(attempts_left - 1, std::move(done));
  });
}

void ClientApi::invoke_name_server_sync(remoting::RemotingCommand request, int64_t timeout_ms,
                                        remoting::InvokeCallback done) {
  if (chosen_namesrv_ && remoting_.channel_ok(*chosen_namesrv_)) {
    return remoting_.invoke_sync(*chosen_namesrv_, std::move(request), timeout_ms, std::move(done));
  }
  int64_t begin = runtime_.now();
  std::vector<std::string> listed = namesrv_addrs_;
  choose_name_server(listed.size(), [this, begin, listed, timeout_ms, request = std::move(request),
                                     done = std::move(done)](std::optional<std::string> addr) mutable {
    if (!addr) {
      remoting::RemotingError error = remoting::connect_failed(listed.empty() ? "null" : java_list_string(listed));
      return done(std::move(error));
    }
    int64_t cost_ms = (runtime_.now() - begin) / runtime::kMicrosPerMilli;
    remoting_.invoke_sync(*addr, std::move(request), timeout_ms - cost_ms, std::move(done));
  });
}

void ClientApi::get_topic_route(const std::string& topic, int64_t timeout_ms,
                                std::function<void(RouteResult)> done) {
  protocol::GetRouteInfoRequestHeader header;
  header.topic = topic;
  auto request = make_request(protocol::request_code::kGetRouteinfoByTopic, header.to_ext());
  invoke_name_server_sync(std::move(request), timeout_ms, [done = std::move(done)](remoting::InvokeResult result) {
    if (auto* error = std::get_if<remoting::RemotingError>(&result)) return done(from_remoting(*error));
    const auto& response = std::get<remoting::RemotingCommand>(result);
    if (response.code == protocol::response_code::kSuccess && !response.body.empty()) {
      auto route = protocol::parse_topic_route_data(response.body);
      if (!route.ok())
        return done(ClientError{JavaException::kIllegalStateException, -1,
                                "com.alibaba.fastjson.JSONException: " + route.error().message, {}});
      return done(std::move(route.value()));
    }
    done(mq_client_error(response.code, response.remark.value_or("null")));
  });
}

void ClientApi::send_heartbeat(const std::string& addr, const protocol::HeartbeatData& heartbeat,
                               int64_t timeout_ms, std::function<void(HeartbeatResult)> done) {
  auto request = make_request(protocol::request_code::kHeartBeat);
  request.body = protocol::encode_heartbeat_data(heartbeat);
  remoting_.invoke_sync(addr, std::move(request), timeout_ms,
                        [addr, done = std::move(done)](remoting::InvokeResult result) {
                          if (auto* error = std::get_if<remoting::RemotingError>(&result))
                            return done(from_remoting(*error));
                          const auto& response = std::get<remoting::RemotingCommand>(result);
                          if (response.code == protocol::response_code::kSuccess) return done(response.version);
                          done(mq_broker_error(response.code, response.remark.value_or("null"), addr));
                        });
}

void ClientApi::unregister_client(const std::string& addr, const std::string& client_id,
                                  std::optional<std::string> producer_group,
                                  std::optional<std::string> consumer_group, int64_t timeout_ms,
                                  StatusCallback done) {
  protocol::UnregisterClientRequestHeader header{client_id, std::move(producer_group), std::move(consumer_group)};
  auto request = make_request(protocol::request_code::kUnregisterClient, header.to_ext());
  remoting_.invoke_sync(addr, std::move(request), timeout_ms,
                        [addr, done = std::move(done)](remoting::InvokeResult result) {
                          if (auto* error = std::get_if<remoting::RemotingError>(&result))
                            return done(from_remoting(*error));
                          const auto& response = std::get<remoting::RemotingCommand>(result);
                          if (response.code == protocol::response_code::kSuccess) return done(std::nullopt);
                          done(mq_broker_error(response.code, response.remark.value_or("null"), addr));
                        });
}

}  // namespace rmq::client
