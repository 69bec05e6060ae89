// Lowercase hex of bytes (digests, keys). Header-only and free of CAF, so
// pure protocol code and the fuzzers can use it.
#pragma once

#include <cstddef>
#include <string>

namespace easymo {

inline std::string to_hex(const unsigned char* bytes, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0f]);
  }
  return out;
}

} // namespace easymo
