// The PayDunya gateway actor: checkout invoices for XOF top-ups.
//
// An IPN is believed only when both checks pass: its data[hash] is the
// SHA-512 of our master key (else 401, nothing else is read), and
// checkout-invoice/confirm, asked by us, says the invoice is completed for
// the intent's amount. A replayed IPN finds the intent settled and changes
// nothing.
#pragma once

#include "actors/payments/protocol.hpp"
#include "actors/payments/settle.hpp"
#include "protocols/paydunya/paydunya.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

namespace easymo::payments {

struct paydunya_options {
  paydunya::config api;
  std::chrono::seconds intent_ttl = std::chrono::hours(24);
  /// First delay between read-backs of an unsettled payment.
  caf::timespan poll_interval = std::chrono::seconds(60);
  services svc;
};

/// The PayDunya settings of `s`: test keys and API in sandbox mode, live
/// ones in live mode.
paydunya_options paydunya_options_from(const settings& s);

struct paydunya_state {
  paydunya_options opts;
  uint64_t started = 0;
  uint64_t ipns = 0;
  uint64_t forged = 0;
  uint64_t credited = 0;

  static inline const char* name = "payments.paydunya";
};

using paydunya_actor = caf::stateful_actor<paydunya_state>;

caf::behavior paydunya_gateway(paydunya_actor* self, paydunya_options opts);

supervision::child_spec paydunya_child(paydunya_options opts);

} // namespace easymo::payments
