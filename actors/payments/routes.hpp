// The HTTP routes of money, registered by runtime/listeners.cpp.
//
// Public listener, one set per enabled gateway (a disabled gateway's routes
// do not exist: 404, not a misleading 503), all behind one per-address rate
// limit (payments-ratelimit-per-ip per payments-ratelimit-window, 429 with
// Retry-After and a JSON error; ratelimit::limited on the shared limiter):
//   POST|PUT /payments/momo/callback     MoMo Open API callback (momo)
//   GET  /payments/momo/qr               signed QR image (momo_ussd)
//   POST /payments/paydunya/ipn          PayDunya IPN (paydunya)
//   GET  /payments/paydunya/return       where PayDunya sends the browser
//   POST /payments/revolut/webhook       Revolut webhook (revolut)
// Admin listener (bearer token): see actors/payments/admin.hpp, plus
//   POST /admin/payments/confirm         operator confirms a USSD payment
//   GET  /admin/reconciliations          stored runs, ?from=&to=
//   POST /admin/reconciliations/run      {"date", "to"}
#pragma once

#include "actors/ratelimit/protocol.hpp"
#include "protocols/http/router.hpp"
#include "runtime/config.hpp"

#include <caf/actor_system.hpp>

namespace easymo::payments {

/// The per-address limit of the public routes.
ratelimit::policy public_routes_policy(const settings& s);

void add_public_routes(http::router& r, caf::actor_system& sys,
                       const settings& s);

void add_admin_routes(http::router& r, caf::actor_system& sys,
                      const settings& s);

} // namespace easymo::payments
