// The sandbox sink's contract. In sandbox mode (the default of tools/run)
// the outbox sends through breaker:whatsapp and the same http::client as in
// live mode, but to a Graph-API-compatible route that easymod serves itself
// on the admin listener:
//
//   POST /sandbox/graph/<version>/<phone_number_id>/messages
//       Authorization: Bearer <EASYMO_WHATSAPP_TOKEN>; Meta's request body.
//       Judged like Meta would (token, body shape, limits); stored in
//       `sandbox_outbound` (group commit); answered after COMMIT with
//       {"messaging_product":"whatsapp","contacts":[...],"messages":[{"id":
//       "wamid...."}]}, or Meta's error body.
//
// Then it plays the phone: it posts the status webhooks a delivered
// message causes (sent, delivered), signed with the app secret, to the
// public listener's /webhook, so they travel the normal status path (journal
// -> event dispatcher -> parse_status -> outbox). When this build has no
// /webhook route (404), it hands the same reports to the outbox directly.
//
// Reading what was sent (admin listener, bearer token):
//
//   GET /admin/sandbox/messages?wa_id=<id>&after=<id>&limit=<n>
//       {"messages":[{"id","wa_id","wamid","outbox_id","message":{...},
//                     "created_at"}]}  oldest first; wa_id optional,
//       after defaults to 0, limit to 100 (at most 1000)
//
// Sink messages (each answered through the responder):
//   (graph_atom, request_ptr, responder)     the POST above
//   (messages_atom, request_ptr, responder)  the GET above
//   (get_atom, info_atom) -> std::string
#pragma once

#include "runtime/config.hpp"
#include "runtime/http_messages.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>

#include <string>

namespace easymo::sandbox {

/// Where the sink's Graph API lives on the admin listener.
constexpr const char* graph_prefix = "/sandbox/graph";

/// The API base URL the outbox uses in sandbox mode:
/// "http://127.0.0.1:<admin-port>/sandbox/graph".
std::string api_url(const settings& s);

/// The sink's messages route for the configured version and number.
std::string messages_path(const settings& s);

/// Where the sink posts status webhooks: the public listener's /webhook.
std::string webhook_url(const settings& s);

/// An address of a listener bound to `host` that this process can connect
/// to ("0.0.0.0" and "::" become loopback).
std::string reachable_host(const std::string& host);

using graph_atom = caf::atom_constant<caf::atom("graph")>;
using messages_atom = caf::atom_constant<caf::atom("messages")>;

} // namespace easymo::sandbox
