// GET and POST /webhook, Meta's door into EasyMO.
//
//   GET  /webhook   subscription handshake: 200 with the challenge as
//                   text/plain, 403 for a wrong verify token, 400 otherwise.
//   POST /webhook   signature over the raw body (401), parsing (400), then
//                   the journal: 200 only after COMMIT, 503 when it cannot
//                   commit (Meta redelivers). Never 429: over-limit messages
//                   are committed as throttled.
//
// Both run on Beast's io threads and never block: the signature check and
// the parse are bounded CPU work (body limit, nesting limit), and the
// journal answers through a completion that posts back to the connection.
#pragma once

#include "protocols/http/router.hpp"
#include "runtime/config.hpp"

#include <caf/actor_system.hpp>

namespace easymo::ingress {

/// Registers GET and POST /webhook on `routes`. The secrets are copied.
void add_webhook_routes(http::router& routes, caf::actor_system& sys,
                        const settings& s);

} // namespace easymo::ingress
