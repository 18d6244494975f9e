// TopicRouteData: the body of a GET_ROUTEINFO_BY_TOPIC (105) answer (spec §5.11).
//
// Parsing accepts both forms a real nameserver writes: standard JSON {"0":"ip:port"} (4.9.4+ servers, for
// request version >= 401 or acceptStandardJsonOnly) and fastjson's legacy unquoted Long map keys {0:"ip:port"}
// (older servers, or clients announcing an older version). QueueData's flag is read as topicSysFlag (4.9.0+)
// or topicSynFlag (up to 4.8.0). Unknown fields (5.x enableActingMaster, zoneName, topicQueueMappingByBroker)
// are ignored. Encoding writes byte for byte what the real 4.9.8 nameserver writes in either form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/common/status.h"

namespace rmq::protocol {

inline constexpr int64_t kMasterBrokerId = 0;  // brokerId 0 is the master, >= 1 are slaves

struct QueueData {
  std::string broker_name;
  int32_t read_queue_nums = 0;
  int32_t write_queue_nums = 0;
  int32_t perm = 0;
  int32_t topic_sys_flag = 0;

  friend bool operator==(const QueueData&, const QueueData&) = default;
};

struct BrokerData {
  std::string cluster;
  std::string broker_name;
  // (brokerId, "ip:port") in the order the body listed them; the encoder sorts them as the nameserver does.
  std::vector<std::pair<int64_t, std::string>> broker_addrs;

  // The address of `broker_id`, if listed.
  std::optional<std::string> address(int64_t broker_id) const;
  friend bool operator==(const BrokerData&, const BrokerData&) = default;
};

struct TopicRouteData {
  std::optional<std::string> order_topic_conf;  // written only when set
  std::vector<QueueData> queue_datas;
  std::vector<BrokerData> broker_datas;
  // filter server address -> filter servers (class-filter mode; almost always empty).
  std::vector<std::pair<std::string, std::vector<std::string>>> filter_server_table;

  friend bool operator==(const TopicRouteData&, const TopicRouteData&) = default;
};

// How the nameserver writes the brokerAddrs keys (and strings).
enum class BrokerAddrKeys {
  // {"0":"..."}: fastjson with BrowserCompatible + MapSortField: keys ascending, every non-ASCII character and
  // '/' escaped (\uXXXX, \/).
  kQuoted,
  // {0:"..."}: fastjson defaults; keys in Java HashMap<Long,…> iteration order (ascending for small ids),
  // filterServerTable in HashMap<String,…> order.
  kUnquoted,
};

// The key style a real 4.9.8 nameserver uses for a request: quoted when version >= 401 (V4_9_4) or the request
// carries acceptStandardJsonOnly=true.
BrokerAddrKeys route_key_style_for(int32_t request_version, bool accept_standard_json_only);

Result<TopicRouteData> parse_topic_route_data(std::string_view json);
std::string encode_topic_route_data(const TopicRouteData& route, BrokerAddrKeys keys);

// Rewrites fastjson's bare integer object keys ({0:"a",-1:"b"}) as quoted keys so that a strict JSON parser
// accepts the text. Only keys are touched: text inside strings (braces, colons, escaped quotes) and numbers in
// arrays or values stay as they are. Other malformed input passes through unchanged for the parser to reject.
// Useful for every body with Long/Integer map keys (106 cluster info too).
std::string quote_bare_integer_keys(std::string_view text);

}  // namespace rmq::protocol
