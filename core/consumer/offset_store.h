// Offset stores (spec §6.7): where a consumer keeps the offset to resume each queue from. Clustering consumers
// use the broker (RemoteBrokerOffsetStore: memory first, persisted oneway); broadcasting ones a local store
// (LocalFileOffsetStore: a JSON file, through OffsetFile so the simulator keeps it in memory).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/client/client_error.h"
#include "core/client/client_instance.h"
#include "core/client/message_queue.h"
#include "core/consumer/consumer_api.h"
#include "core/runtime/runtime.h"

namespace rmq::consumer {

enum class ReadOffsetType : uint8_t { kReadFromMemory, kReadFromStore, kMemoryFirstThenStore };

class OffsetStore {
 public:
  virtual ~OffsetStore() = default;
  virtual void load() = 0;
  // updateOffset: creates the entry if absent; increase_only keeps the larger value.
  virtual void update_offset(const client::MessageQueue& mq, int64_t offset, bool increase_only) = 0;
  // readOffset: the offset, -1 when unknown, or (4.9.8 remote store) -1 for a broker error, -2 for other
  // failures. `done` always runs later, from the runtime, never inside the call (memory reads too); the
  // synchronous memory read is read_offset_from_memory.
  virtual void read_offset(const client::MessageQueue& mq, ReadOffsetType type,
                           std::function<void(int64_t)> done) = 0;
  virtual int64_t read_offset_from_memory(const client::MessageQueue& mq) const = 0;
  // persistAll: writes the offsets of `mqs` (remote: oneway UPDATE_CONSUMER_OFFSET each, then forgets the
  // in-memory entries not in `mqs`; local: the file, keeping every entry, as Java). Empty `mqs`: nothing.
  virtual void persist_all(const std::set<client::MessageQueue>& mqs) = 0;
  virtual void persist(const client::MessageQueue& mq) = 0;
  virtual void remove_offset(const client::MessageQueue& mq) = 0;
  virtual std::map<client::MessageQueue, int64_t> clone_offset_table(const std::string& topic) const = 0;
};

class RemoteBrokerOffsetStore final : public OffsetStore {
 public:
  RemoteBrokerOffsetStore(client::ClientInstance& instance, ConsumerApi& api, std::string group);
  void load() override {}
  void update_offset(const client::MessageQueue& mq, int64_t offset, bool increase_only) override;
  void read_offset(const client::MessageQueue& mq, ReadOffsetType type, std::function<void(int64_t)> done) override;
  int64_t read_offset_from_memory(const client::MessageQueue& mq) const override;
  void persist_all(const std::set<client::MessageQueue>& mqs) override;
  void persist(const client::MessageQueue& mq) override;
  void remove_offset(const client::MessageQueue& mq) override;
  std::map<client::MessageQueue, int64_t> clone_offset_table(const std::string& topic) const override;

 private:
  // fetchConsumeOffsetFromBroker / updateConsumeOffsetToBroker: the master of mq's broker, the route refreshed
  // once when it is unknown.
  void with_master_address(const client::MessageQueue& mq, std::function<void(std::optional<std::string>)> done);
  // updateConsumeOffsetToBroker (oneway) for entries[index...], one after another; `index` waits for a route
  // refresh only when its broker is unknown.
  void update_consume_offset_to_broker(std::shared_ptr<std::vector<std::pair<client::MessageQueue, int64_t>>> entries,
                                       size_t index);
  void read_from_store(const client::MessageQueue& mq, std::function<void(int64_t)> done);
  void answer_later(std::function<void(int64_t)> done, int64_t value);
  // The entries in Java's ConcurrentHashMap iteration order (persistAll sends in that order).
  std::vector<std::pair<client::MessageQueue, int64_t>> entries_in_java_order() const;

  client::ClientInstance& instance_;
  ConsumerApi& api_;
  std::string group_;
  std::map<client::MessageQueue, int64_t> offsets_;
  size_t peak_size_ = 0;  // the most entries ever held (a ConcurrentHashMap never shrinks its table)
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

// The Java default of LocalFileOffsetStore's directory when rocketmq.client.localOffsetStoreDir is not set:
// <home>/.rocketmq_offsets (`home` = user.home).
std::string default_local_offset_store_dir(const std::string& home);

// Where a LocalFileOffsetStore keeps its file: real files over Asio, memory in the simulator.
class OffsetFile {
 public:
  virtual ~OffsetFile() = default;
  virtual std::optional<std::string> read(const std::string& path) = 0;
  virtual void write(const std::string& path, const std::string& content) = 0;
};
std::unique_ptr<OffsetFile> make_disk_offset_file();
std::unique_ptr<OffsetFile> make_memory_offset_file();

class LocalFileOffsetStore final : public OffsetStore {
 public:
  // The file: <dir>/<clientId>/<group>/offsets.json, Java's {"offsetTable":{<MessageQueue json>:<offset>,...}}
  // (fastjson PrettyFormat with object keys, offset_json.h). Writing keeps the previous content in ".bak"
  // (MixAll.string2File); reading falls back to ".bak" when the file is missing, empty or malformed.
  // `runtime` only runs read_offset's `done` later, as OffsetStore promises; without one (nullptr) `done` runs
  // inside read_offset — pass the runtime.
  LocalFileOffsetStore(OffsetFile& file, std::string dir, std::string client_id, std::string group,
                       runtime::Runtime* runtime = nullptr);
  // Java's load() throws MQClientException("readLocalOffset Exception, maybe fastjson version too low") when the
  // file is unusable and ".bak" malformed; here load() keeps what it could and load_error() reports that.
  void load() override;
  const std::optional<client::ClientError>& load_error() const { return load_error_; }
  void update_offset(const client::MessageQueue& mq, int64_t offset, bool increase_only) override;
  void read_offset(const client::MessageQueue& mq, ReadOffsetType type, std::function<void(int64_t)> done) override;
  int64_t read_offset_from_memory(const client::MessageQueue& mq) const override;
  void persist_all(const std::set<client::MessageQueue>& mqs) override;
  void persist(const client::MessageQueue&) override {}
  void remove_offset(const client::MessageQueue&) override {}
  std::map<client::MessageQueue, int64_t> clone_offset_table(const std::string& topic) const override;
  const std::string& path() const { return path_; }

 private:
  // readLocalOffset: the table (nullopt: none stored), or the MQClientException of a malformed ".bak".
  std::variant<std::optional<std::map<client::MessageQueue, int64_t>>, client::ClientError> read_file() const;

  runtime::Runtime* runtime_;
  OffsetFile& file_;
  std::string path_;
  std::map<client::MessageQueue, int64_t> offsets_;
  size_t peak_size_ = 0;
  std::optional<client::ClientError> load_error_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rmq::consumer
