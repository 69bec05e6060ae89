#include "protocols/crypto/digest.hpp"

#include "runtime/hex.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <climits>
#include <stdexcept>

namespace easymo::crypto {

namespace {

const unsigned char* bytes_of(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool is_hex(char c) {
  return hex_value(c) >= 0;
}

} // namespace

std::string sha256_hex(std::string_view text) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> md{};
  SHA256(bytes_of(text), text.size(), md.data());
  return to_hex(md.data(), md.size());
}

std::string sha512_hex(std::string_view text) {
  std::array<unsigned char, SHA512_DIGEST_LENGTH> md{};
  SHA512(bytes_of(text), text.size(), md.data());
  return to_hex(md.data(), md.size());
}

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  // HMAC() takes an int key length; a longer secret is a configuration bug.
  if (key.size() > static_cast<size_t>(INT_MAX))
    throw std::invalid_argument("hmac key too long");
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes_of(data),
       data.size(), mac.data(), &len);
  return to_hex(mac.data(), len);
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0)
    return std::nullopt;
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    auto hi = hex_value(hex[i]);
    auto lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

bool equal_hex(std::string_view a, std::string_view b) {
  auto x = from_hex(a);
  auto y = from_hex(b);
  if (!x || !y || x->size() != y->size() || x->empty())
    return false;
  return CRYPTO_memcmp(x->data(), y->data(), x->size()) == 0;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           bytes_of(bytes), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0
      && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                    static_cast<int>(n))
           != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

namespace {

// 16 bytes as a version 4 UUID: version in the high nibble of byte 6,
// variant 10 in byte 8.
std::string format_uuid_v4(std::string raw) {
  raw[6] = static_cast<char>((raw[6] & 0x0f) | 0x40);
  raw[8] = static_cast<char>((raw[8] & 0x3f) | 0x80);
  auto hex = to_hex(bytes_of(raw), 16);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4)
         + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

} // namespace

std::string uuid_v4() {
  return format_uuid_v4(random_bytes(16));
}

std::string uuid_v4_from(std::string_view seed) {
  return format_uuid_v4(*from_hex(sha256_hex(seed)));
}

bool is_uuid_v4(std::string_view text) {
  if (text.size() != 36)
    return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i]))
      return false;
  }
  auto variant = hex_value(text[19]);
  return text[14] == '4' && variant >= 8 && variant <= 11;
}

} // namespace easymo::crypto
