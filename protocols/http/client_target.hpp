// Internal to the HTTP client: where a request goes and the request message
// that goes there, built and validated on the caller's thread.
#pragma once

#include "protocols/http/client.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace easymo::http::client_detail {

using request_message
  = boost::beast::http::request<boost::beast::http::string_body>;

/// The parts of an absolute URL that decide the connection and the request
/// line.
struct target {
  bool tls = false;
  /// For resolution, SNI and certificate checks: lower case, no brackets.
  std::string host;
  bool host_is_ip = false;
  std::string port;
  /// The Host header: brackets kept, port only when not the default.
  std::string host_header;
  /// Origin form: path (at least "/") and query.
  std::string path;

  /// Connections are shared between calls with the same key.
  std::string pool_key() const;
};

/// Parses an absolute http(s) URL; nothing if it is not one we can call.
std::optional<target> parse_target(std::string_view url);

/// Builds the request message, or the reason it cannot be sent.
std::variant<request_message, client_error>
make_request_message(const client_request& req, const target& where,
                     const client_options& opts);

} // namespace easymo::http::client_detail
