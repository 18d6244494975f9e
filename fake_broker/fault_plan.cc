#include "fake_broker/fault_plan.h"

#include <boost/json.hpp>

namespace rmq::fake {
namespace {

namespace json = boost::json;

Error plan_error(std::string_view source, const std::string& path, const std::string& problem) {
  return Error{2, std::string(source) + ": " + path + ": " + problem};
}

std::optional<FaultAction> action_from_name(std::string_view name) {
  if (name == "respond") return FaultAction::kRespondCode;
  if (name == "no_answer") return FaultAction::kNoAnswer;
  if (name == "delay_answer") return FaultAction::kDelayAnswer;
  if (name == "answer_twice") return FaultAction::kAnswerTwice;
  if (name == "slow_handler") return FaultAction::kSlowHandler;
  return std::nullopt;
}

// Reads one integer field; false (with `error` set) when it is not an integer in range.
bool read_int(const json::value& v, const std::string& path, std::string_view source, int64_t& out, Error& error) {
  if (v.is_int64()) {
    out = v.as_int64();
    return true;
  }
  if (v.is_uint64() && v.as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    out = static_cast<int64_t>(v.as_uint64());
    return true;
  }
  error = plan_error(source, path, "expected an integer, got " + json::serialize(v));
  return false;
}

Result<FaultRule> parse_rule(const json::value& v, const std::string& path, std::string_view source) {
  if (!v.is_object()) return plan_error(source, path, "expected an object");
  FaultRule rule;
  Error error;
  for (const auto& [key, value] : v.as_object()) {
    std::string field = path + "." + std::string(key);
    int64_t n = 0;
    if (key == "action") {
      auto action = value.is_string() ? action_from_name(value.as_string()) : std::nullopt;
      if (!action) {
        return plan_error(source, field, "expected one of respond, no_answer, delay_answer, answer_twice, "
                                         "slow_handler, got " + json::serialize(value));
      }
      rule.action = *action;
    } else if (key == "remark") {
      if (!value.is_string()) return plan_error(source, field, "expected a string");
      rule.remark = std::string(value.as_string());
    } else if (key == "probability") {
      if (!value.is_number() || value.to_number<double>() < 0 || value.to_number<double>() > 1) {
        return plan_error(source, field, "expected a number from 0 to 1, got " + json::serialize(value));
      }
      rule.probability = value.to_number<double>();
    } else if (key == "requestCode" || key == "responseCode" || key == "fromMs" || key == "untilMs" ||
               key == "delayMs") {
      if (!read_int(value, field, source, n, error)) return error;
      if (key == "requestCode") rule.request_code = static_cast<int32_t>(n);
      if (key == "responseCode") rule.response_code = static_cast<int32_t>(n);
      if (key == "fromMs") rule.from_ms = n;
      if (key == "untilMs") rule.until_ms = n;
      if (key == "delayMs") rule.delay_ms = n;
    } else {
      return plan_error(source, field, "unknown field");
    }
  }
  if (rule.from_ms > rule.until_ms) return plan_error(source, path, "fromMs is after untilMs");
  return rule;
}

Result<BrokerFaults> parse_broker(const json::value& v, const std::string& path, std::string_view source) {
  if (!v.is_object()) return plan_error(source, path, "expected an object");
  BrokerFaults faults;
  for (const auto& [key, value] : v.as_object()) {
    std::string field = path + "." + std::string(key);
    if (key == "rules") {
      if (!value.is_array()) return plan_error(source, field, "expected an array");
      for (size_t i = 0; i < value.as_array().size(); ++i) {
        auto rule = parse_rule(value.as_array()[i], field + "[" + std::to_string(i) + "]", source);
        if (!rule.ok()) return rule.error();
        faults.rules.push_back(*rule);
      }
    } else if (key == "writePermissionRevoked" || key == "rejectEverySend") {
      if (!value.is_bool()) return plan_error(source, field, "expected true or false");
      (key == "rejectEverySend" ? faults.reject_every_send : faults.write_permission_revoked) = value.as_bool();
    } else {
      return plan_error(source, field, "unknown field");
    }
  }
  return faults;
}

}  // namespace

Result<FaultPlan> parse_fault_plan(std::string_view text, std::string_view source) {
  json::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec) return plan_error(source, "$", "not JSON (" + ec.message() + ")");
  if (!doc.is_object()) return plan_error(source, "$", "expected an object with \"brokers\"");
  FaultPlan plan;
  for (const auto& [key, value] : doc.as_object()) {
    if (key != "brokers") return plan_error(source, "$." + std::string(key), "unknown field");
    if (!value.is_object()) return plan_error(source, "$.brokers", "expected an object of broker names");
    for (const auto& [name, broker] : value.as_object()) {
      auto faults = parse_broker(broker, "$.brokers." + std::string(name), source);
      if (!faults.ok()) return faults.error();
      plan[std::string(name)] = *faults;
    }
  }
  return plan;
}

BrokerFaults faults_for(const FaultPlan& plan, const std::string& broker_name) {
  if (auto it = plan.find(broker_name); it != plan.end()) return it->second;
  if (auto it = plan.find("*"); it != plan.end()) return it->second;
  return {};
}

}  // namespace rmq::fake
