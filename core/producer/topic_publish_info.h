// TopicPublishInfo: the queues a producer may send a topic's messages to, built from a route (spec §3.4), and the
// round-robin selections over them (spec §4.2, §4.4). The send index lives here (DESIGN §6.8): a changed route
// makes a new TopicPublishInfo with a freshly drawn index, as Java builds a new object per route change.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/client/message_queue.h"
#include "core/client/profile.h"
#include "core/producer/send_queue_index.h"
#include "core/protocol/route_data.h"

namespace rmq::producer {

struct TopicPublishInfo {
  bool order_topic = false;
  bool have_topic_router_info = false;  // set by the route updater, never by make_topic_publish_info
  std::vector<client::MessageQueue> queues;
  SendQueueIndex send_which_queue;
  // The route it was built from, with queue_datas in the order the builder sorted them (Java sorts the route's
  // list in place and keeps a reference to it). nullopt for an empty info (`new TopicPublishInfo()`).
  std::optional<protocol::TopicRouteData> route;

  bool ok() const { return !queues.empty(); }

  // selectOneMessageQueue(): queues[abs(increment_and_get()) % n]. Both profiles compute the same position
  // (the index is already non-negative). Precondition: ok().
  const client::MessageQueue& select_one();

  // 4.9.8 selectOneMessageQueue(lastBrokerName): no last broker -> select_one(). Otherwise up to n increments,
  // returning the first queue whose broker differs; if every queue is on that broker, one more select_one().
  // Precondition: ok().
  const client::MessageQueue& select_one_avoiding(const std::optional<std::string>& last_broker);

  // 5.x selectOneMessageQueue(filters...): n iterations, each taking increment_and_get(), position
  // abs(index % n); the first queue `pass` accepts, or nullptr (also when there are no queues).
  const client::MessageQueue* select_v5(const std::function<bool(const client::MessageQueue&)>& pass);

  // getQueueIdByBroker (4.9.8): writeQueueNums of the first QueueData of `route` naming that broker (its perm is
  // not looked at), -1 when none does or there is no route.
  int32_t write_queue_nums_of(std::string_view broker_name) const;
};

// topicRouteData2TopicPublishInfo (spec §3.4). With a non-empty orderTopicConf ("brokerA:4;brokerB:8"): queues
// (topic, name, 0..n-1) per entry in order, order_topic = true, no perm or master check; entries Java could not
// parse (it would throw and abandon the route update) are skipped. Otherwise queue_datas are stably sorted by
// brokerName (Java String.compareTo, UTF-16 order) and every writable QueueData whose broker has a master
// (brokerId 0) contributes (topic, broker, 0..writeQueueNums-1). `index_draw` seeds send_which_queue.
TopicPublishInfo make_topic_publish_info(const std::string& topic, const protocol::TopicRouteData& route,
                                         client::Profile profile, uint32_t index_draw);

// topicRouteData2TopicSubscribeInfo: (topic, broker, 0..readQueueNums-1) for every readable QueueData; no master
// check. Ordered by MessageQueue's (topic, brokerName, queueId) order.
std::set<client::MessageQueue> make_topic_subscribe_info(const std::string& topic,
                                                         const protocol::TopicRouteData& route);

// Java String.compareTo on the UTF-16 forms of two UTF-8 strings (bytewise order for ASCII; differs only where
// supplementary characters meet U+E000..U+FFFF).
int java_string_compare(std::string_view a, std::string_view b);

}  // namespace rmq::producer
