// What counts as a failure for a breaker. A gateway that answers 400 to a
// bad request is healthy; one that answers 503, 429 or nothing at all is
// not. Each breaker takes its own policy from config, written as a list:
//
//   "5xx,429,timeout,transport"     (the default)
//
// with tokens "5xx", "4xx", any three-digit status, "timeout" (the call's
// deadline passed) and "transport" (connect, TLS, dropped connections,
// malformed responses). A gateway may also exempt answers that concern one
// user rather than the gateway (WhatsApp's pair rate limit comes back as a
// 429 but says nothing about Meta's health).
#pragma once

#include "protocols/http/client.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace easymo::breaker {

struct failure_policy {
  bool server_errors = true;
  bool client_errors = false;
  std::set<int> statuses{429};
  bool timeouts = true;
  bool transport_errors = true;
  /// Answers that match `exempt` never count, whatever their status.
  std::function<bool(int status, std::string_view body)> exempt;

  /// Whether a call that ended with `error`, or with `status` and `body`,
  /// counts against the gateway. Calls the client refused locally (bad URL,
  /// full queue) never do: nothing reached the gateway.
  bool is_failure(const std::optional<http::client_error>& error, int status,
                  std::string_view body) const;
};

/// Parses "5xx,429,timeout,transport"; nothing when a token is unknown.
std::optional<failure_policy> parse_failure_policy(std::string_view spec);

} // namespace easymo::breaker
