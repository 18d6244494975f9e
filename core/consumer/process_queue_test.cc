// ProcessQueue against Java 4.9.8's ProcessQueue and ProcessQueueTest (spec §6.3, §10): the cached count and
// size, removeMessage's answer (the offset safe to commit), getMaxSpan, and the orderly take/commit/rollback
// contract.
#include "core/consumer/process_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rmq::consumer {
namespace {

MessageExt message(int64_t offset, size_t body_size = 123) {
  MessageExt msg;
  msg.stored.topic = "T";
  msg.stored.queue_offset = offset;
  msg.stored.body = std::string(body_size, 'x');
  msg.set_property("KEYS", "keys" + std::to_string(offset));
  return msg;
}

// ProcessQueueTest.createMessageList: offsets 0..count-1, 123-byte bodies.
std::vector<MessageExt> message_list(int count = 100) {
  std::vector<MessageExt> out;
  for (int i = 0; i < count; ++i) out.push_back(message(i));
  return out;
}

std::vector<int64_t> offsets_of(const std::vector<MessageExt>& msgs) {
  std::vector<int64_t> out;
  for (const auto& m : msgs) out.push_back(m.queue_offset());
  return out;
}

// testCachedMessageCount / testCachedMessageSize.
TEST(ProcessQueueTest, CachedMessageCountAndSize) {
  ProcessQueue pq;
  pq.put_messages(message_list());
  EXPECT_EQ(pq.msg_count(), 100);
  EXPECT_EQ(pq.msg_size(), 12300);

  pq.take_messages(10);
  pq.commit();
  EXPECT_EQ(pq.msg_count(), 90);
  EXPECT_EQ(pq.msg_size(), 11070);

  pq.remove_messages({pq.messages().rbegin()->first}, 0);
  EXPECT_EQ(pq.msg_count(), 89);
  EXPECT_EQ(pq.msg_size(), 10947);
}

// testFillProcessQueueInfo's cachedMsgSizeInMiB (msgSize / 1 MiB) after each take + commit.
TEST(ProcessQueueTest, CachedSizeInMiBAfterOrderlyCommits) {
  ProcessQueue pq;
  pq.put_messages(message_list(102400));
  EXPECT_EQ(pq.msg_size() / (1024 * 1024), 12);
  pq.take_messages(10000);
  pq.commit();
  EXPECT_EQ(pq.msg_size() / (1024 * 1024), 10);
  pq.take_messages(10000);
  pq.commit();
  EXPECT_EQ(pq.msg_size() / (1024 * 1024), 9);
  pq.take_messages(80000);
  pq.commit();
  EXPECT_EQ(pq.msg_size() / (1024 * 1024), 0);
}

TEST(ProcessQueueTest, PutMessagesIgnoresDuplicatesAndDispatchesOnce) {
  ProcessQueue pq;
  EXPECT_TRUE(pq.put_messages({message(5), message(6)}));
  EXPECT_TRUE(pq.consuming);
  EXPECT_FALSE(pq.put_messages({message(6), message(7)})) << "already consuming";
  EXPECT_EQ(pq.msg_count(), 3);
  EXPECT_EQ(pq.msg_size(), 3 * 123);
  EXPECT_EQ(pq.queue_offset_max(), 7);
  // A duplicate does not move queueOffsetMax (only new offsets do).
  pq.put_messages({message(6)});
  EXPECT_EQ(pq.queue_offset_max(), 7);
  EXPECT_FALSE(ProcessQueue().put_messages({})) << "nothing held: no dispatch";
}

TEST(ProcessQueueTest, RemoveMessagesAnswersTheOffsetSafeToCommit) {
  ProcessQueue pq;
  EXPECT_EQ(pq.remove_messages({1}, 10), -1) << "-1 when nothing was held before";
  EXPECT_EQ(pq.last_consume_timestamp_ms, 10);
  pq.put_messages({message(3), message(4), message(5)});
  EXPECT_EQ(pq.remove_messages({4}, 20), 3) << "the smallest offset still held";
  EXPECT_EQ(pq.last_consume_timestamp_ms, 20);
  EXPECT_EQ(pq.remove_messages({9}, 21), 3) << "an offset not held changes nothing";
  EXPECT_EQ(pq.msg_count(), 2);
  EXPECT_EQ(pq.remove_messages({3}, 22), 5);
  EXPECT_EQ(pq.remove_messages({5, 5}, 23), 6) << "empty now: queueOffsetMax + 1";
  EXPECT_EQ(pq.msg_count(), 0);
  EXPECT_EQ(pq.msg_size(), 0);
  EXPECT_EQ(pq.remove_messages({5}, 24), -1);
}

TEST(ProcessQueueTest, MaxSpanIsLastMinusFirstKey) {
  ProcessQueue pq;
  EXPECT_EQ(pq.max_span(), 0);
  pq.put_messages({message(10)});
  EXPECT_EQ(pq.max_span(), 0);
  pq.put_messages({message(2010), message(500)});
  EXPECT_EQ(pq.max_span(), 2000);
  pq.remove_messages({10}, 0);
  EXPECT_EQ(pq.max_span(), 1510);
}

TEST(ProcessQueueTest, OrderlyTakeThenCommit) {
  ProcessQueue pq;
  pq.put_messages({message(4), message(0), message(2), message(3), message(1)});
  auto taken = pq.take_messages(3, 77);
  EXPECT_EQ(offsets_of(taken), (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(pq.last_consume_timestamp_ms, 77);
  EXPECT_EQ(pq.messages().size(), 2u);
  EXPECT_EQ(pq.msg_count(), 5) << "counters drop on commit, not on take";
  EXPECT_EQ(pq.max_span(), 1) << "taken messages leave the tree";
  EXPECT_EQ(pq.commit(), 3) << "the last taken offset + 1";
  EXPECT_EQ(pq.msg_count(), 2);
  EXPECT_EQ(pq.msg_size(), 2 * 123);
  EXPECT_EQ(pq.commit(), -1) << "nothing taken (Java would throw from lastKey(); no caller commits then)";
}

TEST(ProcessQueueTest, TakeFromEmptyEndsConsuming) {
  ProcessQueue pq;
  pq.put_messages({message(0)});
  ASSERT_TRUE(pq.consuming);
  EXPECT_EQ(pq.take_messages(1).size(), 1u);
  EXPECT_TRUE(pq.consuming);
  EXPECT_TRUE(pq.take_messages(1).empty());
  EXPECT_FALSE(pq.consuming);
  EXPECT_TRUE(pq.put_messages({message(1)})) << "the next put dispatches again";
}

TEST(ProcessQueueTest, MakeMessageToConsumeAgainReturnsThemToTheTree) {
  ProcessQueue pq;
  pq.put_messages({message(0), message(1), message(2)});
  auto taken = pq.take_messages(2);
  pq.make_message_to_consume_again({taken[1]});
  EXPECT_EQ(pq.messages().size(), 2u);
  EXPECT_TRUE(pq.messages().count(1));
  EXPECT_EQ(pq.commit(), 1) << "only offset 0 was still being consumed";
  EXPECT_EQ(pq.msg_count(), 2);
  auto again = pq.take_messages(5);
  EXPECT_EQ(offsets_of(again), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(pq.commit(), 3);
  EXPECT_EQ(pq.msg_count(), 0);
  EXPECT_EQ(pq.msg_size(), 0);
}

TEST(ProcessQueueTest, PullExpiresAfterTheIdleTime) {
  ProcessQueue pq;
  pq.last_pull_timestamp_ms = 1000;
  EXPECT_FALSE(pq.is_pull_expired(1000 + kPullMaxIdleTimeMs));
  EXPECT_TRUE(pq.is_pull_expired(1001 + kPullMaxIdleTimeMs));
}

}  // namespace
}  // namespace rmq::consumer
