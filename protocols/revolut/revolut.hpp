// Revolut Merchant API: orders (card and Revolut Pay checkout in EUR) and
// the signed webhooks that report them.
//
//   POST {base}/api/orders            {"amount": <minor>, "currency": "EUR",
//                                      "merchant_order_data": {"reference"}}
//        -> {"id", "token", "state", "amount", "currency", "checkout_url"}
//   GET  {base}/api/orders/{id}       the order as Revolut records it
//   GET  {base}/api/1.0/orders?from_created_date=&to_created_date=&limit=
//                                     one page of a day's orders, newest
//                                     first; the next page is asked with
//                                     created_before = the last created_at
// Calls carry Authorization: Bearer <secret key> and Revolut-Api-Version.
//
// A webhook carries Revolut-Request-Timestamp (Unix milliseconds) and
// Revolut-Signature: "v1=<hex>" (comma-separated when several signing
// secrets are active during a rotation), each the HMAC-SHA256 of
// "v1.<timestamp>.<raw body>" keyed with a signing secret.
#pragma once

#include "persistence/ledger/money.hpp"
#include "protocols/gateway/common.hpp"
#include "protocols/http/client.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easymo::revolut {

/// Revolut's advice: refuse webhooks older (or newer) than five minutes, so a
/// captured one cannot be replayed later.
constexpr auto replay_window = std::chrono::minutes(5);

enum class signature_check {
  valid,
  /// A header is absent or empty.
  missing,
  /// No "v1=<64 hex>" entry, or a timestamp that is not a number.
  malformed,
  /// Outside the replay window.
  stale,
  /// Well formed and fresh, but no signature matches any secret.
  mismatch,
};

const char* to_string(signature_check c);

/// Checks a webhook. Every "v1=" entry is tried against every secret (two
/// are active while one rotates), each comparison in constant time.
signature_check check_signature(std::string_view body,
                                std::string_view timestamp,
                                std::string_view signature,
                                const std::vector<std::string>& secrets,
                                std::chrono::system_clock::time_point now);

/// "v1=<hex>" for `body` sent at `timestamp` (simulators and tests).
std::string sign(std::string_view body, std::string_view timestamp,
                 std::string_view secret);

struct config {
  /// "https://sandbox-merchant.revolut.com" or "https://merchant.revolut.com".
  std::string base_url;
  std::string secret_key;
  std::string api_version = "2024-09-01";
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

http::client_request create_order(const config& cfg,
                                  const std::string& reference,
                                  int64_t amount_minor, ledger::currency cur,
                                  const std::string& description);

struct order {
  std::string id;
  std::string checkout_url;
};

struct create_reply {
  gateway::answer http = gateway::answer::ok;
  std::optional<order> created;
};

create_reply parse_create(const http::client_response& res);

http::client_request order_request(const config& cfg, const std::string& id);

struct order_reply {
  gateway::answer http = gateway::answer::ok;
  /// reference = the order id; at = created_at.
  std::optional<gateway::record> found;
  /// merchant_order_data.reference (or merchant_order_ext_ref): ours.
  std::string reference;
};

/// One order (GET /api/orders/{id}) as a record.
order_reply parse_order(const http::client_response& res);

/// Orders created in [from, to) (RFC 3339), at most `limit` per page;
/// `created_before` (empty on the first page) continues a listing.
http::client_request list_request(const config& cfg, const std::string& from,
                                  const std::string& to,
                                  const std::string& created_before,
                                  size_t limit);

struct list_reply {
  gateway::answer http = gateway::answer::ok;
  std::vector<gateway::record> orders;
  /// A 2xx whose body is not a list of orders.
  std::string error;
};

list_reply parse_list(const http::client_response& res);

/// What a webhook says: the event and the order it is about.
struct webhook {
  std::string event;
  std::string order_id;
  std::string reference;
};

std::optional<webhook> parse_webhook(std::string_view body);

} // namespace easymo::revolut
