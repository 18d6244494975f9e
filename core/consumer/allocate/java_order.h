// The Java orderings and string operations the allocation strategies depend on (spec §7.2, §7.4):
// String.compareTo (UTF-16 code units), MessageQueue.compareTo, the sort RebalanceImpl applies before
// allocating, and String.split with a one-character separator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/client/message_queue.h"

namespace rmq::consumer {

// Java's a.compareTo(b) for the strings whose UTF-8 forms are given, by sign (<0, 0, >0): UTF-16 code units
// compared in order, then length. This differs from byte order only where a supplementary code point (4 UTF-8
// bytes, a surrogate pair in UTF-16) meets one in U+E000..U+FFFF. Ill-formed UTF-8 (which no Java string has)
// counts as U+FFFD; two different byte strings that would be equal then are ordered by their bytes, so only
// equal strings compare equal.
int java_string_compare(std::string_view a, std::string_view b);

struct JavaStringLess {
  bool operator()(std::string_view a, std::string_view b) const { return java_string_compare(a, b) < 0; }
};

// MessageQueue.compareTo: topic, then brokerName (String.compareTo), then queueId. (Java subtracts the queue
// ids, which overflows for ids 2^31 apart; real queue ids are small, and a plain comparison is used here.)
int java_queue_compare(const client::MessageQueue& a, const client::MessageQueue& b);

// RebalanceImpl.rebalanceByTopic, CLUSTERING step 4: mqAll sorted by MessageQueue.compareTo, cidAll by
// String.compareTo (Collections.sort: stable, so equal entries keep their order).
void sort_for_allocation(std::vector<client::MessageQueue>& mq_all, std::vector<std::string>& cid_all);

// Java's text.split(String.valueOf(separator)) (limit 0): no separator in text → {text}; otherwise the pieces
// between separators with the trailing empty pieces removed ("a@b@" → {"a","b"}, "@" → {}, "@b" → {"","b"}).
std::vector<std::string_view> java_split(std::string_view text, char separator);

}  // namespace rmq::consumer
