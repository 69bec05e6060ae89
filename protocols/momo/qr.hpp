// QR codes of payment links as PNG images (libqrencode + libpng), for users
// who pay from another phone than the one they chat on: they scan the code
// and their phone dials the USSD string.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easymo::momo {

struct qr_options {
  /// Pixels per module: 8 makes a code of a tel: link about 300 px wide,
  /// which WhatsApp shows sharp without scaling.
  int scale = 8;
  /// Quiet zone in modules on each side; the QR standard asks for 4.
  int margin = 4;
};

/// The largest text encoded: a tel: link is about 30 bytes, and a bound
/// keeps a bug from producing a huge image.
constexpr size_t qr_text_bytes_max = 512;

/// The modules of the QR code of `text` (error correction M), row by row,
/// true for dark; nothing when the text is empty, too long or unencodable.
struct qr_matrix {
  int width = 0;
  std::vector<bool> dark;

  bool at(int x, int y) const {
    return dark[static_cast<size_t>(y) * static_cast<size_t>(width)
                + static_cast<size_t>(x)];
  }
};

std::optional<qr_matrix> qr_encode(std::string_view text);

/// A grayscale PNG of `text`'s QR code; nothing when qr_encode fails.
std::optional<std::string> qr_png(std::string_view text,
                                  const qr_options& opts = {});

} // namespace easymo::momo
