#include "protocols/http/tls.hpp"

#include <boost/system/system_error.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace easymo::http {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context>
make_server_tls_context(const std::string& cert_file,
                        const std::string& key_file) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2
                   | ssl::context::no_sslv3 | ssl::context::no_tlsv1
                   | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  // Renegotiation is a known CPU-exhaustion vector and nothing we serve
  // needs it.
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec)
    throw std::runtime_error("cannot load TLS certificate " + cert_file + ": "
                             + ec.message());
  ctx->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec)
    throw std::runtime_error("cannot load TLS private key " + key_file + ": "
                             + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw std::runtime_error("TLS private key " + key_file
                             + " does not match certificate " + cert_file);
  return ctx;
}

} // namespace easymo::http
