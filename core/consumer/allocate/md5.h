// MD5 (RFC 1321), for the consistent-hash ring of AllocateMessageQueueConsistentHash (spec §7.4), whose Java
// MD5Hash takes the first four digest bytes of a key.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace rmq::consumer {

using Md5Digest = std::array<uint8_t, 16>;

// The digest of `data` (the bytes as given).
Md5Digest md5(std::string_view data);

}  // namespace rmq::consumer
