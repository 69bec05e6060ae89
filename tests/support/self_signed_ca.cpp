#include "tests/support/self_signed_ca.hpp"

#include <boost/asio/buffer.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace easymo::test {

namespace {

struct openssl_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};

template <class T>
using owned = std::unique_ptr<T, openssl_free>;

void ensure(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string{"test pki: "} + what + " failed");
}

owned<EVP_PKEY> new_key() {
  owned<EVP_PKEY> key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  ensure(key != nullptr, "EVP_PKEY_Q_keygen");
  return key;
}

owned<X509> new_cert(EVP_PKEY* key, const std::string& common_name,
                     long serial) {
  owned<X509> cert{X509_new()};
  ensure(cert != nullptr, "X509_new");
  ensure(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
  ensure(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial) == 1,
         "serial");
  // Backdated an hour so that a clock a little behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  ensure(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  auto* cn = reinterpret_cast<const unsigned char*>(common_name.c_str());
  ensure(X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN",
                                    MBSTRING_ASC, cn, -1, -1, 0)
           == 1,
         "subject");
  return cert;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  owned<X509_EXTENSION> ext{
    X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str())};
  ensure(ext != nullptr, "X509V3_EXT_conf_nid");
  ensure(X509_add_ext(cert, ext.get(), -1) == 1, "X509_add_ext");
}

template <class Write>
std::string to_pem(Write write) {
  owned<BIO> bio{BIO_new(BIO_s_mem())};
  ensure(bio != nullptr && write(bio.get()) == 1, "PEM write");
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

} // namespace

test_pki make_test_pki(const std::vector<std::string>& dns_names) {
  auto ca_key = new_key();
  auto ca = new_cert(ca_key.get(), "easymo test CA", 1);
  ensure(X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get())) == 1,
         "CA issuer");
  add_extension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  ensure(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "CA sign");

  auto key = new_key();
  auto cert = new_cert(key.get(), dns_names.empty() ? "server" : dns_names[0], 2);
  ensure(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca.get())) == 1,
         "server issuer");
  std::string san;
  for (const auto& name : dns_names)
    san += (san.empty() ? "DNS:" : ",DNS:") + name;
  add_extension(cert.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), ca.get(), NID_authority_key_identifier, "keyid");
  if (!san.empty())
    add_extension(cert.get(), ca.get(), NID_subject_alt_name, san);
  ensure(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "server sign");

  test_pki out;
  out.ca_cert_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, ca.get()); });
  out.server_cert_pem
    = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
  out.server_key_pem = to_pem([&](BIO* b) {
    return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr,
                                    nullptr);
  });
  return out;
}

std::shared_ptr<boost::asio::ssl::context>
server_tls_context(const test_pki& pki) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->use_certificate_chain(boost::asio::buffer(pki.server_cert_pem));
  ctx->use_private_key(boost::asio::buffer(pki.server_key_pem),
                       ssl::context::pem);
  return ctx;
}

temp_file::temp_file(const std::string& text) {
  auto pattern
    = (std::filesystem::temp_directory_path() / "easymo-test-XXXXXX").string();
  int fd = ::mkstemp(pattern.data());
  ensure(fd >= 0, "mkstemp");
  path_ = pattern;
  auto written = ::write(fd, text.data(), text.size());
  ::close(fd);
  ensure(written == static_cast<ssize_t>(text.size()), "write");
}

temp_file::~temp_file() {
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

} // namespace easymo::test
