// The sending side of the Cloud API: the HTTP call for one message and what
// Meta's answer means for it.
//
//   POST {api_url}/{version}/{phone_number_id}/messages
//   Authorization: Bearer <token>        (EASYMO_WHATSAPP_TOKEN, never logged)
//   {"messaging_product":"whatsapp","to":...,"type":...,...}
//
// 200 carries {"messages":[{"id":"wamid..."}]}; errors carry
// {"error":{"message","type","code","error_data":{"details"},"fbtrace_id"}}
// and Meta asks clients to act on `code`, not on the HTTP status.
#pragma once

#include "protocols/http/client.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace easymo::whatsapp {

/// Error codes the dispatcher treats specially (Meta's numbering).
namespace graph_code {
/// Throughput: too many messages from this number per second.
constexpr int64_t throughput = 130429;
/// Pair rate: too many messages to one user in a short time; Meta asks for
/// 4^n seconds of backoff.
constexpr int64_t pair_rate = 131056;
/// Spam rate limit on this number.
constexpr int64_t spam_rate = 131048;
/// App-level and account-level call rate limits.
constexpr int64_t app_rate = 4;
constexpr int64_t account_rate = 80007;
/// Unknown or temporary server-side problems.
constexpr int64_t api_unknown = 1;
constexpr int64_t api_service = 2;
constexpr int64_t something_wrong = 131000;
constexpr int64_t service_unavailable = 131016;
/// The access token: expired or not accepted.
constexpr int64_t auth = 0;
constexpr int64_t token_expired = 190;
/// Permanent refusals (examples; any other 4xx is permanent too).
constexpr int64_t invalid_parameter = 100;
constexpr int64_t undeliverable = 131026;
constexpr int64_t outside_window = 131047;
} // namespace graph_code

/// Where messages go.
struct graph_endpoint {
  /// Scheme and host, optionally a path prefix; no trailing slash needed.
  std::string api_url = "https://graph.facebook.com";
  std::string version = "v21.0";
  std::string phone_number_id;

  std::string messages_url() const;
};

/// The call for one message body (JSON text), labelled "whatsapp.messages".
http::client_request messages_request(const graph_endpoint& ep,
                                      std::string_view token, std::string body,
                                      std::chrono::milliseconds timeout);

/// `message` (a JSON object as text) with biz_opaque_callback_data set to
/// `data`, which Meta echoes in every status webhook about the message.
/// Without the field already present the text is spliced, not parsed (the
/// outbox's bodies are jsonb, valid by construction); otherwise it is
/// parsed, and nothing is returned when it is not a JSON object.
std::optional<std::string> with_callback_data(std::string_view message,
                                              std::string_view data);

/// What Meta's answer means for the message.
enum class send_class {
  /// Accepted; `wamid` identifies it from now on.
  accepted,
  /// Throughput or call-rate limits: retry with backoff.
  throttled,
  /// Pair rate limit (131056): retry after 4^n seconds.
  pair_limited,
  /// Server-side trouble, or the token: retry with backoff.
  transient,
  /// The message itself was refused: retrying cannot help.
  permanent,
};

const char* to_string(send_class c);

struct send_result {
  send_class kind = send_class::transient;
  /// Meta's id of the accepted message (may be empty if the 200 lacked it).
  std::string wamid;
  int http_status = 0;
  /// Meta's error code (0 when the body had none).
  int64_t code = 0;
  /// A compact JSON object for outbox.last_error and dlq.error: status,
  /// code, message, details, fbtrace_id. Never the request body.
  std::string error_json;
};

/// Classifies an HTTP answer of the messages endpoint.
send_result classify_response(int http_status, std::string_view body);

/// The error code of a Graph error body, 0 when there is none.
int64_t error_code_of(std::string_view body);

/// Whether an answer reports a problem of one user rather than of the
/// gateway (the pair rate limit), so a circuit breaker must not count it.
bool is_user_scoped(int http_status, std::string_view body);

} // namespace easymo::whatsapp
