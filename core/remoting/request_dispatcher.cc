#include "core/remoting/request_dispatcher.h"

#include <memory>

namespace rmq::remoting {

Responder RequestDispatcher::make_responder(const ChannelPtr& channel, const RemotingCommand& request) {
  std::weak_ptr<Channel> weak = channel;
  auto answered = std::make_shared<bool>(false);
  return [weak, answered, opaque = request.opaque, oneway = request.is_oneway()](RemotingCommand response) {
    if (oneway || *answered) return;
    *answered = true;
    auto target = weak.lock();
    if (!target || !target->is_open()) return;
    response.opaque = opaque;
    response.mark_response();
    target->send(response);
  };
}

void RequestDispatcher::dispatch(const ChannelPtr& channel, RemotingCommand request) {
  RequestContext context{channel};
  auto it = handlers_.find(request.code);
  if (it != handlers_.end()) {
    Responder respond = make_responder(channel, request);
    it->second(context, std::move(request), std::move(respond));
    return;
  }
  if (default_handler_) {
    Responder respond = make_responder(channel, request);
    default_handler_(context, std::move(request), std::move(respond));
    return;
  }
  if (!answer_unknown_codes_) return;
  // Java answers an unsupported code even when the request was oneway (NettyRemotingAbstract 4.9.x).
  RemotingCommand response = make_response(request, kRequestCodeNotSupported,
                                           " request type " + std::to_string(request.code) + " not supported");
  if (channel->is_open()) channel->send(response);
}

}  // namespace rmq::remoting
