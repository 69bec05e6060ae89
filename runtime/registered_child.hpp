// A supervised child that registers itself by name each time it starts, so
// callers that look the name up (runtime/directory.hpp) find the restarted
// actor instead of its dead predecessor.
#pragma once

#include "runtime/directory.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor_cast.hpp>
#include <caf/event_based_actor.hpp>

#include <string>

namespace easymo {

/// A permanent child: `spawn(parent)` starts the actor (any handle type),
/// which is then registered as `registered`.
template <class Spawn>
supervision::child_spec registered_child(std::string name, std::string kind,
                                         caf::atom_value registered,
                                         Spawn spawn) {
  supervision::child_spec spec;
  spec.name = std::move(name);
  spec.kind = std::move(kind);
  spec.start = [registered, spawn](caf::event_based_actor* parent) {
    auto hdl = caf::actor_cast<caf::actor>(spawn(parent));
    directory::put(parent->system(), registered, hdl);
    return hdl;
  };
  return spec;
}

} // namespace easymo
