// Big-endian readers and writers over byte strings. All integers on the RocketMQ wire are big-endian.
// The reader never reads past its input: every read reports whether the bytes were there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace rmq {

// Bytes are held in std::string (as leveldb does): cheap to move, and JSON text needs no conversion.
using Bytes = std::string;
using ByteView = std::string_view;

class ByteWriter {
 public:
  explicit ByteWriter(Bytes& out) : out_(out) {}

  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void u64(uint64_t v) { put(v, 8); }
  void i16(int16_t v) { u16(static_cast<uint16_t>(v)); }
  void i32(int32_t v) { u32(static_cast<uint32_t>(v)); }
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void bytes(ByteView v) { out_.append(v.data(), v.size()); }
  size_t size() const { return out_.size(); }
  // Overwrites 4 bytes at `pos` (for length words written before the length is known).
  void patch_u32(size_t pos, uint32_t v) {
    for (int i = 0; i < 4; ++i) out_[pos + i] = static_cast<char>((v >> (8 * (3 - i))) & 0xFF);
  }

 private:
  void put(uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
  }
  Bytes& out_;
};

class ByteReader {
 public:
  explicit ByteReader(ByteView in) : in_(in) {}

  size_t position() const { return pos_; }
  size_t remaining() const { return in_.size() - pos_; }
  bool at_end() const { return pos_ == in_.size(); }

  bool u8(uint8_t& v) { uint64_t x; if (!get(x, 1)) return false; v = static_cast<uint8_t>(x); return true; }
  bool u16(uint16_t& v) { uint64_t x; if (!get(x, 2)) return false; v = static_cast<uint16_t>(x); return true; }
  bool u32(uint32_t& v) { uint64_t x; if (!get(x, 4)) return false; v = static_cast<uint32_t>(x); return true; }
  bool u64(uint64_t& v) { return get(v, 8); }
  bool i8(int8_t& v) { uint8_t x; if (!u8(x)) return false; v = static_cast<int8_t>(x); return true; }
  bool i16(int16_t& v) { uint16_t x; if (!u16(x)) return false; v = static_cast<int16_t>(x); return true; }
  bool i32(int32_t& v) { uint32_t x; if (!u32(x)) return false; v = static_cast<int32_t>(x); return true; }
  bool i64(int64_t& v) { uint64_t x; if (!u64(x)) return false; v = static_cast<int64_t>(x); return true; }
  bool bytes(size_t n, ByteView& v) {
    if (remaining() < n) return false;
    v = in_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool skip(size_t n) { ByteView ignored; return bytes(n, ignored); }

 private:
  bool get(uint64_t& v, int n) {
    if (remaining() < static_cast<size_t>(n)) return false;
    v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(in_[pos_ + i]);
    pos_ += static_cast<size_t>(n);
    return true;
  }
  ByteView in_;
  size_t pos_ = 0;
};

}  // namespace rmq
