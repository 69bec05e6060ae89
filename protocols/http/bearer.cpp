#include "protocols/http/bearer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace easymo::http {

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned char da[EVP_MAX_MD_SIZE];
  unsigned char db[EVP_MAX_MD_SIZE];
  unsigned int la = 0;
  unsigned int lb = 0;
  EVP_Digest(a.data(), a.size(), da, &la, EVP_sha256(), nullptr);
  EVP_Digest(b.data(), b.size(), db, &lb, EVP_sha256(), nullptr);
  return la == lb && CRYPTO_memcmp(da, db, la) == 0;
}

bool bearer_matches(const request& req, std::string_view token) {
  if (token.empty())
    return false;
  auto field = req.message[boost::beast::http::field::authorization];
  constexpr std::string_view scheme = "Bearer ";
  if (field.size() <= scheme.size() || field.substr(0, scheme.size()) != scheme)
    return false;
  return constant_time_equal(field.substr(scheme.size()), token);
}

} // namespace easymo::http
