// The machinery behind the typed custom headers (spec §5.3, §5.10). A header is a plain struct plus a table that
// names each field as Java declares it; this file turns such a table into the two directions Java's
// RemotingCommand implements by reflection:
//
// - writing (makeCustomHeaderToNet): every non-null field, value = Java toString(), in the order the Java peer's
//   HashMap<String,String> iterates. The map's iteration order depends on the order the keys went in where two
//   keys share a bucket, and Java puts them in the order of getClazzFields(), which (4.9.5+) is a
//   HashSet<Field> of the class's and its superclasses' declared fields. Field.hashCode() is
//   declaringClass.getName().hashCode() ^ name.hashCode(), so each table entry names its declaring class.
//   Checked against the captures: the Java client's UPDATE_CONSUMER_OFFSET writes bname before commitOffset
//   (same bucket) while its PULL_MESSAGE writes commitOffset before bname; only the HashSet<Field> order gives
//   both (a plain "class fields, then superclass fields" order gets the first one wrong).
// - reading (decodeCommandCustomHeader): strings parsed as Integer.parseInt / Long.parseLong /
//   Boolean.parseBoolean do; a missing @CFNotNull field or an unparsable number is an Error with Java's text.
//   Note that a 4.9.8 broker itself only logs both and goes on with the field null: the captured answers to such
//   requests are the processor's later NullPointerException remarks (or, for a missing V2 topic, "The specified
//   topic is blank."). A fake broker that wants those answers must look at the raw ext before from_ext.
//
// Field kinds follow Java's declarations: std::optional<T> = a nullable field (omitted when null);
// a plain std::string / int32_t / int64_t = @CFNotNull (always written; missing on read = error); a plain bool =
// a Java primitive boolean (always written; missing on read keeps false, as the Java field keeps its default).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/common/status.h"
#include "core/remoting/remoting_command.h"

namespace rmq::protocol {

// The class 4.9.8 inherits `bname` from (4.9.5+, the backport of 5.0's RpcRequestHeader). The 4.9.8 source was
// not available to read; this name is inferred: it reproduces every field order of the Java client's captured
// requests (clients/java-requests.log: codes 11, 14, 15), as most candidate names do. Only the order of keys
// sharing a HashMap bucket with `bname` depends on it. The same captures say the superclass declares `bname`
// alone: 5.x's ns/nsd/oway next to it would grow PULL_MESSAGE's HashSet<Field> past 12 and change its order.
inline constexpr std::string_view kRpcRequestHeaderClass = "org.apache.rocketmq.common.rpc.RpcRequestHeader";

// Error code of every header decoding failure: what a Java peer would answer with (SYSTEM_ERROR).
inline constexpr int kHeaderErrorCode = 1;

// Java's parsers. parse_java_int/long accept exactly what Integer.parseInt / Long.parseLong (radix 10) accept:
// an optional '+' or '-', then one or more decimal digits (any Unicode Nd digit of the BMP, as Character.digit
// does), range-checked; nothing else (no spaces, no empty string). nullopt = NumberFormatException.
std::optional<int32_t> parse_java_int(std::string_view text);
std::optional<int64_t> parse_java_long(std::string_view text);
// Boolean.parseBoolean: "true" in any letter case is true, everything else false.
bool parse_java_boolean(std::string_view text);

// Java's Error texts. missing: RemotingCommand's "the custom field <name> is null". bad number: Java logs
// "Failed field [<name>] decoding" with the NumberFormatException (or, for FastCodesHeader classes, answers with
// the exception's text); we return both: Failed field [queueId] decoding: java.lang.NumberFormatException: For
// input string: "abc".
Error missing_field_error(std::string_view name);
Error bad_number_error(std::string_view name, std::string_view value);

// One field of a header struct H.
template <class H>
using FieldMember = std::variant<std::string H::*, std::optional<std::string> H::*, int32_t H::*,
                                 std::optional<int32_t> H::*, int64_t H::*, std::optional<int64_t> H::*,
                                 bool H::*, std::optional<bool> H::*>;

template <class H>
struct HeaderField {
  std::string_view name;             // the Java field name = the extFields key
  FieldMember<H> member;
  std::string_view declaring_class;  // Class.getName() of the class that declares it
};

// A field as written: its value's Java toString(), nullopt for null.
struct JavaFieldValue {
  std::string_view name;
  std::string_view declaring_class;
  std::optional<std::string> value;
};

// makeCustomHeaderToNet into an empty map: non-null fields in the map's iteration order. `fields` come in
// declaration order, the class's own first, then each superclass's (getDeclaredFields up the hierarchy).
remoting::ExtFields java_reflection_ext(const std::vector<JavaFieldValue>& fields);
// FastCodesHeader.encode, the ROCKETMQ serialization of send V2 / send response / pull request / pull response
// headers: non-null fields in declaration order.
remoting::ExtFields java_declared_ext(const std::vector<JavaFieldValue>& fields);

// A command whose processor first put fields with addExtField (the broker puts MSG_REGION then TRACE_ON on
// every send response) and then carries a custom header. `added` is in insertion order.
// JSON, or any header in ROCKETMQ that is not a FastCodesHeader: one HashMap holds both, so the whole set comes in
// HashMap order (`header_ext` = the header's to_ext(), inserted after `added`; a key in both keeps its first
// position and takes the header's value).
remoting::ExtFields merge_java_ext(const remoting::ExtFields& added, const remoting::ExtFields& header_ext);
// ROCKETMQ with a FastCodesHeader: the header's fields in declaration order (`header_fast_ext` = to_fast_ext()),
// then the map's entries in HashMap order (as the real broker's ROCKETMQ send and pull answers show).
remoting::ExtFields merge_java_ext_fast(const remoting::ExtFields& added,
                                        const remoting::ExtFields& header_fast_ext);

namespace detail {

inline std::optional<std::string> java_to_string(const std::string& v) { return v; }
inline std::optional<std::string> java_to_string(const std::optional<std::string>& v) { return v; }
inline std::optional<std::string> java_to_string(int32_t v) { return std::to_string(v); }
inline std::optional<std::string> java_to_string(int64_t v) { return std::to_string(v); }
inline std::optional<std::string> java_to_string(bool v) { return std::string(v ? "true" : "false"); }
template <class T>
std::optional<std::string> java_to_string(const std::optional<T>& v) {
  return v ? java_to_string(*v) : std::nullopt;
}

// One field from `ext` into `out`, with the rules of the file comment.
Status read_field(const remoting::ExtFields& ext, std::string_view name, std::string& out);
Status read_field(const remoting::ExtFields& ext, std::string_view name, std::optional<std::string>& out);
Status read_field(const remoting::ExtFields& ext, std::string_view name, int32_t& out);
Status read_field(const remoting::ExtFields& ext, std::string_view name, std::optional<int32_t>& out);
Status read_field(const remoting::ExtFields& ext, std::string_view name, int64_t& out);
Status read_field(const remoting::ExtFields& ext, std::string_view name, std::optional<int64_t>& out);
Status read_field(const remoting::ExtFields& ext, std::string_view name, bool& out);
Status read_field(const remoting::ExtFields& ext, std::string_view name, std::optional<bool>& out);

}  // namespace detail

// Every field of `header`, null ones included (they still shape Java's HashSet<Field>).
template <class H>
std::vector<JavaFieldValue> java_field_values(const H& header, std::span<const HeaderField<H>> table) {
  std::vector<JavaFieldValue> out;
  out.reserve(table.size());
  for (const HeaderField<H>& f : table) {
    auto value = std::visit([&](auto member) { return detail::java_to_string(header.*member); }, f.member);
    out.push_back(JavaFieldValue{f.name, f.declaring_class, std::move(value)});
  }
  return out;
}

template <class H>
remoting::ExtFields write_java_header(const H& header, std::span<const HeaderField<H>> table) {
  return java_reflection_ext(java_field_values(header, table));
}

template <class H>
remoting::ExtFields write_fast_header(const H& header, std::span<const HeaderField<H>> table) {
  return java_declared_ext(java_field_values(header, table));
}

// Fields are read in table order; the first failure is returned. Keys not in the table are ignored.
template <class H>
Result<H> read_java_header(const remoting::ExtFields& ext, std::span<const HeaderField<H>> table) {
  H header{};
  for (const HeaderField<H>& f : table) {
    Status status = std::visit([&](auto member) { return detail::read_field(ext, f.name, header.*member); },
                               f.member);
    if (!status.ok()) return status.error();
  }
  return header;
}

}  // namespace rmq::protocol
