// Percent-encoding and application/x-www-form-urlencoded bodies, for gateways
// that speak forms: PayDunya IPNs and MoMo callbacks arrive as forms, and some
// token endpoints want one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace easymo::http {

using form_fields = std::vector<std::pair<std::string, std::string>>;

/// Percent-encodes every byte except the RFC 3986 unreserved characters
/// (ALPHA DIGIT - . _ ~), with upper-case hex; a space becomes %20. Safe for
/// a path segment or a query value.
std::string url_encode(std::string_view text);

/// Encodes fields as the WHATWG URL standard does for forms: names and values
/// keep ALPHA DIGIT * - . _, a space becomes '+', every other byte is %XX.
std::string form_encode(const form_fields& fields);

/// Decodes a form body: '&' separates fields, the first '=' splits name from
/// value (no '=' means an empty value), '+' is a space, %XX is a byte. Empty
/// fields ("a=1&&b=2") are skipped. Returns nothing when a '%' is not followed
/// by two hex digits, because a guessed decoding of a signed callback is worse
/// than a rejection.
std::optional<form_fields> form_decode(std::string_view body);

/// The query of a request target ("/path?a=1&b=2") as decoded fields; empty
/// when there is none or it is malformed. For a name given twice, the first
/// wins.
std::map<std::string, std::string> query_of(std::string_view target);

} // namespace easymo::http
