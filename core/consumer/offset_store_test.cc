// LocalFileOffsetStore and its file format (spec §6.7), with the in-memory OffsetFile: Java's offsets.json as
// fastjson writes it (PrettyFormat, MessageQueue keys inline, ConcurrentHashMap order), string2File's ".bak",
// readLocalOffset's fallback to it, and readOffset's answers. The remote store runs against the fake broker in
// sim/cluster/consumer_api_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "core/common/java_compat.h"
#include "core/consumer/offset_json.h"
#include "core/consumer/offset_store.h"

namespace rmq::consumer {
namespace {

using client::MessageQueue;
using runtime::Micros;

class TimerRuntime final : public runtime::Runtime {
 public:
  Micros now() const override { return now_; }
  int64_t wall_clock_ms() const override { return 1'700'000'000'000; }
  runtime::TimerId after(Micros delay, std::function<void()> fn) override {
    timers_.emplace(std::make_pair(now_ + std::max<Micros>(delay, 0), ++last_id_), std::move(fn));
    return last_id_;
  }
  bool cancel(runtime::TimerId) override { return false; }
  uint64_t random() override { return 4; }
  void connect(const std::string& address, Micros, std::function<void(Result<runtime::ConnectionPtr>)> done) override {
    after(0, [address, done = std::move(done)] { done(Error{runtime::net_error::kRefused, address}); });
  }
  Result<runtime::ListenerPtr> listen(const std::string& address,
                                      std::function<void(runtime::ConnectionPtr)>) override {
    return Error{runtime::net_error::kOther, address};
  }
  void run() {
    while (!timers_.empty()) {
      auto it = timers_.begin();
      now_ = it->first.first;
      auto fn = std::move(it->second);
      timers_.erase(it);
      fn();
    }
  }

 private:
  Micros now_ = 0;
  runtime::TimerId last_id_ = 0;
  std::map<std::pair<Micros, runtime::TimerId>, std::function<void()>> timers_;
};

MessageQueue mq(int32_t queue_id, const std::string& topic = "TopicTest", const std::string& broker = "broker-a") {
  return MessageQueue{topic, broker, queue_id};
}

// A real LocalFileOffsetStore file (~/.rocketmq_offsets/<clientId>/<group>/offsets.json of a 4.x client with
// four queues of TopicTest), byte for byte.
constexpr const char* kJavaFile =
    "{\n"
    "\t\"offsetTable\":{{\n"
    "\t\t\t\"brokerName\":\"broker-a\",\n\t\t\t\"queueId\":3,\n\t\t\t\"topic\":\"TopicTest\"\n"
    "\t\t}:1470,{\n"
    "\t\t\t\"brokerName\":\"broker-a\",\n\t\t\t\"queueId\":2,\n\t\t\t\"topic\":\"TopicTest\"\n"
    "\t\t}:1471,{\n"
    "\t\t\t\"brokerName\":\"broker-a\",\n\t\t\t\"queueId\":1,\n\t\t\t\"topic\":\"TopicTest\"\n"
    "\t\t}:1470,{\n"
    "\t\t\t\"brokerName\":\"broker-a\",\n\t\t\t\"queueId\":0,\n\t\t\t\"topic\":\"TopicTest\"\n"
    "\t\t}:1470\n"
    "\t}\n"
    "}";

std::map<MessageQueue, int64_t> java_file_table() {
  return {{mq(0), 1470}, {mq(1), 1470}, {mq(2), 1471}, {mq(3), 1470}};
}

TEST(OffsetFileFormatTest, WritesWhatJavaWrites) {
  // Inserted 0..3: the ConcurrentHashMap still lists them by bucket (3, 2, 1, 0), as the Java file shows.
  EXPECT_EQ(encode_offset_file({{mq(0), 1470}, {mq(1), 1470}, {mq(2), 1471}, {mq(3), 1470}}), kJavaFile);
  EXPECT_EQ(encode_offset_file({}), "{\n\t\"offsetTable\":{}\n}");
}

TEST(OffsetFileFormatTest, ConcurrentHashMapOrderResizesOneEntryBeforeHashMap) {
  std::vector<MessageQueue> queues;
  for (int i = 0; i < 12; ++i) queues.push_back(mq(i, "T" + std::to_string(i)));
  auto chm = concurrent_hash_map_order(queues);
  ASSERT_EQ(chm.size(), 12u);
  // 12 entries: a 32-slot table (a HashMap of 12 still has 16).
  std::vector<int32_t> hashes;
  for (const auto& q : queues) hashes.push_back(q.java_hash_code());
  std::vector<MessageQueue> expected;
  for (size_t i : java_hash_order(hashes, 16, 13)) expected.push_back(queues[i]);
  EXPECT_EQ(chm, expected);
}

TEST(OffsetFileFormatTest, ReadsJavaCompactAndStringKeyForms) {
  auto pretty = parse_offset_file(kJavaFile);
  ASSERT_TRUE(pretty.ok()) << pretty.error().message;
  EXPECT_EQ(pretty.value(), java_file_table());

  auto compact = parse_offset_file(
      R"({"offsetTable":{{"brokerName":"b","queueId":1,"topic":"T"}:9420,)"
      R"({"topic":"T","queueId":2,"brokerName":"b"}:"7"}})");
  ASSERT_TRUE(compact.ok()) << compact.error().message;
  EXPECT_EQ(compact.value(), (std::map<MessageQueue, int64_t>{{{"T", "b", 1}, 9420}, {{"T", "b", 2}, 7}}));

  auto string_keys = parse_offset_file(
      R"({ "offsetTable" : { "{\"brokerName\":\"b\",\"queueId\":3,\"topic\":\"T\"}" : 5 },)"
      R"( "other": [1, {"x": "}"}] })");
  ASSERT_TRUE(string_keys.ok()) << string_keys.error().message;
  EXPECT_EQ(string_keys.value(), (std::map<MessageQueue, int64_t>{{{"T", "b", 3}, 5}}));
}

TEST(OffsetFileFormatTest, NullAndMissingTables) {
  for (const char* text : {"", "  \n", "null", R"({"offsetTable":null})"}) {
    auto parsed = parse_offset_file(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_FALSE(parsed.value().has_value()) << text;
  }
  auto empty = parse_offset_file("{}");
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE(empty.value().has_value());
  EXPECT_TRUE(empty.value()->empty());
}

TEST(OffsetFileFormatTest, MalformedTextIsAnError) {
  for (const char* text : {"{", "[1]", R"({"offsetTable":{{"brokerName":"b"}})", R"({"offsetTable":{{"queueId":1}:x}})",
                           R"({"offsetTable":{"plain":1}})", R"({"offsetTable":{}} trailing)",
                           R"({"offsetTable":{{"queueId":"one"}:1}})"}) {
    EXPECT_FALSE(parse_offset_file(text).ok()) << text;
  }
}

TEST(OffsetFileFormatTest, RoundTrip) {
  std::vector<std::pair<MessageQueue, int64_t>> entries = {
      {mq(0, "Ü \"quoted\"\t"), -1}, {mq(7, "%RETRY%G", "b\\x"), int64_t{1} << 40}, {mq(2), 0}};
  auto parsed = parse_offset_file(encode_offset_file(entries));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value(), (std::map<MessageQueue, int64_t>(entries.begin(), entries.end())));
}

class LocalFileOffsetStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<LocalFileOffsetStore> make_store() {
    return std::make_unique<LocalFileOffsetStore>(*file_, "/home/u/.rocketmq_offsets", "10.0.1.1@1#7", "G",
                                                  &runtime_);
  }
  int64_t read(OffsetStore& store, const MessageQueue& q, ReadOffsetType type) {
    std::optional<int64_t> got;
    store.read_offset(q, type, [&](int64_t v) { got = v; });
    EXPECT_FALSE(got.has_value()) << "answered inside read_offset";
    runtime_.run();
    return got.value_or(-100);
  }
  std::string path() const { return "/home/u/.rocketmq_offsets/10.0.1.1@1#7/G/offsets.json"; }

  TimerRuntime runtime_;
  std::unique_ptr<OffsetFile> file_ = make_memory_offset_file();
};

TEST_F(LocalFileOffsetStoreTest, PathFollowsJava) {
  EXPECT_EQ(make_store()->path(), path());
  EXPECT_EQ(default_local_offset_store_dir("/home/u"), "/home/u/.rocketmq_offsets");
}

// The RemoteBrokerOffsetStoreTest.testUpdateOffset / testRemoveOffset vectors hold for the local store's memory.
TEST_F(LocalFileOffsetStoreTest, UpdateAndReadMemory) {
  auto store = make_store();
  EXPECT_EQ(read(*store, mq(1), ReadOffsetType::kReadFromMemory), -1);
  store->update_offset(mq(1), 1024, false);
  EXPECT_EQ(read(*store, mq(1), ReadOffsetType::kReadFromMemory), 1024);
  store->update_offset(mq(1), 1023, false);
  EXPECT_EQ(read(*store, mq(1), ReadOffsetType::kReadFromMemory), 1023);
  store->update_offset(mq(1), 1022, true);
  EXPECT_EQ(store->read_offset_from_memory(mq(1)), 1023);
  store->update_offset(mq(1), 1030, true);
  EXPECT_EQ(store->read_offset_from_memory(mq(1)), 1030);
  store->remove_offset(mq(1));  // a no-op in Java's local store
  EXPECT_EQ(store->read_offset_from_memory(mq(1)), 1030);
}

TEST_F(LocalFileOffsetStoreTest, PersistAllWritesTheQueuesGivenAndKeepsTheRestInMemory) {
  auto store = make_store();
  for (int q = 0; q < 4; ++q) store->update_offset(mq(q), q == 2 ? 1471 : 1470, false);
  store->update_offset(mq(9, "Other"), 5, false);
  store->persist_all({});
  EXPECT_FALSE(file_->read(path()).has_value()) << "empty mqs: nothing written";
  store->persist_all({mq(0), mq(1), mq(2), mq(3), mq(4)});
  EXPECT_EQ(file_->read(path()), std::optional<std::string>(kJavaFile));
  EXPECT_FALSE(file_->read(path() + ".bak").has_value()) << "no previous content";
  EXPECT_EQ(store->read_offset_from_memory(mq(9, "Other")), 5);
  EXPECT_EQ(store->clone_offset_table("Other"), (std::map<MessageQueue, int64_t>{{mq(9, "Other"), 5}}));
  EXPECT_EQ(store->clone_offset_table("").size(), 5u);

  store->update_offset(mq(0), 1500, false);
  store->persist_all({mq(0)});
  EXPECT_EQ(file_->read(path() + ".bak"), std::optional<std::string>(kJavaFile)) << "string2File keeps the old file";
  auto now = parse_offset_file(*file_->read(path()));
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now.value(), (std::map<MessageQueue, int64_t>{{mq(0), 1500}}));
}

TEST_F(LocalFileOffsetStoreTest, ReadFromStoreReadsTheFileAndKeepsTheValue) {
  file_->write(path(), kJavaFile);
  auto store = make_store();
  EXPECT_EQ(read(*store, mq(2), ReadOffsetType::kReadFromStore), 1471);
  EXPECT_EQ(store->read_offset_from_memory(mq(2)), 1471);
  EXPECT_EQ(read(*store, mq(7), ReadOffsetType::kReadFromStore), -1) << "not in the file";
  store->update_offset(mq(3), 9, false);
  EXPECT_EQ(read(*store, mq(3), ReadOffsetType::kMemoryFirstThenStore), 9);
  EXPECT_EQ(read(*store, mq(1), ReadOffsetType::kMemoryFirstThenStore), 1470);
  EXPECT_EQ(read(*store, mq(3), ReadOffsetType::kReadFromStore), 1470) << "the file wins and overwrites memory";
  EXPECT_EQ(store->read_offset_from_memory(mq(3)), 1470);
}

TEST_F(LocalFileOffsetStoreTest, LoadFallsBackToTheBackup) {
  file_->write(path(), "{\"offsetTable\":{{\"brokerName\":");  // torn
  file_->write(path() + ".bak", kJavaFile);
  auto store = make_store();
  store->load();
  EXPECT_FALSE(store->load_error().has_value());
  EXPECT_EQ(store->clone_offset_table(""), java_file_table());

  file_->write(path(), "");  // empty: the backup too
  auto again = make_store();
  again->load();
  EXPECT_EQ(again->clone_offset_table("TopicTest"), java_file_table());
}

TEST_F(LocalFileOffsetStoreTest, MalformedBackupIsLoadsErrorAndReadsAsUnknown) {
  file_->write(path(), "garbage");
  file_->write(path() + ".bak", "garbage too");
  auto store = make_store();
  store->load();
  ASSERT_TRUE(store->load_error().has_value());
  EXPECT_EQ(store->load_error()->exception, client::JavaException::kMQClientException);
  EXPECT_EQ(store->load_error()->message, "readLocalOffset Exception, maybe fastjson version too low");
  EXPECT_TRUE(store->clone_offset_table("").empty());
  EXPECT_EQ(read(*store, mq(0), ReadOffsetType::kReadFromStore), -1);
}

TEST_F(LocalFileOffsetStoreTest, NoFilesLoadNothing) {
  auto store = make_store();
  store->load();
  EXPECT_FALSE(store->load_error().has_value());
  EXPECT_TRUE(store->clone_offset_table("").empty());
  EXPECT_EQ(read(*store, mq(0), ReadOffsetType::kMemoryFirstThenStore), -1);
}

TEST_F(LocalFileOffsetStoreTest, WithoutARuntimeTheAnswerComesInline) {
  LocalFileOffsetStore store(*file_, "/d", "c", "g");
  store.update_offset(mq(0), 3, false);
  std::optional<int64_t> got;
  store.read_offset(mq(0), ReadOffsetType::kReadFromMemory, [&](int64_t v) { got = v; });
  EXPECT_EQ(got, 3);
}

TEST(DiskOffsetFileTest, WritesThroughATemporaryFileAndCreatesDirectories) {
  auto file = make_disk_offset_file();
  std::string dir = ::testing::TempDir() + "rmqsim_offsets_test/a/b";
  std::string path = dir + "/offsets.json";
  EXPECT_FALSE(file->read(path).has_value());
  file->write(path, "one");
  EXPECT_EQ(file->read(path), std::optional<std::string>("one"));
  file->write(path, std::string("two\0three", 9));
  EXPECT_EQ(file->read(path), std::optional<std::string>(std::string("two\0three", 9)));
  EXPECT_FALSE(file->read(path + ".tmp").has_value());
  EXPECT_FALSE(file->read(dir).has_value()) << "a directory is no file";
  std::filesystem::remove_all(::testing::TempDir() + "rmqsim_offsets_test");
}

}  // namespace
}  // namespace rmq::consumer
