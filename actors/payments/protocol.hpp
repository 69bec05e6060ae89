// The payment gateways' actors: what they take and answer.
//
// One actor per gateway (momo_ussd, momo, paydunya, revolut), each
// registered under its name in runtime/directory.hpp. The wallet domain, the
// admin API and the public webhook routes talk to them; they talk to the
// gateway only through breaker::call (its breaker), to PostgreSQL only
// through the db pool, and move money only through the ledger actor, after
// the gateway itself has confirmed the payment.
//
// Every gateway actor takes:
//   (start_payment)                      -> payment_started | error(payments::errc)
//   (webhook_atom, request_ptr, responder)  the gateway's callback / IPN /
//                                           webhook on the public listener
//   (get_atom, info_atom)                -> std::string (JSON counters)
//   (reconcile_atom, std::string day, std::vector<recon_ref> refs)
//                                        -> gateway_day | error: the gateway's
//                                           records of `day` (a list for
//                                           Revolut and the MoMo statement, one
//                                           status per reference for MoMo and
//                                           PayDunya, which cannot list), through
//                                           its breaker; any call that fails
//                                           fails the whole day
// momo_ussd also takes:
//   (confirm_atom, request_ptr, responder)  POST /admin/payments/confirm
//   (qr_atom, request_ptr, responder)       GET /payments/momo/qr (signed link)
//   and its reconcile_atom first confirms the day's open intents from the
//   MoMo statement.
// momo, paydunya and revolut also take their own timer, (poll_atom): the
// poller that reads unsettled payments back.
#pragma once

#include "persistence/ledger/money.hpp"
#include "persistence/payments/intents.hpp"
#include "persistence/payments/reconciliations.hpp"
#include "protocols/gateway/common.hpp"
#include "runtime/http_messages.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/meta/type_name.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace easymo::payments {

using webhook_atom = caf::atom_constant<caf::atom("webhook")>;
using confirm_atom = caf::atom_constant<caf::atom("confirm")>;
using qr_atom = caf::atom_constant<caf::atom("qr")>;
using poll_atom = caf::atom_constant<caf::atom("poll")>;
using reconcile_atom = caf::atom_constant<caf::atom("reconcile")>;

/// A top-up (collection) or withdrawal (disbursement) a user asked for.
struct start_payment {
  std::string wa_id;
  direction dir = direction::collection;
  /// The payer or payee phone, E.164 digits (MoMo); ignored by card
  /// gateways.
  std::string msisdn;
  /// Minor units of `cur`.
  int64_t amount = 0;
  ledger::currency cur = ledger::currency::RWF;
  std::string correlation_id;
  /// The caller's own reference, a UUID v4 derived from its idempotency key
  /// (crypto::uuid_v4_from): a start repeated with it answers the payment
  /// it already started and calls nobody, so a retried message never pays
  /// out twice. Empty: a fresh random reference.
  std::string reference;
};

/// What the user needs next: a page to pay on, or a code to dial.
struct payment_started {
  std::string gateway;
  std::string reference;
  /// "pending": the gateway has the payment (MoMo prompts the phone);
  /// "created": waiting for the user (USSD), or on hold for review
  /// (a withdrawal above the review threshold).
  std::string status;
  /// PayDunya and Revolut: where the user pays.
  std::string checkout_url;
  /// momo_ussd: the code to dial, its tel: link and a signed QR image link.
  std::string ussd_code;
  std::string tel_link;
  std::string qr_url;
};

/// A gateway's records of one day, and how many open intents they
/// confirmed on the way (the MoMo statement; zero elsewhere).
struct gateway_day {
  std::vector<gateway::record> records;
  size_t confirmed = 0;
};

/// Why a payment could not start (category atom "payments").
enum class errc : uint8_t {
  /// Bad amount, currency, phone or direction for this gateway.
  invalid_request = 1,
  /// The gateway cannot do this (withdrawals without a disbursement key).
  unsupported,
  /// The gateway refused the request (4xx, or an error code in a 2xx).
  refused_by_gateway,
  /// No answer from the gateway, or a 5xx/429: try again later.
  gateway_unavailable,
  /// PostgreSQL could not store the intent.
  storage_failed,
  /// The ledger refused the debit of a withdrawal (funds, limits).
  ledger_refused,
};

constexpr caf::atom_value error_category = caf::atom("payments");

caf::error make_error(errc code, std::string context = {});

std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, start_payment& x) {
  return f(caf::meta::type_name("start_payment"), x.wa_id, x.dir, x.msisdn,
           x.amount, x.cur, x.correlation_id, x.reference);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, payment_started& x) {
  return f(caf::meta::type_name("payment_started"), x.gateway, x.reference,
           x.status, x.checkout_url, x.ussd_code, x.tel_link, x.qr_url);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, gateway_day& x) {
  return f(caf::meta::type_name("gateway_day"), x.records, x.confirmed);
}

} // namespace easymo::payments
