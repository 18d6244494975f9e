// Internal to the runner: one run's state, shared by scenario_runner.cc (set-up, clients, phases), run_faults.cc
// (applying the fault plan) and run_checks.cc (the verdicts).
#pragma once

#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "core/consumer/push_consumer.h"
#include "core/producer/producer.h"
#include "properties/send_checkers.h"
#include "sim/cluster/delivery_checker.h"
#include "sim/cluster/sim_cluster.h"
#include "sim/prng.h"
#include "sim/scenario/scenario_runner.h"

namespace rmq::scenario {

namespace tv = ::rmqsim::trace::v1;

struct ProducerRun {
  pb::Producer spec;
  std::string host, track;
  std::unique_ptr<producer::Producer> producer;
  std::vector<producer::SendEvent> events;
  int sent = 0;
  std::set<uint64_t> begun_after_heal;  // send ids
  uint64_t ok_after_heal = 0;
};

struct ConsumerRun {
  std::string label, host, track;
  std::unique_ptr<consumer::PushConsumer> consumer;
  std::map<client::MessageQueue, uint64_t> pull_span;  // the open pull per queue
  std::map<client::MessageQueue, int64_t> pull_started_ms;
  std::map<std::string, std::set<client::MessageQueue>> allocation;  // per topic (coverage)
  bool stopped = false;
};

struct GroupRun {
  pb::ConsumerGroup spec;
  int index = 0;
  int next_member = 0;
  std::unique_ptr<sim::DeliveryChecker> checker;
  std::vector<std::unique_ptr<ConsumerRun>> members;
  sim::Prng rng{1};
};

class ScenarioRun {
 public:
  ScenarioRun(const pb::Scenario& scenario, uint64_t seed, const RunOptions& options);
  ~ScenarioRun();
  RunResult run();

  // Hosts (DESIGN §4 names): "namesrv", "broker-<i>", ... and the plural groups.
  std::vector<std::string> hosts(const std::string& name) const;
  static std::string producer_host(int i) { return "10.0.1." + std::to_string(i + 1); }
  static std::string consumer_host(int group, int member) {
    return "10.0." + std::to_string(group + 2) + "." + std::to_string(member + 1);
  }

  // Appends a trace event (the digest covers kind and text; track and phase go to the structured export).
  void emit(std::string_view kind, const std::string& track, tv::TraceEvent::Phase phase, uint64_t span,
            const std::string& peer, const std::string& text);

  sim::SimCluster& cluster() { return *cluster_; }
  GroupRun& group(int i) { return groups_.at(static_cast<size_t>(i)); }
  ConsumerRun* start_member(GroupRun& group, int member);
  void stop_member(GroupRun& group, int member);

 private:
  friend void apply_fault_plan(ScenarioRun& run);
  friend void heal_everything(ScenarioRun& run);
  friend void run_checks(ScenarioRun& run, RunResult& result);

  void build_cluster();
  void start_producers();
  void start_groups();
  void send_tick(ProducerRun& p);
  void on_send_event(ProducerRun& p, const producer::SendEvent& e);
  void on_consumer_event(ConsumerRun& c, const consumer::ConsumerEvent& e);
  void drive_phases(RunResult& result);
  void collect_stats(RunResult& result);

  pb::Scenario scenario_;  // with defaults
  uint64_t seed_;
  RunOptions options_;
  std::vector<pb::Fault> faults_;  // scripted then drawn, by time
  sim::SimRuntime* sim_ = nullptr;  // the cluster's, set as soon as it exists (brokers log while starting)
  std::unique_ptr<sim::SimCluster> cluster_;
  std::vector<ProducerRun> producers_;
  std::vector<GroupRun> groups_;
  std::vector<tv::TraceEvent> captured_;
  std::set<std::string> coverage_;
  std::vector<std::pair<uint64_t, std::string>> setup_errors_;
  int64_t healed_at_ms_ = -1;
  bool event_limit_hit_ = false;
  uint64_t next_span_ = 1;
  // The structured fields of the event being recorded (set by emit, read by the trace tap).
  const tv::TraceEvent* pending_ = nullptr;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

 public:
  const pb::Scenario& scenario() const { return scenario_; }
  const std::vector<pb::Fault>& faults() const { return faults_; }
  std::vector<ProducerRun>& producers() { return producers_; }
  std::vector<GroupRun>& groups() { return groups_; }
  std::set<std::string>& coverage() { return coverage_; }
  int64_t healed_at_ms() const { return healed_at_ms_; }
  bool event_limit_hit() const { return event_limit_hit_; }
  uint64_t new_span() { return next_span_++; }
  // The fault rules each broker applies (set by apply_fault_plan; the send checkers read them).
  std::vector<std::vector<fake::FaultRule>> broker_rules;
};

// "broker_crash", "partition", ... (the oneof's field name).
std::string fault_kind_name(const pb::Fault& fault);

void apply_fault_plan(ScenarioRun& run);
void heal_everything(ScenarioRun& run);
void run_checks(ScenarioRun& run, RunResult& result);

}  // namespace rmq::scenario
