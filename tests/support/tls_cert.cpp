#include "tests/support/tls_cert.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace easymo::test {

namespace {

template <auto Free>
struct deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};

using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION_free>>;
using file_ptr = std::unique_ptr<FILE, deleter<std::fclose>>;

void check(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string{"self-signed cert: "} + what);
}

void add_name(X509* cert) {
  auto* name = X509_get_subject_name(cert);
  check(X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_ASC,
          reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0)
          == 1,
        "subject");
  check(X509_set_issuer_name(cert, name) == 1, "issuer");
}

void add_alt_names(X509* cert) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ext_ptr ext{X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name,
                                  "DNS:localhost,IP:127.0.0.1")};
  check(ext != nullptr, "subjectAltName");
  check(X509_add_ext(cert, ext.get(), -1) == 1, "add subjectAltName");
}

x509_ptr make_cert(EVP_PKEY* key) {
  x509_ptr cert{X509_new()};
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1, "serial");
  // Backdated a minute so clock skew between steps cannot make it "not yet
  // valid".
  check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60) != nullptr,
        "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600) != nullptr,
        "notAfter");
  check(X509_set_pubkey(cert.get(), key) == 1, "pubkey");
  add_name(cert.get());
  add_alt_names(cert.get());
  check(X509_sign(cert.get(), key, EVP_sha256()) > 0, "sign");
  return cert;
}

file_ptr open_file(const std::filesystem::path& path) {
  file_ptr file{std::fopen(path.c_str(), "w")};
  check(file != nullptr, "open output file");
  return file;
}

} // namespace

self_signed_cert::self_signed_cert() {
  auto pattern = (std::filesystem::temp_directory_path() / "easymo-tls-XXXXXX")
                   .string();
  check(::mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  dir_ = pattern;
  pkey_ptr key{EVP_EC_gen("P-256")};
  check(key != nullptr, "EVP_EC_gen");
  auto cert = make_cert(key.get());
  auto key_out = open_file(key_file());
  check(PEM_write_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0,
                             nullptr, nullptr)
          == 1,
        "write key");
  auto cert_out = open_file(cert_file());
  check(PEM_write_X509(cert_out.get(), cert.get()) == 1, "write cert");
}

self_signed_cert::~self_signed_cert() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

} // namespace easymo::test
