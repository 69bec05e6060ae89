// The decision for one POST /webhook before anything is journaled:
// signature first (401), then the body (400). Pure code, so the HTTP route,
// the system tests' expectations and the fuzzer all run the same rules.
#pragma once

#include "protocols/whatsapp/parse.hpp"
#include "protocols/whatsapp/signature.hpp"

#include <string>
#include <string_view>

namespace easymo::whatsapp {

struct post_verdict {
  /// 0: authentic and readable, journal `parsed.body` and answer after the
  /// commit. Otherwise the status to answer now: 401 or 400.
  unsigned status = 0;
  /// The message for the JSON error body; never echoes the request.
  std::string error;
  signature_check signature = signature_check::missing;
  parse_result parsed;

  bool accepted() const { return status == 0; }
};

/// Checks `signature_header` against the raw `body`, then parses it. The
/// body is not looked at unless the signature is valid.
post_verdict judge_post(std::string_view body, std::string_view signature_header,
                        std::string_view app_secret,
                        const parse_limits& limits = {});

} // namespace easymo::whatsapp
