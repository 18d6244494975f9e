#include "sim/cli/scenario_commands.h"

#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "sim/scenario/campaign.h"
#include "sim/scenario/campaign_report.h"
#include "sim/scenario/coverage.h"
#include "sim/scenario/minimize.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_runner.h"
#include "sim/scenario/trace_export.h"

namespace rmq::cli {
namespace {

using scenario::pb::Scenario;
using scenario::RunResult;

// --break NAME[=VALUE] sets one field of the scenario's break_client.
Status apply_break(Scenario& s, const std::string& spec) {
  std::string name = spec.substr(0, spec.find('='));
  std::optional<std::string> value;
  if (spec.find('=') != std::string::npos) value = spec.substr(spec.find('=') + 1);
  auto* brk = s.mutable_break_client();
  const auto* field = brk->GetDescriptor()->FindFieldByName(name);
  if (field == nullptr) return Error{2, "--break: unknown switch '" + name + "' (" + break_switch_names() + ")"};
  const auto* refl = brk->GetReflection();
  if (field->type() == google::protobuf::FieldDescriptor::TYPE_BOOL) {
    if (value && *value != "true" && *value != "false") return Error{2, "--break " + name + ": expected no value, true or false"};
    refl->SetBool(brk, field, !value || *value == "true");
    return Status::Ok();
  }
  if (!value) return Error{2, "--break " + name + ": needs a value (" + name + "=N)"};
  char* end = nullptr;
  long long n = std::strtoll(value->c_str(), &end, 10);
  if (value->empty() || *end != '\0' || n < 0 || n > 600'000)
    return Error{2, "--break " + name + ": '" + *value + "' is not a number in 0..600000"};
  if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_INT32) refl->SetInt32(brk, field, static_cast<int32_t>(n));
  else refl->SetInt64(brk, field, n);
  return Status::Ok();
}

Result<Scenario> load(const std::string& path, const std::vector<std::string>& breaks) {
  auto s = scenario::load_scenario(path);
  if (!s.ok()) return Error{2, s.error().message};
  for (const std::string& b : breaks) {
    Status ok = apply_break(*s, b);
    if (!ok.ok()) return ok.error();
  }
  Status valid = scenario::validate_scenario(*s, path);
  if (!valid.ok()) return Error{2, valid.error().message};
  return s;
}

std::string break_flags(const std::vector<std::string>& breaks) {
  std::string out;
  for (const std::string& b : breaks) out += " --break " + b;
  return out;
}

std::string replay_command(const std::string& file, const std::vector<std::string>& breaks, const std::string& seed,
                           const std::string& digest) {
  return "rmqsim replay " + file + " --seed " + seed + " --expect-digest " + digest + break_flags(breaks);
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    if (++lines > 40) {
      out += prefix + "... (more in `rmqsim trace`)\n";
      break;
    }
    out += prefix + line + "\n";
  }
  return out;
}

std::string describe_run(const RunResult& r, const std::string& file, const std::vector<std::string>& breaks) {
  std::ostringstream out;
  out << "scenario " << r.scenario << " (" << file << ")  seed " << r.seed << "\n";
  out << "faults (" << r.faults.size() << "):\n";
  for (const auto& f : r.faults) out << "  " << scenario::describe_fault(f) << "\n";
  const auto& st = r.stats;
  out << "sends " << st.sends << " (ok " << st.sends_ok << ", errors " << st.send_errors << "), attempts " << st.attempts
      << ", retries " << st.retries << "; deliveries " << st.deliveries << ", consumed " << st.consumed
      << ", duplicates " << st.duplicates << ", pulls " << st.pulls << "\n";
  out << "run: " << r.virtual_ms << " ms virtual, " << r.events << " events, digest " << r.digest << "\n";
  if (!r.error.empty()) out << "set-up error: " << r.error << "\n";
  out << "checks:\n";
  for (const auto& c : r.checks) {
    char line[160];
    std::snprintf(line, sizeof line, "  %s  %-24s %8llu checked\n", c.passed ? "PASS" : "FAIL", c.name.c_str(),
                  static_cast<unsigned long long>(c.checked));
    out << line;
    if (!c.passed) out << indent(c.detail, "      ");
  }
  out << "result: " << (r.passed() ? "PASS" : "FAIL (" + r.failed_checks() + ")") << "\n";
  out << "replay: " << replay_command(file, breaks, std::to_string(r.seed), r.digest) << "\n";
  return out.str();
}

std::string run_json(const RunResult& r) {
  std::ostringstream out;
  out << "{\"scenario\":\"" << r.scenario << "\",\"seed\":" << r.seed << ",\"digest\":\"" << r.digest
      << "\",\"events\":" << r.events << ",\"passed\":" << (r.passed() ? "true" : "false") << ",\"checks\":{";
  for (size_t i = 0; i < r.checks.size(); ++i)
    out << (i ? "," : "") << "\"" << r.checks[i].name << "\":" << (r.checks[i].passed ? "true" : "false");
  out << "},\"sends\":" << r.stats.sends << ",\"sends_ok\":" << r.stats.sends_ok << ",\"consumed\":" << r.stats.consumed
      << ",\"faults\":" << r.faults.size() << "}\n";
  return out.str();
}

scenario::TraceDocument document(const Scenario& s, const std::string& file, const RunResult& r) {
  scenario::TraceDocument doc;
  doc.header.set_version(1);
  doc.header.set_tool("rmqsim 0.1.0");
  doc.header.set_scenario(s.name());
  doc.header.set_scenario_file(file);
  doc.header.set_seed(r.seed);
  doc.events = r.trace;
  doc.footer.set_events(r.events);
  doc.footer.set_digest(r.digest);
  return doc;
}

bool is_digest(const std::string& text) {
  return text.size() == 16 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::string break_switch_names() {
  const auto* descriptor = Scenario::descriptor()->FindFieldByName("break_client")->message_type();
  std::string names;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    names += (i ? ", " : "") + field->name();
    if (field->type() != google::protobuf::FieldDescriptor::TYPE_BOOL) names += "=N";
  }
  return names;
}

int run_scenario_command(const ScenarioRunOptions& o, bool replay, std::ostream& out, std::ostream& err) {
  if (o.list_checks) {
    for (const std::string& name : scenario::check_names()) out << name << "\n";
    return 0;
  }
  if (o.expect_digest && !is_digest(*o.expect_digest))
    return err << "rmqsim: --expect-digest: '" << *o.expect_digest
               << "' is not a trace digest (16 lowercase hex digits, as `rmqsim run` prints)\n",
           2;
  auto s = load(o.scenario, o.breaks);
  if (!s.ok()) return err << "rmqsim: " << s.error().message << "\n", 2;
  uint64_t seed = o.seed.value_or(scenario::with_defaults(*s).seed());
  scenario::RunOptions ro;
  ro.capture_trace = o.check_determinism;
  RunResult r = scenario::run_scenario(*s, seed, ro);
  out << (o.json ? run_json(r) : describe_run(r, o.scenario, o.breaks));
  int code = r.passed() ? 0 : 1;
  if (o.check_determinism) {
    RunResult again = scenario::run_scenario(*s, seed, ro);
    auto difference = scenario::diff(document(*s, o.scenario, r), document(*s, o.scenario, again));
    if (difference) {
      out << "determinism: MISMATCH\n" << difference->describe() << "\n";
      code = 1;
    } else {
      out << "determinism: same trace twice (" << r.events << " events, digest " << r.digest << ")\n";
    }
  }
  if (replay && o.expect_digest && *o.expect_digest != r.digest) {
    out << "replay: digest " << r.digest << " differs from the expected " << *o.expect_digest
        << " (another binary, scenario file or --break set?)\n";
    return 3;
  }
  if (replay && o.expect_digest) out << "replay: digest matches\n";
  return code;
}

namespace {

Result<scenario::ProgressMode> progress_mode(const std::string& name) {
  if (name == "auto") return scenario::ProgressMode::kAuto;
  if (name == "bar") return scenario::ProgressMode::kBar;
  if (name == "lines") return scenario::ProgressMode::kLines;
  if (name == "off") return scenario::ProgressMode::kOff;
  return Error{2, "--progress: '" + name + "' is not one of auto, bar, lines, off"};
}

bool write_file(const std::string& path, const std::string& text, std::ostream& err) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) {
    err << "rmqsim: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int run_fuzz(const FuzzOptions& o, std::ostream& out, std::ostream& err) {
  auto s = load(o.scenario, o.breaks);
  if (!s.ok()) return err << "rmqsim: " << s.error().message << "\n", 2;
  auto seeds = scenario::parse_seeds(o.seeds);
  if (!seeds.ok()) return err << "rmqsim: " << seeds.error().message << "\n", 2;
  auto shard = scenario::parse_shard(o.shard);
  if (!shard.ok()) return err << "rmqsim: " << shard.error().message << "\n", 2;
  auto progress = progress_mode(o.progress);
  if (!progress.ok()) return err << "rmqsim: " << progress.error().message << "\n", 2;
  if (o.jobs < 1 || o.jobs > 256) return err << "rmqsim: --jobs: " << o.jobs << " is out of range 1..256\n", 2;
  scenario::CampaignOptions co;
  co.seeds = scenario::shard_seeds(*seeds, *shard);
  co.jobs = o.jobs;
  if (!o.time_budget.empty()) {
    auto budget = scenario::parse_duration_seconds(o.time_budget, "--time-budget");
    if (!budget.ok()) return err << "rmqsim: " << budget.error().message << "\n", 2;
    co.time_budget_s = *budget;
  }
  co.check_determinism = o.check_determinism;
  co.progress = *progress;
  co.progress_out = &err;
  co.progress_fd = 2;
  co.stop_on_failure = o.fail_fast;
  const Scenario scenario = *s;
  out << "rmqsim fuzz " << o.scenario << ": scenario " << scenario.name() << ", " << co.seeds.size() << " seeds"
      << (shard->count > 1 ? " (shard " + o.shard + " of " + std::to_string(seeds->size()) + ")" : "") << ", " << o.jobs
      << (o.jobs == 1 ? " job" : " jobs") << (o.check_determinism ? ", each seed twice" : "") << "\n" << std::flush;
  scenario::CampaignResult result =
      scenario::run_campaign(co, [&scenario](uint64_t seed) { return scenario::run_scenario(scenario, seed); });
  scenario::ReportContext context;
  context.scenario_name = scenario.name();
  context.scenario_file = o.scenario;
  context.replay_command = replay_command(o.scenario, o.breaks, "{seed}", "{digest}");
  if (!o.no_coverage) context.coverage_text = scenario::coverage_report(result.runs);
  out << scenario::summary_table(result, context);
  if (!o.json_report.empty() && !write_file(o.json_report, scenario::json_report(result, context), err)) return 2;
  if (!o.junit.empty() && !write_file(o.junit, scenario::junit_xml(result, context), err)) return 2;
  return result.passed() ? 0 : 1;
}

int run_minimize(const MinimizeOptions& o, std::ostream& out, std::ostream& err) {
  auto s = load(o.scenario, o.breaks);
  if (!s.ok()) return err << "rmqsim: " << s.error().message << "\n", 2;
  if (o.max_runs < 1) return err << "rmqsim: --max-runs: must be at least 1\n", 2;
  scenario::MinimizeOptions mo;
  mo.max_runs = o.max_runs;
  mo.progress = [&out](const std::string& line) { out << "  reduced: " << line << "\n" << std::flush; };
  out << "minimizing " << o.scenario << " seed " << o.seed << "\n" << std::flush;
  auto result = scenario::minimize(*s, o.seed, mo);
  if (!result.ok()) return err << "rmqsim: " << result.error().message << "\n", 1;
  std::string path = o.output.empty() ? result->scenario.name() + ".textproto" : o.output;
  std::string text = "# " + result->scenario.description() + "\n# replay: " +
                     replay_command(path, {}, std::to_string(o.seed), result->run.digest) + "\n" +
                     scenario::to_textproto(result->scenario);
  if (!write_file(path, text, err)) return 2;
  std::string targets;
  for (const std::string& t : result->target_checks) targets += (targets.empty() ? "" : ", ") + t;
  out << "faults " << result->faults_before << " -> " << result->faults_after << " in " << result->runs
      << " runs; still fails: " << result->run.failed_checks() << " (originally: " << targets << ")\n";
  for (const auto& f : result->scenario.faults()) out << "  " << scenario::describe_fault(f) << "\n";
  out << "wrote " << path << "\nreplay: " << replay_command(path, {}, std::to_string(o.seed), result->run.digest) << "\n";
  return 0;
}

int run_trace(const TraceOptions& o, std::ostream& out, std::ostream& err) {
  if (!o.diff.empty()) {
    if (o.diff.size() != 2) return err << "rmqsim: --diff takes two .jsonl trace files\n", 2;
    scenario::TraceDocument docs[2];
    for (int i = 0; i < 2; ++i) {
      std::ifstream f(o.diff[static_cast<size_t>(i)], std::ios::binary);
      if (!f) return err << "rmqsim: cannot read " << o.diff[static_cast<size_t>(i)] << "\n", 2;
      std::stringstream text;
      text << f.rdbuf();
      auto doc = scenario::parse_jsonl(text.str(), o.diff[static_cast<size_t>(i)]);
      if (!doc.ok()) return err << "rmqsim: " << doc.error().message << "\n", 2;
      docs[i] = std::move(*doc);
    }
    auto difference = scenario::diff(docs[0], docs[1]);
    if (!difference) return out << "traces are identical (" << docs[0].events.size() << " events)\n", 0;
    return out << difference->describe() << "\n", 1;
  }
  if (o.scenario.empty()) return err << "rmqsim: trace needs a scenario file (or --diff A.jsonl B.jsonl)\n", 2;
  if (o.format != "text" && o.format != "jsonl" && o.format != "chrome")
    return err << "rmqsim: --format: '" << o.format << "' is not one of text, jsonl, chrome\n", 2;
  auto s = load(o.scenario, o.breaks);
  if (!s.ok()) return err << "rmqsim: " << s.error().message << "\n", 2;
  scenario::RunOptions ro;
  ro.capture_trace = true;
  uint64_t seed = o.seed.value_or(scenario::with_defaults(*s).seed());
  RunResult r = scenario::run_scenario(*s, seed, ro);
  scenario::TraceDocument doc = document(*s, o.scenario, r);
  std::string text = o.format == "jsonl"  ? scenario::to_jsonl(doc)
                     : o.format == "chrome" ? scenario::to_chrome_json(doc)
                                            : scenario::to_text(doc);
  if (o.output.empty() || o.output == "-") {
    out << text;
  } else {
    if (!write_file(o.output, text, err)) return 2;
    err << "wrote " << o.output << ": " << r.events << " events, digest " << r.digest << "\n";
  }
  return 0;
}

}  // namespace rmq::cli
