#include "core/client/client_config.h"

namespace rmq::client {

std::string ClientConfig::build_client_id() const {
  std::string id = client_ip + "@" + instance_name;
  if (!unit_name.empty()) id += "@" + unit_name;
  return id;
}

void ClientConfig::change_instance_name_to_pid(int64_t nano_time) {
  if (instance_name == kDefaultInstanceName) instance_name = std::to_string(pid) + "#" + std::to_string(nano_time);
}

std::vector<std::string> split_namesrv_addrs(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace rmq::client
