// Fault hooks around every handler (DESIGN §4, broker part): chosen response codes, unanswered requests, late and
// duplicated answers, slow handlers. Probabilities draw from the runtime's generator so the simulator replays them.
// Also the per-request log line (options.log), written here because this is the one entry of every request.
#include <limits>
#include <memory>
#include <optional>

#include "fake_broker/broker_impl.h"

#include "core/protocol/request_code.h"
#include "core/protocol/response_code.h"
#include "fake_nameserver/server_log.h"

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
  if (rule != nullptr) ++stats.faults_applied;
  if (!options.log) {
    run_request(rule, handler, ctx, std::move(request), std::move(respond));
    return;
  }
  // One line per request, written once the handler returns: with the answer's code when it answered at once,
  // so a reader sees request and outcome together (a held pull or a delayed fault answers later).
  std::string line = request_summary(request, *ctx.channel);
  if (rule != nullptr) line += std::string(" [fault ") + action_name(rule->action) + "]";
  const bool oneway = request.is_oneway();
  auto sync_code = std::make_shared<std::optional<int32_t>>();
  auto in_handler = std::make_shared<bool>(true);
  Responder traced = [respond = std::move(respond), sync_code, in_handler](RemotingCommand response) {
    if (*in_handler && !*sync_code) *sync_code = response.code;
    respond(std::move(response));
  };
  run_request(rule, handler, ctx, std::move(request), std::move(traced));
  *in_handler = false;
  if (oneway) {
    line += " oneway, not answered" + (*sync_code ? " (handled: " + response_code_label(**sync_code) + ")" : "");
  } else {
    line += " -> " + (*sync_code ? response_code_label(**sync_code) : std::string("answered later or never"));
  }
  log(line);
}

void FakeBroker::Impl::run_request(const FaultRule* rule, Handler handler, const RequestContext& ctx,
                                   RemotingCommand request, Responder respond) {
  if (rule == nullptr) {
    (this->*handler)(ctx, std::move(request), std::move(respond));
  } else {
    apply_fault(*rule, handler, ctx, std::move(request), std::move(respond));
  }
}

// Codes without a processor: REQUEST_CODE_NOT_SUPPORTED as 4.9.8 answers it (NettyRemotingAbstract), sent even
// for a oneway request, as Java does — so not through the Responder, which drops oneway answers.
void FakeBroker::Impl::handle_unsupported(const RequestContext& ctx, const RemotingCommand& request) {
  RemotingCommand response =
      remoting::make_response(request, remoting::kRequestCodeNotSupported,
                              " request type " + std::to_string(request.code) + " not supported");
  log(request_summary(request, *ctx.channel) + " -> " + response_code_label(response.code) +
      " (not implemented by the fake broker)");
  if (ctx.channel->is_open()) ctx.channel->send(response);
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
