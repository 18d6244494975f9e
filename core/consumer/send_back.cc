// PushConsumer::send_message_back: DefaultMQPushConsumerImpl.sendMessageBack (spec §6.6, 4.9.8).
#include "core/consumer/push_consumer.h"
#include "core/producer/producer.h"

namespace rmq::consumer {

namespace {
inline constexpr int64_t kSendBackTimeoutMs = 5000;
namespace prop = protocol::property;

// The fallback message: the original body, flag and properties, sent by the instance's inner producer to
// %RETRY%<group> with the delay level 3 + reconsumeTimes.
producer::Message retry_message(const MessageExt& msg, const std::string& group, int32_t max_reconsume_times) {
  producer::Message out;
  out.topic = std::string(client::kRetryGroupTopicPrefix) + group;
  out.body = msg.body();
  out.flag = msg.stored.flag;
  out.properties = msg.stored.properties;
  auto origin = msg.property(prop::kOriginMessageId);
  out.set_property(prop::kOriginMessageId, origin && !origin->empty() ? std::string(*origin) : msg.msg_id());
  out.set_property(prop::kRetryTopic, msg.topic());
  out.set_property(prop::kReconsumeTime, std::to_string(msg.reconsume_times() + 1));
  out.set_property(prop::kMaxReconsumeTimes, std::to_string(max_reconsume_times));
  protocol::erase_property(out.properties, prop::kTransactionPrepared);
  out.set_property(prop::kDelayTimeLevel, std::to_string(3 + msg.reconsume_times()));
  return out;
}

}  // namespace

void PushConsumer::send_message_back(const MessageExt& msg, int32_t delay_level,
                                     const client::MessageQueue& pulled_from, std::function<void(bool)> done) {
  const std::string& broker_name = pulled_from.broker_name;
  // No master address: Java's invoke(null, ...) goes to the name server's channel (which never answers a 36).
  std::string addr = broker_name.empty() ? msg.stored.store_host.to_string()
                                         : instance_->find_broker_address_in_publish(broker_name).value_or(
                                               instance_->api().chosen_name_server().value_or(""));
  std::weak_ptr<int> alive = alive_;
  auto report = [this, pulled_from](const MessageExt& m, bool ok) {
    ConsumerEvent event;
    event.type = ConsumerEventType::kSendBack;
    event.queue = pulled_from;
    event.offset = m.queue_offset();
    event.status = ok ? "OK" : "FAILED";
    emit(std::move(event));
  };
  api_->consumer_send_message_back(
      addr, msg, options_.group, delay_level, kSendBackTimeoutMs, max_reconsume_times(),
      [this, alive, msg, done, report](std::optional<client::ClientError> error) {
        if (alive.expired()) return;
        if (!error) {
          report(msg, true);
          return done(true);
        }
        auto* inner = instance_->inner_producer();
        inner->send(retry_message(msg, options_.group, max_reconsume_times()),
                     [alive, msg, done, report](producer::SendOutcome outcome) {
                       if (alive.expired()) return;
                       bool ok = std::holds_alternative<producer::SendResult>(outcome);
                       report(msg, ok);
                       done(ok);
                     });
      });
}

}  // namespace rmq::consumer
