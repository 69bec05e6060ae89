// Digests, MACs and random identifiers the payment gateways need, on
// OpenSSL 3. Pure code: no actors, no logging.
//
// Every comparison of something a caller could forge (a webhook signature, a
// PayDunya hash) goes through equal_hex, which decodes both sides and
// compares the bytes with CRYPTO_memcmp, so the time taken says nothing about
// where the first difference is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace easymo::crypto {

/// Lowercase hex SHA-256 of `text`.
std::string sha256_hex(std::string_view text);

/// Lowercase hex SHA-512 of `text`.
std::string sha512_hex(std::string_view text);

/// Lowercase hex HMAC-SHA256 of `data` keyed with `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// The bytes of a hex string (either case); nothing for odd lengths or
/// non-hex characters.
std::optional<std::string> from_hex(std::string_view hex);

/// Whether two hex strings encode the same bytes, compared in constant time
/// for equal lengths. Malformed hex and different lengths never match; a
/// digest's length is public, so only its content is protected.
bool equal_hex(std::string_view a, std::string_view b);

/// Standard base64 with padding (RFC 4648), for HTTP Basic credentials.
std::string base64(std::string_view bytes);

/// `n` bytes from OpenSSL's CSPRNG; throws std::runtime_error if it fails,
/// because a predictable payment reference is worse than no payment.
std::string random_bytes(size_t n);

/// A random (version 4, RFC 4122) UUID in lowercase canonical form, as MTN
/// MoMo requires for X-Reference-Id.
std::string uuid_v4();

/// A UUID in version 4 form made from SHA-256 of `seed`: the same seed, the
/// same UUID. For references a retry must repeat (a payment started from a
/// WhatsApp message that may be processed twice); guessable from the seed,
/// so never for anything secret.
std::string uuid_v4_from(std::string_view seed);

/// Whether `text` is a canonical UUID of version 4 (either case).
bool is_uuid_v4(std::string_view text);

} // namespace easymo::crypto
