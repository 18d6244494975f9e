#include "properties/generators.h"

namespace rmq::gen {
namespace {

using remoting::ExtFields;
using remoting::LanguageCode;
using remoting::RemotingCommand;
using remoting::SerializeType;

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

rc::Gen<uint32_t> code_point() {
  return rc::gen::weightedOneOf<uint32_t>({
      {12, rc::gen::inRange<uint32_t>(0x20, 0x7F)},
      {2, rc::gen::inRange<uint32_t>(0x00, 0x20)},
      {1, rc::gen::element<uint32_t>(0x7F, '"', '\\', '/')},
      {1, rc::gen::inRange<uint32_t>(0x80, 0x800)},
      {1, rc::gen::inRange<uint32_t>(0x800, 0xD800)},
      {1, rc::gen::inRange<uint32_t>(0x10000, 0x110000)},
  });
}

rc::Gen<int32_t> small_or_any_int32() {
  return rc::gen::oneOf(rc::gen::inRange<int32_t>(-3, 1000), rc::gen::arbitrary<int32_t>());
}

rc::Gen<ExtFields> ext_fields(bool allow_empty) {
  auto entry = rc::gen::pair(utf8_text(12), utf8_text(40));
  int min = allow_empty ? 0 : 1;
  return rc::gen::map(rc::gen::container<std::vector<ExtFields::Entry>>(
                          *rc::gen::inRange(min, 12), entry),
                      [](std::vector<ExtFields::Entry> entries) {
                        ExtFields ext;
                        for (auto& [k, v] : entries) ext.append(std::move(k), std::move(v));
                        return ext;
                      });
}

}  // namespace

rc::Gen<std::string> utf8_text(int max_length) {
  return rc::gen::map(rc::gen::container<std::vector<uint32_t>>(*rc::gen::inRange(0, max_length + 1), code_point()),
                      [](const std::vector<uint32_t>& cps) {
                        std::string out;
                        for (uint32_t cp : cps) append_utf8(out, cp);
                        return out;
                      });
}

rc::Gen<std::string> bytes(int max_length) {
  return rc::gen::map(rc::gen::container<std::vector<char>>(*rc::gen::inRange(0, max_length + 1),
                                                             rc::gen::arbitrary<char>()),
                      [](const std::vector<char>& v) { return std::string(v.begin(), v.end()); });
}

rc::Gen<RemotingCommand> command_for(SerializeType type) {
  return rc::gen::exec([type] {
    bool binary = type == SerializeType::kRocketMq;
    RemotingCommand cmd;
    cmd.header_serialize = type;
    cmd.code = binary ? *rc::gen::arbitrary<int16_t>() : *small_or_any_int32();
    cmd.version = binary ? *rc::gen::arbitrary<int16_t>() : *small_or_any_int32();
    cmd.language = static_cast<LanguageCode>(*rc::gen::inRange(0, 14));
    cmd.opaque = *small_or_any_int32();
    cmd.flag = *rc::gen::oneOf(rc::gen::element<int32_t>(0, 1, 2, 3), rc::gen::arbitrary<int32_t>());
    if (*rc::gen::arbitrary<bool>()) {
      cmd.remark = binary ? *rc::gen::nonEmpty(utf8_text(60)) : *utf8_text(60);
    }
    if (*rc::gen::arbitrary<bool>()) cmd.ext_fields = *ext_fields(!binary);
    if (!binary && *rc::gen::arbitrary<bool>()) {
      cmd.serialize_type_current_rpc = *rc::gen::element(SerializeType::kJson, SerializeType::kRocketMq);
    }
    cmd.body = *bytes(300);
    return cmd;
  });
}

rc::Gen<RemotingCommand> command() {
  return rc::gen::oneOf(command_for(SerializeType::kJson), command_for(SerializeType::kRocketMq));
}

}  // namespace rmq::gen
