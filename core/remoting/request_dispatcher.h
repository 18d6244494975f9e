// Routes inbound requests (flag bit 0 clear) to handlers by request code, for the server and for the requests a
// broker pushes to a client (e.g. NOTIFY_CONSUMER_IDS_CHANGED, code 40).
#pragma once

#include <functional>
#include <map>

#include "core/remoting/channel.h"

namespace rmq::remoting {

struct RequestContext {
  ChannelPtr channel;
};

// Sends the answer to one request, now or later (long polling). The opaque and the response flag are filled
// in; a oneway request's answer, an answer after the channel closed, or a second answer is dropped (Java sends
// whatever the processor returns once; a fault hook that answers twice calls send_twice on the server).
using Responder = std::function<void(RemotingCommand response)>;
using RequestHandler = std::function<void(const RequestContext&, RemotingCommand request, Responder respond)>;

class RequestDispatcher {
 public:
  void register_handler(int32_t code, RequestHandler handler) { handlers_[code] = std::move(handler); }
  void set_default_handler(RequestHandler handler) { default_handler_ = std::move(handler); }
  // With no handler for a code: answer REQUEST_CODE_NOT_SUPPORTED (3) " request type <code> not supported" as
  // a Java broker and client do (true; oneway requests get that answer too, as in Java), or drop the request as
  // the 4.9.8 nameserver does (false).
  void set_answer_unknown_codes(bool answer) { answer_unknown_codes_ = answer; }

  // Calls the handler of `request.code` (or answers/drops it as above).
  void dispatch(const ChannelPtr& channel, RemotingCommand request);

  static Responder make_responder(const ChannelPtr& channel, const RemotingCommand& request);

 private:
  std::map<int32_t, RequestHandler> handlers_;
  RequestHandler default_handler_;
  bool answer_unknown_codes_ = true;
};

inline constexpr int32_t kRequestCodeNotSupported = 3;

}  // namespace rmq::remoting
