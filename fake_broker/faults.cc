// Fault hooks around every handler (DESIGN §4, broker part): chosen response codes, unanswered requests, late and
// duplicated answers, slow handlers. Probabilities draw from the runtime's generator so the simulator replays them.
#include <limits>

#include "fake_broker/broker_impl.h"

#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"

namespace rmq::fake {
namespace {

bool is_send(int32_t code) {
  return code == protocol::request_code::kSendMessage || code == protocol::request_code::kSendMessageV2;
}

// Codes a Java broker answers after storing the message (degraded durability): the client still reads msgId.
bool stored_anyway(int32_t response_code) {
  namespace resp = protocol::response_code;
  return response_code == resp::kFlushDiskTimeout || response_code == resp::kSlaveNotAvailable ||
         response_code == resp::kFlushSlaveTimeout;
}

const char* action_name(FaultAction action) {
  switch (action) {
    case FaultAction::kRespondCode: return "respond-code";
    case FaultAction::kNoAnswer: return "no-answer";
    case FaultAction::kDelayAnswer: return "delay-answer";
    case FaultAction::kAnswerTwice: return "answer-twice";
    case FaultAction::kSlowHandler: return "slow-handler";
  }
  return "?";
}

}  // namespace

void FakeBroker::Impl::on_request(Handler handler, const RequestContext& ctx, RemotingCommand request,
                                  Responder respond) {
  ++stats.requests;
  const FaultRule* rule = pick_fault(request.code);
  if (rule == nullptr) {
    (this->*handler)(ctx, std::move(request), std::move(respond));
    return;
  }
  ++stats.faults_applied;
  log(std::string("fault ") + action_name(rule->action) + " on request code " + std::to_string(request.code) +
      " opaque " + std::to_string(request.opaque));
  apply_fault(*rule, handler, ctx, std::move(request), std::move(respond));
}

const FaultRule* FakeBroker::Impl::pick_fault(int32_t code) {
  const int64_t now_ms = runtime.now() / runtime::kMicrosPerMilli;
  for (const FaultRule& rule : faults.rules) {
    if (rule.request_code != kAnyRequestCode && rule.request_code != code) continue;
    if (now_ms < rule.from_ms || now_ms >= rule.until_ms) continue;
    if (rule.probability <= 0) continue;
    if (rule.probability < 1) {
      // 53 random bits give a uniform double in [0, 1).
      double draw = static_cast<double>(runtime.random() >> 11) * (1.0 / 9007199254740992.0);
      if (draw >= rule.probability) continue;
    }
    return &rule;
  }
  return nullptr;
}

void FakeBroker::Impl::apply_fault(const FaultRule& rule, Handler handler, const RequestContext& ctx,
                                   RemotingCommand request, Responder respond) {
  std::weak_ptr<int> token = alive;
  switch (rule.action) {
    case FaultAction::kRespondCode: {
      if (is_send(request.code) && stored_anyway(rule.response_code)) {
        int32_t code = rule.response_code;
        (this->*handler)(ctx, std::move(request), [respond, code](RemotingCommand response) {
          if (response.code == 0) response.code = code;
          respond(std::move(response));
        });
        return;
      }
      std::string remark = rule.remark.value_or("[fault] injected " + std::to_string(rule.response_code));
      respond(remoting::make_response(request, rule.response_code, std::move(remark)));
      return;
    }
    case FaultAction::kNoAnswer:
      (this->*handler)(ctx, std::move(request), [](RemotingCommand) {});
      return;
    case FaultAction::kDelayAnswer: {
      auto delay = runtime::millis(rule.delay_ms);
      (this->*handler)(ctx, std::move(request), [this, token, respond, delay](RemotingCommand response) {
        if (token.expired()) return;
        runtime.after(delay, [respond, response = std::move(response)]() mutable { respond(std::move(response)); });
      });
      return;
    }
    case FaultAction::kAnswerTwice: {
      std::weak_ptr<remoting::Channel> channel = ctx.channel;
      int32_t opaque = request.opaque;
      bool oneway = request.is_oneway();
      (this->*handler)(ctx, std::move(request), [respond, channel, opaque, oneway](RemotingCommand response) {
        RemotingCommand again = response;
        respond(std::move(response));
        auto target = channel.lock();
        if (oneway || !target || !target->is_open()) return;
        again.opaque = opaque;
        again.mark_response();
        target->send(again);
      });
      return;
    }
    case FaultAction::kSlowHandler: {
      RequestContext later = ctx;
      runtime.after(runtime::millis(rule.delay_ms),
                    [this, token, handler, later, request = std::move(request), respond]() mutable {
                      if (token.expired() || !running) return;
                      (this->*handler)(later, std::move(request), std::move(respond));
                    });
      return;
    }
  }
}

}  // namespace rmq::fake
