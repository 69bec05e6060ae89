// The breaker's contract: one breaker actor per downstream gateway
// (whatsapp, momo, paydunya, revolut and slack; ai will reuse it), with
// resilience4j's semantics (see core.hpp). Callers go through call.hpp.
//
// A caller hands the breaker a complete HTTP call; the breaker runs it
// through the shared http::client (on its io threads, never blocking the
// actor) and answers with the gateway's response, whatever its status, so
// the caller can read the gateway's own error codes. Only a call that
// produced no response is answered with an error (category "breaker"):
//
//   (call_atom, http::client_request) -> http::client_response
//       | errc::not_permitted   open, or half-open with every trial call
//                               taken: fail fast; retry_after() says when
//                               the breaker next lets a call through
//       | errc::timeout         the call's deadline passed
//       | errc::transport       connect, TLS, a dropped connection...
//       | errc::refused         the client refused the call (bad URL,
//                               queue full); nothing was sent
//       | errc::not_running     (call.hpp) no breaker registered yet
//   (get_atom, info_atom)   -> std::string   state, rates, counters (JSON)
//   (caf::reset_atom)       -> std::string   back to CLOSED, window cleared
//   (caf::open_atom)        -> std::string   forced OPEN until reset
//
// Callers put a timeout on the request longer than the call's own (the
// http client enforces that one).
//
// Breakers register in the directory under directory_name(gateway); the
// breaker board (board.hpp, directory::breakers) answers the admin routes
// for all of them, each answered through the responder:
//
//   (breakers_atom, request_ptr, responder)  GET /admin/breakers
//       {"breakers":[<info of each gateway>]}
//   (caf::reset_atom, request_ptr, responder)  POST /admin/breakers/reset
//   (caf::open_atom, request_ptr, responder)   POST /admin/breakers/open
//       body {"gateway":"whatsapp"}; answers that breaker's info
#pragma once

#include "protocols/http/client.hpp"
#include "runtime/http_messages.hpp"
#include "runtime/introspect.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace easymo::breaker {

using call_atom = caf::atom_constant<caf::atom("call")>;
/// The board's GET /admin/breakers.
using breakers_atom = caf::atom_constant<caf::atom("breakers")>;
/// Internal: a call's outcome, sent by the http client's callback.
using done_atom = caf::atom_constant<caf::atom("calldone")>;
/// Internal: the wait in OPEN is over (carries the state epoch it is for).
using half_open_atom = caf::atom_constant<caf::atom("halfopen")>;

/// Internal: what the http client reported for call `id`.
struct call_done {
  uint64_t id = 0;
  std::optional<http::client_error> error;
  http::client_response response;
};

using breaker_actor = caf::typed_actor<
  caf::replies_to<call_atom, http::client_request>::with<http::client_response>,
  caf::reacts_to<done_atom, call_done>, caf::reacts_to<half_open_atom, uint64_t>,
  caf::replies_to<caf::get_atom, info_atom>::with<std::string>,
  caf::replies_to<caf::reset_atom>::with<std::string>,
  caf::replies_to<caf::open_atom>::with<std::string>>;

enum class errc : uint8_t {
  /// The breaker is open (or half-open and out of trial calls).
  not_permitted = 1,
  /// The call's deadline passed.
  timeout,
  /// The connection failed or broke before a full response arrived.
  transport,
  /// The client did not send the call (malformed, or its queue was full).
  refused,
  /// No breaker is registered under the gateway's name (it is restarting):
  /// nothing was sent (call.hpp).
  not_running,
};

constexpr caf::atom_value error_category = caf::atom("breaker");

/// context: (gateway, detail, retry_after_ms).
caf::error make_error(errc code, std::string gateway, std::string detail = {},
                      int64_t retry_after_ms = 0);

std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

/// The breaker code of `err`, if it is a breaker error.
std::optional<errc> code_of(const caf::error& err);

/// For not_permitted: how long until the breaker lets calls through again
/// (zero when it is half-open and only out of trial calls).
std::chrono::milliseconds retry_after(const caf::error& err);

/// The registry name of a gateway's breaker ("brk.wa" for whatsapp); atoms
/// have 10 characters at most, so names are abbreviated here, once.
caf::atom_value directory_name(const std::string& gateway);

} // namespace easymo::breaker

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(easymo::breaker::call_done)
