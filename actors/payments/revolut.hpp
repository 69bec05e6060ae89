// The Revolut gateway actor: Merchant API orders for EUR top-ups.
//
// A webhook is read only when its signature verifies against one of the
// active signing secrets within the replay window (else 401). Even then it
// carries no amount, so the order is fetched from Revolut and only that
// record moves money. Unknown orders are acknowledged and ignored (Revolut
// would otherwise redeliver forever); settled intents answer their status
// and change nothing, so a replay is a no-op.
#pragma once

#include "actors/payments/protocol.hpp"
#include "actors/payments/settle.hpp"
#include "protocols/revolut/revolut.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

#include <vector>

namespace easymo::payments {

struct revolut_options {
  revolut::config api;
  /// Webhook signing secrets; two while one rotates.
  std::vector<std::string> webhook_secrets;
  std::chrono::seconds intent_ttl = std::chrono::hours(24);
  /// First delay between read-backs of an unsettled payment.
  caf::timespan poll_interval = std::chrono::seconds(60);
  wall_clock clock = system_wall_clock();
  /// Whose calendar day reconciliation lists.
  std::string time_zone = "Africa/Kigali";
  services svc;
};

revolut_options revolut_options_from(const settings& s);

struct revolut_state {
  revolut_options opts;
  uint64_t started = 0;
  uint64_t webhooks = 0;
  uint64_t refused = 0;
  uint64_t credited = 0;

  static inline const char* name = "payments.revolut";
};

using revolut_actor = caf::stateful_actor<revolut_state>;

caf::behavior revolut_gateway(revolut_actor* self, revolut_options opts);

supervision::child_spec revolut_child(revolut_options opts);

} // namespace easymo::payments
