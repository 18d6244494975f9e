// The broker -> nameserver registration messages of 4.9.8 (spec §8): the custom headers of REGISTER_BROKER (103),
// its answer, UNREGISTER_BROKER (104), and the RegisterBrokerBody JSON. Both directions are here so that the fake
// nameserver reads what real brokers send and tests (or a broker registering over the wire) can write it.
//
// Headers follow core/protocol/header_fields.h (Java field names, HashMap key order when written; a missing
// @CFNotNull field is an Error on read). The body is read as the uncompressed fastjson text a 4.9.8 broker sends by
// default (compressedRegister=false); the compressed binary form is not supported (parse fails saying so).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/common/status.h"
#include "core/remoting/remoting_command.h"
#include "fake_nameserver/name_server.h"

namespace rmq::fake {

struct RegisterBrokerRequestHeader {
  std::string brokerName;
  std::string brokerAddr;
  std::string clusterName;
  std::string haServerAddr;
  int64_t brokerId = 0;
  bool compressed = false;
  // Java: Integer bodyCrc32 = 0 (a missing field keeps 0, and 0 means "not checked").
  std::optional<int32_t> bodyCrc32;

  remoting::ExtFields to_ext() const;
  static Result<RegisterBrokerRequestHeader> from_ext(const remoting::ExtFields& ext);
};

struct RegisterBrokerResponseHeader {
  std::optional<std::string> haServerAddr;  // the master's HA address, answered to a slave only
  std::optional<std::string> masterAddr;

  // Always a map (empty when both are null): Java's makeCustomHeaderToNet creates it, so JSON shows {}.
  remoting::ExtFields to_ext() const;
  static Result<RegisterBrokerResponseHeader> from_ext(const remoting::ExtFields& ext);
};

struct UnRegisterBrokerRequestHeader {
  std::string brokerName;
  std::string brokerAddr;
  std::string clusterName;
  int64_t brokerId = 0;

  remoting::ExtFields to_ext() const;
  static Result<UnRegisterBrokerRequestHeader> from_ext(const remoting::ExtFields& ext);
};

// DataVersion: equal versions mean "topic configs unchanged" (the nameserver then keeps its queue data).
struct DataVersion {
  int64_t timestamp = 0;
  int64_t counter = 0;
  friend bool operator==(const DataVersion&, const DataVersion&) = default;
};

struct RegisterBrokerBody {
  DataVersion data_version;
  std::vector<TopicQueueConfig> topics;  // topicConfigTable values, in body order
  std::vector<std::string> filter_server_list;
};

// Reads {"filterServerList":[...],"topicConfigSerializeWrapper":{"dataVersion":{...},"topicConfigTable":{...}}}.
// As fastjson does: unknown keys are ignored, integers may be digit strings, a missing TopicConfig number keeps
// Java's default (16 read/write queues, perm 6, sysFlag 0), a missing topicName falls back to the table key.
Result<RegisterBrokerBody> parse_register_broker_body(std::string_view json);
// Writes the body as a 4.9.8 broker's fastjson does (keys alphabetical; topics in the given order, whereas Java
// writes its ConcurrentHashMap's order, which the nameserver does not depend on).
std::string encode_register_broker_body(const RegisterBrokerBody& body);

}  // namespace rmq::fake
