// The breaker actor: a thin adapter around breaker_core. It asks the core
// for a permit, starts the call through its transport (the shared
// http::client, whose callback comes back as a `call_done` message), times
// the call on the actor clock, records the outcome and answers the caller.
// The wait in OPEN is a delayed message tagged with the state epoch, so a
// reset in between makes the stale timer harmless.
//
// State changes are logged and exported:
//   easymo_breaker_state{gateway}                 0 closed, 1 open, 2 half-open
//   easymo_breaker_transitions_total{gateway,from,to}
//   easymo_breaker_calls_total{gateway,outcome}   success, failure,
//       slow_success, slow_failure, not_permitted
#pragma once

#include "actors/breaker/core.hpp"
#include "actors/breaker/policy.hpp"
#include "actors/breaker/protocol.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <functional>
#include <memory>
#include <unordered_map>

namespace easymo::breaker {

/// Starts one HTTP call and reports its outcome exactly once, from any
/// thread. The daemon's is client_transport(); tests pass fakes.
using transport_fn
  = std::function<void(http::client_request, http::client_callback)>;

/// Calls through `client`, which must outlive every call started (the app
/// shuts the client down only after the tree has stopped).
transport_fn client_transport(std::shared_ptr<http::client> client);

struct breaker_options {
  /// The gateway's name in metrics, logs and the admin API.
  std::string gateway = "whatsapp";
  breaker_config config;
  failure_policy failures;
  transport_fn transport;
};

/// A gateway's breaker from its config keys (breaker-<gateway>-*), which
/// check_delivery has validated.
breaker_options options_from(const std::string& gateway,
                             const breaker_settings& b, transport_fn transport);

struct pending_call {
  caf::typed_response_promise<http::client_response> rp;
  caf::actor_clock::time_point started;
  uint64_t epoch = 0;
};

struct breaker_counters {
  uint64_t calls = 0;
  uint64_t successes = 0;
  uint64_t failures = 0;
  uint64_t slow = 0;
  uint64_t not_permitted = 0;
  uint64_t transitions = 0;
};

/// The metric children of one gateway (breaker.cpp).
struct gateway_metrics;

struct breaker_state {
  breaker_options opts;
  /// Looked up once at start: calls are counted without any lookup.
  gateway_metrics* metrics = nullptr;
  breaker_core core{breaker_config{}};
  std::unordered_map<uint64_t, pending_call> pending;
  uint64_t next_call = 1;
  /// When the current OPEN state began (for retry_after hints).
  caf::actor_clock::time_point opened_at;
  breaker_counters counters;

  static inline const char* name = "breaker";
};

using breaker_pointer = breaker_actor::stateful_pointer<breaker_state>;

breaker_actor::behavior_type breaker(breaker_pointer self,
                                     breaker_options opts);

/// A permanent child that starts the breaker and registers it under
/// directory_name(opts.gateway).
supervision::child_spec breaker_child(breaker_options opts);

} // namespace easymo::breaker
