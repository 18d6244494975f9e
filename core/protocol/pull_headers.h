// Custom headers of PULL_MESSAGE (11; spec §5.10, §6.4, §6.5). Both are FastCodesHeaders in 4.9.8: to_fast_ext()
// is the order a Java peer writes them in a ROCKETMQ header, to_ext() the HashMap order of a JSON header.
// Field kinds, write order and read errors follow header_fields.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/common/status.h"
#include "core/remoting/remoting_command.h"

namespace rmq::protocol {

// Java PullMessageRequestHeader (4.9.8; 5.x adds maxMsgBytes, requestSource, proxyFrowardClientId).
struct PullMessageRequestHeader {
  std::string consumerGroup;
  std::string topic;
  int32_t queueId = 0;
  int64_t queueOffset = 0;
  int32_t maxMsgNums = 0;
  int32_t sysFlag = 0;               // PullSysFlag bits (sys_flags.h)
  int64_t commitOffset = 0;          // read when sysFlag has COMMIT_OFFSET
  int64_t suspendTimeoutMillis = 0;  // long-poll hold time when sysFlag has SUSPEND
  std::optional<std::string> subscription;  // the expression, when sysFlag has SUBSCRIPTION
  int64_t subVersion = 0;
  std::optional<std::string> expressionType;  // "TAG" / "SQL92"; null means TAG to the broker
  std::optional<std::string> bname;           // inherited from RpcRequestHeader, 4.9.5+

  remoting::ExtFields to_ext() const;
  // Assumed: FastCodesHeader.encode writes the declared fields in order, then the inherited bname (as 5.x
  // does); no Java-written ROCKETMQ pull request was captured to confirm it.
  remoting::ExtFields to_fast_ext() const;
  static Result<PullMessageRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const PullMessageRequestHeader&, const PullMessageRequestHeader&) = default;
};

// Java PullMessageResponseHeader (4.9.8; 5.x adds offsetDelta, topicSysFlag, groupSysFlag, forbiddenType).
// The broker sends all four fields with every FOUND / NO_NEW_MSG / NO_MATCHED_MSG / OFFSET_ILLEGAL answer
// (codes 0, 19, 20, 21) and none with its other answers.
struct PullMessageResponseHeader {
  int64_t suggestWhichBrokerId = 0;
  int64_t nextBeginOffset = 0;
  int64_t minOffset = 0;
  int64_t maxOffset = 0;

  remoting::ExtFields to_ext() const;
  remoting::ExtFields to_fast_ext() const;
  static Result<PullMessageResponseHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const PullMessageResponseHeader&, const PullMessageResponseHeader&) = default;
};

}  // namespace rmq::protocol
