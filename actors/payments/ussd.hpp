// The MoMo USSD gateway actor (the default gateway, no API keys): it gives
// the user a code to dial, a tel: link and a signed QR link, and credits the
// wallet when the payment is confirmed:
//  - by an operator who saw it in the MoMo merchant app
//    (POST /admin/payments/confirm {"reference", "transaction_id",
//     "amount", "currency", "admin"}), or
//  - by the MoMo statement: each successful line that is not in the ledger
//    yet confirms the oldest open intent of the same payer phone and amount
//    created before it (reconciliation sends the day's lines).
// Either way the MoMo transaction id becomes the transfer's external_ref,
// so one MoMo payment credits one intent at most, whoever confirms it.
#pragma once

#include "actors/payments/protocol.hpp"
#include "actors/payments/settle.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

#include <vector>

namespace easymo::payments {

/// The code sandbox mode pays when no merchant code or phone is set.
constexpr const char* sandbox_merchant_code = "123456";

struct ussd_options {
  /// MoMoPay merchant code; empty: P2P to receiver_phone.
  std::string merchant_code;
  std::string receiver_phone;
  /// Public listener root; QR links are built on it.
  std::string public_url;
  std::string url_secret;
  /// The MoMo statement (statement.hpp); empty: no statement, operators
  /// confirm and reconciliation skips momo_ussd.
  std::string report_url;
  std::string report_token;
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  std::chrono::seconds qr_ttl = std::chrono::hours(1);
  std::chrono::seconds intent_ttl = std::chrono::hours(24);
  std::string time_zone = "Africa/Kigali";
  wall_clock clock = system_wall_clock();
  services svc;
};

ussd_options ussd_options_from(const settings& s);

struct ussd_state {
  ussd_options opts;
  uint64_t started = 0;
  uint64_t operator_confirmed = 0;
  uint64_t statement_confirmed = 0;
  uint64_t qr_served = 0;

  static inline const char* name = "payments.momo_ussd";
};

using ussd_actor = caf::stateful_actor<ussd_state>;

caf::behavior ussd_gateway(ussd_actor* self, ussd_options opts);

supervision::child_spec ussd_child(ussd_options opts);

/// The code a user dials for `amount` RWF under `opts`; nothing for an
/// amount a code cannot carry.
std::optional<std::string> ussd_code_for(const ussd_options& opts,
                                         int64_t amount);

/// The day's MoMo statement, fetched through the MoMo breaker, after its
/// lines confirmed what they could (see above): the reconcile_atom handler.
caf::result<gateway_day> statement_of_day(ussd_actor* self,
                                          const std::string& day);

} // namespace easymo::payments
