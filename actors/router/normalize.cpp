// Accent- and case-insensitive matching for keywords. Only Latin letters
// need folding here: English, French and Kinyarwanda are written with them,
// and users type with or without accents ("marche", "Marché").
#include "actors/router/router.hpp"

#include "actors/domains/locales.hpp"

#include <cstdint>

namespace easymo::router {

namespace {

// Base letters of U+00C0..U+017F; '?' marks a letter folded to two letters
// (see fold_pair) and ' ' a symbol (x and division signs).
constexpr std::string_view latin1
  = "aaaaaa?ceeeeiiiidnooooo ouuuuy??"  // U+00C0..U+00DF
    "aaaaaa?ceeeeiiiidnooooo ouuuuy?y"; // U+00E0..U+00FF
constexpr std::string_view extended_a
  = "aaaaaaccccccccdd" "ddeeeeeeeeeegggg" "gggghhhhiiiiiiii"
    "ii??jjkkklllllll" "lllnnnnnnnnnoooo" "oo??rrrrrrssssss"
    "ssttttttuuuuuuuu" "uuuuwwyyyzzzzzzs"; // U+0100..U+017F
static_assert(latin1.size() == 0x100 - 0xC0);
static_assert(extended_a.size() == 0x180 - 0x100);

std::string_view fold_pair(uint32_t cp) {
  switch (cp) {
    case 0xC6:
    case 0xE6:
      return "ae";
    case 0xDE:
    case 0xFE:
      return "th";
    case 0xDF:
      return "ss";
    case 0x132:
    case 0x133:
      return "ij";
    case 0x152:
    case 0x153:
      return "oe";
    default:
      return "";
  }
}

bool is_separator(uint32_t cp) {
  if (cp < 0x80)
    return !((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')
             || (cp >= '0' && cp <= '9'));
  // Latin-1 punctuation, no-break space, general punctuation (curly quotes,
  // dashes, ellipsis).
  return (cp >= 0x80 && cp < 0xC0) || (cp >= 0x2000 && cp <= 0x206F);
}

// Emoji, pictographs, dingbats, variation selectors, combining accents
// (decomposed "e" + U+0301 becomes "e"): dropped without a trace.
bool is_dropped(uint32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x2100 && cp <= 0x2BFF)
         || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFFFD || cp >= 0x1F000;
}

} // namespace

std::string normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  auto put = [&](std::string_view letters) {
    if (pending_space && !out.empty())
      out.push_back(' ');
    pending_space = false;
    out.append(letters);
  };
  for (size_t i = 0; i < text.size();) {
    size_t start = i;
    auto cp = domains::utf8_next(text, i);
    if (is_separator(cp)) {
      pending_space = true;
    } else if (is_dropped(cp)) {
      continue;
    } else if (cp < 0x80) {
      char c = static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp);
      put(std::string_view{&c, 1});
    } else if (cp >= 0xC0 && cp <= 0x17F) {
      char base = cp <= 0xFF ? latin1[cp - 0xC0] : extended_a[cp - 0x100];
      if (base == ' ')
        pending_space = true;
      else if (base == '?')
        put(fold_pair(cp));
      else
        put(std::string_view{&base, 1});
    } else {
      put(text.substr(start, i - start));
    }
  }
  return out;
}

} // namespace easymo::router
