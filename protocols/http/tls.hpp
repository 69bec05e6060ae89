// Server-side TLS configuration (OpenSSL 3 through boost::asio::ssl).
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace easymo::http {

/// A TLS server context with the PEM chain and key loaded and only TLS 1.2
/// and 1.3 enabled. Throws std::runtime_error naming the file that failed,
/// so a bad path stops the daemon at start rather than at the first client.
std::shared_ptr<boost::asio::ssl::context>
make_server_tls_context(const std::string& cert_file,
                        const std::string& key_file);

} // namespace easymo::http
