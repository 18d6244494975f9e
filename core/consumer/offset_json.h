// The LocalFileOffsetStore file (spec §6.7): Java's OffsetSerializeWrapper as fastjson writes it with
// PrettyFormat (toJson(true)). Its map has MessageQueue keys, which fastjson writes as inline objects — not valid
// JSON — indented with tabs, e.g.
//
//   {
//   	"offsetTable":{{
//   			"brokerName":"broker-a",
//   			"queueId":3,
//   			"topic":"TopicTest"
//   		}:1470,{
//   			...
//   		}:1471
//   	}
//   }
//
// (an empty table is "offsetTable":{}). The reader takes that form, the compact one, and keys written as JSON
// strings holding the queue object (fastjson's WriteNonStringKeyAsString form); offsets as numbers or quoted
// numbers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/client/message_queue.h"
#include "core/common/status.h"

namespace rmq::consumer {

// The iteration order of a java.util.concurrent.ConcurrentHashMap<MessageQueue, ?> (default constructor) into
// which `inserted` went in this order and that once held `peak_size` entries (0 = inserted.size()). It resizes
// one entry earlier than a HashMap (at size >= 3/4 of the table). Collisions keep insertion order here; the
// reordering CHM's transfer may do inside one bucket is not modelled.
std::vector<client::MessageQueue> concurrent_hash_map_order(const std::vector<client::MessageQueue>& inserted,
                                                            size_t peak_size = 0);

// OffsetSerializeWrapper.toJson(true) of a wrapper whose map got the entries in `entries` order (the store's own
// iteration order).
std::string encode_offset_file(const std::vector<std::pair<client::MessageQueue, int64_t>>& entries);

// OffsetSerializeWrapper.fromJson. nullopt = a null wrapper or a null offsetTable (blank text, "null"); an
// object without "offsetTable" gives an empty table. Malformed text is an Error naming the byte offset.
Result<std::optional<std::map<client::MessageQueue, int64_t>>> parse_offset_file(std::string_view text);

}  // namespace rmq::consumer
