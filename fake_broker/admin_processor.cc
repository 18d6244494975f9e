// UPDATE_AND_CREATE_TOPIC (17): AdminBrokerProcessor.updateAndCreateTopic of 4.9.8 (broker-admin.jsonl). The
// answer keeps the "not set any response code" remark of createResponseCommand(null) even on success.
#include "fake_broker/broker_impl.h"

#include "core/protocol/response_code.h"

namespace rmq::fake {

void FakeBroker::Impl::handle_create_topic(const RequestContext&, RemotingCommand request, Responder respond) {
  namespace resp = protocol::response_code;
  RemotingCommand response = remoting::make_response(request, resp::kSystemError, "not set any response code");
  std::string topic = ext_string(request, "topic").value_or("");
  if (auto bad = validate_topic_name(topic)) {
    response.remark = *bad;
    return respond(std::move(response));
  }
  if (is_system_topic(topic)) {
    response.remark = "The topic[" + topic + "] is conflict with system topic.";
    return respond(std::move(response));
  }
  auto read = ext_int(request, "readQueueNums");
  auto write = ext_int(request, "writeQueueNums");
  auto perm = ext_int(request, "perm");
  if (!read || !write || !perm) {
    std::string field = !read ? "readQueueNums" : !write ? "writeQueueNums" : "perm";
    return respond(exception_response(
        request, npe_unbox("Integer", "CreateTopicRequestHeader", field,
                           "AdminBrokerProcessor.updateAndCreateTopic(AdminBrokerProcessor.java)")));
  }
  TopicConfig config;
  config.topic_name = topic;
  config.read_queue_nums = *read;
  config.write_queue_nums = *write;
  config.perm = *perm;
  config.topic_sys_flag = ext_int(request, "topicSysFlag").value_or(0);
  config.order = ext_bool(request, "order");
  topics.update(std::move(config));
  register_with_name_server();  // registerIncrementBrokerData
  response.code = resp::kSuccess;
  respond(std::move(response));
}

}  // namespace rmq::fake
