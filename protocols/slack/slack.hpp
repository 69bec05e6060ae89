// Slack incoming webhooks: where reconciliation alerts go.
//
//   POST <webhook url>  {"text": "..."}  -> 200 "ok"
//
// The webhook URL is itself the credential (anyone holding it can post), so
// it comes from the environment and is never logged.
#pragma once

#include "protocols/http/client.hpp"

#include <chrono>
#include <string>

namespace easymo::slack {

/// Slack truncates longer messages; alerts list the first mismatches and
/// point to the admin API for the rest.
constexpr size_t text_bytes_max = 3000;

/// The POST of `text` (cut at text_bytes_max) to `webhook_url`.
http::client_request message(const std::string& webhook_url,
                             const std::string& text,
                             std::chrono::milliseconds timeout);

/// Whether Slack took the message: 2xx. (A 4xx such as 404 no_service or
/// 410 channel_is_archived will not succeed on retry; 429 and 5xx may.)
bool accepted(int http_status);

} // namespace easymo::slack
