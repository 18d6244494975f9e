// The reports of a campaign (campaign.h): a readable summary, a JSON report and JUnit XML for CI.
//
// Contract: each report is a function of the CampaignResult and the ReportContext only, so the same results give
// the same text whatever `jobs` was; the wall time (and, in the summary, the rate) is the one exception. Text
// taken from runs (check details, errors, digests) is escaped for the format, and bytes that are not valid UTF-8
// become U+FFFD, so the JSON always parses and the XML is always well-formed.
#pragma once

#include <string>

#include "sim/scenario/campaign.h"

namespace rmq::scenario {

struct ReportContext {
  std::string scenario_name;
  std::string scenario_file;
  // How to replay one seed, with {seed} and {digest} placeholders, e.g.
  // "rmqsim replay scenarios/default.textproto --seed {seed} --expect-digest {digest}".
  std::string replay_command;
  std::string coverage_text;  // appended verbatim to the summary when not empty
};

// context.replay_command with every {seed} and {digest} replaced by the run's.
std::string replay_command_for(const ReportContext& context, const RunResult& run);

// The summary table: seeds run / passed / failed / not run; the wall time and rate; totals of the run stats;
// faults by kind (injected, and in how many seeds); per check how many seeds it passed and failed and how many
// things it checked; one line per failed seed with its replay command (the first kMaxFailedSeedsListed); the
// determinism mismatches; the coverage text; and a closing verdict line.
inline constexpr size_t kMaxFailedSeedsListed = 100;
std::string summary_table(const CampaignResult& result, const ReportContext& context);

// {"scenario","file","seeds_run","seeds_passed","seeds_failed","seeds_not_run","passed","wall_seconds",
//  "totals":{"sends":..,...},"faults_by_kind":{kind:{"injected":n,"seeds":n}},
//  "checks":{name:{"passed":n,"failed":n,"checked":n}},
//  "runs":[{"seed","digest","events","passed","failed_checks":[..],"details"?:{check:detail},"error"?,"replay"}],
//  "not_run":[seeds],"determinism_mismatches":[{"seed":n,"detail":"digest a vs b"}]}
std::string json_report(const CampaignResult& result, const ReportContext& context);

// <testsuites><testsuite name="rmqsim <scenario>" tests failures skipped time>: one <testcase
// classname="rmqsim.<scenario>" name="seed <n>"> per seed that ran, with a <failure message="<failed checks>">
// holding the failed checks' details and the replay command when it failed or its digest changed between two
// runs ("determinism"); one with <skipped/> per seed not run.
std::string junit_xml(const CampaignResult& result, const ReportContext& context);

}  // namespace rmq::scenario
