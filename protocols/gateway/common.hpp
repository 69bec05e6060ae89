// What every payment gateway's protocol code shares: how an HTTP answer is
// classified, how amounts are read from JSON, and the record a gateway keeps
// of one payment (what reconciliation compares with the ledger).
// Pure code: no actors, no logging.
#pragma once

#include "persistence/ledger/money.hpp"

#include <caf/meta/type_name.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easymo::gateway {

/// What an HTTP status means for the caller, the same for every gateway.
enum class answer {
  /// 2xx.
  ok,
  /// 401 or 403: our credentials (or token) were refused.
  unauthorized,
  /// 404: the gateway does not know the resource.
  not_found,
  /// 409: the resource exists already (a retried create).
  conflict,
  /// 408, 425, 429 or 5xx: try again later, nothing was decided.
  retry_later,
  /// Any other 4xx: the request itself is wrong; retrying will not help.
  refused,
};

answer classify(int http_status);

/// "ok", "unauthorized", ... for logs and errors.
const char* to_string(answer a);

/// An amount in a JSON document, in major units of `cur`: a string ("5000",
/// "12.50") or an integer. A JSON float is accepted only when it is a whole
/// number below 2^53 (PayDunya writes 5000.0); anything else is refused
/// rather than rounded, since money is never floating point here.
std::optional<int64_t> amount_major(const nlohmann::json& value,
                                    ledger::currency cur);

/// An amount already in minor units (Revolut): an integer, or a string of
/// digits.
std::optional<int64_t> amount_minor(const nlohmann::json& value);

/// A string member of `obj`, or "" when missing or not a string.
std::string string_at(const nlohmann::json& obj, std::string_view key);

/// How a payment stands at the gateway, in the one vocabulary the rest of
/// the code speaks.
enum class pay_status { pending, succeeded, failed };

const char* to_string(pay_status s);

/// One payment as a gateway reports it.
struct record {
  /// The gateway reference: it matches the ledger transfer's external_ref.
  std::string reference;
  int64_t amount = 0;
  ledger::currency cur = ledger::currency::RWF;
  pay_status status = pay_status::pending;
  /// The gateway's own status word ("SUCCESSFUL", "completed"...).
  std::string raw_status;
  /// When the gateway dated it, RFC 3339, if it says.
  std::string at;
  /// The payer's phone (USSD statements): E.164 digits.
  std::string msisdn;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, record& x) {
  return f(caf::meta::type_name("gateway_record"), x.reference, x.amount,
           x.cur, x.status, x.raw_status, x.at, x.msisdn);
}

} // namespace easymo::gateway
