// Java String.compareTo / MessageQueue.compareTo / String.split as the allocation code needs them.
#include "core/consumer/allocate/java_order.h"

#include <gtest/gtest.h>

namespace rmq::consumer {
namespace {

using client::MessageQueue;

TEST(JavaStringCompare, AsciiAndPrefixes) {
  EXPECT_EQ(java_string_compare("", ""), 0);
  EXPECT_LT(java_string_compare("", "a"), 0);
  EXPECT_GT(java_string_compare("ab", "a"), 0);
  EXPECT_LT(java_string_compare("CID-10", "CID-9"), 0);
  EXPECT_LT(java_string_compare("B", "a"), 0);
  EXPECT_EQ(java_string_compare("same", "same"), 0);
}

TEST(JavaStringCompare, Utf16CodeUnitOrderNotCodePointOrder) {
  const std::string bmp_high = "\xEF\xBD\xA1";      // U+FF61
  const std::string astral = "\xF0\x9F\x98\x80";    // U+1F600 = D83D DE00
  const std::string e_acute = "\xC3\xA9";           // U+00E9
  EXPECT_LT(std::string_view(bmp_high), std::string_view(astral));  // byte order says the opposite
  EXPECT_GT(java_string_compare(bmp_high, astral), 0);
  EXPECT_LT(java_string_compare(astral, bmp_high), 0);
  EXPECT_LT(java_string_compare("z", e_acute), 0);
  EXPECT_LT(java_string_compare(e_acute, astral), 0);
  // Ill-formed bytes decode as U+FFFD yet stay distinct.
  EXPECT_NE(java_string_compare("\xFF", "\xFE"), 0);
  EXPECT_EQ(java_string_compare("\xFF", "\xFF"), 0);
}

TEST(JavaQueueCompare, TopicThenBrokerThenId) {
  EXPECT_LT(java_queue_compare({"a", "z", 9}, {"b", "a", 0}), 0);
  EXPECT_LT(java_queue_compare({"a", "a", 9}, {"a", "b", 0}), 0);
  EXPECT_LT(java_queue_compare({"a", "a", 2}, {"a", "a", 10}), 0);
  EXPECT_EQ(java_queue_compare({"a", "a", 2}, {"a", "a", 2}), 0);
  EXPECT_GT(java_queue_compare({"a", "a", 0}, {"a", "a", -1}), 0);
}

TEST(SortForAllocation, AsRebalanceImplSorts) {
  std::vector<MessageQueue> mqs = {{"t", "b", 10}, {"t", "a", 3}, {"t", "b", 2}, {"s", "z", 0}};
  std::vector<std::string> cids = {"CID-9", "CID-10", "10.0.0.2@1", "10.0.0.1@2"};
  sort_for_allocation(mqs, cids);
  EXPECT_EQ(mqs, (std::vector<MessageQueue>{{"s", "z", 0}, {"t", "a", 3}, {"t", "b", 2}, {"t", "b", 10}}));
  EXPECT_EQ(cids, (std::vector<std::string>{"10.0.0.1@2", "10.0.0.2@1", "CID-10", "CID-9"}));
}

TEST(JavaSplit, TrailingEmptyPiecesAreDropped) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(java_split("", '@'), V{""});
  EXPECT_EQ(java_split("room", '@'), V{"room"});
  EXPECT_EQ(java_split("room@b", '@'), (V{"room", "b"}));
  EXPECT_EQ(java_split("room@", '@'), V{"room"});
  EXPECT_EQ(java_split("room@b@", '@'), (V{"room", "b"}));
  EXPECT_EQ(java_split("room@@b", '@'), (V{"room", "", "b"}));
  EXPECT_EQ(java_split("@b", '@'), (V{"", "b"}));
  EXPECT_EQ(java_split("@", '@'), V{});
  EXPECT_EQ(java_split("@@", '@'), V{});
}

}  // namespace
}  // namespace rmq::consumer
