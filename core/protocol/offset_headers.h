// Custom headers of the offset requests (spec §5.10, §6.7, §6.8): QUERY_CONSUMER_OFFSET (14),
// UPDATE_CONSUMER_OFFSET (15), SEARCH_OFFSET_BY_TIMESTAMP (29), GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), and
// their answers, which all carry one field `offset`. Field kinds, write order and read errors follow
// header_fields.h. Every request here inherits `bname` from RpcRequestHeader (4.9.5+; the Java client sets it to
// the queue's broker name).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/common/status.h"
#include "core/remoting/remoting_command.h"

namespace rmq::protocol {

// Java QueryConsumerOffsetRequestHeader (4.9.8; 5.x adds setZeroIfNotFound).
struct QueryConsumerOffsetRequestHeader {
  std::string consumerGroup;
  std::string topic;
  int32_t queueId = 0;
  std::optional<std::string> bname;

  remoting::ExtFields to_ext() const;
  static Result<QueryConsumerOffsetRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const QueryConsumerOffsetRequestHeader&, const QueryConsumerOffsetRequestHeader&) = default;
};

// The committed offset. A 4.9.8 broker answers 0 for a group with no stored offset on a young queue and
// QUERY_NOT_FOUND (22, no header) otherwise (spec §6.8).
struct QueryConsumerOffsetResponseHeader {
  int64_t offset = 0;

  remoting::ExtFields to_ext() const;
  static Result<QueryConsumerOffsetResponseHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const QueryConsumerOffsetResponseHeader&,
                         const QueryConsumerOffsetResponseHeader&) = default;
};

// Java UpdateConsumerOffsetRequestHeader. Usually sent oneway (flag 2) by the offset store's persist task.
struct UpdateConsumerOffsetRequestHeader {
  std::string consumerGroup;
  std::string topic;
  int32_t queueId = 0;
  int64_t commitOffset = 0;
  std::optional<std::string> bname;

  remoting::ExtFields to_ext() const;
  static Result<UpdateConsumerOffsetRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const UpdateConsumerOffsetRequestHeader&,
                         const UpdateConsumerOffsetRequestHeader&) = default;
};

// Java GetMaxOffsetRequestHeader (4.9.8; 5.x adds committed).
struct GetMaxOffsetRequestHeader {
  std::string topic;
  int32_t queueId = 0;
  std::optional<std::string> bname;

  remoting::ExtFields to_ext() const;
  static Result<GetMaxOffsetRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const GetMaxOffsetRequestHeader&, const GetMaxOffsetRequestHeader&) = default;
};

struct GetMaxOffsetResponseHeader {
  int64_t offset = 0;

  remoting::ExtFields to_ext() const;
  static Result<GetMaxOffsetResponseHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const GetMaxOffsetResponseHeader&, const GetMaxOffsetResponseHeader&) = default;
};

struct GetMinOffsetRequestHeader {
  std::string topic;
  int32_t queueId = 0;
  std::optional<std::string> bname;

  remoting::ExtFields to_ext() const;
  static Result<GetMinOffsetRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const GetMinOffsetRequestHeader&, const GetMinOffsetRequestHeader&) = default;
};

struct GetMinOffsetResponseHeader {
  int64_t offset = 0;

  remoting::ExtFields to_ext() const;
  static Result<GetMinOffsetResponseHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const GetMinOffsetResponseHeader&, const GetMinOffsetResponseHeader&) = default;
};

// Java SearchOffsetRequestHeader (4.9.8; 5.x adds boundaryType). timestamp in ms since the epoch.
struct SearchOffsetRequestHeader {
  std::string topic;
  int32_t queueId = 0;
  int64_t timestamp = 0;
  std::optional<std::string> bname;

  remoting::ExtFields to_ext() const;
  static Result<SearchOffsetRequestHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const SearchOffsetRequestHeader&, const SearchOffsetRequestHeader&) = default;
};

struct SearchOffsetResponseHeader {
  int64_t offset = 0;

  remoting::ExtFields to_ext() const;
  static Result<SearchOffsetResponseHeader> from_ext(const remoting::ExtFields& ext);
  friend bool operator==(const SearchOffsetResponseHeader&, const SearchOffsetResponseHeader&) = default;
};

}  // namespace rmq::protocol
