#include "sim/scenario/scenario_runner.h"

#include <algorithm>

#include "core/consumer/allocate/allocate_strategy.h"
#include "sim/scenario/coverage.h"
#include "sim/scenario/scenario_loader.h"
#include "sim/scenario/scenario_run.h"
#include "sim/scenario/swarm.h"

namespace rmq::scenario {

using producer::SendEventType;

ScenarioRun::ScenarioRun(const pb::Scenario& scenario, uint64_t seed, const RunOptions& options)
    : scenario_(with_defaults(scenario)), seed_(seed), options_(options) {
  faults_.assign(scenario_.faults().begin(), scenario_.faults().end());
  for (pb::Fault& f : draw_swarm_faults(scenario_, seed)) faults_.push_back(std::move(f));
  std::stable_sort(faults_.begin(), faults_.end(),
                   [](const pb::Fault& a, const pb::Fault& b) { return a.at_ms() < b.at_ms(); });
  build_cluster();
}

ScenarioRun::~ScenarioRun() {
  // Consumers and producers hold the cluster's runtime: they go first, the checkers before the brokers.
  for (auto& g : groups_) g.members.clear();
  for (auto& p : producers_) p.producer.reset();
  groups_.clear();
  if (sim_ != nullptr) sim_->trace().set_tap(nullptr);
}

void ScenarioRun::build_cluster() {
  const pb::Topology& t = scenario_.topology();
  sim::ClusterOptions co;
  co.seed = seed_;
  co.brokers = t.brokers();
  co.topics.clear();
  for (const pb::Topic& topic : t.topics()) co.topics.push_back({topic.name(), topic.queues()});
  co.auto_create_topic = !t.disable_auto_create_topic();
  if (t.latency().min_ms() > 0 || t.latency().max_ms() > 0) {
    int64_t lo = t.latency().min_ms() * 1000, hi = std::max(t.latency().max_ms(), t.latency().min_ms()) * 1000;
    co.network.default_latency = hi > lo ? sim::LatencyDistribution::uniform(lo, hi) : sim::LatencyDistribution::constant(lo);
  }
  co.customize_broker = [this, lose = t.lose_store_on_crash()](int i, fake::BrokerOptions& broker) {
    broker.keep_store_on_crash = !lose;
    broker.log = [this, i](const std::string& line) {
      emit("broker.request", "broker-" + std::to_string(i), tv::TraceEvent::INSTANT, 0, "", line);
    };
  };
  co.customize_name_server = [this](fake::NameServerOptions& ns) {
    ns.log = [this](const std::string& line) { emit("namesrv.request", "namesrv", tv::TraceEvent::INSTANT, 0, "", line); };
  };
  co.on_runtime = [this](sim::SimRuntime& sim) {
    sim_ = &sim;
    if (options_.capture_trace)
      sim.trace().set_tap([this](uint64_t index, sim::Micros time, std::string_view kind, std::string_view text) {
        tv::TraceEvent& e = captured_.emplace_back();
        e.set_index(index);
        e.set_time_us(time);
        e.set_kind(std::string(kind));
        if (pending_ != nullptr) {
          e.MergeFrom(*pending_);  // track, phase, span, peer and the text without the track in front
        } else {
          e.set_track(kind.starts_with("net.") || kind.starts_with("fault.") ? "network" : "sim");
          e.set_text(std::string(text));
        }
      });
  };
  cluster_ = std::make_unique<sim::SimCluster>(co);
}

void ScenarioRun::emit(std::string_view kind, const std::string& track, tv::TraceEvent::Phase phase, uint64_t span,
                       const std::string& peer, const std::string& text) {
  if (sim_ == nullptr) return;
  std::string line = track + " " + text;
  if (!options_.capture_trace) return sim_->record(kind, line);
  tv::TraceEvent meta;
  meta.set_text(text);
  meta.set_track(track);
  meta.set_phase(phase);
  meta.set_span(span);
  meta.set_peer(peer);
  pending_ = &meta;
  sim_->record(kind, line);
  pending_ = nullptr;
}

std::vector<std::string> ScenarioRun::hosts(const std::string& name) const {
  std::vector<std::string> out;
  auto producers = [&] {
    for (int i = 0; i < scenario_.producers_size(); ++i) out.push_back(producer_host(i));
  };
  auto consumers = [&] {
    for (const GroupRun& g : groups_)
      for (int m = 0; m < std::max(g.next_member, g.spec.consumers()); ++m) out.push_back(consumer_host(g.index, m));
  };
  if (name == "namesrv") out.push_back("10.0.0.100");
  else if (name == "brokers")
    for (int i = 0; i < scenario_.topology().brokers(); ++i) out.push_back(sim::SimCluster::broker_host(i));
  else if (name == "producers") producers();
  else if (name == "consumers") consumers();
  else if (name == "clients") { producers(); consumers(); }
  else if (name.starts_with("broker-")) out.push_back(sim::SimCluster::broker_host(std::stoi(name.substr(7))));
  else if (name.starts_with("producer-")) out.push_back(producer_host(std::stoi(name.substr(9))));
  else if (name.starts_with("consumer-")) {
    size_t dash = name.find('-', 9);
    out.push_back(consumer_host(std::stoi(name.substr(9, dash - 9)), std::stoi(name.substr(dash + 1))));
  }
  return out;
}

producer::ProducerOptions producer_options_for(sim::SimCluster& cluster, const pb::Producer& spec, const pb::Break& broken,
                                               const std::string& host) {
  producer::ProducerOptions o = cluster.producer_options(spec.group(), host);
  client::Profile profile = spec.profile() == pb::V5 ? client::Profile::kV5 : client::Profile::kV4_9_8;
  if (broken.other_profile()) profile = profile == client::Profile::kV5 ? client::Profile::kV4_9_8 : client::Profile::kV5;
  o.client.profile = profile;
  o.retry_times_when_send_failed = spec.retry_times_when_send_failed() + broken.extra_sync_retries();
  o.retry_times_when_send_async_failed = spec.retry_times_when_send_async_failed() + broken.extra_async_retries();
  o.send_msg_timeout_ms = spec.send_msg_timeout_ms() + broken.extra_timeout_ms();
  o.send_latency_fault_enable = spec.send_latency_fault_enable() || broken.hidden_latency_tolerance();
  o.retry_another_broker_when_not_store_ok = spec.retry_another_broker_when_not_store_ok();
  if (broken.drop_retry_code()) {
    std::set<int32_t> codes = producer::default_retry_response_codes(profile);
    codes.erase(1);
    o.retry_response_codes = codes;
  }
  return o;
}

void ScenarioRun::start_producers() {
  producers_.resize(static_cast<size_t>(scenario_.producers_size()));
  for (int i = 0; i < scenario_.producers_size(); ++i) {
    ProducerRun& p = producers_[static_cast<size_t>(i)];
    p.spec = scenario_.producers(i);
    p.host = producer_host(i);
    p.track = "producer-" + std::to_string(i);
    p.producer = cluster_->make_producer(producer_options_for(*cluster_, p.spec, scenario_.break_client(), p.host), p.host);
    p.producer->set_observer([this, i](const producer::SendEvent& e) { on_send_event(producers_[static_cast<size_t>(i)], e); });
    if (auto error = p.producer->start()) {
      setup_errors_.emplace_back(0, p.track + " did not start: " + error->message);
      continue;
    }
    cluster_->sim().after(runtime::millis(p.spec.start_ms()), [this, i, alive = std::weak_ptr<int>(alive_)] {
      if (!alive.expired()) send_tick(producers_[static_cast<size_t>(i)]);
    });
  }
}

void ScenarioRun::send_tick(ProducerRun& p) {
  if (cluster_->now_ms() >= p.spec.stop_ms() || p.sent >= scenario_.limits().max_sends()) return;
  int n = ++p.sent;
  std::string body = p.track + "-" + std::to_string(n) + "-";
  if (body.size() < static_cast<size_t>(p.spec.body_bytes())) body.resize(static_cast<size_t>(p.spec.body_bytes()), 'x');
  std::string_view tags = p.spec.tags().empty() ? std::string_view() : p.spec.tags((n - 1) % p.spec.tags_size());
  auto msg = producer::Message::make(p.spec.topic(), std::move(body), tags, "key-" + std::to_string(n));
  switch (p.spec.mode()) {
    case pb::ASYNC: p.producer->send_async(std::move(msg), [](producer::SendOutcome) {}); break;
    case pb::ONEWAY: p.producer->send_oneway(std::move(msg), [](std::optional<client::ClientError>) {}); break;
    default: p.producer->send(std::move(msg), [](producer::SendOutcome) {}); break;
  }
  cluster_->sim().after(runtime::millis(p.spec.every_ms()), [this, &p, alive = std::weak_ptr<int>(alive_)] {
    if (!alive.expired()) send_tick(p);
  });
}

void ScenarioRun::on_send_event(ProducerRun& p, const producer::SendEvent& e) {
  p.events.push_back(e);
  for (GroupRun& g : groups_)
    if (g.spec.topic() == e.topic) g.checker->on_send_event(e);
  uint64_t span = (e.send_id << 8) | static_cast<uint64_t>(e.attempt & 0xff);
  std::string peer = e.queue ? e.queue->broker_name : "";
  std::string text = checks::format_event(e);
  if (text.starts_with("t=")) text.erase(0, text.find(' ') + 1);  // the trace has the time already
  switch (e.type) {
    case SendEventType::kAttempt: emit("send.attempt", p.track, tv::TraceEvent::BEGIN, span, peer, text); break;
    case SendEventType::kAttemptResult: emit("send.result", p.track, tv::TraceEvent::END, span, peer, text); break;
    case SendEventType::kSendBegin:
      if (healed_at_ms_ >= 0) p.begun_after_heal.insert(e.send_id);
      emit("send.begin", p.track, tv::TraceEvent::INSTANT, 0, "", text);
      break;
    case SendEventType::kFaultUpdate: emit("send.fault_update", p.track, tv::TraceEvent::INSTANT, 0, "", text); break;
    case SendEventType::kSendEnd:
      emit("send.end", p.track, tv::TraceEvent::INSTANT, 0, peer, text);
      if (e.result && p.begun_after_heal.count(e.send_id) > 0) ++p.ok_after_heal;
      break;
  }
}

void ScenarioRun::drive_phases(RunResult& result) {
  sim::SimRuntime& sim = cluster_->sim();
  const uint64_t limit = options_.max_events != 0 ? options_.max_events : scenario_.limits().max_events();
  auto budget = [&] { return limit > sim.counters().events_run ? limit - sim.counters().events_run : 0; };
  auto drive = [&](const std::function<bool()>& done, int64_t ms) {
    if (event_limit_hit_) return;
    sim::RunOutcome outcome = sim.run_until(done, sim.now() + runtime::millis(ms), budget()).outcome;
    if (outcome == sim::RunOutcome::kEventLimit || budget() == 0) event_limit_hit_ = true;
  };
  const pb::Phases& phases = scenario_.phases();
  emit("phase", "checks", tv::TraceEvent::INSTANT, 0, "", "fault phase " + std::to_string(phases.fault_ms()) + " ms");
  drive([] { return false; }, phases.fault_ms());
  heal_everything(*this);
  healed_at_ms_ = cluster_->now_ms();
  emit("phase", "checks", tv::TraceEvent::INSTANT, 0, "", "heal at " + std::to_string(healed_at_ms_) + " ms");
  int64_t last_stop = 0;
  for (const ProducerRun& p : producers_) last_stop = std::max(last_stop, p.spec.stop_ms());
  auto all_consumed = [&] {
    if (cluster_->now_ms() < last_stop) return false;
    return std::all_of(groups_.begin(), groups_.end(), [](const GroupRun& g) { return g.checker->all_consumed(); });
  };
  drive(all_consumed, std::max(phases.liveness_ms(), last_stop - cluster_->now_ms() + phases.liveness_ms()));
  emit("phase", "checks", tv::TraceEvent::INSTANT, 0, "", "liveness wait ended at " + std::to_string(cluster_->now_ms()) + " ms");
  drive([] { return false; }, phases.settle_ms());
  result.virtual_ms = cluster_->now_ms();
}

void ScenarioRun::collect_stats(RunResult& result) {
  RunStats& st = result.stats;
  for (const ProducerRun& p : producers_)
    for (const producer::SendEvent& e : p.events) {
      if (e.type == SendEventType::kSendBegin) ++st.sends;
      if (e.type == SendEventType::kAttempt) {
        ++st.attempts;
        if (e.attempt > 0) ++st.retries;
      }
      if (e.type == SendEventType::kSendEnd) {
        if (e.result && e.result->status == producer::SendStatus::kSendOk) ++st.sends_ok;
        if (e.error) ++st.send_errors;
      }
    }
  for (GroupRun& g : groups_) {
    sim::DeliveryReport report = g.checker->report();
    st.deliveries += report.deliveries;
    st.consumed += report.consumed;
    st.duplicates += report.duplicate_messages;
    st.pulls += report.pulls;
    st.rebalances += report.rebalances;
  }
  for (const pb::Fault& f : faults_) ++st.faults_by_kind[fault_kind_name(f)];
}

RunResult ScenarioRun::run() {
  RunResult result;
  result.scenario = scenario_.name();
  result.seed = seed_;
  result.faults = faults_;
  emit("run.begin", "checks", tv::TraceEvent::INSTANT, 0, "",
       "scenario " + scenario_.name() + " seed " + std::to_string(seed_) + " faults " + std::to_string(faults_.size()));
  start_groups();
  start_producers();
  apply_fault_plan(*this);
  drive_phases(result);
  for (const auto& [at, what] : setup_errors_) result.error += (result.error.empty() ? "" : "; ") + what;
  run_checks(*this, result);
  for (const CheckVerdict& v : result.checks)
    emit("check.verdict", "checks", tv::TraceEvent::INSTANT, 0, "",
         v.name + (v.passed ? " passed" : " FAILED") + " checked=" + std::to_string(v.checked));
  collect_stats(result);
  result.coverage = coverage_;
  result.events = cluster_->sim().trace().size();
  result.digest = cluster_->sim().trace().digest_hex();
  if (options_.capture_trace) result.trace = std::move(captured_);
  return result;
}

RunResult run_scenario(const pb::Scenario& scenario, uint64_t seed, const RunOptions& options) {
  ScenarioRun run(scenario, seed, options);
  return run.run();
}

pb::Scenario materialize(const pb::Scenario& scenario, uint64_t seed) {
  pb::Scenario out = scenario;
  for (pb::Fault& f : draw_swarm_faults(scenario, seed)) *out.add_faults() = std::move(f);
  out.mutable_swarm()->Clear();
  out.set_seed(seed);
  return out;
}

}  // namespace rmq::scenario
