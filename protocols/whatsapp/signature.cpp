#include "protocols/whatsapp/signature.hpp"

#include "runtime/hex.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <array>
#include <climits>

namespace easymo::whatsapp {

namespace {

constexpr std::string_view prefix = "sha256=";
constexpr size_t digest_bytes = 32;
using digest = std::array<unsigned char, digest_bytes>;

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// Decodes exactly 64 hex digits; anything else is malformed.
bool decode_hex(std::string_view hex, digest& out) {
  if (hex.size() != 2 * digest_bytes)
    return false;
  for (size_t i = 0; i < digest_bytes; ++i) {
    auto hi = hex_value(hex[2 * i]);
    auto lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0)
      return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

bool hmac_sha256(std::string_view key, std::string_view data, digest& out) {
  // HMAC() takes an int key length; a longer secret is a configuration bug
  // we refuse rather than truncate.
  if (key.size() > static_cast<size_t>(INT_MAX))
    return false;
  unsigned int len = 0;
  auto* ok = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                  reinterpret_cast<const unsigned char*>(data.data()),
                  data.size(), out.data(), &len);
  return ok != nullptr && len == digest_bytes;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

} // namespace

signature_check check_signature(std::string_view body, std::string_view header,
                                std::string_view app_secret) {
  header = trim(header);
  if (header.empty())
    return signature_check::missing;
  if (header.substr(0, prefix.size()) != prefix)
    return signature_check::malformed;
  digest claimed{};
  if (!decode_hex(header.substr(prefix.size()), claimed))
    return signature_check::malformed;
  digest actual{};
  if (app_secret.empty() || !hmac_sha256(app_secret, body, actual))
    return signature_check::mismatch;
  return CRYPTO_memcmp(claimed.data(), actual.data(), digest_bytes) == 0
           ? signature_check::valid
           : signature_check::mismatch;
}

std::string sign(std::string_view body, std::string_view app_secret) {
  digest mac{};
  hmac_sha256(app_secret, body, mac);
  return std::string{prefix} + to_hex(mac.data(), mac.size());
}

std::string sha256_hex(std::string_view text) {
  digest md{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         md.data());
  return to_hex(md.data(), md.size());
}

const char* to_string(signature_check result) {
  switch (result) {
    case signature_check::valid:
      return "valid";
    case signature_check::missing:
      return "missing";
    case signature_check::malformed:
      return "malformed";
    default:
      return "mismatch";
  }
}

bool secrets_equal(std::string_view a, std::string_view b) {
  digest da{};
  digest db{};
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da.data());
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db.data());
  return CRYPTO_memcmp(da.data(), db.data(), digest_bytes) == 0;
}

} // namespace easymo::whatsapp
