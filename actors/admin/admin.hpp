#pragma once

#include "actors/admin/protocol.hpp"

#include <caf/stateful_actor.hpp>

namespace easymo::admin {

struct state {
  uint64_t requests = 0;
  uint64_t kills = 0;
  static inline const char* name = "admin";
};

using actor = caf::stateful_actor<state>;

caf::behavior admin(actor* self);

} // namespace easymo::admin
