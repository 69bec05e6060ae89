// The actor a gateway's calls go through until its breaker exists: it hands
// each (call_atom, http::client_request) to the shared outbound HTTP client
// and answers with the response or a gateways::errc error.
//
// The client completes each call exactly once, on an io thread. That thread
// must not touch the actor's state or its response promises, so it only
// sends the outcome back into the actor's mailbox, and the actor delivers it.
#pragma once

#include "actors/gateways/protocol.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/response_promise.hpp>
#include <caf/stateful_actor.hpp>

#include <memory>
#include <string>
#include <unordered_map>

namespace easymo::gateways {

struct caller_state {
  std::shared_ptr<http::client> client;
  std::string gateway;
  uint64_t next_call = 0;
  /// Calls in flight, by id.
  std::unordered_map<uint64_t, caf::response_promise> pending;
  uint64_t calls = 0;
  uint64_t failures = 0;

  static inline const char* name = "gateway.caller";
};

using caller_actor = caf::stateful_actor<caller_state>;

/// Calls `gateway` (a label for metrics and the console) through `client`.
caf::behavior caller(caller_actor* self, std::shared_ptr<http::client> client,
                     std::string gateway);

/// A permanent child that starts a caller and registers it under `name`.
supervision::child_spec caller_child(std::string gateway, caf::atom_value name,
                                     std::shared_ptr<http::client> client);

} // namespace easymo::gateways
