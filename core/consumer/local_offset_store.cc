// LocalFileOffsetStore (4.9.8, broadcasting consumers): offsets in memory, persisted to
// <dir>/<clientId>/<group>/offsets.json in Java's format (offset_json.h), through an OffsetFile.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/consumer/offset_json.h"
#include "core/consumer/offset_store.h"

namespace rmq::consumer {

namespace {

// The real file system. Writing goes through "<path>.tmp" and a rename, as MixAll.string2File's last step, so a
// reader never sees half a file; failures are dropped (Java logs the IOException).
class DiskOffsetFile final : public OffsetFile {
 public:
  std::optional<std::string> read(const std::string& path) override {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }
  void write(const std::string& path, const std::string& content) override {
    std::error_code ec;
    std::filesystem::path target(path);
    if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
    std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) return;
      out << content;
      if (!out.flush()) return;
    }
    std::filesystem::rename(tmp, target, ec);
  }
};

class MemoryOffsetFile final : public OffsetFile {
 public:
  std::optional<std::string> read(const std::string& path) override {
    auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second;
  }
  void write(const std::string& path, const std::string& content) override { files_[path] = content; }

 private:
  std::map<std::string, std::string> files_;
};

using Table = std::map<client::MessageQueue, int64_t>;
using FileRead = std::variant<std::optional<Table>, client::ClientError>;

// readLocalOffsetBak: a malformed backup is the MQClientException load() throws (FAQ hint left out).
FileRead read_backup(OffsetFile& file, const std::string& path) {
  auto content = file.read(path + ".bak");
  if (!content || content->empty()) return std::optional<Table>();
  auto parsed = parse_offset_file(*content);
  if (!parsed.ok()) return client::mq_client_error_plain("readLocalOffset Exception, maybe fastjson version too low");
  return std::move(parsed).value();
}

}  // namespace

std::unique_ptr<OffsetFile> make_disk_offset_file() { return std::make_unique<DiskOffsetFile>(); }
std::unique_ptr<OffsetFile> make_memory_offset_file() { return std::make_unique<MemoryOffsetFile>(); }

LocalFileOffsetStore::LocalFileOffsetStore(OffsetFile& file, std::string dir, std::string client_id,
                                           std::string group, runtime::Runtime* runtime)
    : runtime_(runtime), file_(file), path_(dir + "/" + client_id + "/" + group + "/offsets.json") {}

// readLocalOffset: the file; its backup when the file is missing, empty or malformed.
FileRead LocalFileOffsetStore::read_file() const {
  auto content = file_.read(path_);
  if (!content || content->empty()) return read_backup(file_, path_);
  auto parsed = parse_offset_file(*content);
  if (!parsed.ok()) return read_backup(file_, path_);
  return std::move(parsed).value();
}

void LocalFileOffsetStore::load() {
  FileRead read = read_file();
  if (auto* error = std::get_if<client::ClientError>(&read)) {
    load_error_ = *error;
    return;
  }
  load_error_.reset();
  const auto& table = std::get<std::optional<Table>>(read);
  if (!table) return;
  for (const auto& [mq, offset] : *table) offsets_[mq] = offset;  // putAll
  peak_size_ = std::max(peak_size_, offsets_.size());
}

void LocalFileOffsetStore::update_offset(const client::MessageQueue& mq, int64_t offset, bool increase_only) {
  auto [it, inserted] = offsets_.emplace(mq, offset);
  peak_size_ = std::max(peak_size_, offsets_.size());
  if (inserted) return;
  if (!increase_only || offset > it->second) it->second = offset;
}

int64_t LocalFileOffsetStore::read_offset_from_memory(const client::MessageQueue& mq) const {
  auto it = offsets_.find(mq);
  return it == offsets_.end() ? -1 : it->second;
}

// readOffset: memory as the remote store; READ_FROM_STORE reads the file now (a malformed backup counts as no
// offset, -1) and keeps what it found in memory. Only `done` runs later.
void LocalFileOffsetStore::read_offset(const client::MessageQueue& mq, ReadOffsetType type,
                                       std::function<void(int64_t)> done) {
  int64_t value = -1;
  auto it = offsets_.find(mq);
  if (type != ReadOffsetType::kReadFromStore && it != offsets_.end()) {
    value = it->second;
  } else if (type != ReadOffsetType::kReadFromMemory) {
    FileRead read = read_file();
    const auto* table = std::get_if<std::optional<Table>>(&read);
    if (table && *table) {
      auto found = (*table)->find(mq);
      if (found != (*table)->end()) {
        update_offset(mq, found->second, false);
        value = found->second;
      }
    }
  }
  if (runtime_ == nullptr) return done(value);
  std::weak_ptr<int> alive = alive_;
  runtime_->after(0, [alive, done = std::move(done), value] {
    if (!alive.expired()) done(value);
  });
}

// persistAll: the offsets of `mqs` that are in memory, written with MixAll.string2File (the previous content
// goes to ".bak" first). Entries not in `mqs` stay in memory (unlike the remote store).
void LocalFileOffsetStore::persist_all(const std::set<client::MessageQueue>& mqs) {
  if (mqs.empty()) return;
  std::vector<client::MessageQueue> keys;
  for (const auto& [mq, offset] : offsets_) keys.push_back(mq);
  std::vector<std::pair<client::MessageQueue, int64_t>> entries;
  for (const auto& mq : concurrent_hash_map_order(keys, peak_size_)) {
    if (mqs.count(mq)) entries.emplace_back(mq, offsets_.at(mq));
  }
  std::string json = encode_offset_file(entries);
  if (auto previous = file_.read(path_)) file_.write(path_ + ".bak", *previous);
  file_.write(path_, json);
}

std::map<client::MessageQueue, int64_t> LocalFileOffsetStore::clone_offset_table(const std::string& topic) const {
  bool all = std::all_of(topic.begin(), topic.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n'; });
  std::map<client::MessageQueue, int64_t> out;
  for (const auto& [mq, offset] : offsets_) {
    if (all || mq.topic == topic) out.emplace(mq, offset);
  }
  return out;
}

}  // namespace rmq::consumer
