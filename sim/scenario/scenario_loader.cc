#include "sim/scenario/scenario_loader.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/consumer/allocate/allocate_strategy.h"
#include "core/protocol/subscription_data.h"
#include "sim/scenario/scenario_runner.h"
#include "sim/scenario/swarm.h"

namespace rmq::scenario {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::TextFormat;

// Collects the parser's first error with its position (lines and columns are 0-based there).
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int at_line, int at_column, const std::string& what) override { record(at_line, at_column, what); }
  void AddWarning(int at_line, int at_column, const std::string& what) override { record(at_line, at_column, what); }
  bool has_error = false;
  int line = 0, column = 0;
  std::string message;

 private:
  void record(int l, int c, const std::string& m) {
    if (has_error) return;
    has_error = true;
    line = l + 1;
    column = c + 1;
    message = m;
  }
};

// Walks a scenario with the parse tree beside it, so that an error names where the field was written. A
// position is the innermost one known: the field's own, else its message's.
class Validator {
 public:
  // The root position is the file's start, so that an error about a field never written still names a line.
  Validator(std::string_view file, const TextFormat::ParseInfoTree* tree) : file_(file) {
    frames_.push_back({tree, {}, tree != nullptr ? TextFormat::ParseLocation(0, 0) : TextFormat::ParseLocation()});
  }

  // Enters sub-message `field` (element `index` of a repeated one) of the current message.
  void enter(const Message& parent, std::string_view field, int index = -1) {
    const FieldDescriptor* fd = parent.GetDescriptor()->FindFieldByName(std::string(field));
    const TextFormat::ParseInfoTree* tree = frames_.back().tree;
    TextFormat::ParseLocation at = locate(tree, fd, index);
    const TextFormat::ParseInfoTree* nested =
        tree != nullptr ? tree->GetTreeForNested(fd, fd->is_repeated() ? std::max(index, 0) : -1) : nullptr;
    std::string path = frames_.back().path.empty() ? std::string(field) : frames_.back().path + "." + std::string(field);
    if (index >= 0) path += "[" + std::to_string(index) + "]";
    frames_.push_back({nested, path, at.line >= 0 ? at : frames_.back().at});
  }
  void leave() { frames_.pop_back(); }

  // Records an error about `field` of `message` (the current one), when there is none yet.
  void fail(const Message& message, std::string_view field, const std::string& what, int index = -1) {
    if (error_) return;
    const FieldDescriptor* fd = message.GetDescriptor()->FindFieldByName(std::string(field));
    TextFormat::ParseLocation at = fd != nullptr ? locate(frames_.back().tree, fd, index) : TextFormat::ParseLocation();
    if (at.line < 0) at = frames_.back().at;
    std::string path = frames_.back().path.empty() ? std::string(field) : frames_.back().path + "." + std::string(field);
    if (index >= 0) path += "[" + std::to_string(index) + "]";
    std::string where = std::string(file_);
    if (at.line >= 0) where += ":" + std::to_string(at.line + 1) + ":" + std::to_string(at.column + 1);
    error_ = Error{kScenarioError, where + ": " + path + ": " + what};
  }
  void range(const Message& m, std::string_view field, int64_t value, int64_t lo, int64_t hi, int index = -1) {
    if (value < lo || value > hi)
      fail(m, field, std::to_string(value) + " is out of range " + std::to_string(lo) + ".." + std::to_string(hi),
           index);
  }
  void probability(const Message& m, std::string_view field, double p) {
    if (!(p >= 0 && p <= 1)) fail(m, field, std::to_string(p) + " is not a probability (0..1)");
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  static TextFormat::ParseLocation locate(const TextFormat::ParseInfoTree* tree, const FieldDescriptor* fd, int index) {
    if (tree == nullptr || fd == nullptr) return {};
    return tree->GetLocation(fd, fd->is_repeated() ? std::max(index, 0) : -1);
  }
  struct Frame {
    const TextFormat::ParseInfoTree* tree;
    std::string path;
    TextFormat::ParseLocation at;
  };
  std::string_view file_;
  std::vector<Frame> frames_;
  std::optional<Error> error_;
};

bool valid_topic_name(const std::string& name) {
  if (name.empty() || name.size() > 127) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '%' || c == '|'; });
}

bool has_topic(const pb::Scenario& s, const std::string& name) {
  return std::any_of(s.topology().topics().begin(), s.topology().topics().end(),
                     [&](const pb::Topic& t) { return t.name() == name; });
}

bool valid_utf8(const std::string& text);

bool has_control_char(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < ' '; });
}

// A tag a subscription can name: Java splits subscriptions on "||" and trims each part (chars <= ' '). Control
// characters are refused too: 1 and 2 separate the message properties a tag is written into.
std::optional<std::string> tag_problem(const std::string& tag) {
  if (tag.empty()) return "is empty";
  if (tag.size() > 255) return "is longer than 255 bytes";
  if (!valid_utf8(tag)) return "is not valid UTF-8";
  if (has_control_char(tag)) return "contains a control character";
  if (tag.find("||") != std::string::npos) return "'" + tag + "' contains \"||\", so no subscription can name it";
  if (static_cast<unsigned char>(tag.front()) <= ' ' || static_cast<unsigned char>(tag.back()) <= ' ')
    return "'" + tag + "' starts or ends with a blank, which subscriptions trim, so no subscription can name it";
  return std::nullopt;
}

void validate_tags(Validator& v, const pb::Producer& p) {
  if (p.tags_size() > 64) v.fail(p, "tags", "at most 64 tags (got " + std::to_string(p.tags_size()) + ")");
  for (int t = 0; t < p.tags_size(); ++t)
    if (auto problem = tag_problem(p.tags(t))) v.fail(p, "tags", *problem, t);
}

void validate_subscription(Validator& v, const pb::ConsumerGroup& g) {
  const std::string& expression = g.subscription();
  if (expression.empty() || expression == "*") return;
  if (expression.size() > 1024) v.fail(g, "subscription", "is longer than 1024 bytes");
  if (!valid_utf8(expression)) v.fail(g, "subscription", "is not valid UTF-8");
  if (has_control_char(expression)) v.fail(g, "subscription", "contains a control character");
  if (protocol::build_subscription_data("", expression, 0).tags_set.empty())
    v.fail(g, "subscription", "'" + expression + "' names no tag (\"*\" subscribes to every message)");
}

constexpr int kMaxGroupMembers = 200;  // consumers plus joins, per group

int brokers_of(const pb::Scenario& s) { return s.topology().brokers() == 0 ? 2 : s.topology().brokers(); }

void validate_topology(Validator& v, const pb::Scenario& s) {
  const pb::Topology& t = s.topology();
  v.enter(s, "topology");
  if (t.brokers() != 0) v.range(t, "brokers", t.brokers(), 1, 16);
  std::set<std::string> names;
  for (int i = 0; i < t.topics_size(); ++i) {
    const pb::Topic& topic = t.topics(i);
    v.enter(t, "topics", i);
    if (!valid_topic_name(topic.name())) v.fail(topic, "name", "'" + topic.name() + "' is not a valid topic name");
    if (!names.insert(topic.name()).second) v.fail(topic, "name", "topic '" + topic.name() + "' is listed twice");
    if (topic.queues() != 0) v.range(topic, "queues", topic.queues(), 1, 64);
    v.leave();
  }
  v.enter(t, "latency");
  v.range(t.latency(), "min_ms", t.latency().min_ms(), 0, 60'000);
  if (t.latency().max_ms() != 0) v.range(t.latency(), "max_ms", t.latency().max_ms(), t.latency().min_ms(), 60'000);
  v.leave();
  v.leave();
}

void validate_producers(Validator& v, const pb::Scenario& s) {
  // Producer i runs on host 10.0.1.<i+1>, group g's members on 10.0.<g+2>.<j+1>.
  if (s.producers_size() > 200) v.fail(s, "producers", "at most 200 producers (got " + std::to_string(s.producers_size()) + ")");
  if (s.consumer_groups_size() > 200)
    v.fail(s, "consumer_groups", "at most 200 consumer groups (got " + std::to_string(s.consumer_groups_size()) + ")");
  std::set<std::string> groups;
  for (int i = 0; i < s.producers_size(); ++i) {
    const pb::Producer& p = s.producers(i);
    v.enter(s, "producers", i);
    if (!p.topic().empty() && !valid_topic_name(p.topic()))
      v.fail(p, "topic", "'" + p.topic() + "' is not a valid topic name");
    // The effective name: an unnamed producer is PG<i>, which an explicit name elsewhere must not take.
    std::string group = p.group().empty() ? "PG" + std::to_string(i) : p.group();
    if (!valid_topic_name(group)) v.fail(p, "group", "'" + group + "' is not a valid group name (letters, digits, - _ % |)");
    if (!groups.insert(group).second) v.fail(p, "group", "group '" + group + "' is used twice (unnamed producers are PG<i>)");
    if (p.every_ms() != 0) v.range(p, "every_ms", p.every_ms(), 1, 3'600'000);
    v.range(p, "start_ms", p.start_ms(), 0, 86'400'000);
    if (p.stop_ms() != 0) v.range(p, "stop_ms", p.stop_ms(), p.start_ms(), 86'400'000);
    v.range(p, "body_bytes", p.body_bytes(), 0, 4 * 1024 * 1024 - 1024);
    if (p.has_retry_times_when_send_failed()) v.range(p, "retry_times_when_send_failed", p.retry_times_when_send_failed(), 0, 32);
    if (p.has_retry_times_when_send_async_failed())
      v.range(p, "retry_times_when_send_async_failed", p.retry_times_when_send_async_failed(), 0, 32);
    if (p.has_send_msg_timeout_ms()) v.range(p, "send_msg_timeout_ms", p.send_msg_timeout_ms(), 1, 600'000);
    validate_tags(v, p);
    v.leave();
  }
}

void validate_consumers(Validator& v, const pb::Scenario& s) {
  std::set<std::string> groups;
  for (int i = 0; i < s.consumer_groups_size(); ++i) {
    const pb::ConsumerGroup& g = s.consumer_groups(i);
    v.enter(s, "consumer_groups", i);
    if (!g.topic().empty() && !has_topic(s, g.topic()))
      v.fail(g, "topic", "'" + g.topic() + "' is not one of topology.topics (a consumer group needs its queue count)");
    std::string group = g.group().empty() ? "CG" + std::to_string(i) : g.group();
    if (!valid_topic_name(group)) v.fail(g, "group", "'" + group + "' is not a valid group name (letters, digits, - _ % |)");
    if (!groups.insert(group).second) v.fail(g, "group", "group '" + group + "' is used twice (unnamed groups are CG<g>)");
    if (g.consumers() != 0) v.range(g, "consumers", g.consumers(), 1, 16);
    if (!g.allocate_strategy().empty()) {
      auto strategy = consumer::make_allocate_strategy(g.allocate_strategy(), consumer::AllocateParams{});
      if (!strategy.ok()) v.fail(g, "allocate_strategy", "unknown strategy '" + g.allocate_strategy() + "' (" + strategy.error().message + ")");
    }
    if (g.has_max_reconsume_times()) v.range(g, "max_reconsume_times", g.max_reconsume_times(), -1, 32);
    validate_subscription(v, g);
    v.enter(g, "listener");
    const pb::Listener& l = g.listener();
    v.range(l, "min_ms", l.min_ms(), 0, 600'000);
    v.range(l, "max_ms", l.max_ms(), 0, 600'000);
    if (l.max_ms() != 0 && l.max_ms() < l.min_ms()) v.fail(l, "max_ms", "is below min_ms");
    v.probability(l, "later_p", l.later_p());
    v.range(l, "later_until_reconsumed", l.later_until_reconsumed(), 0, 16);
    v.leave();
    v.leave();
  }
}

void validate_host(Validator& v, const pb::Scenario& s, const Message& m, std::string_view field, const std::string& name) {
  if (!is_host_name(s, name))
    v.fail(m, field, "'" + name + "' names no host (namesrv, broker-<i>, producer-<i>, consumer-<g>-<j>, brokers, "
                     "producers, consumers, clients)");
}

void validate_broker_index(Validator& v, const pb::Scenario& s, const Message& m, int32_t broker) {
  v.range(m, "broker", broker, 0, brokers_of(s) - 1);
}

void validate_fault_kind(Validator& v, const pb::Scenario& s, const pb::Fault& f) {
  switch (f.kind_case()) {
    case pb::Fault::kBrokerCrash:
      v.enter(f, "broker_crash");
      validate_broker_index(v, s, f.broker_crash(), f.broker_crash().broker());
      break;
    case pb::Fault::kPartition:
      v.enter(f, "partition");
      validate_host(v, s, f.partition(), "a", f.partition().a());
      validate_host(v, s, f.partition(), "b", f.partition().b());
      break;
    case pb::Fault::kBrokerCode:
      v.enter(f, "broker_code");
      validate_broker_index(v, s, f.broker_code(), f.broker_code().broker());
      v.probability(f.broker_code(), "probability", f.broker_code().probability());
      break;
    case pb::Fault::kLostResponses:
      v.enter(f, "lost_responses");
      validate_broker_index(v, s, f.lost_responses(), f.lost_responses().broker());
      v.probability(f.lost_responses(), "probability", f.lost_responses().probability());
      break;
    case pb::Fault::kLateResponses:
      v.enter(f, "late_responses");
      validate_broker_index(v, s, f.late_responses(), f.late_responses().broker());
      v.range(f.late_responses(), "delay_ms", f.late_responses().delay_ms(), 1, 600'000);
      v.probability(f.late_responses(), "probability", f.late_responses().probability());
      break;
    case pb::Fault::kSlowHandler:
      v.enter(f, "slow_handler");
      validate_broker_index(v, s, f.slow_handler(), f.slow_handler().broker());
      v.range(f.slow_handler(), "delay_ms", f.slow_handler().delay_ms(), 1, 600'000);
      v.probability(f.slow_handler(), "probability", f.slow_handler().probability());
      break;
    case pb::Fault::kSlowLink:
      v.enter(f, "slow_link");
      validate_host(v, s, f.slow_link(), "a", f.slow_link().a());
      validate_host(v, s, f.slow_link(), "b", f.slow_link().b());
      v.range(f.slow_link(), "extra_latency_ms", f.slow_link().extra_latency_ms(), 1, 600'000);
      break;
    case pb::Fault::kClog:
      v.enter(f, "clog");
      validate_host(v, s, f.clog(), "a", f.clog().a());
      validate_host(v, s, f.clog(), "b", f.clog().b());
      break;
    case pb::Fault::kNamesrvOutage:
      v.enter(f, "namesrv_outage");
      break;
    case pb::Fault::kConsumerRestart:
    case pb::Fault::kConsumerJoin: {
      bool restart = f.kind_case() == pb::Fault::kConsumerRestart;
      v.enter(f, restart ? "consumer_restart" : "consumer_join");
      const Message& m = restart ? static_cast<const Message&>(f.consumer_restart()) : f.consumer_join();
      int32_t group = restart ? f.consumer_restart().group() : f.consumer_join().group();
      if (s.consumer_groups_size() == 0) {
        v.fail(m, "group", "the scenario has no consumer_groups");
      } else {
        v.range(m, "group", group, 0, s.consumer_groups_size() - 1);
        if (restart && group >= 0 && group < s.consumer_groups_size()) {
          int consumers = s.consumer_groups(group).consumers() == 0 ? 2 : s.consumer_groups(group).consumers();
          v.range(m, "consumer", f.consumer_restart().consumer(), 0, consumers - 1);
        }
      }
      break;
    }
    case pb::Fault::kRandomNetwork:
      v.enter(f, "random_network");
      v.probability(f.random_network(), "reset_p", f.random_network().reset_p());
      v.probability(f.random_network(), "clog_p", f.random_network().clog_p());
      break;
    case pb::Fault::KIND_NOT_SET:
      v.fail(f, "at_ms", "the fault names no kind (broker_crash, partition, broker_code, ...)");
      return;
  }
  v.leave();
}

void validate_faults(Validator& v, const pb::Scenario& s) {
  // Each member has a host 10.0.<g+2>.<j+1>: a group's members, joins included, must fit in one address byte.
  std::map<int32_t, int> joins;
  for (int i = 0; i < s.faults_size(); ++i) {
    const pb::Fault& f = s.faults(i);
    if (!f.has_consumer_join() || f.consumer_join().group() < 0 || f.consumer_join().group() >= s.consumer_groups_size())
      continue;
    const pb::ConsumerGroup& g = s.consumer_groups(f.consumer_join().group());
    if ((g.consumers() == 0 ? 2 : g.consumers()) + ++joins[f.consumer_join().group()] > kMaxGroupMembers) {
      v.enter(s, "faults", i);
      v.fail(f, "consumer_join", "group " + std::to_string(f.consumer_join().group()) + " would have more than " +
                                     std::to_string(kMaxGroupMembers) + " members");
      v.leave();
    }
  }
  for (int i = 0; i < s.faults_size(); ++i) {
    const pb::Fault& f = s.faults(i);
    v.enter(s, "faults", i);
    v.range(f, "at_ms", f.at_ms(), 0, 86'400'000);
    v.range(f, "duration_ms", f.duration_ms(), 0, 86'400'000);
    validate_fault_kind(v, s, f);
    v.leave();
  }
}

void validate_rest(Validator& v, const pb::Scenario& s) {
  v.enter(s, "swarm");
  if (s.swarm().intensity() != 0) {
    double x = s.swarm().intensity();
    if (!(x > 0 && x <= 5)) v.fail(s.swarm(), "intensity", std::to_string(x) + " is out of range (0, 5]");
  }
  const auto& families = swarm_family_names();
  for (int i = 0; i < s.swarm().families_size(); ++i)
    if (std::find(families.begin(), families.end(), s.swarm().families(i)) == families.end())
      v.fail(s.swarm(), "families", "unknown family '" + s.swarm().families(i) + "' (see docs/scenarios.md)", i);
  v.leave();
  v.enter(s, "phases");
  if (s.phases().fault_ms() != 0) v.range(s.phases(), "fault_ms", s.phases().fault_ms(), 1'000, 3'600'000);
  if (s.phases().liveness_ms() != 0) v.range(s.phases(), "liveness_ms", s.phases().liveness_ms(), 1'000, 3'600'000);
  v.range(s.phases(), "settle_ms", s.phases().settle_ms(), 0, 600'000);
  v.leave();
  v.enter(s, "limits");
  v.range(s.limits(), "max_sends", s.limits().max_sends(), 0, 10'000'000);
  v.leave();
  v.enter(s, "checks");
  const auto& names = check_names();
  for (int i = 0; i < s.checks().disable_size(); ++i)
    if (std::find(names.begin(), names.end(), s.checks().disable(i)) == names.end())
      v.fail(s.checks(), "disable", "unknown check '" + s.checks().disable(i) + "' (rmqsim run --list-checks)", i);
  v.range(s.checks(), "min_sends_ok", s.checks().min_sends_ok(), 0, 100'000'000);
  v.range(s.checks(), "min_sends_ok_after_heal", s.checks().min_sends_ok_after_heal(), 0, 100'000'000);
  v.leave();
  v.enter(s, "break_client");
  v.range(s.break_client(), "extra_sync_retries", s.break_client().extra_sync_retries(), 0, 32);
  v.range(s.break_client(), "extra_async_retries", s.break_client().extra_async_retries(), 0, 32);
  v.range(s.break_client(), "extra_timeout_ms", s.break_client().extra_timeout_ms(), 0, 600'000);
  v.leave();
}

bool valid_utf8(const std::string& text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

Status validate(const pb::Scenario& s, std::string_view file, const TextFormat::ParseInfoTree* tree) {
  Validator v(file, tree);
  if (!valid_utf8(s.name())) v.fail(s, "name", "is not valid UTF-8");
  if (!valid_utf8(s.description())) v.fail(s, "description", "is not valid UTF-8");
  if (s.version() != 1)
    v.fail(s, "version", s.version() == 0 ? "missing: a scenario says `version: 1`"
                                          : "version " + std::to_string(s.version()) + " is not supported (this rmqsim reads version 1)");
  validate_topology(v, s);
  validate_producers(v, s);
  validate_consumers(v, s);
  validate_faults(v, s);
  validate_rest(v, s);
  if (v.error()) return *v.error();
  return Status::Ok();
}

}  // namespace

bool is_host_name(const pb::Scenario& s, std::string_view name) {
  if (name == "namesrv" || name == "brokers" || name == "producers" || name == "consumers" || name == "clients")
    return true;
  auto index = [](std::string_view digits, int limit) {
    if (digits.empty() || digits.size() > 3 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return false;
    return std::stoi(std::string(digits)) < limit;
  };
  if (name.starts_with("broker-")) return index(name.substr(7), brokers_of(s));
  if (name.starts_with("producer-")) return index(name.substr(9), s.producers_size());
  if (name.starts_with("consumer-")) {
    std::string_view rest = name.substr(9);
    size_t dash = rest.find('-');
    if (dash == std::string_view::npos || !index(rest.substr(0, dash), s.consumer_groups_size())) return false;
    // Members that join later get the next indexes.
    return index(rest.substr(dash + 1), kMaxGroupMembers);
  }
  return false;
}

Result<pb::Scenario> parse_scenario(std::string_view text, std::string_view file_name) {
  pb::Scenario scenario;
  TextFormat::Parser parser;
  FirstError errors;
  TextFormat::ParseInfoTree tree;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &scenario)) {
    std::string message = errors.has_error ? errors.message : "cannot parse";
    return Error{kScenarioError, std::string(file_name) + ":" + std::to_string(errors.line) + ":" +
                                     std::to_string(errors.column) + ": " + message};
  }
  Status ok = validate(scenario, file_name, &tree);
  if (!ok.ok()) return ok.error();
  return scenario;
}

Status validate_scenario(const pb::Scenario& scenario, std::string_view file_name) {
  return validate(scenario, file_name, nullptr);
}

Result<pb::Scenario> load_scenario(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Error{kScenarioError, "cannot read " + path + ": is a directory"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{kScenarioError, "cannot read " + path + ": no such file or not readable"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{kScenarioError, "cannot read " + path + ": read error"};
  return parse_scenario(text.str(), path);
}

std::string to_textproto(const pb::Scenario& scenario) {
  TextFormat::Printer printer;
  printer.SetUseShortRepeatedPrimitives(false);
  std::string out;
  printer.PrintToString(scenario, &out);
  return out;
}

}  // namespace rmq::scenario
