// Which Java client the core reproduces where 4.9.8 and 5.x differ (DESIGN §6.1, spec §13.1).
//   kV4_9_8: rocketmq-client 4.9.8, the default and the seed's behaviour.
//   kV5:     rocketmq-client 5.3.3 at the points listed in DESIGN §6.1 (retry code set, fault tables,
//            extend-only isolation, index reset on retry, async retry guard) and §6.9 (peer close fails pending).
#pragma once

#include <optional>
#include <string_view>

namespace rmq::client {

enum class Profile : unsigned char { kV4_9_8, kV5 };

constexpr std::string_view profile_name(Profile p) { return p == Profile::kV5 ? "v5" : "v4_9_8"; }

inline std::optional<Profile> parse_profile(std::string_view name) {
  if (name == "v4_9_8") return Profile::kV4_9_8;
  if (name == "v5") return Profile::kV5;
  return std::nullopt;
}

}  // namespace rmq::client
