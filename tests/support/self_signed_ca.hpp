// A throwaway PKI for TLS tests, made with the OpenSSL 3 C API at test time:
// a self-signed CA and a server certificate it signed, so no key material is
// checked in and nothing expires in the repository.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <vector>

namespace easymo::test {

struct test_pki {
  std::string ca_cert_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
};

/// A CA and a server certificate for `dns_names` (subjectAltName DNS
/// entries only: connecting by IP address must fail the host name check).
test_pki make_test_pki(const std::vector<std::string>& dns_names);

/// A TLS server context that presents the PKI's server certificate.
std::shared_ptr<boost::asio::ssl::context>
server_tls_context(const test_pki& pki);

/// A file under the temporary directory holding `text`, removed when the
/// object goes away.
class temp_file {
public:
  explicit temp_file(const std::string& text);
  ~temp_file();
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;

  const std::string& path() const { return path_; }

private:
  std::string path_;
};

} // namespace easymo::test
