#include "protocols/momo/qr.hpp"

#include <png.h>
#include <qrencode.h>

#include <csetjmp>
#include <memory>

namespace easymo::momo {

namespace {

struct qr_deleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};

void append_bytes(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<std::string*>(png_get_io_ptr(png));
  out->append(reinterpret_cast<const char*>(data), n);
}

void flush_nothing(png_structp) {
}

// libpng reports errors by longjmp to png_jmpbuf. Nothing with a destructor
// lives in this frame, and what the rows are written into (`out`, `row`)
// belongs to the caller, so a jump back here skips no cleanup; C++
// exceptions must not cross libpng's C frames instead.
bool write_rows(png_structp png, png_infop info, const qr_matrix& m,
                const qr_options& o, int side, std::string* out,
                png_byte* row) {
  if (setjmp(png_jmpbuf(png)))
    return false;
  png_set_write_fn(png, out, append_bytes, flush_nothing);
  png_set_IHDR(png, info, static_cast<png_uint_32>(side),
               static_cast<png_uint_32>(side), 8, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < side; ++y) {
    auto my = y / o.scale - o.margin;
    for (int x = 0; x < side; ++x) {
      auto mx = x / o.scale - o.margin;
      bool inside = mx >= 0 && my >= 0 && mx < m.width && my < m.width;
      row[x] = inside && m.at(mx, my) ? 0 : 255;
    }
    png_write_row(png, row);
  }
  png_write_end(png, nullptr);
  return true;
}

std::optional<std::string> write_png(const qr_matrix& m, const qr_options& o) {
  auto side = (m.width + 2 * o.margin) * o.scale;
  std::string out;
  std::vector<png_byte> row(static_cast<size_t>(side));
  auto png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr,
                                     nullptr);
  if (png == nullptr)
    return std::nullopt;
  auto info = png_create_info_struct(png);
  bool ok = info != nullptr && write_rows(png, info, m, o, side, &out, row.data());
  png_destroy_write_struct(&png, &info);
  if (!ok)
    return std::nullopt;
  return out;
}

} // namespace

std::optional<qr_matrix> qr_encode(std::string_view text) {
  if (text.empty() || text.size() > qr_text_bytes_max)
    return std::nullopt;
  std::string copy{text}; // libqrencode wants a NUL-terminated string.
  std::unique_ptr<QRcode, qr_deleter> code{
    QRcode_encodeString(copy.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1)};
  if (!code)
    return std::nullopt;
  qr_matrix out;
  out.width = code->width;
  auto n = static_cast<size_t>(code->width) * static_cast<size_t>(code->width);
  out.dark.resize(n);
  // Bit 0 of each byte is the module's colour; the others are metadata.
  for (size_t i = 0; i < n; ++i)
    out.dark[i] = (code->data[i] & 1) != 0;
  return out;
}

std::optional<std::string> qr_png(std::string_view text,
                                  const qr_options& opts) {
  if (opts.scale < 1 || opts.scale > 32 || opts.margin < 0 || opts.margin > 16)
    return std::nullopt;
  auto matrix = qr_encode(text);
  if (!matrix)
    return std::nullopt;
  return write_png(*matrix, opts);
}

} // namespace easymo::momo
