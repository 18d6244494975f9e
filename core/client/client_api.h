// ClientApi: the Java MQClientAPIImpl calls the client instance makes (route lookup, heartbeat, unregister),
// and the name-server channel choice of NettyRemotingClient (spec §1.6, §3.2, §5.9). Requests are built as the
// Java client builds them (language JAVA, the profile's version, a fresh opaque per command). Results arrive
// through callbacks on the runtime's thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/client/client_config.h"
#include "core/client/client_error.h"
#include "core/protocol/heartbeat_data.h"
#include "core/protocol/route_data.h"
#include "core/remoting/remoting_client.h"

namespace rmq::client {

using RouteResult = std::variant<protocol::TopicRouteData, ClientError>;
// HEART_BEAT: the broker's version from the response, or why not.
using HeartbeatResult = std::variant<int32_t, ClientError>;
using StatusCallback = std::function<void(std::optional<ClientError>)>;

class ClientApi {
 public:
  ClientApi(runtime::Runtime& runtime, remoting::RemotingClient& remoting, const ClientConfig& config);

  // updateNameServerAddressList: replaces the list only when its size or members differ, shuffled; forgets the
  // chosen address when it is no longer listed.
  void update_name_server_address_list(std::vector<std::string> addrs);
  const std::vector<std::string>& name_server_address_list() const { return namesrv_addrs_; }
  const std::optional<std::string>& chosen_name_server() const { return chosen_namesrv_; }

  // A request as the Java client builds it.
  remoting::RemotingCommand make_request(int32_t code, remoting::ExtFields ext = {});

  // invokeSync(null, ...): on the chosen name server's channel, choosing (and connecting) first when needed.
  void invoke_name_server_sync(remoting::RemotingCommand request, int64_t timeout_ms,
                               remoting::InvokeCallback done);

  // getTopicRouteInfoFromNameServer: code 0 with a body -> the route; any other answer -> MQClientException
  // (code, remark); transport failures -> the RemotingException; an undecodable body -> kIllegalStateException
  // standing for fastjson's JSONException.
  void get_topic_route(const std::string& topic, int64_t timeout_ms, std::function<void(RouteResult)> done);

  void send_heartbeat(const std::string& addr, const protocol::HeartbeatData& heartbeat, int64_t timeout_ms,
                      std::function<void(HeartbeatResult)> done);
  void unregister_client(const std::string& addr, const std::string& client_id,
                         std::optional<std::string> producer_group, std::optional<std::string> consumer_group,
                         int64_t timeout_ms, StatusCallback done);

  remoting::RemotingClient& remoting() { return remoting_; }
  runtime::Runtime& runtime() { return runtime_; }
  const ClientConfig& config() const { return config_; }

 private:
  void choose_name_server(size_t attempts_left, std::function<void(std::optional<std::string>)> done);

  runtime::Runtime& runtime_;
  remoting::RemotingClient& remoting_;
  const ClientConfig& config_;
  std::vector<std::string> namesrv_addrs_;
  std::optional<std::string> chosen_namesrv_;
  uint32_t namesrv_index_;  // starts at a random value in [0, 998], as Java's namesrvIndex
};

// Java's List.toString: "[a, b]".
std::string java_list_string(const std::vector<std::string>& items);

}  // namespace rmq::client
