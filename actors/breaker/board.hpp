// The breaker board: the admin API over every gateway's breaker. Breakers
// are looked up by name at each request, so a restarted breaker is found.
#pragma once

#include "actors/breaker/protocol.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

#include <string>
#include <vector>

namespace easymo::breaker {

struct board_state {
  /// The gateways whose breakers run, in display order.
  std::vector<std::string> gateways;
  uint64_t requests = 0;

  static inline const char* name = "breakers";
};

using board_actor = caf::stateful_actor<board_state>;

/// Takes the messages listed under "breaker board" in protocol.hpp and
/// (get_atom, info_atom).
caf::behavior board(board_actor* self, std::vector<std::string> gateways);

/// A permanent child that starts the board as directory::breakers.
supervision::child_spec board_child(std::vector<std::string> gateways);

} // namespace easymo::breaker
