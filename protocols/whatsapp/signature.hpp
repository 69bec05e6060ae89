// Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex>`, the
// HMAC-SHA256 of the raw request body keyed with the app secret.
//
// The HMAC is computed over the bytes exactly as they arrived, never over
// re-serialised JSON (which would reorder keys and re-escape strings), and
// compared in constant time so a forger learns nothing from response timing.
// Pure code: no actors, no logging, so the fuzzer can link it alone.
#pragma once

#include <string>
#include <string_view>

namespace easymo::whatsapp {

/// What a signature check found, in the order a request can fail.
enum class signature_check {
  /// The header matches the body.
  valid,
  /// No header, or an empty one.
  missing,
  /// Not `sha256=` followed by 64 hex digits.
  malformed,
  /// Well formed, but not the HMAC of this body with this secret.
  mismatch,
};

/// Checks `header` (the value of X-Hub-Signature-256) against `body`.
signature_check check_signature(std::string_view body, std::string_view header,
                                std::string_view app_secret);

/// The header value Meta would send for `body`: "sha256=" + lowercase hex.
/// Used by tests, simulators and the benchmark.
std::string sign(std::string_view body, std::string_view app_secret);

/// Lowercase hex SHA-256 of `text` (content keys for unreadable items).
std::string sha256_hex(std::string_view text);

/// A short name for metrics labels and logs: "valid", "missing", ...
const char* to_string(signature_check result);

/// Compares two secrets (tokens, passwords) in time independent of where
/// they differ and of their lengths: both are hashed first, then the
/// digests are compared with CRYPTO_memcmp.
bool secrets_equal(std::string_view a, std::string_view b);

} // namespace easymo::whatsapp
