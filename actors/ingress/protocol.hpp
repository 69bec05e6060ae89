// The HTTP ingress actor's contract.
//
// Beast io threads never block on actors: a route that needs an actor sends it
// the request together with a `responder`, and the actor answers by calling the
// responder, which posts the response back onto the connection.
//
// Messages it takes:
//   (ready_atom, request_ptr, responder)   answer GET /readyz
//   (get_atom, info_atom) -> std::string
#pragma once

#include "runtime/http_messages.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>

namespace easymo::ingress {

using ready_atom = caf::atom_constant<caf::atom("ready")>;

} // namespace easymo::ingress
