// libFuzzer target: X-Hub-Signature-256 verification on arbitrary headers and
// bodies. Input: one length byte, that many header bytes, then the body.
//
// Beyond "no crash, no UB": the body's own signature verifies, and a header
// verifies exactly when it spells that signature (blanks around it and the
// case of the hex digits aside); secrets_equal agrees with ==.
#include "protocols/whatsapp/signature.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace easymo::whatsapp;

namespace {

std::string normalise(std::string_view header) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t'))
    header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t'))
    header.remove_suffix(1);
  std::string out{header};
  if (out.rfind("sha256=", 0) != 0)
    return out;
  for (size_t i = 7; i < out.size(); ++i)
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  size_t header_len = std::min<size_t>(data[0], size - 1);
  std::string_view header{reinterpret_cast<const char*>(data + 1), header_len};
  std::string_view body{reinterpret_cast<const char*>(data + 1 + header_len),
                        size - 1 - header_len};
  constexpr std::string_view secret = "fuzz-app-secret";
  auto expected = sign(body, secret);
  if (check_signature(body, expected, secret) != signature_check::valid)
    std::abort();
  bool valid = check_signature(body, header, secret) == signature_check::valid;
  if (valid != (normalise(header) == expected))
    std::abort();
  if (secrets_equal(header, body) != (header == body))
    std::abort();
  return 0;
}
