// The consumer side of a scenario run: groups, their members (started, stopped, restarted), the listener model,
// and the consumers' events as trace events and coverage.
#include "core/consumer/allocate/allocate_strategy.h"
#include "sim/scenario/coverage.h"
#include "sim/scenario/scenario_run.h"

namespace rmq::scenario {

void ScenarioRun::start_groups() {
  groups_.resize(static_cast<size_t>(scenario_.consumer_groups_size()));
  for (int i = 0; i < scenario_.consumer_groups_size(); ++i) {
    GroupRun& g = groups_[static_cast<size_t>(i)];
    g.spec = scenario_.consumer_groups(i);
    g.index = i;
    g.rng = cluster_->sim().fork_prng("group-" + std::to_string(i));
    sim::DeliveryCheckerOptions co;
    co.group = g.spec.group();
    co.clock = &cluster_->sim();
    co.subscription = g.spec.subscription();
    for (const pb::Topic& t : scenario_.topology().topics())
      if (t.name() == g.spec.topic()) co.topics[t.name()] = t.queues();
    for (int b = 0; b < cluster_->broker_count(); ++b) co.brokers[sim::SimCluster::broker_name(b)] = &cluster_->broker(b);
    if (g.spec.orderly()) co.orderly_max_reconsume_times = g.spec.max_reconsume_times();
    g.checker = std::make_unique<sim::DeliveryChecker>(co);
    g.checker->start_sampling(cluster_->sim(), 100);
  }
  for (GroupRun& g : groups_)
    for (int m = 0; m < g.spec.consumers(); ++m) start_member(g, m);
}

namespace {

// The listener model of a group: answer after a uniform delay; RECONSUME_LATER / SUSPEND with later_p.
template <typename Status>
void answer_later(sim::SimCluster& cluster, const pb::Listener& l, sim::Prng& rng, int32_t reconsume_times,
                  Status success, Status later, std::function<void(Status)> done) {
  bool again = reconsume_times < l.later_until_reconsumed() && rng.chance(l.later_p());
  int64_t delay = l.max_ms() > l.min_ms() ? rng.uniform_int(l.min_ms(), l.max_ms()) : l.min_ms();
  Status status = again ? later : success;
  if (delay <= 0) return done(status);
  cluster.sim().after(runtime::millis(delay), [done = std::move(done), status] { done(status); });
}

}  // namespace

ConsumerRun* ScenarioRun::start_member(GroupRun& g, int member) {
  auto c = std::make_unique<ConsumerRun>();
  c->host = consumer_host(g.index, member);
  c->track = "consumer-" + std::to_string(g.index) + "-" + std::to_string(member);
  c->label = c->track + "#" + std::to_string(g.members.size());
  g.next_member = std::max(g.next_member, member + 1);
  const std::string& subscription = scenario_.break_client().ignore_subscription() ? "*" : g.spec.subscription();
  consumer::PushConsumerOptions o = cluster_->consumer_options(g.spec.group(), g.spec.topic(), subscription, c->host);
  o.client.profile = g.spec.profile() == pb::V5 ? client::Profile::kV5 : client::Profile::kV4_9_8;
  o.max_reconsume_times = scenario_.break_client().dlq_at_once() ? 0 : g.spec.max_reconsume_times();
  auto strategy = consumer::make_allocate_strategy(g.spec.allocate_strategy(), consumer::AllocateParams{});
  if (strategy.ok()) o.allocate_strategy = std::shared_ptr<consumer::AllocateStrategy>(std::move(strategy.value()));
  c->consumer = cluster_->make_consumer(o, c->host);
  auto rng = std::make_shared<sim::Prng>(g.rng.fork(c->label));
  const pb::Listener listener = g.spec.listener();
  sim::SimCluster* cluster = cluster_.get();
  if (g.spec.orderly()) {
    using consumer::ConsumeOrderlyStatus;
    c->consumer->register_listener(g.checker->wrap(
        c->label, consumer::OrderlyListener([cluster, listener, rng](const std::vector<consumer::MessageExt>& msgs,
                                                                     consumer::ConsumeOrderlyContext&,
                                                                     std::function<void(ConsumeOrderlyStatus)> done) {
          answer_later(*cluster, listener, *rng, msgs.front().reconsume_times(), ConsumeOrderlyStatus::kSuccess,
                       ConsumeOrderlyStatus::kSuspendCurrentQueueAMoment, std::move(done));
        })));
  } else {
    using consumer::ConsumeConcurrentlyStatus;
    c->consumer->register_listener(g.checker->wrap(
        c->label, consumer::ConcurrentlyListener([cluster, listener, rng](const std::vector<consumer::MessageExt>& msgs,
                                                                          consumer::ConsumeConcurrentlyContext&,
                                                                          std::function<void(ConsumeConcurrentlyStatus)> done) {
          answer_later(*cluster, listener, *rng, msgs.front().reconsume_times(), ConsumeConcurrentlyStatus::kConsumeSuccess,
                       ConsumeConcurrentlyStatus::kReconsumeLater, std::move(done));
        })));
  }
  ConsumerRun* raw = c.get();
  consumer::ConsumerObserver checker_observer = g.checker->observer(c->label);
  c->consumer->set_observer([this, checker_observer, raw](const consumer::ConsumerEvent& e) {
    checker_observer(e);
    on_consumer_event(*raw, e);
  });
  emit("consumer.start", c->track, tv::TraceEvent::INSTANT, 0, "", c->label + " " + g.spec.group());
  if (auto error = c->consumer->start()) setup_errors_.emplace_back(cluster_->now_ms(), c->label + " did not start: " + error->message);
  g.members.push_back(std::move(c));
  return raw;
}

void ScenarioRun::stop_member(GroupRun& g, int member) {
  std::string track = "consumer-" + std::to_string(g.index) + "-" + std::to_string(member);
  for (auto it = g.members.rbegin(); it != g.members.rend(); ++it) {
    ConsumerRun& c = **it;
    if (c.track != track || c.stopped) continue;
    c.stopped = true;
    g.checker->retire(c.label);
    emit("consumer.stop", c.track, tv::TraceEvent::INSTANT, 0, "", c.label);
    c.consumer->shutdown();
    return;
  }
}

void ScenarioRun::on_consumer_event(ConsumerRun& c, const consumer::ConsumerEvent& e) {
  using consumer::ConsumerEventType;
  std::string queue = sim::queue_name(e.queue);
  note_consumer_event(coverage_, e, c.pull_started_ms, c.allocation);
  switch (e.type) {
    case ConsumerEventType::kPull: {
      uint64_t span = new_span();
      c.pull_span[e.queue] = span;
      c.pull_started_ms[e.queue] = e.now_ms;
      emit("pull", c.track, tv::TraceEvent::BEGIN, span, e.queue.broker_name, "pull " + queue + " offset=" + std::to_string(e.offset));
      break;
    }
    case ConsumerEventType::kPullResult: {
      auto it = c.pull_span.find(e.queue);
      uint64_t span = it == c.pull_span.end() ? 0 : it->second;
      if (it != c.pull_span.end()) c.pull_span.erase(it);
      std::string outcome = e.error ? "error " + std::to_string(e.error->code) + " " + e.error->message
                                    : e.status + " next=" + std::to_string(e.offset) + " found=" + std::to_string(e.offsets.size());
      emit("pull.result", c.track, span != 0 ? tv::TraceEvent::END : tv::TraceEvent::INSTANT, span, e.queue.broker_name,
           queue + " " + outcome);
      break;
    }
    default:
      emit(consumer_event_kind(e.type), c.track, tv::TraceEvent::INSTANT, 0, e.queue.broker_name, describe_consumer_event(e));
      break;
  }
}

}  // namespace rmq::scenario
