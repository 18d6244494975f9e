// The two sysFlag bit sets of the wire (spec §5.10): PullSysFlag in PULL_MESSAGE's sysFlag, MessageSysFlag in a
// send header's sysFlag and in stored (pulled) messages. Constants and helpers mirror Java's PullSysFlag and
// MessageSysFlag (4.9.8).
#pragma once

#include <cstdint>
#include <optional>

namespace rmq::protocol {
namespace pull_sys_flag {

inline constexpr int32_t kCommitOffset = 1 << 0;  // commitOffset in the request is to be stored
inline constexpr int32_t kSuspend = 1 << 1;       // hold the pull (long polling) up to suspendTimeoutMillis
inline constexpr int32_t kSubscription = 1 << 2;  // the request carries the subscription expression
inline constexpr int32_t kClassFilter = 1 << 3;
inline constexpr int32_t kLitePull = 1 << 4;      // 5.x lite pull consumer

constexpr int32_t build(bool commit_offset, bool suspend, bool subscription, bool class_filter,
                        bool lite_pull = false) {
  return (commit_offset ? kCommitOffset : 0) | (suspend ? kSuspend : 0) | (subscription ? kSubscription : 0) |
         (class_filter ? kClassFilter : 0) | (lite_pull ? kLitePull : 0);
}
constexpr int32_t clear_commit_offset(int32_t flag) { return flag & ~kCommitOffset; }
constexpr bool has_commit_offset(int32_t flag) { return (flag & kCommitOffset) == kCommitOffset; }
constexpr bool has_suspend(int32_t flag) { return (flag & kSuspend) == kSuspend; }
constexpr bool has_subscription(int32_t flag) { return (flag & kSubscription) == kSubscription; }
constexpr bool has_class_filter(int32_t flag) { return (flag & kClassFilter) == kClassFilter; }
constexpr bool has_lite_pull(int32_t flag) { return (flag & kLitePull) == kLitePull; }

}  // namespace pull_sys_flag

namespace message_sys_flag {

inline constexpr int32_t kCompressed = 1 << 0;  // the body is compressed (zlib unless bits 8-10 say otherwise)
inline constexpr int32_t kMultiTags = 1 << 1;
// Bits 2-3 hold the transaction type.
inline constexpr int32_t kTransactionNotType = 0;
inline constexpr int32_t kTransactionPreparedType = 1 << 2;
inline constexpr int32_t kTransactionCommitType = 2 << 2;
inline constexpr int32_t kTransactionRollbackType = 3 << 2;
inline constexpr int32_t kBornHostV6 = 1 << 4;          // stored message: bornHost is 16 + 4 bytes
inline constexpr int32_t kStoreHostAddressV6 = 1 << 5;  // stored message: storeHost is 16 + 4 bytes
inline constexpr int32_t kNeedUnwrap = 1 << 6;
inline constexpr int32_t kInnerBatch = 1 << 7;
// Bits 8-10 hold the compression type (4.9.4+ senders set it next to kCompressed).
inline constexpr int32_t kCompressionLz4Type = 1 << 8;
inline constexpr int32_t kCompressionZstdType = 2 << 8;
inline constexpr int32_t kCompressionZlibType = 3 << 8;
inline constexpr int32_t kCompressionTypeMask = 7 << 8;

constexpr bool check(int32_t flag, int32_t expected) { return (flag & expected) != 0; }
constexpr int32_t transaction_value(int32_t flag) { return flag & kTransactionRollbackType; }
constexpr int32_t reset_transaction_value(int32_t flag, int32_t type) {
  return (flag & ~kTransactionRollbackType) | type;
}
constexpr int32_t clear_compressed(int32_t flag) { return flag & ~kCompressed; }

enum class CompressionType { kLz4 = 1, kZstd = 2, kZlib = 3 };

// Java's CompressionType.findByValue of bits 8-10: 0 means zlib (senders before 4.9.4 leave the bits clear);
// 4-7 are unknown (Java throws) -> nullopt.
constexpr std::optional<CompressionType> compression_type(int32_t flag) {
  switch ((flag & kCompressionTypeMask) >> 8) {
    case 0:
    case 3: return CompressionType::kZlib;
    case 1: return CompressionType::kLz4;
    case 2: return CompressionType::kZstd;
    default: return std::nullopt;
  }
}

}  // namespace message_sys_flag
}  // namespace rmq::protocol
