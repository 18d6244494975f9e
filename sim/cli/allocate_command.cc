#include "sim/cli/allocate_command.h"

#include <charconv>
#include <fstream>
#include <istream>
#include <limits>
#include <memory>
#include <ostream>
#include <set>
#include <variant>

#include "core/consumer/allocate/allocate_strategy.h"
#include "core/consumer/allocate/java_order.h"

namespace rmq::cli {
namespace {

namespace json = boost::json;
using client::MessageQueue;
using consumer::AllocateParams;
using consumer::AllocateResult;
using consumer::AllocateStrategy;

// At most this many queues from one spec (a typo such as 0-99999999 should not eat the memory).
constexpr int64_t kMaxQueuesPerSpec = 1 << 16;

// One query, whatever it came from.
struct Query {
  std::string strategy;
  std::string group;
  std::optional<std::string> current_cid;
  std::vector<std::string> cid_all;
  std::vector<MessageQueue> mq_all;
  AllocateParams params;
};

json::object queue_json(const MessageQueue& mq) {
  return json::object{{"topic", mq.topic}, {"brokerName", mq.broker_name}, {"queueId", mq.queue_id}};
}

json::object answer_json(const AllocateResult& result) {
  if (const auto* error = std::get_if<client::ClientError>(&result)) {
    return json::object{{"error", consumer::allocate_error_text(*error)}};
  }
  json::array queues;
  for (const MessageQueue& mq : std::get<std::vector<MessageQueue>>(result)) queues.push_back(queue_json(mq));
  return json::object{{"result", std::move(queues)}};
}

// The strategy of the query, or the answer when there is none: Java's constructor threw (an answer), or the
// name/parameters are not valid (malformed: `error` set).
struct Made {
  std::unique_ptr<AllocateStrategy> strategy;
  std::optional<json::object> answer;
  std::optional<std::string> error;
};

Made make_strategy(const Query& q) {
  Result<std::unique_ptr<AllocateStrategy>> made = consumer::make_allocate_strategy(q.strategy, q.params);
  Made out;
  if (made.ok()) {
    out.strategy = std::move(made).value();
  } else if (made.error().code == consumer::kAllocateConstructorError) {
    out.answer = json::object{{"error", made.error().message}};
  } else {
    out.error = made.error().message;
  }
  return out;
}

json::object run_query(const AllocateStrategy& strategy, const Query& q, const std::optional<std::string>& cid) {
  return answer_json(strategy.allocate(q.group, cid, q.mq_all, q.cid_all));
}

// --- queue specs --------------------------------------------------------------------------------------------------

std::optional<int64_t> parse_id(std::string_view text) {
  int64_t value = 0;
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), last, value);
  if (ec != std::errc() || ptr != last || text.empty() || value < 0 || value > std::numeric_limits<int32_t>::max()) {
    return std::nullopt;
  }
  return value;
}

// --- JSON lines ---------------------------------------------------------------------------------------------------

std::string kind_of(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "a number";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
  }
  return "a value";
}

Error expected(const std::string& path, const std::string& what, const json::value& got) {
  return Error{2, path + ": expected " + what + ", got " + kind_of(got)};
}

Result<int32_t> read_int32(const json::value& v, const std::string& path) {
  std::optional<int64_t> n;
  if (v.is_int64()) n = v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    n = static_cast<int64_t>(v.get_uint64());
  }
  if (!n) return expected(path, "an integer", v);
  if (*n < std::numeric_limits<int32_t>::min() || *n > std::numeric_limits<int32_t>::max()) {
    return Error{2, path + ": " + std::to_string(*n) + " is outside the 32-bit integer range"};
  }
  return static_cast<int32_t>(*n);
}

Result<std::string> read_string(const json::value& v, const std::string& path) {
  if (!v.is_string()) return expected(path, "a string", v);
  return std::string(v.get_string());
}

Result<MessageQueue> read_queue(const json::value& v, const std::string& path) {
  if (!v.is_object()) return expected(path, "a queue object {\"topic\",\"brokerName\",\"queueId\"}", v);
  const json::object& o = v.get_object();
  for (const auto& kv : o) {
    if (kv.key() != "topic" && kv.key() != "brokerName" && kv.key() != "queueId") {
      return Error{2, path + ": unknown field \"" + std::string(kv.key()) + "\""};
    }
  }
  MessageQueue mq;
  for (const char* key : {"topic", "brokerName", "queueId"}) {
    if (!o.contains(key)) return Error{2, path + ": missing \"" + key + "\""};
  }
  Result<std::string> topic = read_string(o.at("topic"), path + ".topic");
  if (!topic.ok()) return topic.error();
  Result<std::string> broker = read_string(o.at("brokerName"), path + ".brokerName");
  if (!broker.ok()) return broker.error();
  Result<int32_t> id = read_int32(o.at("queueId"), path + ".queueId");
  if (!id.ok()) return id.error();
  return MessageQueue{std::move(*topic), std::move(*broker), *id};
}

// A list field: absent or null → empty.
template <typename T, typename ReadOne>
Result<std::vector<T>> read_list(const json::object& o, const char* key, ReadOne read_one) {
  std::vector<T> out;
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return out;
  if (!it->value().is_array()) return expected(key, "an array or null", it->value());
  const json::array& items = it->value().get_array();
  for (size_t i = 0; i < items.size(); ++i) {
    Result<T> item = read_one(items[i], std::string(key) + "[" + std::to_string(i) + "]");
    if (!item.ok()) return item.error();
    out.push_back(std::move(*item));
  }
  return out;
}

Result<Query> read_query(std::string_view line) {
  boost::system::error_code ec;
  json::value parsed = json::parse(line, ec);
  if (ec) return Error{2, "not JSON: " + ec.message()};
  if (!parsed.is_object()) return expected("the line", "a JSON object", parsed);
  const json::object& o = parsed.get_object();
  static const std::set<std::string_view> kKnown = {"strategy",      "currentCid", "cidAll", "mqAll",
                                                    "virtualNodes",  "consumeridcs", "config", "roomSeparator",
                                                    "consumerGroup"};
  for (const auto& kv : o) {
    if (kKnown.count(kv.key()) == 0) return Error{2, "unknown field \"" + std::string(kv.key()) + "\""};
  }
  Query q;
  auto strategy = o.find("strategy");
  if (strategy == o.end()) return Error{2, "missing \"strategy\""};
  Result<std::string> name = read_string(strategy->value(), "strategy");
  if (!name.ok()) return name.error();
  q.strategy = std::move(*name);
  if (auto it = o.find("consumerGroup"); it != o.end() && !it->value().is_null()) {
    Result<std::string> group = read_string(it->value(), "consumerGroup");
    if (!group.ok()) return group.error();
    q.group = std::move(*group);
  }
  if (auto it = o.find("currentCid"); it != o.end() && !it->value().is_null()) {
    Result<std::string> cid = read_string(it->value(), "currentCid");
    if (!cid.ok()) return cid.error();
    q.current_cid = std::move(*cid);
  }
  Result<std::vector<std::string>> cid_all = read_list<std::string>(o, "cidAll", read_string);
  if (!cid_all.ok()) return cid_all.error();
  q.cid_all = std::move(*cid_all);
  Result<std::vector<MessageQueue>> mq_all = read_list<MessageQueue>(o, "mqAll", read_queue);
  if (!mq_all.ok()) return mq_all.error();
  q.mq_all = std::move(*mq_all);
  if (auto it = o.find("virtualNodes"); it != o.end() && !it->value().is_null()) {
    Result<int32_t> n = read_int32(it->value(), "virtualNodes");
    if (!n.ok()) return n.error();
    q.params.virtual_node_count = *n;
  }
  Result<std::vector<std::string>> idcs = read_list<std::string>(o, "consumeridcs", read_string);
  if (!idcs.ok()) return idcs.error();
  q.params.consumer_idcs = std::set<std::string>(idcs->begin(), idcs->end());
  Result<std::vector<MessageQueue>> config = read_list<MessageQueue>(o, "config", read_queue);
  if (!config.ok()) return config.error();
  q.params.config = std::move(*config);
  if (auto it = o.find("roomSeparator"); it != o.end() && !it->value().is_null()) {
    Result<std::string> separator = read_string(it->value(), "roomSeparator");
    if (!separator.ok()) return separator.error();
    q.params.room_separator = std::move(*separator);
  }
  return q;
}

json::object malformed(uint64_t line_number, const std::string& problem) {
  return json::object{{"error", "line " + std::to_string(line_number) + ": " + problem}, {"malformed", true}};
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t\r\n") == std::string_view::npos; }

void write_line(std::ostream& out, const json::object& line) { out << json::serialize(line) << '\n'; }

int run_jsonl(const AllocateOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  std::ifstream file;
  std::istream* input = &in;
  if (options.input != "-") {
    file.open(options.input, std::ios::binary);
    if (!file) {
      err << "rmqsim allocate: cannot open " << options.input << "\n";
      return 2;
    }
    input = &file;
  }
  uint64_t line_number = 0;
  uint64_t malformed_lines = 0;
  for (std::string line; std::getline(*input, line);) {
    ++line_number;
    if (blank(line)) continue;
    JsonlAnswer answer = answer_jsonl_line(line, line_number, options.sort);
    if (answer.malformed) ++malformed_lines;
    write_line(out, answer.output);
  }
  out.flush();
  if (input->bad()) {
    err << "rmqsim allocate: read error after line " << line_number << "\n";
    return 2;
  }
  if (malformed_lines > 0) {
    err << "rmqsim allocate: " << malformed_lines << " malformed input line" << (malformed_lines == 1 ? "" : "s")
        << "\n";
    return 2;
  }
  return 0;
}

}  // namespace

Result<std::vector<MessageQueue>> parse_queue_spec(std::string_view spec) {
  auto bad = [&](const std::string& why) {
    return Error{2, "\"" + std::string(spec) + "\": " + why + " (expected TOPIC:BROKER:IDS, IDS like 0-7 or 0,2,5-6)"};
  };
  size_t first = spec.find(':');
  size_t last = spec.rfind(':');
  if (first == std::string_view::npos || first == last) return bad("needs two ':'");
  std::string topic(spec.substr(0, first));
  std::string broker(spec.substr(first + 1, last - first - 1));
  std::string_view ids = spec.substr(last + 1);
  if (ids.empty()) return bad("no queue ids");
  std::vector<MessageQueue> out;
  while (!ids.empty()) {
    size_t comma = ids.find(',');
    std::string_view item = ids.substr(0, comma);
    ids = comma == std::string_view::npos ? std::string_view() : ids.substr(comma + 1);
    if (comma != std::string_view::npos && ids.empty()) return bad("trailing ','");
    size_t dash = item.find('-');
    std::optional<int64_t> from = parse_id(item.substr(0, dash));
    std::optional<int64_t> to = dash == std::string_view::npos ? from : parse_id(item.substr(dash + 1));
    if (!from || !to) return bad("bad queue id \"" + std::string(item) + "\"");
    if (*to < *from) return bad("empty range \"" + std::string(item) + "\"");
    if (*to - *from + 1 + static_cast<int64_t>(out.size()) > kMaxQueuesPerSpec) {
      return bad("more than " + std::to_string(kMaxQueuesPerSpec) + " queues");
    }
    for (int64_t id = *from; id <= *to; ++id) out.push_back(MessageQueue{topic, broker, static_cast<int32_t>(id)});
  }
  return out;
}

JsonlAnswer answer_jsonl_line(std::string_view line, uint64_t line_number, bool sort) {
  Result<Query> query = read_query(line);
  if (!query.ok()) return JsonlAnswer{malformed(line_number, query.error().message), true};
  if (sort) consumer::sort_for_allocation(query->mq_all, query->cid_all);
  Made made = make_strategy(*query);
  if (made.error) return JsonlAnswer{malformed(line_number, "strategy: " + *made.error), true};
  if (made.answer) return JsonlAnswer{std::move(*made.answer), false};
  return JsonlAnswer{run_query(*made.strategy, *query, query->current_cid), false};
}

int run_allocate(const AllocateOptions& options, std::istream& in, std::ostream& out, std::ostream& err) {
  if (options.jsonl) return run_jsonl(options, in, out, err);
  if (options.input != "-") {
    err << "rmqsim allocate: an input file (" << options.input << ") is read only with --jsonl\n";
    return 2;
  }
  if (options.each && options.current_cid) {
    err << "rmqsim allocate: --each and --current-cid exclude each other\n";
    return 2;
  }
  if (options.each && options.cids.empty()) {
    err << "rmqsim allocate: --each needs the consumers (--cid)\n";
    return 2;
  }
  Query q;
  q.strategy = options.strategy;
  q.group = options.group;
  q.current_cid = options.current_cid;
  q.cid_all = options.cids;
  for (const std::string& spec : options.queues) {
    Result<std::vector<MessageQueue>> some = parse_queue_spec(spec);
    if (!some.ok()) {
      err << "rmqsim allocate: --queues " << some.error().message << "\n";
      return 2;
    }
    q.mq_all.insert(q.mq_all.end(), some->begin(), some->end());
  }
  for (const std::string& spec : options.config) {
    Result<std::vector<MessageQueue>> some = parse_queue_spec(spec);
    if (!some.ok()) {
      err << "rmqsim allocate: --config " << some.error().message << "\n";
      return 2;
    }
    q.params.config.insert(q.params.config.end(), some->begin(), some->end());
  }
  q.params.virtual_node_count = options.virtual_nodes;
  q.params.consumer_idcs = std::set<std::string>(options.consumer_idcs.begin(), options.consumer_idcs.end());
  q.params.room_separator = options.room_separator;
  if (options.sort) consumer::sort_for_allocation(q.mq_all, q.cid_all);

  Made made = make_strategy(q);
  if (made.error) {
    err << "rmqsim allocate: --strategy " << options.strategy << ": " << *made.error << "\n";
    return 2;
  }
  if (!options.each) {
    write_line(out, made.answer ? *made.answer : run_query(*made.strategy, q, q.current_cid));
    out.flush();
    return 0;
  }
  for (const std::string& cid : q.cid_all) {
    json::object line{{"currentCid", cid}};
    json::object answer = made.answer ? *made.answer : run_query(*made.strategy, q, cid);
    for (auto& kv : answer) line[kv.key()] = std::move(kv.value());
    write_line(out, line);
  }
  out.flush();
  return 0;
}

}  // namespace rmq::cli
