// Shared helpers of the libFuzzer targets (fuzz/README.md). Header-only: each target is one translation unit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/common/byte_io.h"

namespace rmq::fuzz {

inline ByteView view(const uint8_t* data, size_t size) {
  return ByteView(reinterpret_cast<const char*>(data), size);
}

// A property every input must keep; a violation aborts, which libFuzzer reports as a crash with the input saved.
#define RMQ_FUZZ_CHECK(cond)                                                               \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond);   \
      std::abort();                                                                        \
    }                                                                                      \
  } while (0)

// Reads a little-endian integer of `n` bytes from the front of `in` (fewer when it runs out) to drive choices.
inline uint64_t take(ByteView& in, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n && !in.empty(); ++i) {
    v |= uint64_t{static_cast<uint8_t>(in.front())} << (8 * i);
    in.remove_prefix(1);
  }
  return v;
}

}  // namespace rmq::fuzz
