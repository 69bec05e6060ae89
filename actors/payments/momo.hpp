// The MTN MoMo Open API gateway actor: collections (request-to-pay) for
// top-ups and disbursements (transfer) for withdrawals.
//
// The X-Reference-Id (a UUID v4) is stored with the intent before the POST,
// so whatever fails afterwards, the poller can ask MoMo about it: a 404
// means MoMo never got it and it is sent again with the same id (MoMo
// refuses a second one with 409, never charges twice). MoMo's callback is
// unsigned and sent once: it only makes the actor fetch the status now
// rather than at the next poll, and only that fetched status moves money.
//
// Access tokens are per product, cached until `token_refresh_margin` before
// they expire, and fetched once for all calls waiting on them; a 401 drops
// the token and the call is tried once more with a fresh one.
#pragma once

#include "actors/payments/protocol.hpp"
#include "actors/payments/settle.hpp"
#include "protocols/momo/openapi.hpp"
#include "runtime/clock.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

#include <array>
#include <functional>
#include <optional>
#include <vector>

namespace easymo::payments {

struct momo_options {
  momo::api_config api;
  momo::credentials collection;
  /// Incomplete: withdrawals are unsupported.
  momo::credentials disbursement;
  std::chrono::seconds intent_ttl = std::chrono::hours(24);
  caf::timespan poll_interval = std::chrono::seconds(15);
  size_t poll_batch_max = 50;
  std::chrono::seconds token_refresh_margin = std::chrono::seconds(60);
  wall_clock clock = system_wall_clock();
  services svc;
};

/// The MoMo settings of `s`.
momo_options momo_options_from(const settings& s);

using token_fn = std::function<void(caf::expected<std::string>)>;

struct token_slot {
  std::optional<momo::access_token> token;
  bool refreshing = false;
  /// Calls waiting for the refresh in flight.
  std::vector<token_fn> waiting;
};

struct momo_counters {
  uint64_t started = 0;
  uint64_t callbacks = 0;
  uint64_t polls = 0;
  uint64_t checks = 0;
  uint64_t credited = 0;
  uint64_t failed = 0;
  uint64_t token_refreshes = 0;
};

struct momo_state {
  momo_options opts;
  std::array<token_slot, 2> tokens;
  bool poll_running = false;
  momo_counters counters;

  static inline const char* name = "payments.momo";
};

using momo_actor = caf::stateful_actor<momo_state>;

caf::behavior momo_gateway(momo_actor* self, momo_options opts);

supervision::child_spec momo_child(momo_options opts);

// -- internal to the actor's files ---------------------------------------------

/// Continues with a valid token of `p`, fetching one if needed.
void with_token(momo_actor* self, momo::product p, token_fn fn);

/// Calls MoMo with a request built from a token; a 401 drops the token and
/// retries once with a fresh one.
void api_call(momo_actor* self, momo::product p,
              std::function<http::client_request(const std::string&)> make,
              std::function<void(http::client_response&)> on_response,
              done_fn on_error);

/// Checks the intent's status at MoMo and acts on it.
void verify(momo_actor* self, const intent& x, done_fn done);

/// Sends the intent's request-to-pay or transfer; answers whether MoMo took it.
void send_payment(momo_actor* self, const intent& x, done_fn done);

} // namespace easymo::payments
