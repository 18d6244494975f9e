#include "sim/scenario/campaign_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string_view>
#include <vector>

namespace rmq::scenario {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// Calls on_char(code point, its bytes) for each character of `text`; a byte that does not start a well-formed
// UTF-8 sequence (overlong, surrogate, above U+10FFFF, cut short) comes out as U+FFFD on its own.
template <typename OnChar>
void for_each_utf8_char(std::string_view text, OnChar on_char) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80                    ? 1
                    : lead >= 0xC2 && lead <= 0xDF ? 2
                    : lead >= 0xE0 && lead <= 0xEF ? 3
                    : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                   : 0;
    unsigned char second_low = 0x80, second_high = 0xBF;  // the second byte's range rules out the bad forms
    if (lead == 0xE0) second_low = 0xA0;
    if (lead == 0xED) second_high = 0x9F;
    if (lead == 0xF0) second_low = 0x90;
    if (lead == 0xF4) second_high = 0x8F;
    bool valid = length != 0 && i + length <= text.size();
    char32_t code_point = length == 1 ? lead : static_cast<char32_t>(lead & (0x7F >> length));
    for (size_t k = 1; valid && k < length; ++k) {
      const auto byte = static_cast<unsigned char>(text[i + k]);
      valid = k == 1 ? byte >= second_low && byte <= second_high : byte >= 0x80 && byte <= 0xBF;
      code_point = (code_point << 6) | static_cast<char32_t>(byte & 0x3F);
    }
    if (!valid) {
      on_char(char32_t{0xFFFD}, kReplacementCharacter);
      ++i;
      continue;
    }
    on_char(code_point, text.substr(i, length));
    i += length;
  }
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for_each_utf8_char(text, [&](char32_t code_point, std::string_view bytes) {
    switch (code_point) {
      case '"': out += "\\\""; return;
      case '\\': out += "\\\\"; return;
      case '\n': out += "\\n"; return;
      case '\r': out += "\\r"; return;
      case '\t': out += "\\t"; return;
      default: break;
    }
    if (code_point < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(code_point));
      out += escaped;
    } else {
      out += bytes;
    }
  });
  out += '"';
}

// In attributes, line breaks and tabs are written as references: a parser would turn them into spaces.
void append_xml_escaped(std::string& out, std::string_view text, bool attribute) {
  for_each_utf8_char(text, [&](char32_t code_point, std::string_view bytes) {
    switch (code_point) {
      case '&': out += "&amp;"; return;
      case '<': out += "&lt;"; return;
      case '>': out += "&gt;"; return;  // also keeps "]]>" out of the text
      case '"': out += "&quot;"; return;
      case '\'': out += "&apos;"; return;
      case '\r': out += "&#13;"; return;
      case '\n': out += attribute ? "&#10;" : "\n"; return;
      case '\t': out += attribute ? "&#9;" : "\t"; return;
      default: break;
    }
    // XML 1.0 cannot carry the other control characters, U+FFFE or U+FFFF at all, not even as references.
    if (code_point < 0x20 || code_point == 0xFFFE || code_point == 0xFFFF) out += kReplacementCharacter;
    else out += bytes;
  });
}

std::string xml_attribute(std::string_view text) {
  std::string out;
  append_xml_escaped(out, text, /*attribute=*/true);
  return out;
}

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

void replace_all(std::string& text, std::string_view placeholder, std::string_view value) {
  for (size_t at = text.find(placeholder); at != std::string::npos; at = text.find(placeholder, at + value.size()))
    text.replace(at, placeholder.size(), value);
}

// "send.attempts, delivery.at_least_once": failed_checks() with room after the commas.
std::string failed_check_list(const RunResult& run) {
  std::string list = run.failed_checks();
  replace_all(list, ",", ", ");
  return list;
}

std::vector<std::string> failed_check_names(const RunResult& run) {
  std::vector<std::string> names;
  if (!run.error.empty()) names.push_back("setup");
  for (const auto& check : run.checks)
    if (!check.passed) names.push_back(check.name);
  return names;
}

struct CheckTally {
  uint64_t passed = 0, failed = 0, checked = 0;
};
struct FaultTally {
  uint64_t injected = 0, seeds = 0;
};
struct Tallies {
  RunStats totals;  // faults_by_kind unused: see faults
  std::map<std::string, FaultTally> faults;
  std::map<std::string, CheckTally> checks;
  size_t failed = 0;
};

Tallies tally(const CampaignResult& result) {
  Tallies tallies;
  RunStats& sum = tallies.totals;
  for (const auto& run : result.runs) {
    const RunStats& s = run.stats;
    sum.sends += s.sends, sum.sends_ok += s.sends_ok, sum.send_errors += s.send_errors;
    sum.attempts += s.attempts, sum.retries += s.retries;
    sum.deliveries += s.deliveries, sum.consumed += s.consumed, sum.duplicates += s.duplicates;
    sum.pulls += s.pulls, sum.rebalances += s.rebalances;
    for (const auto& [kind, count] : s.faults_by_kind) {
      tallies.faults[kind].injected += count;
      if (count > 0) ++tallies.faults[kind].seeds;
    }
    for (const auto& check : run.checks) {
      CheckTally& t = tallies.checks[check.name];
      ++(check.passed ? t.passed : t.failed);
      t.checked += check.checked;
    }
    if (!run.passed()) ++tallies.failed;
  }
  return tallies;
}

struct TotalRow {
  const char* label;
  const char* json_key;
  uint64_t value;
};
std::vector<TotalRow> total_rows(const RunStats& s) {
  return {{"sends", "sends", s.sends},          {"sends ok", "sends_ok", s.sends_ok},
          {"send errors", "send_errors", s.send_errors}, {"attempts", "attempts", s.attempts},
          {"retries", "retries", s.retries},    {"deliveries", "deliveries", s.deliveries},
          {"consumed", "consumed", s.consumed}, {"duplicates", "duplicates", s.duplicates},
          {"pulls", "pulls", s.pulls},          {"rebalances", "rebalances", s.rebalances}};
}

// One fixed-width row: the label left-aligned in 32 columns, then each cell right-aligned in 10.
std::string row(const std::string& label, const std::vector<std::string>& cells) {
  std::string line = label;
  line.append(line.size() < 32 ? 32 - line.size() : 1, ' ');
  for (const auto& cell : cells) line += std::string(cell.size() < 10 ? 10 - cell.size() : 1, ' ') + cell;
  return line + "\n";
}

std::string number(uint64_t value) { return std::to_string(value); }

void append_counts(std::string& out, const CampaignResult& result, const Tallies& tallies) {
  out += row("seeds", {"run", "passed", "failed", "not run"});
  out += row("", {number(result.runs.size()), number(result.runs.size() - tallies.failed), number(tallies.failed),
                  number(result.not_run.size())});
  double rate = result.wall_seconds > 0 ? static_cast<double>(result.runs.size()) / result.wall_seconds : 0;
  out += "wall time " + fixed(result.wall_seconds, 1) + " s, " + fixed(rate, 1) + " seeds/s\n";
  out += "\ntotals\n";
  for (const auto& total : total_rows(tallies.totals))
    out += row(std::string("  ") + total.label, {number(total.value)});
  out += "\n" + row("faults by kind", {"injected", "seeds"});
  if (tallies.faults.empty()) out += "  (none)\n";
  for (const auto& [kind, fault] : tallies.faults)
    out += row("  " + kind, {number(fault.injected), number(fault.seeds)});
  out += "\n" + row("checks", {"passed", "failed", "checked"});
  for (const auto& [name, check] : tallies.checks)
    out += row("  " + name, {number(check.passed), number(check.failed), number(check.checked)});
}

void append_failures(std::string& out, const CampaignResult& result, const ReportContext& context, size_t failed) {
  if (failed == 0) return;
  out += "\nfailures\n";
  size_t listed = 0;
  for (const auto& run : result.runs) {
    if (run.passed()) continue;
    if (listed++ == kMaxFailedSeedsListed) {
      out += "  ... and " + number(failed - kMaxFailedSeedsListed) +
             " more failed seeds (the JSON and JUnit reports list them all)\n";
      break;
    }
    out += "  seed " + number(run.seed) + ": failed " + failed_check_list(run) + "  digest " + run.digest + "\n";
    if (!run.error.empty()) out += "    error: " + run.error + "\n";
    out += "    replay: " + replay_command_for(context, run) + "\n";
  }
}

std::string verdict(const CampaignResult& result, size_t failed) {
  if (result.runs.empty()) return "FAILED: no seed ran";
  if (result.passed()) {
    std::string line = "PASSED: all " + number(result.runs.size()) + " seeds passed";
    if (!result.not_run.empty()) line += " (" + number(result.not_run.size()) + " not run)";
    return line;
  }
  std::string line = "FAILED: " + number(failed) + " of " + number(result.runs.size()) + " seeds failed";
  size_t mismatches = result.determinism_mismatches.size();
  if (mismatches > 0)
    line += ", " + number(mismatches) + (mismatches == 1 ? " determinism mismatch" : " determinism mismatches");
  return line;
}

// One element of "runs"; a failed run also carries its failed checks' details.
void append_json_run(std::string& out, const RunResult& run, const ReportContext& context) {
  if (out.back() != '[') out += ',';
  out += "{\"seed\":" + number(run.seed) + ",\"digest\":";
  append_json_string(out, run.digest);
  out += ",\"events\":" + number(run.events) + ",\"passed\":" + (run.passed() ? "true" : "false") +
         ",\"failed_checks\":[";
  for (const auto& name : failed_check_names(run)) {
    if (out.back() != '[') out += ',';
    append_json_string(out, name);
  }
  out += "]";
  if (!run.passed()) {
    out += ",\"details\":{";
    for (const auto& check : run.checks) {
      if (check.passed) continue;
      if (out.back() != '{') out += ',';
      append_json_string(out, check.name);
      out += ':';
      append_json_string(out, check.detail);
    }
    out += "}";
  }
  if (!run.error.empty()) {
    out += ",\"error\":";
    append_json_string(out, run.error);
  }
  out += ",\"replay\":";
  append_json_string(out, replay_command_for(context, run));
  out += "}";
}

}  // namespace

std::string replay_command_for(const ReportContext& context, const RunResult& run) {
  std::string command = context.replay_command;
  replace_all(command, "{seed}", std::to_string(run.seed));
  replace_all(command, "{digest}", run.digest);
  return command;
}

std::string summary_table(const CampaignResult& result, const ReportContext& context) {
  const Tallies tallies = tally(result);
  std::string out = "rmqsim fuzz: " + context.scenario_name;
  if (!context.scenario_file.empty()) out += " (" + context.scenario_file + ")";
  out += "\n\n";
  append_counts(out, result, tallies);
  append_failures(out, result, context, tallies.failed);
  if (!result.determinism_mismatches.empty()) out += "\ndeterminism mismatches (the same seed ran twice)\n";
  for (const auto& [seed, detail] : result.determinism_mismatches) {
    auto run = std::lower_bound(result.runs.begin(), result.runs.end(), seed,
                                [](const RunResult& r, uint64_t s) { return r.seed < s; });
    RunResult seed_only;
    seed_only.seed = seed;
    const RunResult& replayed = run != result.runs.end() && run->seed == seed ? *run : seed_only;
    out += "  seed " + number(seed) + ": " + detail + "\n    replay: " + replay_command_for(context, replayed) + "\n";
  }
  if (!context.coverage_text.empty()) {
    out += "\n" + context.coverage_text;
    if (out.back() != '\n') out += '\n';
  }
  return out + "\n" + verdict(result, tallies.failed) + "\n";
}

std::string json_report(const CampaignResult& result, const ReportContext& context) {
  const Tallies tallies = tally(result);
  std::string out = "{\"scenario\":";
  append_json_string(out, context.scenario_name);
  out += ",\"file\":";
  append_json_string(out, context.scenario_file);
  out += ",\"seeds_run\":" + number(result.runs.size()) + ",\"seeds_passed\":" +
         number(result.runs.size() - tallies.failed) + ",\"seeds_failed\":" + number(tallies.failed) +
         ",\"seeds_not_run\":" + number(result.not_run.size()) + ",\"passed\":" +
         (result.passed() ? "true" : "false") + ",\"wall_seconds\":" + fixed(result.wall_seconds, 3);
  out += ",\"totals\":{";
  for (const auto& total : total_rows(tallies.totals))
    out += std::string(out.back() == '{' ? "" : ",") + "\"" + total.json_key + "\":" + number(total.value);
  out += "},\"faults_by_kind\":{";
  for (const auto& [kind, fault] : tallies.faults) {
    if (out.back() != '{') out += ',';
    append_json_string(out, kind);
    out += ":{\"injected\":" + number(fault.injected) + ",\"seeds\":" + number(fault.seeds) + "}";
  }
  out += "},\"checks\":{";
  for (const auto& [name, check] : tallies.checks) {
    if (out.back() != '{') out += ',';
    append_json_string(out, name);
    out += ":{\"passed\":" + number(check.passed) + ",\"failed\":" + number(check.failed) +
           ",\"checked\":" + number(check.checked) + "}";
  }
  out += "},\"runs\":[";
  for (const auto& run : result.runs) append_json_run(out, run, context);
  out += "],\"not_run\":[";
  for (uint64_t seed : result.not_run) out += (out.back() == '[' ? "" : ",") + number(seed);
  out += "],\"determinism_mismatches\":[";
  for (const auto& [seed, detail] : result.determinism_mismatches) {
    out += std::string(out.back() == '[' ? "" : ",") + "{\"seed\":" + number(seed) + ",\"detail\":";
    append_json_string(out, detail);
    out += "}";
  }
  return out + "]}\n";
}

namespace {

// The <failure> of one seed: its failed checks' details, its setup error, a determinism mismatch, the replay.
std::string junit_failure(const RunResult& run, const std::string* mismatch, const ReportContext& context) {
  std::string message = failed_check_list(run), body;
  for (const auto& check : run.checks)
    if (!check.passed) body += check.name + " (checked " + number(check.checked) + "): " + check.detail + "\n";
  if (!run.error.empty()) body += "setup: " + run.error + "\n";
  if (mismatch) {
    message += message.empty() ? "determinism" : ", determinism";
    body += "determinism: the same seed ran twice with different digests: " + *mismatch + "\n";
  }
  body += "replay: " + replay_command_for(context, run) + "\n";
  std::string out = "      <failure message=\"" + xml_attribute(message) + "\">";
  append_xml_escaped(out, body, /*attribute=*/false);
  return out + "</failure>\n";
}

}  // namespace

std::string junit_xml(const CampaignResult& result, const ReportContext& context) {
  const std::map<uint64_t, std::string> mismatches(result.determinism_mismatches.begin(),
                                                   result.determinism_mismatches.end());
  size_t failures = 0;
  for (const auto& run : result.runs) failures += !run.passed() || mismatches.count(run.seed) > 0;
  const std::string tests = number(result.runs.size() + result.not_run.size());
  const std::string counts = "tests=\"" + tests + "\" failures=\"" + number(failures) + "\" errors=\"0\" skipped=\"" +
                             number(result.not_run.size()) + "\" time=\"" + fixed(result.wall_seconds, 3) + "\"";
  const std::string classname = xml_attribute("rmqsim." + context.scenario_name);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites " + counts + ">\n";
  out += "  <testsuite name=\"" + xml_attribute("rmqsim " + context.scenario_name) + "\" " + counts + ">\n";
  for (const auto& run : result.runs) {
    out += "    <testcase classname=\"" + classname + "\" name=\"seed " + number(run.seed) + "\"";
    auto mismatch = mismatches.find(run.seed);
    if (run.passed() && mismatch == mismatches.end()) {
      out += "/>\n";
      continue;
    }
    out += ">\n" + junit_failure(run, mismatch == mismatches.end() ? nullptr : &mismatch->second, context);
    out += "    </testcase>\n";
  }
  for (uint64_t seed : result.not_run)
    out += "    <testcase classname=\"" + classname + "\" name=\"seed " + number(seed) +
           "\">\n      <skipped message=\"not run: the time budget ran out or --fail-fast stopped the campaign\"/>\n"
           "    </testcase>\n";
  return out + "  </testsuite>\n</testsuites>\n";
}

}  // namespace rmq::scenario
