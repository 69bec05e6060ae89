#include "actors/breaker/policy.hpp"

#include <charconv>

namespace easymo::breaker {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

bool apply_token(failure_policy& p, std::string_view token) {
  if (token == "5xx") {
    p.server_errors = true;
  } else if (token == "4xx") {
    p.client_errors = true;
  } else if (token == "timeout") {
    p.timeouts = true;
  } else if (token == "transport") {
    p.transport_errors = true;
  } else {
    int status = 0;
    auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(),
                                     status);
    if (ec != std::errc{} || end != token.data() + token.size()
        || token.size() != 3 || status < 100 || status > 599)
      return false;
    p.statuses.insert(status);
  }
  return true;
}

} // namespace

bool failure_policy::is_failure(const std::optional<http::client_error>& error,
                                int status, std::string_view body) const {
  if (error) {
    switch (*error) {
      case http::client_error::timeout:
        return timeouts;
      case http::client_error::connect_failed:
      case http::client_error::tls_failed:
      case http::client_error::closed:
      case http::client_error::protocol:
      case http::client_error::body_too_large:
        return transport_errors;
      case http::client_error::bad_url:
      case http::client_error::bad_request:
      case http::client_error::overloaded:
        return false;
    }
    return false;
  }
  if (exempt && exempt(status, body))
    return false;
  if (statuses.count(status) != 0)
    return true;
  if (status >= 500 && status < 600)
    return server_errors;
  if (status >= 400 && status < 500)
    return client_errors;
  return false;
}

std::optional<failure_policy> parse_failure_policy(std::string_view spec) {
  failure_policy p;
  p.server_errors = p.client_errors = p.timeouts = p.transport_errors = false;
  p.statuses.clear();
  // An empty list is allowed: nothing counts, the breaker never opens.
  if (trim(spec).empty())
    return p;
  for (;;) {
    auto comma = spec.find(',');
    auto token = trim(spec.substr(0, comma));
    if (token.empty() || !apply_token(p, token))
      return std::nullopt;
    if (comma == std::string_view::npos)
      break;
    spec.remove_prefix(comma + 1);
  }
  return p;
}

} // namespace easymo::breaker
