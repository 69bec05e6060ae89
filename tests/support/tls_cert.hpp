// A throwaway self-signed certificate, made with the OpenSSL 3 C API so TLS
// tests need no `openssl` binary and no checked-in key.
#pragma once

#include <filesystem>
#include <string>

namespace easymo::test {

/// PEM files in a private temporary directory, removed on destruction.
class self_signed_cert {
public:
  /// An EC P-256 key and a one-day certificate for CN=localhost with
  /// subjectAltName DNS:localhost and IP:127.0.0.1.
  self_signed_cert();
  ~self_signed_cert();

  self_signed_cert(const self_signed_cert&) = delete;
  self_signed_cert& operator=(const self_signed_cert&) = delete;

  std::string cert_file() const { return (dir_ / "cert.pem").string(); }
  std::string key_file() const { return (dir_ / "key.pem").string(); }

private:
  std::filesystem::path dir_;
};

} // namespace easymo::test
