// MessageStore unit tests: commit-log placement (records end to end, a mapped-file boundary skipped), the pull
// statuses of DefaultMessageStore.getMessage, the batch limits, and search by time as ConsumeQueue does it.
#include <gtest/gtest.h>

#include "fake_broker/message_store.h"

namespace rmq::fake {
namespace {

protocol::StoredMessage message(const std::string& body, const std::string& tags = "A") {
  protocol::StoredMessage m;
  m.topic = "T";
  m.queue_id = 0;
  m.body = body;
  m.born_host = protocol::parse_host_address("127.0.0.1:1").value();
  m.store_host = protocol::parse_host_address("127.0.0.1:2").value();
  m.properties = {{"TAGS", tags}};
  m.properties_raw = protocol::encode_properties(m.properties);
  return m;
}

MessageStore::Options options(int64_t file_size = int64_t{1} << 30) {
  return MessageStore::Options{4'194'304, file_size, 0, {1000, 5000}};
}

TEST(MessageStore, RecordsLieEndToEndAndSkipAFileBoundary) {
  MessageStore store(options(300));
  PutResult a = store.put(message("x"), 1);
  PutResult b = store.put(message("y"), 2);
  int64_t size = b.commit_offset - a.commit_offset;
  EXPECT_EQ(a.commit_offset, 0);
  EXPECT_GT(size, 0);
  PutResult c = store.put(message("z"), 3);
  EXPECT_EQ(c.commit_offset, 300) << "the third record (+8 blank) does not fit in the first 300-byte file";
  EXPECT_EQ(store.look_by_commit_offset(b.commit_offset)->body, "y");
  EXPECT_FALSE(store.look_by_commit_offset(b.commit_offset + 1).has_value());
}

TEST(MessageStore, StatusesFollowTheRequestedOffset) {
  MessageStore store(options());
  EXPECT_EQ(store.get("T", 0, 0, 32, nullptr).status, GetStatus::kNoMessageInQueue);
  for (int i = 0; i < 3; ++i) (void)store.put(message("m"), i);
  EXPECT_EQ(store.get("T", 0, 0, 32, nullptr).status, GetStatus::kFound);
  EXPECT_EQ(store.get("T", 0, 3, 32, nullptr).status, GetStatus::kOffsetOverflowOne);
  GetResult badly = store.get("T", 0, 9, 32, nullptr);
  EXPECT_EQ(badly.status, GetStatus::kOffsetOverflowBadly);
  EXPECT_EQ(badly.next_begin_offset, 3);
  EXPECT_EQ(store.get("T", 0, -1, 32, nullptr).status, GetStatus::kOffsetTooSmall);
  GetResult two = store.get("T", 0, 0, 2, nullptr);
  EXPECT_EQ(two.message_count, 2);
  EXPECT_EQ(two.next_begin_offset, 2);
}

TEST(MessageStore, TagFilterSkipsButAdvances) {
  MessageStore store(options());
  (void)store.put(message("a", "A"), 1);
  (void)store.put(message("b", "B"), 2);
  auto sub = protocol::build_subscription_data("T", "C", 0);
  GetResult none = store.get("T", 0, 0, 32, &sub);
  EXPECT_EQ(none.status, GetStatus::kNoMatchedMessage);
  EXPECT_EQ(none.next_begin_offset, 2);
}

TEST(MessageStore, LookByQueueOffsetFindsTheStoredRecord) {
  MessageStore store(options());
  (void)store.put(message("a", "A"), 1);
  (void)store.put(message("b", "B"), 2);
  auto second = store.look_by_queue_offset("T", 0, 1);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->body, "b");
  EXPECT_EQ(protocol::find_property(second->properties, "TAGS"), "B");
  EXPECT_FALSE(store.look_by_queue_offset("T", 0, 2).has_value());
  EXPECT_FALSE(store.look_by_queue_offset("T", 0, -1).has_value());
  EXPECT_FALSE(store.look_by_queue_offset("T", 1, 0).has_value());
  EXPECT_FALSE(store.look_by_queue_offset("U", 0, 0).has_value());
}

TEST(MessageStore, SearchByTimePicksExactNearestOrEnds) {
  MessageStore store(options());
  for (int64_t t : {100, 200, 300}) (void)store.put(message("m"), t);
  EXPECT_EQ(store.search_offset_by_time("T", 0, 200), 1);
  EXPECT_EQ(store.search_offset_by_time("T", 0, 0), 0);
  EXPECT_EQ(store.search_offset_by_time("T", 0, 999), 2) << "after the last: the last, not max";
  EXPECT_EQ(store.search_offset_by_time("T", 0, 240), 1);
  EXPECT_EQ(store.search_offset_by_time("T", 0, 260), 2);
  EXPECT_EQ(store.search_offset_by_time("T", 0, 250), 1) << "a tie goes left";
  EXPECT_EQ(store.search_offset_by_time("T", 1, 250), 0);
  EXPECT_EQ(store.earliest_store_time("T", 0), 100);
  EXPECT_EQ(store.earliest_store_time("T", 1), -1);
}

TEST(MessageStore, DelayPropertyGoesToTheScheduleQueue) {
  MessageStore store(options());
  protocol::StoredMessage m = message("later");
  protocol::set_property(m.properties, "DELAY", "2");
  PutResult r = store.put(m, 1000);
  EXPECT_EQ(r.topic, "SCHEDULE_TOPIC_XXXX");
  EXPECT_EQ(r.queue_id, 1);
  EXPECT_EQ(r.delay_level, 2);
  EXPECT_EQ(r.tags_code, 6000) << "deliver time as the consume queue's tags code";
  auto stored = store.look_by_commit_offset(r.commit_offset);
  EXPECT_EQ(protocol::find_property(stored->properties, "REAL_TOPIC"), "T");
  EXPECT_EQ(protocol::find_property(stored->properties, "REAL_QID"), "0");
}

TEST(MessageStore, OversizedBodyOrPropertiesAreIllegal) {
  MessageStore store(options());
  EXPECT_EQ(store.put(message(std::string(4'194'305, 'a')), 1).status, PutStatus::kMessageIllegal);
  EXPECT_EQ(store.put(message(std::string(4'194'304, 'a')), 1).status, PutStatus::kOk);
  protocol::StoredMessage big = message("x");
  big.properties_raw = std::string(32768, 'k');
  EXPECT_EQ(store.put(big, 1).status, PutStatus::kPropertiesSizeExceeded);
}

}  // namespace
}  // namespace rmq::fake
