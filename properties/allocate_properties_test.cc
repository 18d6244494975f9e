// Properties of the allocation strategies (spec §7.4; DESIGN §5 "Rebalance"): with one consistent view every
// queue has exactly one owner (AVG, AVG_BY_CIRCLE, CONSISTENT_HASH, MACHINE_ROOM_NEARBY-*); AVG and AVG_BY_CIRCLE
// are balanced within one; the consistent hash moves only the queues of a consumer that left or to one that
// joined; a consumer absent from the list gets nothing; and sorting as RebalanceImpl does makes the result
// independent of the order the queues and ids arrived in.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <map>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "core/consumer/allocate/allocate_strategy.h"
#include "core/consumer/allocate/java_order.h"
#include "properties/generators.h"
#include "properties/seeded_prop.h"

namespace rmq::consumer {
namespace {

using client::ClientError;
using client::MessageQueue;

// --- generators ---------------------------------------------------------------------------------------------------

// What one consumer sees of one topic: its readable queues and the group's consumer ids (distinct, any order).
struct View {
  std::vector<MessageQueue> mq_all;
  std::vector<std::string> cid_all;
};

void showValue(const View& v, std::ostream& os) {
  os << "mqAll(" << v.mq_all.size() << ")=[";
  for (const MessageQueue& mq : v.mq_all) os << mq.broker_name << ":" << mq.queue_id << " ";
  os << "] cidAll(" << v.cid_all.size() << ")=[";
  for (const std::string& cid : v.cid_all) os << "\"" << cid << "\" ";
  os << "]";
}

// A random permutation of `items` (Fisher-Yates with RapidCheck's draws; shrinks toward the identity).
template <typename T>
std::vector<T> shuffled(std::vector<T> items) {
  for (size_t i = items.size(); i > 1; --i) {
    size_t j = *rc::gen::inRange<size_t>(0, i);
    std::swap(items[i - 1], items[i - 1 - j]);
  }
  return items;
}

// Client ids as Java builds them (ip@instance), test-style ids, and arbitrary Unicode text.
rc::Gen<std::string> client_id() {
  return rc::gen::weightedOneOf<std::string>({
      {3, rc::gen::map(rc::gen::pair(rc::gen::inRange(0, 256), rc::gen::inRange(1, 99999)),
                       [](std::pair<int, int> p) {
                         return "10.0.0." + std::to_string(p.first) + "@" + std::to_string(p.second);
                       })},
      {2, rc::gen::map(rc::gen::inRange(0, 100), [](int i) { return "CID-" + std::to_string(i); })},
      {1, rc::gen::suchThat(gen::utf8_text(8), [](const std::string& s) { return !s.empty(); })},
  });
}

template <typename T, typename Less = std::less<T>>
std::vector<T> distinct(std::vector<T> items) {
  std::vector<T> out;
  std::set<T, Less> seen;
  for (T& item : items) {
    if (seen.insert(item).second) out.push_back(std::move(item));
  }
  return out;
}

// Queues of one topic on 1..4 brokers (names with rooms "room@broker", Unicode, ...), 1..12 queues each.
rc::Gen<std::vector<MessageQueue>> topic_queues() {
  return rc::gen::exec([] {
    const std::string topic = *rc::gen::element<std::string>("TopicTest", "%RETRY%group", "t\xC3\xA9");
    auto brokers = distinct(*rc::gen::container<std::vector<std::string>>(
        *rc::gen::inRange(1, 5), rc::gen::element<std::string>("broker-a", "broker-b", "room1@broker-c",
                                                                "room2@broker-d", "\xF0\x9F\x98\x80-b", "B")));
    std::vector<MessageQueue> out;
    for (const std::string& broker : brokers) {
      int count = *rc::gen::inRange(1, 13);
      for (int id = 0; id < count; ++id) out.push_back(MessageQueue{topic, broker, id});
    }
    return out;
  });
}

rc::Gen<View> view() {
  return rc::gen::exec([] {
    View v;
    v.mq_all = *topic_queues();
    v.cid_all = distinct(*rc::gen::container<std::vector<std::string>>(*rc::gen::inRange(1, 20), client_id()));
    v.mq_all = shuffled(v.mq_all);
    return v;
  });
}

// A view with machine rooms for the nearby strategy: brokers "<room>-broker<k>", consumers "<room>-<ip@pid>";
// some rooms have only brokers, some only consumers.
rc::Gen<View> room_view() {
  return rc::gen::exec([] {
    const std::vector<std::string> rooms = {"IDC1", "IDC2", "IDC3", "IDC4", "\xEF\xBD\xA1", "\xF0\x90\x80\x80"};
    View v;
    for (const std::string& room : rooms) {
      int brokers = *rc::gen::inRange(0, 3);
      for (int b = 0; b < brokers; ++b) {
        int count = *rc::gen::inRange(1, 7);
        for (int id = 0; id < count; ++id) {
          v.mq_all.push_back(MessageQueue{"TopicTest", room + "-broker" + std::to_string(b), id});
        }
      }
      int consumers = *rc::gen::inRange(0, 4);
      for (int c = 0; c < consumers; ++c) v.cid_all.push_back(room + "-" + *client_id());
    }
    // At least one queue and one consumer (no retry loop: shrinking replays draws and could spin forever).
    if (v.mq_all.empty()) v.mq_all.push_back(MessageQueue{"TopicTest", rooms[0] + "-broker0", 0});
    if (v.cid_all.empty()) v.cid_all.push_back(*rc::gen::elementOf(rooms) + "-" + *client_id());
    v.cid_all = distinct(v.cid_all);
    v.mq_all = shuffled(v.mq_all);
    v.cid_all = shuffled(v.cid_all);
    return v;
  });
}

// --- helpers ------------------------------------------------------------------------------------------------------

std::vector<MessageQueue> allocated(const AllocateStrategy& s, const std::string& cid, const View& v) {
  AllocateResult r = s.allocate("group", cid, v.mq_all, v.cid_all);
  if (const auto* e = std::get_if<ClientError>(&r)) RC_FAIL(s.name() + " threw " + allocate_error_text(*e));
  return std::get<std::vector<MessageQueue>>(r);
}

// What allocate() gives, the error included: an ordering property compares outcomes, and Java throws for some
// inputs (e.g. MACHINE_ROOM_NEARBY's "Machine room is null for consumer id -" for a client id with an empty room).
std::string outcome(const AllocateStrategy& s, const std::string& cid, const View& v) {
  AllocateResult r = s.allocate("group", cid, v.mq_all, v.cid_all);
  if (const auto* e = std::get_if<ClientError>(&r)) return "threw " + allocate_error_text(*e);
  std::string out;
  for (const MessageQueue& mq : std::get<std::vector<MessageQueue>>(r))
    out += mq.topic + "@" + mq.broker_name + "#" + std::to_string(mq.queue_id) + " ";
  return out;
}

// Queue → owner over every consumer of the view; fails on a queue owned twice.
std::map<MessageQueue, std::string> owners(const AllocateStrategy& s, const View& v) {
  std::map<MessageQueue, std::string> out;
  for (const std::string& cid : v.cid_all) {
    for (const MessageQueue& mq : allocated(s, cid, v)) {
      auto [it, inserted] = out.emplace(mq, cid);
      RC_ASSERT(inserted);  // never two owners (nor the same queue twice for one consumer)
    }
  }
  return out;
}

View sorted(View v) {
  sort_for_allocation(v.mq_all, v.cid_all);
  return v;
}

std::shared_ptr<const AllocateStrategy> strategy(const std::string& name, int virtual_nodes = 10) {
  AllocateParams params;
  params.virtual_node_count = virtual_nodes;
  params.consumer_idcs = {"room1", "room2"};
  auto made = make_allocate_strategy(name, params);
  RC_ASSERT(made.ok());
  return std::shared_ptr<const AllocateStrategy>(std::move(made).value());
}

// --- properties ---------------------------------------------------------------------------------------------------

RMQ_SEEDED_PROP(AllocateProperties, EveryQueueHasExactlyOneOwner, ()) {
  const std::string name = *rc::gen::element<std::string>("AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH");
  const int virtual_nodes = *rc::gen::inRange(1, 16);
  const View v = *rc::gen::oneOf(rc::gen::map(view(), sorted), view());
  auto s = strategy(name, virtual_nodes);
  auto owner = owners(*s, v);
  RC_ASSERT(owner.size() == v.mq_all.size());
}

RMQ_SEEDED_PROP(AllocateProperties, NearbyGivesEveryQueueExactlyOneOwnerAndKeepsRoomsWithConsumersLocal, ()) {
  const std::string inner = *rc::gen::element<std::string>("AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH");
  const View v = *rc::gen::oneOf(rc::gen::map(room_view(), sorted), room_view());
  auto s = strategy("MACHINE_ROOM_NEARBY-" + inner, *rc::gen::inRange(1, 12));
  auto owner = owners(*s, v);
  RC_ASSERT(owner.size() == v.mq_all.size());
  PrefixRoomResolver rooms("-");
  std::set<std::string> consumer_rooms;
  for (const std::string& cid : v.cid_all) consumer_rooms.insert(*rooms.consumer_deploy_in(cid));
  for (const auto& [mq, cid] : owner) {
    std::string room = *rooms.broker_deploy_in(mq);
    if (consumer_rooms.count(room) > 0) RC_ASSERT(*rooms.consumer_deploy_in(cid) == room);
  }
}

RMQ_SEEDED_PROP(AllocateProperties, AvgAndCircleAreBalancedWithinOne, ()) {
  const std::string name = *rc::gen::element<std::string>("AVG", "AVG_BY_CIRCLE");
  const View v = *view();
  auto s = strategy(name);
  size_t least = v.mq_all.size();
  size_t most = 0;
  for (const std::string& cid : v.cid_all) {
    size_t n = allocated(*s, cid, v).size();
    least = std::min(least, n);
    most = std::max(most, n);
  }
  RC_ASSERT(most - least <= 1);
  // Everyone gets floor(n/c) or ceil(n/c).
  RC_ASSERT(least == v.mq_all.size() / v.cid_all.size());
}

RMQ_SEEDED_PROP(AllocateProperties, ConsistentHashMovesOnlyTheQueuesOfALeaverOrToAJoiner, ()) {
  const int virtual_nodes = *rc::gen::inRange(1, 16);
  auto s = strategy("CONSISTENT_HASH", virtual_nodes);
  const View before = sorted(*view());
  const auto owner_before = owners(*s, before);

  // One consumer leaves.
  if (before.cid_all.size() > 1) {
    View after = before;
    size_t leaver = *rc::gen::inRange<size_t>(0, before.cid_all.size());
    const std::string gone = after.cid_all[leaver];
    after.cid_all.erase(after.cid_all.begin() + static_cast<std::ptrdiff_t>(leaver));
    const auto owner_after = owners(*s, after);
    RC_ASSERT(owner_after.size() == after.mq_all.size());
    for (const auto& [mq, cid] : owner_before) {
      if (cid != gone) RC_ASSERT(owner_after.at(mq) == cid);
    }
  }

  // One consumer joins (at its sorted place, as the next rebalance would see it).
  const std::string joiner = *rc::gen::suchThat(client_id(), [&](const std::string& id) {
    return std::find(before.cid_all.begin(), before.cid_all.end(), id) == before.cid_all.end();
  });
  View after = before;
  after.cid_all.push_back(joiner);
  after = sorted(after);
  const auto owner_after = owners(*s, after);
  RC_ASSERT(owner_after.size() == after.mq_all.size());
  for (const auto& [mq, cid] : owner_after) {
    if (cid != joiner) RC_ASSERT(owner_before.at(mq) == cid);
  }
}

RMQ_SEEDED_PROP(AllocateProperties, ConsistentHashOwnershipDoesNotDependOnTheIdOrder, ()) {
  auto s = strategy("CONSISTENT_HASH", *rc::gen::inRange(0, 16));
  const View v = *view();
  View reordered = v;
  reordered.cid_all = shuffled(v.cid_all);
  for (const std::string& cid : v.cid_all) RC_ASSERT(allocated(*s, cid, v) == allocated(*s, cid, reordered));
}

RMQ_SEEDED_PROP(AllocateProperties, AConsumerAbsentFromTheListGetsNothing, ()) {
  const std::string name = *rc::gen::element<std::string>("AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH", "MACHINE_ROOM",
                                                          "MACHINE_ROOM_NEARBY-AVG",
                                                          "MACHINE_ROOM_NEARBY-CONSISTENT_HASH");
  const View v = *rc::gen::oneOf(view(), room_view());
  const std::string stranger = *rc::gen::suchThat(client_id(), [&](const std::string& id) {
    return std::find(v.cid_all.begin(), v.cid_all.end(), id) == v.cid_all.end();
  });
  std::vector<std::string> logged;
  AllocateParams params;
  params.consumer_idcs = {"room1", "room2"};
  params.log = [&](const std::string& line) { logged.push_back(line); };
  auto logging = make_allocate_strategy(name, params);
  RC_ASSERT(logging.ok());
  RC_ASSERT(allocated(**logging, stranger, v).empty());
  RC_ASSERT(logged.size() == 1u);
  RC_ASSERT(logged[0].find("[BUG] ConsumerGroup: group The consumerId: " + stranger + " not in cidAll: [") == 0u);
}

RMQ_SEEDED_PROP(AllocateProperties, SortedInputGivesAnOrderIndependentResult, ()) {
  const std::string name =
      *rc::gen::element<std::string>("AVG", "AVG_BY_CIRCLE", "CONSISTENT_HASH", "MACHINE_ROOM",
                                     "MACHINE_ROOM_NEARBY-AVG", "MACHINE_ROOM_NEARBY-AVG_BY_CIRCLE");
  const View v = *rc::gen::oneOf(view(), room_view());
  View reordered = v;
  reordered.mq_all = shuffled(v.mq_all);
  reordered.cid_all = shuffled(v.cid_all);
  const View a = sorted(v);
  const View b = sorted(reordered);
  RC_ASSERT(a.mq_all == b.mq_all);
  RC_ASSERT(a.cid_all == b.cid_all);
  auto s = strategy(name, *rc::gen::inRange(1, 12));
  for (const std::string& cid : v.cid_all) RC_ASSERT(outcome(*s, cid, a) == outcome(*s, cid, b));
}

RMQ_SEEDED_PROP(AllocateProperties, MachineRoomSplitsItsRoomsQueuesOnceAndAsEvenlyAsAvg, ()) {
  const View v = *view();
  auto s = strategy("MACHINE_ROOM");
  auto owner = owners(*s, v);
  size_t in_rooms = 0;
  for (const MessageQueue& mq : v.mq_all) {
    auto pieces = java_split(mq.broker_name, '@');
    bool mine = pieces.size() == 2 && (pieces[0] == "room1" || pieces[0] == "room2");
    RC_ASSERT(owner.count(mq) == (mine ? 1u : 0u));
    in_rooms += mine ? 1 : 0;
  }
  for (const std::string& cid : v.cid_all) {
    size_t n = allocated(*s, cid, v).size();
    RC_ASSERT(n == in_rooms / v.cid_all.size() || n == in_rooms / v.cid_all.size() + 1);
  }
}

}  // namespace
}  // namespace rmq::consumer
