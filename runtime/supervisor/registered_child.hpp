// The usual child of a service actor: spawned by its supervisor, registered
// under a directory name each time it starts, so callers find the current
// incarnation after a restart.
#pragma once

#include "runtime/directory.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <string>

namespace easymo::supervision {

/// A permanent child that runs `fun(args...)` and registers it as `as`.
template <class Fun, class... Ts>
child_spec registered_child(std::string name, std::string kind,
                            caf::atom_value as, Fun fun, Ts... args) {
  child_spec spec;
  spec.name = std::move(name);
  spec.kind = std::move(kind);
  spec.start = [=](caf::event_based_actor* parent) {
    auto actor = parent->spawn(fun, args...);
    directory::put(parent->system(), as, actor);
    return actor;
  };
  return spec;
}

} // namespace easymo::supervision
