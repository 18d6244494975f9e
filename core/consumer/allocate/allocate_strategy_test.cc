// The allocation strategies (spec §7.4) against every allocation vector of spec §10 (the Java 4.9.8 unit tests
// under client/src/test/.../consumer/rebalance and the derived concrete values), the argument errors, and the
// factory by getName().
#include "core/consumer/allocate/allocate_strategy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/consumer/allocate/java_order.h"

namespace rmq::consumer {
namespace {

using client::ClientError;
using client::JavaException;
using client::MessageQueue;

std::vector<MessageQueue> queues(const std::string& topic, const std::string& broker, int count, int first = 0) {
  std::vector<MessageQueue> out;
  for (int i = first; i < first + count; ++i) out.push_back(MessageQueue{topic, broker, i});
  return out;
}

std::vector<std::string> cids(const std::string& prefix, int count) {
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

// A copy: callers iterate over it in range-for loops, where a reference into the temporary result would dangle.
std::vector<MessageQueue> ok(const AllocateResult& result) {
  if (const auto* error = std::get_if<ClientError>(&result)) {
    ADD_FAILURE() << "unexpected " << allocate_error_text(*error);
    return {};
  }
  return std::get<std::vector<MessageQueue>>(result);
}

std::vector<int> ids(const AllocateResult& result) {
  std::vector<int> out;
  for (const MessageQueue& mq : ok(result)) out.push_back(mq.queue_id);
  return out;
}

std::string error_of(const AllocateResult& result) {
  const auto* error = std::get_if<ClientError>(&result);
  if (error == nullptr) return "<no error: " + std::to_string(std::get<0>(result).size()) + " queues>";
  EXPECT_EQ(error->code, -1);
  return allocate_error_text(*error);
}

// Queue ids per consumer, for every consumer of `cid_all`.
std::vector<std::vector<int>> ids_per_consumer(const AllocateStrategy& s, const std::vector<MessageQueue>& mq_all,
                                               const std::vector<std::string>& cid_all) {
  std::vector<std::vector<int>> out;
  for (const std::string& cid : cid_all) out.push_back(ids(s.allocate("G", cid, mq_all, cid_all)));
  return out;
}

using Ids = std::vector<std::vector<int>>;

// --- the common check -------------------------------------------------------------------------------------------

TEST(AllocateCheck, MessagesAndOrderOfTheArgumentChecks) {
  const auto mqs = queues("topic", "brokerName", 4);
  const auto all = cids("CID_PREFIX", 2);
  AllocateAveragely avg;
  AllocateAveragelyByCircle circle;
  AllocateByMachineRoom room({"room1"});
  AllocateConsistentHash hash;
  AllocateMachineRoomNearby nearby(std::make_shared<AllocateAveragely>(), std::make_shared<PrefixRoomResolver>());
  for (const AllocateStrategy* s : std::vector<const AllocateStrategy*>{&avg, &circle, &room, &hash, &nearby}) {
    SCOPED_TRACE(s->name());
    // currentCID is checked first, then mqAll, then cidAll.
    EXPECT_EQ(error_of(s->allocate("G", std::nullopt, {}, {})), "IllegalArgumentException: currentCID is empty");
    EXPECT_EQ(error_of(s->allocate("G", "", mqs, all)), "IllegalArgumentException: currentCID is empty");
    EXPECT_EQ(error_of(s->allocate("G", "CID_PREFIX0", {}, {})),
              "IllegalArgumentException: mqAll is null or mqAll empty");
    EXPECT_EQ(error_of(s->allocate("G", "CID_PREFIX0", mqs, {})),
              "IllegalArgumentException: cidAll is null or cidAll empty");
    // Not a member: an empty list, not an exception; the membership test comes after the argument checks.
    EXPECT_TRUE(ok(s->allocate("G", "CID_PREFIX", mqs, all)).empty());
    EXPECT_TRUE(ok(s->allocate("G", "cid_prefix0", mqs, all)).empty());
  }
}

TEST(AllocateCheck, TheErrorIsAnIllegalArgumentExceptionValue) {
  AllocateResult r = AllocateAveragely().allocate("G", "c", {}, {"c"});
  const auto& e = std::get<ClientError>(r);
  EXPECT_EQ(e.exception, JavaException::kIllegalArgumentException);
  EXPECT_EQ(e.message, "mqAll is null or mqAll empty");
  EXPECT_EQ(e.code, -1);
}

TEST(AllocateCheck, ANonMemberIsLoggedAsJavaLogsIt) {
  AllocateAveragely avg;
  std::vector<std::string> lines;
  avg.set_log([&](const std::string& line) { lines.push_back(line); });
  EXPECT_TRUE(ok(avg.allocate("my_group", "CID-X", queues("t", "b", 2), {"CID-0", "CID-1"})).empty());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "[BUG] ConsumerGroup: my_group The consumerId: CID-X not in cidAll: [CID-0, CID-1]");
  EXPECT_EQ(ids(avg.allocate("my_group", "CID-1", queues("t", "b", 2), {"CID-0", "CID-1"})), std::vector<int>{1});
  EXPECT_EQ(lines.size(), 1u);
}

// --- AVG ----------------------------------------------------------------------------------------------------------

TEST(AllocateAveragely, JavaTestTenQueuesFourConsumers) {
  // AllocateMessageQueueAveragelyTest: sizes [3, 3, 2, 2].
  AllocateAveragely s;
  EXPECT_EQ(ids_per_consumer(s, queues("topic", "brokerName", 10), cids("CID_PREFIX", 4)),
            (Ids{{0, 1, 2}, {3, 4, 5}, {6, 7}, {8, 9}}));
  EXPECT_EQ(s.name(), "AVG");
}

TEST(AllocateAveragely, SpecDerivedVectors) {
  AllocateAveragely s;
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 8), cids("C", 3)), (Ids{{0, 1, 2}, {3, 4, 5}, {6, 7}}));
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 3), cids("C", 5)), (Ids{{0}, {1}, {2}, {}, {}}));
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 1), cids("C", 3)), (Ids{{0}, {}, {}}));
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 5), cids("C", 2)), (Ids{{0, 1, 2}, {3, 4}}));
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 6), cids("C", 3)), (Ids{{0, 1}, {2, 3}, {4, 5}}));
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 4), cids("C", 4)), (Ids{{0}, {1}, {2}, {3}}));
}

TEST(AllocateAveragely, KeepsTheGivenOrderAndUsesTheFirstIndexOfARepeatedId) {
  AllocateAveragely s;
  std::vector<MessageQueue> mqs = {{"t", "b", 9}, {"t", "a", 3}, {"s", "z", 0}};
  EXPECT_EQ(ids(s.allocate("G", "B", mqs, {"B", "A"})), (std::vector<int>{9, 3}));
  EXPECT_EQ(ids(s.allocate("G", "A", mqs, {"B", "A"})), (std::vector<int>{0}));
  // indexOf finds the first "A": both copies get index 0's share.
  EXPECT_EQ(ids(s.allocate("G", "A", mqs, {"A", "A", "B"})), (std::vector<int>{9}));
}

// --- AVG_BY_CIRCLE ------------------------------------------------------------------------------------------------

TEST(AllocateAveragelyByCircle, JavaTestTenQueuesFourConsumers) {
  AllocateAveragelyByCircle s;
  const auto mqs = queues("topic", "brokerName", 10);
  const auto all = cids("CID_PREFIX", 4);
  EXPECT_TRUE(ok(s.allocate("", "CID_PREFIX", mqs, all)).empty());
  EXPECT_EQ(ids_per_consumer(s, mqs, all), (Ids{{0, 4, 8}, {1, 5, 9}, {2, 6}, {3, 7}}));
  EXPECT_EQ(s.name(), "AVG_BY_CIRCLE");
}

TEST(AllocateAveragelyByCircle, SpecDerivedVectors) {
  AllocateAveragelyByCircle s;
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 5), cids("C", 2)), (Ids{{0, 2, 4}, {1, 3}}));
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 2), cids("C", 3)), (Ids{{0}, {1}, {}}));
}

// --- CONFIG -------------------------------------------------------------------------------------------------------

TEST(AllocateByConfig, JavaTestEveryoneGetsTheConfiguredList) {
  AllocateByConfig s(queues("topic", "brokerName", 4));
  const auto all = cids("CID_PREFIX", 2);
  const auto mqs = queues("topic", "brokerName", 10);
  EXPECT_EQ(ids_per_consumer(s, mqs, all), (Ids{{0, 1, 2, 3}, {0, 1, 2, 3}}));
  EXPECT_EQ(s.name(), "CONFIG");
}

TEST(AllocateByConfig, NoArgumentCheckAtAll) {
  std::vector<MessageQueue> config = {{"t", "b", 7}, {"a", "z", 1}};
  AllocateByConfig s(config);
  EXPECT_EQ(ok(s.allocate("", std::nullopt, {}, {})), config);
  EXPECT_EQ(ok(s.allocate("G", "stranger", queues("t", "b", 3), {"x"})), config);
  EXPECT_TRUE(ok(AllocateByConfig({}).allocate("G", "x", queues("t", "b", 3), {"x"})).empty());
}

// --- MACHINE_ROOM -------------------------------------------------------------------------------------------------

std::vector<MessageQueue> machine_room_queues() {
  // AllocateMessageQueueByMachineRoomTest: ids 0-4 on room1@broker-a, 5-9 on room2@broker-b.
  auto out = queues("topic", "room1@broker-a", 5);
  auto more = queues("topic", "room2@broker-b", 5, 5);
  out.insert(out.end(), more.begin(), more.end());
  return out;
}

TEST(AllocateByMachineRoom, JavaTest) {
  AllocateByMachineRoom s({"room1"});
  const auto all = cids("CID_PREFIX", 2);
  EXPECT_EQ(error_of(s.allocate("", "CID_PREFIX0", {}, all)), "IllegalArgumentException: mqAll is null or mqAll empty");
  EXPECT_EQ(ids_per_consumer(s, machine_room_queues(), all), (Ids{{0, 1, 4}, {2, 3}}));
  EXPECT_EQ(s.name(), "MACHINE_ROOM");
}

TEST(AllocateByMachineRoom, BothRoomsAndNoRoom) {
  const auto all = cids("C", 3);
  EXPECT_EQ(ids_per_consumer(AllocateByMachineRoom({"room1", "room2"}), machine_room_queues(), all),
            (Ids{{0, 1, 2, 9}, {3, 4, 5}, {6, 7, 8}}));
  EXPECT_EQ(ids_per_consumer(AllocateByMachineRoom({}), machine_room_queues(), all), (Ids{{}, {}, {}}));
  EXPECT_EQ(ids_per_consumer(AllocateByMachineRoom({"room3"}), machine_room_queues(), all), (Ids{{}, {}, {}}));
}

TEST(AllocateByMachineRoom, BrokerNamesSplitAsJavaStringSplit) {
  // Two pieces after dropping trailing empty ones: "room1@b@" and "room1@b@@" qualify; "room1@", "room1",
  // "room1@b@c" and "@" do not; "@b" has the room "".
  std::vector<MessageQueue> mqs = {{"t", "room1@b@", 0}, {"t", "room1@b@@", 1}, {"t", "room1@", 2},
                                   {"t", "room1", 3},    {"t", "room1@b@c", 4}, {"t", "@", 5},
                                   {"t", "@b", 6},       {"t", "room1@@b", 7},  {"t", "room1@b", 8}};
  EXPECT_EQ(ids(AllocateByMachineRoom({"room1"}).allocate("G", "c", mqs, {"c"})), (std::vector<int>{0, 1, 8}));
  EXPECT_EQ(ids(AllocateByMachineRoom({""}).allocate("G", "c", mqs, {"c"})), (std::vector<int>{6}));
}

// --- CONSISTENT_HASH ----------------------------------------------------------------------------------------------

std::vector<MessageQueue> ch_queues(int count) { return queues("topic_test", "brokerName", count); }

TEST(AllocateConsistentHash, JavaTestArguments) {
  // AllocateMessageQueueConsitentHashTest.
  AllocateConsistentHash s;
  EXPECT_EQ(s.virtual_node_count(), 10);
  EXPECT_EQ(s.name(), "CONSISTENT_HASH");
  EXPECT_TRUE(ok(s.allocate("", "2147483647", ch_queues(6), cids("CID-", 2))).empty());
  EXPECT_EQ(error_of(s.allocate("", "", ch_queues(6), cids("CID-", 2))),
            "IllegalArgumentException: currentCID is empty");
  EXPECT_EQ(error_of(s.allocate("", "0", {}, cids("CID-", 2))),
            "IllegalArgumentException: mqAll is null or mqAll empty");
  EXPECT_EQ(error_of(s.allocate("", "0", ch_queues(6), {})),
            "IllegalArgumentException: cidAll is null or cidAll empty");
  EXPECT_EQ(allocate_error_text(*AllocateConsistentHash::check_virtual_node_count(-1)),
            "IllegalArgumentException: illegal virtualNodeCnt :-1");
  EXPECT_FALSE(AllocateConsistentHash::check_virtual_node_count(0));
}

TEST(AllocateConsistentHash, SpecDerivedConcreteValues) {
  EXPECT_EQ(ids_per_consumer(AllocateConsistentHash(3), ch_queues(6), cids("CID-", 2)), (Ids{{0, 3, 5}, {1, 2, 4}}));
  EXPECT_EQ(ids_per_consumer(AllocateConsistentHash(10), ch_queues(6), cids("CID-", 2)), (Ids{{1, 3, 4, 5}, {0, 2}}));
  EXPECT_EQ(ids_per_consumer(AllocateConsistentHash(10), ch_queues(8), cids("CID-", 3)),
            (Ids{{1, 6, 7}, {2}, {0, 3, 4, 5}}));
  EXPECT_EQ(ids_per_consumer(AllocateConsistentHash(3), ch_queues(20), cids("CID-", 10)),
            (Ids{{3, 5, 8, 18, 19}, {}, {4}, {6, 7, 9}, {}, {10, 11, 15, 17}, {}, {0, 2, 12}, {1, 13, 14}, {16}}));
}

TEST(AllocateConsistentHash, RoutesToTheFirstVirtualNodeAtOrAfterTheQueueHashWrapping) {
  // Ring for CID-0/CID-1 with 3 virtual nodes (spec §10 hashes), ascending:
  //   1110034835 CID-1, 1145053050 CID-1, 1900518137 CID-0, 1973204088 CID-1, 2611424514 CID-0, 2684780223 CID-0
  // Queue hashes: q0 2171879703 → 2611424514 CID-0; q1 3622662134 → wraps to 1110034835 CID-1;
  // q2 611369592 → CID-1; q3 1454651382 → 1900518137 CID-0; q4 3475808878 → wraps, CID-1; q5 1643945739 → CID-0.
  ConsistentHashRouter router(cids("CID-", 2), 3);
  ASSERT_EQ(router.ring_size(), 6u);
  auto ring = router.entries();
  EXPECT_EQ(ring.front(), (std::pair<int64_t, std::string>{1110034835, "CID-1"}));
  EXPECT_EQ(ring.back(), (std::pair<int64_t, std::string>{2684780223, "CID-0"}));
  const char* owners[] = {"CID-0", "CID-1", "CID-1", "CID-0", "CID-1", "CID-0"};
  const auto mqs = ch_queues(6);
  for (size_t q = 0; q < mqs.size(); ++q) EXPECT_EQ(*router.route(client::to_string(mqs[q])), owners[q]);
}

TEST(AllocateConsistentHash, ZeroVirtualNodesAllocatesNothing) {
  AllocateConsistentHash s(0);
  EXPECT_EQ(ids_per_consumer(s, ch_queues(6), cids("CID-", 2)), (Ids{{}, {}}));
}

TEST(AllocateConsistentHash, ResultFollowsMqAllOrderAndTheRingIgnoresCidOrder) {
  AllocateConsistentHash s(3);
  auto mqs = ch_queues(6);
  std::reverse(mqs.begin(), mqs.end());
  EXPECT_EQ(ids(s.allocate("G", "CID-0", mqs, {"CID-1", "CID-0"})), (std::vector<int>{5, 3, 0}));
}

TEST(AllocateConsistentHash, ARepeatedIdContinuesTheReplicaNumbering) {
  // ConsistentHashRouter.addNode numbers a node's virtual nodes from getExistingReplicas(node).
  ConsistentHashRouter router({"A", "B", "A"}, 2);
  std::set<int64_t> expected;
  for (const char* key : {"A-0", "A-1", "A-2", "A-3", "B-0", "B-1"}) expected.insert(java_md5_hash(key));
  std::set<int64_t> got;
  for (const auto& [h, node] : router.entries()) got.insert(h);
  EXPECT_EQ(got, expected);
}

TEST(AllocateConsistentHash, ALaterPutAtTheSameHashReplacesTheVirtualNode) {
  // A hash function with collisions: every key hashes to its length.
  HashFunction by_length = [](std::string_view key) { return static_cast<int64_t>(key.size()); };
  ConsistentHashRouter router({"AA", "BB"}, 2, by_length);  // AA-0, AA-1, BB-0, BB-1: all length 4
  ASSERT_EQ(router.ring_size(), 1u);
  EXPECT_EQ(router.entries()[0], (std::pair<int64_t, std::string>{4, "BB"}));
  // BB's second round sees one surviving replica of BB, so a repeated "BB" continues at BB-1.
  ConsistentHashRouter again({"AA", "BB", "BB"}, 1, [](std::string_view key) {
    return key == "BB-1" ? int64_t{7} : static_cast<int64_t>(key.size());
  });
  EXPECT_EQ(again.entries(), (std::vector<std::pair<int64_t, std::string>>{{4, "BB"}, {7, "BB"}}));
  AllocateConsistentHash s(2, by_length);
  EXPECT_EQ(ids_per_consumer(s, queues("t", "b", 3), {"AA", "BB"}), (Ids{{}, {0, 1, 2}}));
}

// AllocateMessageQueueConsitentHashTest.testAllocate: everything allocated; removing cid[0] moves only its
// queues; adding CID-NEW moves queues only to it.
void check_consistent_hash_stability(int queue_count, int consumer_count) {
  SCOPED_TRACE("queues " + std::to_string(queue_count) + " consumers " + std::to_string(consumer_count));
  AllocateConsistentHash s(3);
  const auto mqs = ch_queues(queue_count);
  auto owners = [&](const std::vector<std::string>& all) {
    std::map<MessageQueue, std::string> owner;
    size_t total = 0;
    for (const std::string& cid : all) {
      for (const MessageQueue& mq : ok(s.allocate("testConsumerGroup", cid, mqs, all))) {
        owner[mq] = cid;
        ++total;
      }
    }
    EXPECT_EQ(total, mqs.size());
    EXPECT_EQ(owner.size(), mqs.size());
    return owner;
  };
  auto all = cids("CID-", consumer_count);
  auto before = owners(all);
  std::string removed = all.front();
  all.erase(all.begin());
  if (all.empty()) return;
  auto after_remove = owners(all);
  for (const auto& [mq, cid] : before) {
    if (cid != removed) {
      EXPECT_EQ(after_remove[mq], cid);
    }
  }
  all.push_back("CID-NEW");
  auto after_add = owners(all);
  for (const auto& [mq, cid] : after_add) {
    if (cid != "CID-NEW") {
      EXPECT_EQ(after_remove[mq], cid);
    }
  }
}

TEST(AllocateConsistentHash, JavaTestStability) {
  check_consistent_hash_stability(20, 10);
  check_consistent_hash_stability(10, 20);
  for (int q = 1; q <= 20; q += 3) {
    for (int c = 1; c <= 20; c += 4) check_consistent_hash_stability(q, c);
  }
}

// --- MACHINE_ROOM_NEARBY ------------------------------------------------------------------------------------------

// AllocateMachineRoomNearByTest's data: queues "IDC<k>-brokerName" 0..q-1 of topic_test for k = 1..idcs,
// consumers "IDC<k>-CID-<i>"; resolver = text before the first '-'; inner strategy AVG.
std::vector<MessageQueue> idc_queues(int idc_count, int queue_count) {
  std::vector<MessageQueue> out;
  for (int k = 1; k <= idc_count; ++k) {
    auto some = queues("topic_test", "IDC" + std::to_string(k) + "-brokerName", queue_count);
    out.insert(out.end(), some.begin(), some.end());
  }
  return out;
}

std::vector<std::string> idc_consumers(int idc_count, int consumer_count) {
  std::vector<std::string> out;
  for (int k = 1; k <= idc_count; ++k) {
    auto some = cids("IDC" + std::to_string(k) + "-CID-", consumer_count);
    out.insert(out.end(), some.begin(), some.end());
  }
  return out;
}

std::string room_of(const std::string& name) { return name.substr(0, name.find('-')); }

AllocateMachineRoomNearby nearby_avg() {
  return AllocateMachineRoomNearby(std::make_shared<AllocateAveragely>(), std::make_shared<PrefixRoomResolver>("-"));
}

// Every queue of mq_all allocated exactly once over all consumers (nothing at all when there are none).
void expect_allocated_once(const std::vector<MessageQueue>& mq_all, const std::vector<std::string>& cid_all,
                           const std::map<std::string, std::vector<MessageQueue>>& results) {
  std::multiset<MessageQueue> got;
  for (const auto& [cid, res] : results) got.insert(res.begin(), res.end());
  if (cid_all.empty()) {
    EXPECT_TRUE(got.empty());
  } else {
    EXPECT_EQ(got, std::multiset<MessageQueue>(mq_all.begin(), mq_all.end()));
  }
}

std::map<std::string, std::vector<MessageQueue>> allocate_all(const AllocateStrategy& s,
                                                              const std::vector<MessageQueue>& mq_all,
                                                              const std::vector<std::string>& cid_all) {
  std::map<std::string, std::vector<MessageQueue>> out;
  for (const std::string& cid : cid_all) out[cid] = ok(s.allocate("Test-C-G", cid, mq_all, cid_all));
  return out;
}

TEST(AllocateMachineRoomNearby, JavaTestIdcSizeEquals) {
  auto s = nearby_avg();
  EXPECT_EQ(s.name(), "MACHINE_ROOM_NEARBY-AVG");
  for (auto [idcs, queue_count, consumer_count] : {std::tuple{5, 20, 10}, {5, 20, 20}, {5, 20, 30}, {5, 20, 0}}) {
    SCOPED_TRACE(consumer_count);
    auto cid_all = idc_consumers(idcs, consumer_count);
    auto mq_all = idc_queues(idcs, queue_count);
    auto results = allocate_all(s, mq_all, cid_all);
    for (const auto& [cid, res] : results) {
      for (const MessageQueue& mq : res) EXPECT_EQ(room_of(mq.broker_name), room_of(cid));
    }
    expect_allocated_once(mq_all, cid_all, results);
  }
}

TEST(AllocateMachineRoomNearby, JavaTestConsumerIdcsMore) {
  auto s = nearby_avg();
  for (int consumer_count : {10, 5, 20, 0}) {
    SCOPED_TRACE(consumer_count);
    auto cid_all = idc_consumers(5 + 1, consumer_count);
    auto mq_all = idc_queues(5, 10);
    auto results = allocate_all(s, mq_all, cid_all);
    for (const auto& [cid, res] : results) {
      // Every broker IDC has consumers here: its queues are served only locally; IDC6 gets nothing.
      for (const MessageQueue& mq : res) EXPECT_EQ(room_of(mq.broker_name), room_of(cid));
      if (room_of(cid) == "IDC6") {
        EXPECT_TRUE(res.empty());
      }
    }
    expect_allocated_once(mq_all, cid_all, results);
  }
}

TEST(AllocateMachineRoomNearby, JavaTestConsumerIdcsLess) {
  auto s = nearby_avg();
  for (int consumer_count : {10, 5, 20, 0}) {
    SCOPED_TRACE(consumer_count);
    auto cid_all = idc_consumers(5 - 2, consumer_count);
    auto mq_all = idc_queues(5, 10);
    auto results = allocate_all(s, mq_all, cid_all);
    std::map<std::string, std::set<MessageQueue>> per_idc;
    for (const auto& [cid, res] : results) per_idc[room_of(cid)].insert(res.begin(), res.end());
    for (const auto& [idc, got] : per_idc) {
      for (const MessageQueue& mq : queues("topic_test", idc + "-brokerName", 10)) EXPECT_EQ(got.count(mq), 1u);
    }
    expect_allocated_once(mq_all, cid_all, results);
  }
}

TEST(AllocateMachineRoomNearby, OwnRoomFirstThenOrphanRoomsInRoomOrder) {
  // Rooms: B (has consumers), A and C (no consumers). Consumer B-1 gets its room's share first, then its shares
  // of A and of C (A before C), each allocated by AVG over all consumers.
  std::vector<MessageQueue> mq_all = {{"t", "C-x", 0}, {"t", "C-x", 1}, {"t", "B-x", 0}, {"t", "B-x", 1},
                                      {"t", "A-x", 0}, {"t", "A-x", 1}};
  std::vector<std::string> cid_all = {"B-0", "B-1"};
  auto s = nearby_avg();
  EXPECT_EQ(ok(s.allocate("G", "B-1", mq_all, cid_all)),
            (std::vector<MessageQueue>{{"t", "B-x", 1}, {"t", "A-x", 1}, {"t", "C-x", 1}}));
  EXPECT_EQ(ok(s.allocate("G", "B-0", mq_all, cid_all)),
            (std::vector<MessageQueue>{{"t", "B-x", 0}, {"t", "A-x", 0}, {"t", "C-x", 0}}));
}

TEST(AllocateMachineRoomNearby, RoomsOrderedByJavaStringCompareTo) {
  // U+FF61 (3 UTF-8 bytes, one UTF-16 unit 0xFF61) sorts after U+10000 (4 bytes, surrogates 0xD800 0xDC00) in
  // byte order but before it in Java's order.
  const std::string bmp = "\xEF\xBD\xA1";
  const std::string astral = "\xF0\x90\x80\x80";
  std::vector<MessageQueue> mq_all = {{"t", astral + "-b", 0}, {"t", bmp + "-b", 0}, {"t", "Z-b", 0}};
  auto s = nearby_avg();
  EXPECT_EQ(ok(s.allocate("G", "Z-1", mq_all, {"Z-1"})),
            (std::vector<MessageQueue>{{"t", "Z-b", 0}, {"t", astral + "-b", 0}, {"t", bmp + "-b", 0}}));
}

TEST(AllocateMachineRoomNearby, AnEmptyOrNullRoomIsAnIllegalArgument) {
  auto s = nearby_avg();
  EXPECT_EQ(error_of(s.allocate("G", "A-1", {{"t", "-b", 3}, {"t", "A-b", 0}}, {"A-1"})),
            "IllegalArgumentException: Machine room is null for mq MessageQueue [topic=t, brokerName=-b, queueId=3]");
  EXPECT_EQ(error_of(s.allocate("G", "A-1", {{"t", "A-b", 0}}, {"A-1", "-2"})),
            "IllegalArgumentException: Machine room is null for consumer id -2");
  // Queues are resolved before consumers.
  EXPECT_EQ(error_of(s.allocate("G", "A-1", {{"t", "", 0}}, {"A-1", ""})),
            "IllegalArgumentException: Machine room is null for mq MessageQueue [topic=t, brokerName=, queueId=0]");

  struct NullRooms final : MachineRoomResolver {
    std::optional<std::string> broker_deploy_in(const MessageQueue&) const override { return std::nullopt; }
    std::optional<std::string> consumer_deploy_in(const std::string&) const override { return "r"; }
  };
  AllocateMachineRoomNearby nulls(std::make_shared<AllocateAveragely>(), std::make_shared<NullRooms>());
  EXPECT_EQ(error_of(nulls.allocate("G", "c", {{"t", "b", 1}}, {"c"})),
            "IllegalArgumentException: Machine room is null for mq MessageQueue [topic=t, brokerName=b, queueId=1]");
  // The common check comes first.
  EXPECT_TRUE(ok(nulls.allocate("G", "d", {{"t", "b", 1}}, {"c"})).empty());
}

TEST(AllocateMachineRoomNearby, NameAndInnerStrategies) {
  auto resolver = std::make_shared<PrefixRoomResolver>();
  auto inner = std::make_shared<AllocateAveragelyByCircle>();
  AllocateMachineRoomNearby s(inner, resolver);
  EXPECT_EQ(s.name(), "MACHINE_ROOM_NEARBY-AVG_BY_CIRCLE");
  auto mq_all = idc_queues(2, 5);
  EXPECT_EQ(ids(s.allocate("G", "IDC1-CID-0", mq_all, idc_consumers(2, 2))), (std::vector<int>{0, 2, 4}));
  // A CONFIG inner hands its list out for my room and for every orphan room.
  AllocateMachineRoomNearby config(std::make_shared<AllocateByConfig>(queues("t", "b", 1)), resolver);
  EXPECT_EQ(ids(config.allocate("G", "IDC1-c", idc_queues(3, 2), {"IDC1-c"})), (std::vector<int>{0, 0, 0}));
}

TEST(PrefixRoomResolver, TextBeforeTheFirstSeparatorOrTheWholeName) {
  PrefixRoomResolver dash;
  EXPECT_EQ(dash.consumer_deploy_in("IDC1-CID-0"), "IDC1");
  EXPECT_EQ(dash.consumer_deploy_in("IDC1"), "IDC1");
  EXPECT_EQ(dash.consumer_deploy_in("-x"), "");
  EXPECT_EQ(dash.broker_deploy_in({"t", "room@broker-a", 0}), "room@broker");
  PrefixRoomResolver multi("::");
  EXPECT_EQ(multi.consumer_deploy_in("a:b::c::d"), "a:b");
}

// --- by name ------------------------------------------------------------------------------------------------------

TEST(MakeAllocateStrategy, EveryJavaName) {
  AllocateParams params;
  for (const char* name : {"AVG", "AVG_BY_CIRCLE", "CONFIG", "MACHINE_ROOM", "CONSISTENT_HASH",
                           "MACHINE_ROOM_NEARBY-AVG", "MACHINE_ROOM_NEARBY-CONSISTENT_HASH",
                           "MACHINE_ROOM_NEARBY-MACHINE_ROOM_NEARBY-AVG_BY_CIRCLE"}) {
    auto made = make_allocate_strategy(name, params);
    ASSERT_TRUE(made.ok()) << name << ": " << made.error().message;
    EXPECT_EQ((*made)->name(), name);
  }
}

TEST(MakeAllocateStrategy, ParametersReachTheStrategy) {
  AllocateParams params;
  params.virtual_node_count = 3;
  auto hash = make_allocate_strategy("CONSISTENT_HASH", params);
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(ids_per_consumer(**hash, ch_queues(6), cids("CID-", 2)), (Ids{{0, 3, 5}, {1, 2, 4}}));
  params.consumer_idcs = {"room1"};
  auto room = make_allocate_strategy("MACHINE_ROOM", params);
  ASSERT_TRUE(room.ok());
  EXPECT_EQ(ids_per_consumer(**room, machine_room_queues(), cids("CID_PREFIX", 2)), (Ids{{0, 1, 4}, {2, 3}}));
  params.config = queues("t", "b", 2);
  auto config = make_allocate_strategy("CONFIG", params);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(ids((*config)->allocate("G", std::nullopt, {}, {})), (std::vector<int>{0, 1}));
  params.room_separator = "@";
  auto nearby = make_allocate_strategy("MACHINE_ROOM_NEARBY-AVG", params);
  ASSERT_TRUE(nearby.ok());
  // Rooms by '@': room1 has consumer room1@c; room2's queues have none and are shared.
  EXPECT_EQ(ids((*nearby)->allocate("G", "room1@c", machine_room_queues(), {"room1@c"})),
            (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(ids((*nearby)->allocate("G", "room2@c", machine_room_queues(), {"room1@c", "room2@c"})),
            (std::vector<int>{5, 6, 7, 8, 9}));
}

TEST(MakeAllocateStrategy, LogSinkReachesEveryStrategy) {
  std::vector<std::string> lines;
  AllocateParams params;
  params.log = [&](const std::string& line) { lines.push_back(line); };
  for (const char* name : {"AVG", "MACHINE_ROOM_NEARBY-AVG"}) {
    auto made = make_allocate_strategy(name, params);
    ASSERT_TRUE(made.ok());
    EXPECT_TRUE(ok((*made)->allocate("G", "x", queues("t", "b", 1), {"y"})).empty());
  }
  EXPECT_EQ(lines.size(), 2u);
}

TEST(MakeAllocateStrategy, Errors) {
  AllocateParams params;
  for (const char* name : {"", "avg", "AVG ", "MACHINE_ROOM_NEARBY", "MACHINE_ROOM_NEARBY-", "MACHINE_ROOM_NEARBY-X",
                           "MACHINE_ROOM_NEARBY_AVG", "AllocateMessageQueueAveragely"}) {
    auto made = make_allocate_strategy(name, params);
    ASSERT_FALSE(made.ok()) << name;
    EXPECT_EQ(made.error().code, kUnknownAllocateStrategy);
  }
  EXPECT_EQ(make_allocate_strategy("nope", params).error().message,
            "unknown allocate strategy \"nope\" (known: AVG, AVG_BY_CIRCLE, CONFIG, MACHINE_ROOM, CONSISTENT_HASH, "
            "MACHINE_ROOM_NEARBY-<inner>)");
  params.virtual_node_count = -1;
  auto negative = make_allocate_strategy("MACHINE_ROOM_NEARBY-CONSISTENT_HASH", params);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, kAllocateConstructorError);
  EXPECT_EQ(negative.error().message, "IllegalArgumentException: illegal virtualNodeCnt :-1");
  EXPECT_TRUE(make_allocate_strategy("AVG", params).ok());  // unused parameters are ignored
  params.room_separator = "";
  EXPECT_EQ(make_allocate_strategy("MACHINE_ROOM_NEARBY-AVG", params).error().code, kUnknownAllocateStrategy);
}

}  // namespace
}  // namespace rmq::consumer
