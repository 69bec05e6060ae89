// The admin actor's contract: the admin listener's routes that need actors.
//
// Messages it takes (each answered through the responder):
//   (tree_atom, request_ptr, responder)   GET /admin/tree: the live supervision tree
//   (kill_atom, request_ptr, responder)   POST /admin/kill {"actor": "<name>"}:
//                                         kill a named service actor so its
//                                         supervisor restarts it
//   (get_atom, info_atom) -> std::string
#pragma once

#include "runtime/http_messages.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>

namespace easymo::admin {

using kill_atom = caf::atom_constant<caf::atom("kill")>;

} // namespace easymo::admin
