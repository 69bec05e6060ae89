// The admin API of money (admin listener, bearer token):
//
//   GET  /admin/reviews                  open reviews, oldest first
//   POST /admin/reviews/approve          {"transfer_id", "admin"}
//   POST /admin/reviews/reject           {"transfer_id", "admin", "note"}
//   POST /admin/payments/start           {"wa_id", "gateway", "direction",
//                                         "msisdn", "amount", "currency"}
//                                        (amount in major units) a top-up or
//                                        withdrawal on a user's behalf
//   GET  /admin/payments?gateway=&reference=   one payment intent
// (POST /admin/payments/confirm goes to the momo_ussd actor, and
// /admin/reconciliations* to the reconciliation actor.)
//
// Approvals and rejections go through the ledger actor, which owns every
// write; the actor itself only reads.
#pragma once

#include "actors/payments/settle.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

namespace easymo::payments {

using reviews_atom = caf::atom_constant<caf::atom("reviews")>;
using start_atom = caf::atom_constant<caf::atom("start")>;
using intent_atom = caf::atom_constant<caf::atom("intent")>;

struct admin_state {
  services svc;
  uint64_t requests = 0;
  uint64_t decisions = 0;

  static inline const char* name = "payments.admin";
};

using admin_actor = caf::stateful_actor<admin_state>;

caf::behavior payments_admin(admin_actor* self, services svc);

supervision::child_spec admin_child();

/// An intent as the admin API shows it.
nlohmann::json to_json(const intent& x);

/// A payment_started as the admin API (and the wallet) shows it.
nlohmann::json to_json(const payment_started& p);

} // namespace easymo::payments
