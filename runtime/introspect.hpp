// Messages every actor of ours may answer for the inspection console.
#pragma once

#include <caf/atom.hpp>

namespace easymo {

/// (get_atom, info_atom) -> std::string: a JSON object describing the actor
/// (its kind-specific counters and its mailbox length).
using info_atom = caf::atom_constant<caf::atom("info")>;

/// (get_atom, tree_atom) -> std::string: a supervisor's subtree as JSON.
using tree_atom = caf::atom_constant<caf::atom("tree")>;

} // namespace easymo
