#include "core/protocol/sys_flags.h"

#include <gtest/gtest.h>

namespace rmq::protocol {
namespace {

TEST(PullSysFlag, BitsAndHelpers) {
  namespace p = pull_sys_flag;
  EXPECT_EQ(p::kCommitOffset, 1);
  EXPECT_EQ(p::kSuspend, 2);
  EXPECT_EQ(p::kSubscription, 4);
  EXPECT_EQ(p::kClassFilter, 8);
  EXPECT_EQ(p::kLitePull, 16);
  // The push consumer's first pull with a commit offset: commit + suspend + subscription.
  EXPECT_EQ(p::build(true, true, true, false), 7);
  EXPECT_EQ(p::build(false, true, true, false), 6);  // what ali-ons and the C++ client send (captures)
  EXPECT_EQ(p::build(false, false, false, false, true), 16);
  EXPECT_EQ(p::clear_commit_offset(7), 6);
  EXPECT_TRUE(p::has_commit_offset(1));
  EXPECT_FALSE(p::has_commit_offset(6));
  EXPECT_TRUE(p::has_suspend(2));
  EXPECT_TRUE(p::has_subscription(4));
  EXPECT_FALSE(p::has_subscription(2));  // the captures' "sysFlag 2" pulls carry no subscription
  EXPECT_TRUE(p::has_class_filter(8));
  EXPECT_TRUE(p::has_lite_pull(16));
}

TEST(MessageSysFlag, BitsAndHelpers) {
  namespace m = message_sys_flag;
  EXPECT_EQ(m::kCompressed, 1);
  EXPECT_EQ(m::kMultiTags, 2);
  EXPECT_EQ(m::kTransactionPreparedType, 4);
  EXPECT_EQ(m::kTransactionCommitType, 8);
  EXPECT_EQ(m::kTransactionRollbackType, 12);
  EXPECT_EQ(m::kBornHostV6, 16);
  EXPECT_EQ(m::kStoreHostAddressV6, 32);
  EXPECT_EQ(m::kNeedUnwrap, 64);
  EXPECT_EQ(m::kInnerBatch, 128);
  EXPECT_EQ(m::kCompressionZlibType, 0x300);
  // A 4.9.4+ compressed send (spec §2.7): 1 | 3 << 8.
  constexpr int32_t compressed = m::kCompressed | m::kCompressionZlibType;
  EXPECT_EQ(compressed, 0x301);
  EXPECT_TRUE(m::check(compressed, m::kCompressed));
  EXPECT_EQ(m::clear_compressed(compressed), 0x300);
  EXPECT_EQ(m::transaction_value(m::kTransactionPreparedType | m::kCompressed), m::kTransactionPreparedType);
  EXPECT_EQ(m::reset_transaction_value(m::kTransactionPreparedType | m::kCompressed, m::kTransactionCommitType),
            m::kTransactionCommitType | m::kCompressed);
  EXPECT_EQ(m::compression_type(compressed), m::CompressionType::kZlib);
  EXPECT_EQ(m::compression_type(m::kCompressed), m::CompressionType::kZlib);  // pre-4.9.4 sender
  EXPECT_EQ(m::compression_type(m::kCompressionLz4Type), m::CompressionType::kLz4);
  EXPECT_EQ(m::compression_type(m::kCompressionZstdType), m::CompressionType::kZstd);
  EXPECT_EQ(m::compression_type(4 << 8), std::nullopt);
}

}  // namespace
}  // namespace rmq::protocol
