// Lengths as Meta counts them: in Unicode characters (code points), not bytes.
// French and Kinyarwanda texts carry accents ("Murakoze cyane", "Déjà payé"),
// so a byte count would refuse texts Meta accepts.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace easymo::whatsapp {

/// The number of code points in `text`, or nothing when it is not valid
/// UTF-8 (truncated or overlong sequences, surrogates, beyond U+10FFFF).
std::optional<std::size_t> utf8_length(std::string_view text);

} // namespace easymo::whatsapp
