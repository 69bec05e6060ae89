#include "protocols/whatsapp/utf8.hpp"

#include <cstdint>

namespace easymo::whatsapp {

namespace {

// The length of the sequence a lead byte starts, 0 for a byte that cannot
// start one (a continuation byte, or 0xF8 and above).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if ((lead & 0xE0) == 0xC0)
    return 2;
  if ((lead & 0xF0) == 0xE0)
    return 3;
  if ((lead & 0xF8) == 0xF0)
    return 4;
  return 0;
}

// Decodes one sequence of `len` bytes at `p` (continuations already
// checked) and tells whether it is the shortest form of a scalar value.
bool well_formed(const unsigned char* p, std::size_t len) {
  static constexpr uint32_t lead_mask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  static constexpr uint32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
  uint32_t cp = p[0] & lead_mask[len];
  for (std::size_t i = 1; i < len; ++i)
    cp = (cp << 6) | (p[i] & 0x3F);
  if (cp < shortest[len] || cp > 0x10FFFF)
    return false;
  // UTF-16 surrogates are not characters.
  return cp < 0xD800 || cp > 0xDFFF;
}

} // namespace

std::optional<std::size_t> utf8_length(std::string_view text) {
  auto* p = reinterpret_cast<const unsigned char*>(text.data());
  auto* end = p + text.size();
  std::size_t count = 0;
  while (p < end) {
    auto len = sequence_length(*p);
    if (len == 0 || static_cast<std::size_t>(end - p) < len)
      return std::nullopt;
    for (std::size_t i = 1; i < len; ++i)
      if ((p[i] & 0xC0) != 0x80)
        return std::nullopt;
    if (len > 1 && !well_formed(p, len))
      return std::nullopt;
    p += len;
    ++count;
  }
  return count;
}

} // namespace easymo::whatsapp
