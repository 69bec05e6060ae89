// Meta's webhook subscription handshake: GET /webhook?hub.mode=subscribe
// &hub.verify_token=...&hub.challenge=... must echo the challenge when the
// token is ours. Pure code, so the route and the fuzzer share it.
#pragma once

#include <string>
#include <string_view>

namespace easymo::whatsapp {

struct handshake_answer {
  /// 200 (challenge accepted), 400 (missing or bad parameters) or 403.
  unsigned status = 400;
  /// The challenge to send as text/plain when status is 200, otherwise the
  /// error message for the JSON error body.
  std::string body;
};

/// Decides the answer to the query string `query` (without the '?').
/// Parameters are percent-decoded; the token is compared in constant time.
handshake_answer answer_handshake(std::string_view query,
                                  std::string_view verify_token);

} // namespace easymo::whatsapp
