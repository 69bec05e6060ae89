// Bearer-token checks for the admin listener.
#pragma once

#include "protocols/http/message.hpp"

#include <string_view>

namespace easymo::http {

/// Whether `a` equals `b`, in time that depends on neither content nor
/// length: both are hashed first and the digests compared with CRYPTO_memcmp.
bool constant_time_equal(std::string_view a, std::string_view b);

/// Whether the request carries `Authorization: Bearer <token>`. An empty
/// expected token never matches.
bool bearer_matches(const request& req, std::string_view token);

} // namespace easymo::http
