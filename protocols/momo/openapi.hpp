// MTN MoMo Open API (momodeveloper.mtn.com): request builders and response
// parsers for collections (request-to-pay) and disbursements (transfer).
//
//   POST {base}/{product}/token/                      Basic api_user:api_key
//        -> {"access_token", "token_type", "expires_in"}
//   POST {base}/collection/v1_0/requesttopay          202, empty body
//   GET  {base}/collection/v1_0/requesttopay/{ref}    the payment's status
//   POST {base}/disbursement/v1_0/transfer            202, empty body
//   GET  {base}/disbursement/v1_0/transfer/{ref}      the transfer's status
//
// Every call but the token carries Authorization: Bearer, X-Target-Environment
// and the product's Ocp-Apim-Subscription-Key; the POSTs carry X-Reference-Id
// (a UUID v4 we chose and stored first) and X-Callback-Url. MoMo calls the
// callback once and unsigned, so its body is only a hint of which reference
// to look up: the status GET is the only truth.
#pragma once

#include "persistence/ledger/money.hpp"
#include "protocols/gateway/common.hpp"
#include "protocols/http/client.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace easymo::momo {

enum class product { collection, disbursement };

/// "collection" or "disbursement": the path segment of the product.
const char* to_string(product p);

/// One product's credentials (each product has its own subscription).
struct credentials {
  std::string subscription_key;
  std::string api_user;
  std::string api_key;

  bool complete() const {
    return !subscription_key.empty() && !api_user.empty() && !api_key.empty();
  }
};

struct api_config {
  /// "https://sandbox.momodeveloper.mtn.com", or the production proxy.
  std::string base_url;
  /// "sandbox", or "mtnrwanda" in production.
  std::string target_environment = "sandbox";
  /// Our public callback endpoint; the reference is appended as ?ref=.
  std::string callback_url;
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
};

struct access_token {
  std::string value;
  std::chrono::system_clock::time_point expires_at;
};

/// The token request of `p`, with HTTP Basic credentials.
http::client_request token_request(const api_config& cfg, product p,
                                   const credentials& cred);

/// The token in a token response; nothing unless it is 2xx with a token and
/// a positive expires_in.
std::optional<access_token>
parse_token(const http::client_response& res,
            std::chrono::system_clock::time_point now);

/// A payment to ask for (collection) or to make (disbursement).
struct payment {
  /// X-Reference-Id: a UUID v4, stored before the call.
  std::string reference;
  /// The payer or payee, E.164 digits ("250788123456").
  std::string msisdn;
  int64_t amount = 0;
  ledger::currency cur = ledger::currency::RWF;
  /// Shown in the payer's and payee's history (truncated to 160 bytes).
  std::string message;
};

/// POST requesttopay (collection) or transfer (disbursement).
http::client_request payment_request(const api_config& cfg, product p,
                                     const credentials& cred,
                                     const std::string& token,
                                     const payment& pay);

/// GET the status of `reference`.
http::client_request status_request(const api_config& cfg, product p,
                                    const credentials& cred,
                                    const std::string& token,
                                    const std::string& reference);

/// A status response: the payment as MoMo records it, or what the HTTP
/// answer means when it is not a status.
struct status_reply {
  gateway::answer http = gateway::answer::ok;
  /// Set when `http` is ok and the body is a valid status.
  std::optional<gateway::record> found;
  /// FAILED's reason (a code such as "APPROVAL_REJECTED"), if any.
  std::string reason;
  std::string financial_transaction_id;
};

/// Reads a status response for `reference`. A 2xx with a body that is not a
/// status (no known status word, bad amount or currency) is `refused`: the
/// gateway said something we cannot act on.
status_reply parse_status(const http::client_response& res,
                          const std::string& reference);

/// The reference a callback is about: `ref` from our callback URL's query
/// if present, else the body's "referenceId" or "externalId" (we send the
/// reference as externalId too). Nothing when neither is a UUID v4.
std::optional<std::string> callback_reference(std::string_view target,
                                              std::string_view body);

} // namespace easymo::momo
