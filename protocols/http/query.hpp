// Query-string parameters of a request target, percent-decoded.
#pragma once

#include "protocols/http/message.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace easymo::http {

/// The first parameter `name` of the request's query string, decoded;
/// nothing when absent or when the target does not parse.
std::optional<std::string> query_param(const request& req,
                                       std::string_view name);

/// query_param as a non-negative integer; `fallback` when absent, nothing
/// when present but not a number.
std::optional<int64_t> query_int(const request& req, std::string_view name,
                                 int64_t fallback);

} // namespace easymo::http
