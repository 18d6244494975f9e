// `rmqsim consume`: flag checks (exit 2, one line naming the flag), the body text, and real runs over loopback TCP
// against a fake nameserver and two fake brokers on their own AsioRuntime thread — fed by the producer core
// (BlockingProducer): every field of the lines, offsets persisted and the client unregistered, the messages past
// --count left for the next consumer, --reconsume-later-keys, --idle-exit-ms, a tag filter, a signal — and the
// binary itself.
#include "sim/cli/consume_command.h"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>

#include <boost/json.hpp>

#include "core/producer/blocking_producer.h"
#include "core/producer/message.h"
#include "core/runtime/asio_runtime.h"
#include "fake_broker/broker.h"
#include "fake_nameserver/name_server.h"
#include "testutil/run_command.h"

namespace rmq::cli {
namespace {

namespace json = boost::json;

constexpr const char* kTopic = "ConsumeTopic";
constexpr int kQueues = 4;

// A fake nameserver and brokers broker-0, broker-1 on 127.0.0.1, any free ports, served by a background thread;
// ConsumeTopic:4 on each, plus `extra_topics` (e.g. a group's %RETRY% topic, as a cluster where the group ran
// before has it). Delay levels are 200 ms each, so a message sent back comes again quickly. `new_group_offset_zero`
// is the broker's answer to QUERY_CONSUMER_OFFSET for a group with no offset (true: 0, as 4.9.8 while the queue's
// first message is still in memory; false: QUERY_NOT_FOUND). Everything touching the fakes goes through run_sync.
class LoopbackCluster {
 public:
  explicit LoopbackCluster(std::vector<std::string> extra_topics = {}, bool new_group_offset_zero = true) {
    runtime_.start_thread();
    runtime_.run_sync([&] {
      name_server_ = std::make_unique<fake::FakeNameServer>(runtime_);
      Status s = name_server_->start("127.0.0.1:0");
      EXPECT_TRUE(s.ok()) << s.error().message;
      for (int i = 0; i < 2; ++i) {
        fake::BrokerOptions options;
        options.broker_name = "broker-" + std::to_string(i);
        options.topics = {{kTopic, kQueues, kQueues, 6, 0}};
        for (const auto& topic : extra_topics) options.topics.push_back({topic, 1, 1, 6, 0});
        for (int64_t& delay : options.message_delay_levels_ms) delay = 200;
        options.new_group_offset_zero = new_group_offset_zero;
        options.log = [this](const std::string& line) { log_.push_back(line); };
        brokers_.push_back(std::make_unique<fake::FakeBroker>(runtime_, options));
        Status b = brokers_.back()->start("127.0.0.1:0");
        EXPECT_TRUE(b.ok()) << b.error().message;
        brokers_.back()->attach_name_server(name_server_.get());
      }
    });
  }
  ~LoopbackCluster() {
    runtime_.run_sync([&] {
      for (auto& broker : brokers_) broker->shutdown();
      name_server_->shutdown();
    });
    runtime_.stop();
    brokers_.clear();
    name_server_.reset();
  }

  std::string namesrv() { return runtime_.run_sync([&] { return name_server_->address(); }); }
  // The offset each broker stores for (group, kTopic, queue): "broker-i:q" -> offset; absent when none stored.
  std::map<std::string, int64_t> committed(const std::string& group) {
    return runtime_.run_sync([&] {
      std::map<std::string, int64_t> out;
      for (size_t i = 0; i < brokers_.size(); ++i) {
        for (int q = 0; q < kQueues; ++q) {
          if (auto offset = brokers_[i]->consumer_offset(group, kTopic, q)) {
            out["broker-" + std::to_string(i) + ":" + std::to_string(q)] = *offset;
          }
        }
      }
      return out;
    });
  }
  std::map<std::string, int64_t> max_offsets() {
    return runtime_.run_sync([&] {
      std::map<std::string, int64_t> out;
      for (size_t i = 0; i < brokers_.size(); ++i) {
        for (int q = 0; q < kQueues; ++q) {
          out["broker-" + std::to_string(i) + ":" + std::to_string(q)] = brokers_[i]->max_offset(kTopic, q);
        }
      }
      return out;
    });
  }
  size_t consumer_count(const std::string& group) {
    return runtime_.run_sync([&] {
      size_t n = 0;
      for (auto& broker : brokers_) n += broker->consumer_ids(group).size();
      return n;
    });
  }
  std::vector<std::string> log() { return runtime_.run_sync([&] { return log_; }); }

 private:
  runtime::AsioRuntime runtime_;
  std::unique_ptr<fake::FakeNameServer> name_server_;
  std::vector<std::unique_ptr<fake::FakeBroker>> brokers_;
  std::vector<std::string> log_;  // the brokers' request log, written on the event thread
};

struct Sent {
  std::string msg_id;  // UNIQ_KEY
  std::string broker_name;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  std::string tags;
  std::string keys;
  std::string body;
};

// Sends with the producer core; message i has key "key-<i>" and body "body-<i>" unless `body_of` says otherwise.
std::vector<Sent> produce(const std::string& namesrv, const std::vector<std::string>& tags_of_each,
                          const std::function<std::string(size_t)>& body_of = nullptr) {
  runtime::AsioRuntime runtime;
  runtime.start_thread();
  std::vector<Sent> sent;
  {
    producer::ProducerOptions options;
    options.group = "PG_CONSUME_TEST";
    options.client.namesrv_addrs = {namesrv};
    producer::BlockingProducer producer(runtime, options);
    auto error = producer.start();
    EXPECT_FALSE(error.has_value()) << error->message;
    for (size_t i = 0; i < tags_of_each.size(); ++i) {
      Sent s;
      s.tags = tags_of_each[i];
      s.keys = "key-" + std::to_string(i);
      s.body = body_of ? body_of(i) : "body-" + std::to_string(i);
      auto outcome = producer.send(producer::Message::make(kTopic, s.body, s.tags, s.keys));
      auto* result = std::get_if<producer::SendResult>(&outcome);
      EXPECT_NE(result, nullptr) << std::get<client::ClientError>(outcome).message;
      if (!result) continue;
      s.msg_id = result->msg_id;
      s.broker_name = result->queue.broker_name;
      s.queue_id = result->queue.queue_id;
      s.queue_offset = result->queue_offset;
      sent.push_back(s);
    }
    producer.shutdown();
  }
  runtime.stop();
  return sent;
}

struct ConsumeRun {
  int exit_code = 0;
  std::vector<json::object> lines;
  std::string out;
  std::string err;
  int64_t elapsed_ms = 0;
};

std::vector<json::object> parse_lines(const std::string& text) {
  std::vector<json::object> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line).as_object());
  return lines;
}

ConsumeRun consume(const ConsumeOptions& options, const std::atomic<bool>* stop = nullptr) {
  static const std::atomic<bool> kNever{false};
  std::ostringstream out;
  std::ostringstream err;
  ConsumeRun run;
  // Real sockets and a real clock (the command's real mode): the elapsed wall time is what --idle-exit-ms bounds.
  auto begin = std::chrono::steady_clock::now();
  run.exit_code = run_consume(options, stop ? *stop : kNever, out, err);
  run.elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin).count();
  run.out = out.str();
  run.err = err.str();
  run.lines = parse_lines(run.out);
  return run;
}

ConsumeOptions options_for(const std::string& namesrv, const std::string& group) {
  ConsumeOptions options;
  options.namesrv = namesrv;
  options.group = group;
  options.topic = kTopic;
  return options;
}

std::vector<std::string> keys_of(const json::object& line) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : line) keys.emplace_back(key);
  return keys;
}

std::string str(const json::object& line, const char* key) { return std::string(line.at(key).as_string()); }

// --- flags -------------------------------------------------------------------------------------------------------

std::string flag_error(const ConsumeOptions& options) {
  ConsumeRun run = consume(options);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  return run.err;
}

TEST(ConsumeFlags, EachBadValueNamesItsFlag) {
  auto with = [](auto change) {
    ConsumeOptions options = options_for("127.0.0.1:9876", "CG");
    change(options);
    return flag_error(options);
  };
  const std::string hostport = ": expected HOST:PORT, several separated by ';' (e.g. 127.0.0.1:9876)\n";
  EXPECT_EQ(with([](auto& o) { o.namesrv = ""; }), "rmqsim consume: --namesrv \"\"" + hostport);
  EXPECT_EQ(with([](auto& o) { o.namesrv = "h:0"; }),
            "rmqsim consume: --namesrv h:0: \"h:0\" is not HOST:PORT with a port from 1 to 65535\n");
  EXPECT_EQ(with([](auto& o) { o.namesrv = "127.0.0.1:9876;host"; }),
            "rmqsim consume: --namesrv 127.0.0.1:9876;host: \"host\" is not HOST:PORT with a port from 1 to 65535\n");
  EXPECT_EQ(with([](auto& o) { o.group = "DEFAULT_CONSUMER"; }),
            "rmqsim consume: --group DEFAULT_CONSUMER: consumerGroup can not equal DEFAULT_CONSUMER, please specify "
            "another one.\n");
  std::string empty_group = with([](auto& o) { o.group = ""; });
  EXPECT_EQ(empty_group.rfind("rmqsim consume: --group \"\": ", 0), 0u) << empty_group;
  std::string bad_group = with([](auto& o) { o.group = "a b"; });
  EXPECT_EQ(bad_group.rfind("rmqsim consume: --group a b: ", 0), 0u) << bad_group;
  std::string topic = with([](auto& o) { o.topic = ""; });
  EXPECT_EQ(topic.rfind("rmqsim consume: --topic \"\": ", 0), 0u) << topic;
  std::string bad_topic = with([](auto& o) { o.topic = "a/b"; });
  EXPECT_EQ(bad_topic.rfind("rmqsim consume: --topic a/b: ", 0), 0u) << bad_topic;
  std::string strategy = with([](auto& o) { o.strategy = "ROUND_ROBIN"; });
  EXPECT_EQ(strategy, "rmqsim consume: --strategy ROUND_ROBIN: unknown strategy; expected one of AVG, AVG_BY_CIRCLE, "
                      "CONSISTENT_HASH, MACHINE_ROOM_NEARBY-<one of these>\n");
  std::string lower = with([](auto& o) { o.strategy = "avg"; });
  EXPECT_EQ(lower.rfind("rmqsim consume: --strategy avg: unknown strategy", 0), 0u) << lower;
  std::string config = with([](auto& o) { o.strategy = "CONFIG"; });
  EXPECT_EQ(config.rfind("rmqsim consume: --strategy CONFIG: CONFIG needs parameters", 0), 0u) << config;
  std::string room = with([](auto& o) { o.strategy = "MACHINE_ROOM_NEARBY-MACHINE_ROOM"; });
  EXPECT_EQ(room.rfind("rmqsim consume: --strategy MACHINE_ROOM_NEARBY-MACHINE_ROOM: MACHINE_ROOM needs", 0), 0u)
      << room;
  EXPECT_EQ(with([](auto& o) { o.from = "middle"; }), "rmqsim consume: --from middle: expected first or last\n");
  EXPECT_EQ(with([](auto& o) { o.from = "FIRST"; }), "rmqsim consume: --from FIRST: expected first or last\n");
  EXPECT_EQ(with([](auto& o) { o.count = 0; }), "rmqsim consume: --count 0: must be at least 1\n");
  EXPECT_EQ(with([](auto& o) { o.idle_exit_ms = -5; }), "rmqsim consume: --idle-exit-ms -5: must be at least 1\n");
  EXPECT_EQ(with([](auto& o) { o.pull_batch_size = 0; }),
            "rmqsim consume: --pull-batch-size 0: must be from 1 to 1024\n");
  EXPECT_EQ(with([](auto& o) { o.pull_batch_size = 1025; }),
            "rmqsim consume: --pull-batch-size 1025: must be from 1 to 1024\n");
  const std::string keys_rule = ": expected KEY[,KEY...] with no empty key and no space in a key\n";
  EXPECT_EQ(with([](auto& o) { o.reconsume_later_keys = "a,,b"; }),
            "rmqsim consume: --reconsume-later-keys a,,b" + keys_rule);
  EXPECT_EQ(with([](auto& o) { o.reconsume_later_keys = "a,"; }),
            "rmqsim consume: --reconsume-later-keys a," + keys_rule);
  EXPECT_EQ(with([](auto& o) { o.reconsume_later_keys = "a b"; }),
            "rmqsim consume: --reconsume-later-keys a b" + keys_rule);
  EXPECT_EQ(with([](auto& o) { o.client_ip = "localhost"; }),
            "rmqsim consume: --client-ip localhost: expected an IPv4 address a.b.c.d\n");
}

TEST(ConsumeFlags, GoodValuesMakeTheConsumerOptions) {
  ConsumeOptions options = options_for("10.0.0.1:9876;ns.example:9877", "CG_1");
  options.tags = "TagA || TagB";
  options.strategy = "CONSISTENT_HASH";
  options.from = "first";
  options.pull_batch_size = 7;
  options.client_ip = "10.1.2.3";
  auto c = consumer_options_from(options);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->client.namesrv_addrs, (std::vector<std::string>{"10.0.0.1:9876", "ns.example:9877"}));
  EXPECT_EQ(c->group, "CG_1");
  EXPECT_EQ(c->message_model, protocol::MessageModel::kClustering);
  EXPECT_EQ(c->subscription, (std::map<std::string, std::string>{{kTopic, "TagA || TagB"}}));
  ASSERT_NE(c->allocate_strategy, nullptr);
  EXPECT_EQ(c->allocate_strategy->name(), "CONSISTENT_HASH");
  EXPECT_EQ(c->consume_from_where, protocol::ConsumeFromWhere::kConsumeFromFirstOffset);
  EXPECT_EQ(c->pull_batch_size, 7);
  EXPECT_EQ(c->client.client_ip, "10.1.2.3");
  EXPECT_EQ(c->client.pid, static_cast<int32_t>(::getpid()));
  for (const char* name : {"AVG_BY_CIRCLE", "MACHINE_ROOM_NEARBY-AVG", "MACHINE_ROOM_NEARBY-CONSISTENT_HASH"}) {
    options.strategy = name;
    auto s = consumer_options_from(options);
    ASSERT_TRUE(s.ok()) << name << ": " << s.error().message;
    EXPECT_EQ(s->allocate_strategy->name(), name);
  }
  EXPECT_EQ(parse_reconsume_later_keys("k1,k2,k1"), (std::set<std::string>{"k1", "k2"}));
  EXPECT_EQ(parse_reconsume_later_keys(""), std::set<std::string>{});

  // The defaults are Java's: CONSUME_FROM_LAST_OFFSET, AVG, pullBatchSize 32, every tag; loopback client ip.
  auto d = consumer_options_from(options_for("127.0.0.1:9876", "CG"));
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->consume_from_where, protocol::ConsumeFromWhere::kConsumeFromLastOffset);
  EXPECT_EQ(d->allocate_strategy->name(), "AVG");
  EXPECT_EQ(d->pull_batch_size, 32);
  EXPECT_EQ(d->subscription, (std::map<std::string, std::string>{{kTopic, "*"}}));
  EXPECT_EQ(d->client.client_ip, "127.0.0.1");
  ConsumeOptions defaults;
  EXPECT_FALSE(defaults.count.has_value());
  EXPECT_FALSE(defaults.idle_exit_ms.has_value());
}

TEST(ConsumeBody, Utf8IsKeptAndInvalidBytesAreEscaped) {
  EXPECT_EQ(body_text(""), "");
  const std::string text = "hello \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
  EXPECT_EQ(body_text(text), text);
  EXPECT_EQ(body_text(std::string("a\0b", 3)), std::string("a\0b", 3));  // JSON escapes it as \u0000
  EXPECT_EQ(body_text("\xFF"), "\\xff");
  EXPECT_EQ(body_text("a\x80z"), "a\\x80z");
  EXPECT_EQ(body_text("\xC3"), "\\xc3");                     // truncated sequence at the end
  EXPECT_EQ(body_text("\xE2\x82z"), "\\xe2\\x82z");          // truncated in the middle
  EXPECT_EQ(body_text("\xC0\xAF"), "\\xc0\\xaf");            // overlong
  EXPECT_EQ(body_text("\xED\xA0\x80"), "\\xed\\xa0\\x80");   // a surrogate
  EXPECT_EQ(body_text("\xF4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
  EXPECT_EQ(body_text("ok\xC3\xA9\xFE\xC3\xA9"), "ok\xC3\xA9\\xfe\xC3\xA9");
  // The line is valid JSON and reads back as the escaped text.
  json::object line{{"body", body_text("\x01\xFF\"")}};
  EXPECT_EQ(json::serialize(line), R"({"body":"\u0001\\xff\""})");
}

// --- real runs over loopback ---------------------------------------------------------------------------------------

void expect_line_matches(const json::object& line, const Sent& s) {
  EXPECT_EQ(keys_of(line), (std::vector<std::string>{"msgId", "topic", "brokerName", "queueId", "queueOffset", "tags",
                                                      "keys", "body"}));
  EXPECT_EQ(str(line, "msgId"), s.msg_id);
  EXPECT_EQ(str(line, "topic"), kTopic);
  EXPECT_EQ(str(line, "brokerName"), s.broker_name);
  EXPECT_EQ(line.at("queueId").as_int64(), s.queue_id);
  EXPECT_EQ(line.at("queueOffset").as_int64(), s.queue_offset);
  if (s.tags.empty()) {
    EXPECT_TRUE(line.at("tags").is_null()) << json::serialize(line);
  } else {
    EXPECT_EQ(str(line, "tags"), s.tags);
  }
  EXPECT_EQ(str(line, "keys"), s.keys);
  EXPECT_EQ(str(line, "body"), body_text(s.body));
}

std::map<std::string, Sent> by_id(const std::vector<Sent>& sent) {
  std::map<std::string, Sent> out;
  for (const auto& s : sent) out[s.msg_id] = s;
  return out;
}

size_t count_containing(const std::vector<std::string>& lines, const std::string& text) {
  size_t n = 0;
  for (const auto& line : lines) n += line.find(text) != std::string::npos;
  return n;
}

TEST(ConsumeRun, FromFirstPrintsEveryMessagePersistsOffsetsAndUnregisters) {
  LoopbackCluster cluster;
  std::vector<std::string> tags(12, "TagA");
  tags[3] = "";  // no TAGS property: null
  auto sent = produce(cluster.namesrv(), tags, [](size_t i) {
    return i == 5 ? std::string("bin\xFF\x00", 5) : "body-" + std::to_string(i);
  });
  ASSERT_EQ(sent.size(), 12u);
  ConsumeOptions options = options_for(cluster.namesrv(), "CG_ALL");
  options.from = "first";
  options.count = 12;
  ConsumeRun run = consume(options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  ASSERT_EQ(run.lines.size(), 12u) << run.out;
  auto expected = by_id(sent);
  std::set<std::string> seen;
  for (const auto& line : run.lines) {
    auto it = expected.find(str(line, "msgId"));
    ASSERT_NE(it, expected.end()) << json::serialize(line);
    expect_line_matches(line, it->second);
    EXPECT_TRUE(seen.insert(it->first).second) << "printed twice: " << json::serialize(line);
  }
  EXPECT_NE(run.out.find(R"("body":"bin\\xff\u0000")"), std::string::npos) << run.out;
  // The shutdown persisted every queue's offset (all consumed: the queue's max offset) and unregistered.
  EXPECT_EQ(cluster.committed("CG_ALL"), cluster.max_offsets());
  EXPECT_EQ(cluster.consumer_count("CG_ALL"), 0u);
  auto log = cluster.log();
  EXPECT_GE(count_containing(log, "broker-0: 35 UNREGISTER_CLIENT"), 1u) << testing::PrintToString(log);
  EXPECT_GE(count_containing(log, "broker-1: 35 UNREGISTER_CLIENT"), 1u) << testing::PrintToString(log);
}

// Messages delivered past --count are neither printed nor acknowledged: their offsets are not committed, so the
// next consumer of the group gets exactly the rest — no message lost, none twice.
TEST(ConsumeRun, MessagesPastTheCountAreLeftForTheNextConsumer) {
  LoopbackCluster cluster;
  auto sent = produce(cluster.namesrv(), std::vector<std::string>(20, "TagA"));
  ASSERT_EQ(sent.size(), 20u);
  ConsumeOptions options = options_for(cluster.namesrv(), "CG_SPLIT");
  options.from = "first";
  options.count = 5;
  options.pull_batch_size = 4;
  ConsumeRun first = consume(options);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(first.lines.size(), 5u) << first.out;
  // What was committed is exactly what was printed: per queue, the printed offsets are 0..k-1 and k is stored.
  std::map<std::string, int64_t> printed_per_queue;
  for (const auto& line : first.lines) {
    std::string queue = str(line, "brokerName") + ":" + std::to_string(line.at("queueId").as_int64());
    printed_per_queue[queue] += 1;
  }
  int64_t committed_total = 0;
  for (const auto& [queue, offset] : cluster.committed("CG_SPLIT")) {
    EXPECT_EQ(offset, printed_per_queue[queue]) << queue;
    committed_total += offset;
  }
  EXPECT_EQ(committed_total, 5);

  options.count = 15;
  options.from = "last";  // the group has offsets now: where it starts no longer depends on this
  ConsumeRun second = consume(options);
  EXPECT_EQ(second.exit_code, 0) << second.err;
  ASSERT_EQ(second.lines.size(), 15u) << second.out;
  std::multiset<std::string> ids;
  for (const auto& line : first.lines) ids.insert(str(line, "msgId"));
  for (const auto& line : second.lines) ids.insert(str(line, "msgId"));
  for (const auto& s : sent) EXPECT_EQ(ids.count(s.msg_id), 1u) << s.msg_id;
  EXPECT_EQ(cluster.committed("CG_SPLIT"), cluster.max_offsets());
}

TEST(ConsumeRun, ReconsumeLaterKeysRedeliverTheMessageOnce) {
  // %RETRY%CG_KEYS exists from the start (as once the group has run): its route is known at the first lookup
  // rather than at the next 30 s route poll.
  LoopbackCluster cluster({"%RETRY%CG_KEYS"});
  auto sent = produce(cluster.namesrv(), {"TagA", "TagA", "TagA"});
  ASSERT_EQ(sent.size(), 3u);
  ConsumeOptions options = options_for(cluster.namesrv(), "CG_KEYS");
  options.from = "first";
  options.count = 4;
  options.reconsume_later_keys = "key-1,no-such-key";
  ConsumeRun run = consume(options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.lines.size(), 4u) << run.out;
  std::vector<json::object> keyed;
  for (const auto& line : run.lines) {
    if (str(line, "keys") == "key-1") keyed.push_back(line);
  }
  ASSERT_EQ(keyed.size(), 2u) << run.out;
  expect_line_matches(keyed[0], sent[1]);
  // The redelivery: same UNIQ_KEY, the original topic restored, from the retry topic's single queue.
  EXPECT_EQ(str(keyed[1], "msgId"), sent[1].msg_id);
  EXPECT_EQ(str(keyed[1], "topic"), kTopic);
  EXPECT_EQ(keyed[1].at("queueId").as_int64(), 0);
  EXPECT_EQ(str(keyed[1], "tags"), "TagA");
  EXPECT_EQ(str(keyed[1], "body"), "body-1");
  // No assertion on where the redelivery falls among the other lines: a first pull that meets 25
  // SUBSCRIPTION_NOT_LATEST waits 1 s, and under load the 200 ms redelivery can come first.
  auto log = cluster.log();
  EXPECT_EQ(count_containing(log, "36 CONSUMER_SEND_MSG_BACK"), 1u) << testing::PrintToString(log);
  EXPECT_EQ(cluster.committed("CG_KEYS"), cluster.max_offsets());
}

TEST(ConsumeRun, IdleExitEndsARunWithNothingNew) {
  LoopbackCluster cluster;
  ConsumeOptions options = options_for(cluster.namesrv(), "CG_IDLE");
  options.idle_exit_ms = 700;
  ConsumeRun run = consume(options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_GE(run.elapsed_ms, 700);
  EXPECT_LT(run.elapsed_ms, 15'000);
  EXPECT_EQ(cluster.consumer_count("CG_IDLE"), 0u);

  // With messages: the idle time counts from the last line.
  auto sent = produce(cluster.namesrv(), {"TagA", "TagB"});
  options.from = "first";
  options.group = "CG_IDLE_2";
  options.idle_exit_ms = 1500;
  ConsumeRun drained = consume(options);
  EXPECT_EQ(drained.exit_code, 0) << drained.err;
  EXPECT_EQ(drained.lines.size(), 2u) << drained.out;
}

TEST(ConsumeRun, TagsFilterDeliversOnlyTheMatchingMessages) {
  LoopbackCluster cluster;
  std::vector<std::string> tags;
  for (int i = 0; i < 18; ++i) tags.push_back(i % 3 == 0 ? "TagA" : i % 3 == 1 ? "TagB" : "TagC");
  auto sent = produce(cluster.namesrv(), tags);
  ASSERT_EQ(sent.size(), 18u);
  ConsumeOptions options = options_for(cluster.namesrv(), "CG_TAGS");
  options.from = "first";
  options.tags = "TagA || TagC";
  options.idle_exit_ms = 3000;  // no --count: everything the filter lets through, then idle
  ConsumeRun run = consume(options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.lines.size(), 12u) << run.out;
  auto expected = by_id(sent);
  std::map<std::string, int64_t> next_after_printed;
  for (const auto& line : run.lines) {
    EXPECT_NE(str(line, "tags"), "TagB") << json::serialize(line);
    auto it = expected.find(str(line, "msgId"));
    ASSERT_NE(it, expected.end());
    expect_line_matches(line, it->second);
    std::string queue = str(line, "brokerName") + ":" + std::to_string(line.at("queueId").as_int64());
    next_after_printed[queue] = std::max(next_after_printed[queue], line.at("queueOffset").as_int64() + 1);
  }
  // Every printed message is committed. A filtered-out message at the end of a queue may not be yet: as Java, the
  // offset moves past it only when the ProcessQueue is empty at a NO_MATCHED_MSG / NO_NEW_MSG answer
  // (correctTagsOffset), and the pull after it is held by the broker's long polling (15 s) — longer than this run.
  auto committed = cluster.committed("CG_TAGS");
  auto max = cluster.max_offsets();
  for (const auto& [queue, offset] : next_after_printed) {
    EXPECT_GE(committed[queue], offset) << queue;
    EXPECT_LE(committed[queue], max[queue]) << queue;
  }
}

// --from last on brokers that answer QUERY_NOT_FOUND for a new group's offset: the consumer starts at each queue's
// max offset. (A 4.9.8 broker answers 0 instead while the queue's first message is still in memory, and Java's
// CONSUME_FROM_LAST_OFFSET then reads from 0 — so does rmqsim consume: FromLastOnAFreshBrokerReadsFromZeroAsJava.)
TEST(ConsumeRun, FromLastSkipsWhatWasThereAndStopEndsTheRun) {
  LoopbackCluster cluster({}, /*new_group_offset_zero=*/false);
  produce(cluster.namesrv(), {"TagA", "TagA", "TagA"});
  std::atomic<bool> stop{false};
  ConsumeOptions options = options_for(cluster.namesrv(), "CG_LAST");  // no count, no idle: until stopped
  ConsumeRun run;
  std::thread consumer([&] { run = consume(options, &stop); });
  // Once the consumer registered and took its queues (a second after its heartbeat is plenty), new messages reach
  // it; the old ones never do.
  for (int i = 0; i < 500 && cluster.consumer_count("CG_LAST") == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  auto fresh = produce(cluster.namesrv(), {"TagN", "TagN"});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stop.store(true);
  consumer.join();
  EXPECT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(run.lines.size(), 2u) << run.out;
  auto expected = by_id(fresh);
  for (const auto& line : run.lines) {
    auto it = expected.find(str(line, "msgId"));
    ASSERT_NE(it, expected.end()) << json::serialize(line);
    expect_line_matches(line, it->second);
  }
  EXPECT_EQ(cluster.consumer_count("CG_LAST"), 0u);
}

TEST(ConsumeRun, FromLastOnAFreshBrokerReadsFromZeroAsJava) {
  LoopbackCluster cluster;
  auto sent = produce(cluster.namesrv(), {"TagA", "TagA"});
  ConsumeOptions options = options_for(cluster.namesrv(), "CG_LAST_FRESH");
  options.count = 2;
  options.idle_exit_ms = 10'000;
  ConsumeRun run = consume(options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.lines.size(), 2u) << run.out;
}

// A port nothing listens on: bound, then closed again.
std::string closed_port_address() {
  runtime::AsioRuntime runtime;
  auto listener = runtime.listen("127.0.0.1:0", [](runtime::ConnectionPtr) {});
  EXPECT_TRUE(listener.ok());
  std::string address = (*listener)->address();
  (*listener)->close();
  runtime.poll();
  return address;
}

// As Java's start(), an unreachable nameserver is not a start failure (the route lookups fail later, logged): the
// run goes on until its limit and shuts down cleanly.
TEST(ConsumeRun, UnreachableNameServerIsNotAStartFailure) {
  ConsumeOptions options = options_for(closed_port_address(), "CG_NOWHERE");
  options.idle_exit_ms = 500;
  ConsumeRun run = consume(options);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_LT(run.elapsed_ms, 15'000);
}

// --- the binary ----------------------------------------------------------------------------------------------------

std::pair<int, std::string> run_binary(const std::string& args, bool with_stderr = true) {
  return testutil::run_command(std::string(RMQSIM_BINARY) + " " + args, with_stderr);
}

TEST(ConsumeBinary, BadOrMissingFlagsExitTwoNamingTheFlag) {
  auto [code, output] = run_binary("consume --namesrv 127.0.0.1:9876 --topic T");
  EXPECT_EQ(code, 2);
  EXPECT_NE(output.find("--group"), std::string::npos) << output;
  auto [code2, output2] = run_binary("consume --namesrv 127.0.0.1:9876 --group G --topic T --strategy NOPE");
  EXPECT_EQ(code2, 2);
  EXPECT_EQ(output2.rfind("rmqsim consume: --strategy NOPE: unknown strategy", 0), 0u) << output2;
  auto [code3, output3] = run_binary("consume --namesrv 127.0.0.1:9876 --group G --topic T --count many");
  EXPECT_EQ(code3, 2);
  EXPECT_NE(output3.find("--count"), std::string::npos) << output3;
  auto [code4, output4] = run_binary("consume --namesrv 127.0.0.1:9876 --group G --topic T --from start");
  EXPECT_EQ(code4, 2);
  EXPECT_EQ(output4, "rmqsim consume: --from start: expected first or last\n");
  auto [help_code, help] = run_binary("consume --help");
  EXPECT_EQ(help_code, 0);
  EXPECT_NE(help.find("--reconsume-later-keys"), std::string::npos) << help;
  EXPECT_NE(help.find("\"queueOffset\""), std::string::npos) << help;
}

TEST(ConsumeBinary, ConsumesFromTheFakes) {
  LoopbackCluster cluster;
  auto sent = produce(cluster.namesrv(), {"TagA", "TagB", "TagA"});
  auto [code, output] = run_binary("consume --namesrv '" + cluster.namesrv() + "' --group CG_BIN --topic " + kTopic +
                                       " --from first --count 3 --strategy AVG_BY_CIRCLE --client-ip 127.0.0.1",
                                   /*with_stderr=*/false);
  EXPECT_EQ(code, 0) << output;
  auto lines = parse_lines(output);
  ASSERT_EQ(lines.size(), 3u) << output;
  auto expected = by_id(sent);
  for (const auto& line : lines) {
    auto it = expected.find(str(line, "msgId"));
    ASSERT_NE(it, expected.end()) << output;
    expect_line_matches(line, it->second);
  }
  EXPECT_EQ(cluster.consumer_count("CG_BIN"), 0u);
}

// SIGTERM is a clean finish: exit 0, offsets persisted.
TEST(ConsumeBinary, SigtermShutsDownCleanly) {
  LoopbackCluster cluster;
  produce(cluster.namesrv(), {"TagA", "TagA"});
  std::string command = std::string(RMQSIM_BINARY) + " consume --namesrv '" + cluster.namesrv() +
                        "' --group CG_SIG --topic " + kTopic + " --from first > /dev/null 2>&1 & pid=$!; " +
                        "sleep 3; kill -TERM $pid; wait $pid";
  auto begin = std::chrono::steady_clock::now();
  int status = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(30));
  EXPECT_EQ(cluster.committed("CG_SIG"), cluster.max_offsets());
  EXPECT_EQ(cluster.consumer_count("CG_SIG"), 0u);
}

}  // namespace
}  // namespace rmq::cli
