// PayDunya checkout invoices ("Paiement Avec Redirection"): request builders,
// response parsers and the IPN check.
//
//   POST {base}/checkout-invoice/create   -> {"response_code": "00",
//        "response_text": <checkout url>, "token": <invoice token>}
//   GET  {base}/checkout-invoice/confirm/{token}
//        -> {"response_code": "00", "status": "completed", "invoice":
//            {"total_amount": 5000, ...}, "custom_data": {...}}
//   base: https://app.paydunya.com/sandbox-api/v1 (test) or /api/v1 (live)
//
// Calls carry PAYDUNYA-MASTER-KEY, PAYDUNYA-PRIVATE-KEY and PAYDUNYA-TOKEN;
// test and live have their own private key and token. The IPN PayDunya
// posts to callback_url is application/x-www-form-urlencoded with PHP-style
// names (data[hash], data[status], data[invoice][token], ...). Its hash is
// the SHA-512 of the master key, the same for every IPN, so it proves only
// that the sender knows the key: a credit also needs the confirm call to say
// completed with the invoice's amount.
#pragma once

#include "persistence/ledger/money.hpp"
#include "protocols/gateway/common.hpp"
#include "protocols/http/client.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace easymo::paydunya {

/// PayDunya collects in West African CFA francs only; these bounds are the
/// old plan's validation, in XOF (which has no minor unit).
constexpr int64_t amount_min = 100;
constexpr int64_t amount_max = 10'000'000;

/// Whether PayDunya may be asked for `amount` of `cur`.
bool valid_amount(int64_t amount, ledger::currency cur);

struct keys {
  std::string master_key;
  std::string private_key;
  std::string token;

  bool complete() const {
    return !master_key.empty() && !private_key.empty() && !token.empty();
  }
};

struct config {
  /// Test keys and the sandbox API, or live ones.
  bool live = false;
  /// Overrides the mode's base URL (simulators); empty: by mode.
  std::string base_url;
  keys credentials;
  std::string store_name = "EasyMO";
  std::string callback_url;
  std::string return_url;
  std::string cancel_url;
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

/// The API root of `cfg`, without a trailing slash.
std::string api_base(const config& cfg);

/// POST checkout-invoice/create for `amount` XOF; `reference` is ours and
/// comes back in custom_data (confirm and IPN).
http::client_request create_invoice(const config& cfg,
                                    const std::string& reference,
                                    int64_t amount,
                                    const std::string& description);

struct invoice {
  std::string token;
  std::string checkout_url;
};

struct create_reply {
  gateway::answer http = gateway::answer::ok;
  std::optional<invoice> created;
  /// response_text of a refusal.
  std::string error;
};

/// A create response: an invoice only for 2xx with response_code "00" and a
/// token; a 2xx with another code is `refused`.
create_reply parse_create(const http::client_response& res);

/// GET checkout-invoice/confirm/{token}.
http::client_request confirm_request(const config& cfg,
                                     const std::string& token);

struct confirm_reply {
  gateway::answer http = gateway::answer::ok;
  /// The invoice as PayDunya records it (reference = the token).
  std::optional<gateway::record> found;
  /// custom_data.reference: our reference, if PayDunya echoed it.
  std::string reference;
};

confirm_reply parse_confirm(const http::client_response& res,
                            const std::string& token);

/// The fields of an IPN that matter.
struct ipn {
  std::string hash;
  std::string token;
  std::string status;
  std::string reference;
};

/// Reads an IPN body; nothing unless it is a valid form with data[hash]
/// and data[invoice][token].
std::optional<ipn> parse_ipn(std::string_view body);

/// Whether the IPN's hash is the hex SHA-512 of `master_key`, compared in
/// constant time; an empty key never matches.
bool hash_matches(const ipn& msg, const std::string& master_key);

/// The IPN body PayDunya would post for an invoice (simulators and tests).
std::string make_ipn(const std::string& master_key, const std::string& token,
                     const std::string& status, int64_t amount,
                     const std::string& reference);

} // namespace easymo::paydunya
