// How actors call a payment gateway (or Slack): through the actor registered
// under the gateway's name, never with an HTTP client of their own.
//
//   (call_atom, http::client_request) -> http::client_response | error
//
// Any HTTP answer, 4xx and 5xx included, is a response; only a call that got
// no answer at all (timeout, refused connection, TLS failure...) or that the
// actor refused (circuit open, not running) is an error. Today the actor is
// a plain caller (caller.hpp); ARCHITECTURE.md puts a breaker per gateway
// there (actors/breaker: the same message, the same names), so callers do
// not change when it arrives: only the child spawned under each name does
// (runtime/tree.cpp).
#pragma once

#include "runtime/http_messages.hpp"
#include "runtime/directory.hpp"

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace easymo::gateways {

/// (call_atom, http::client_request): the breaker's call message.
using call_atom = caf::atom_constant<caf::atom("call")>;

/// Directory names of the actors each gateway is called through: the
/// breakers' names ("brk." and at most six letters of the gateway).
namespace names {
constexpr caf::atom_value momo = caf::atom("brk.momo");
constexpr caf::atom_value paydunya = caf::atom("brk.paydun");
constexpr caf::atom_value revolut = caf::atom("brk.revolu");
constexpr caf::atom_value slack = caf::atom("brk.slack");
} // namespace names

/// Why a call got no answer (category atom "gateway").
enum class errc : uint8_t {
  timeout = 1,
  connect_failed,
  tls_failed,
  closed,
  protocol,
  body_too_large,
  bad_url,
  bad_request,
  overloaded,
  /// Nobody is registered under the gateway's name (restarting).
  not_running,
};

constexpr caf::atom_value error_category = caf::atom("gateway");

caf::error make_error(errc code, std::string context = {});

errc from_client_error(http::client_error err);

/// Renders gateway errors (register with add_error_category).
std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

/// What bounds a call's reply on top of the request's own deadline: the
/// caller's mailbox and the hop back.
constexpr auto reply_slack = std::chrono::seconds(5);

/// Deadline of a request whose timeout is zero (the client's default).
constexpr auto default_call_timeout = std::chrono::seconds(10);

/// Sends `req` to `target` (or, when it is null, to whoever is registered
/// under `name`) and continues with on_response(http::client_response&) or
/// on_error(caf::error&). Never blocks.
template <class Self, class OnResponse, class OnError>
void call(Self* self, const caf::actor& target, caf::atom_value name,
          http::client_request req, OnResponse on_response, OnError on_error) {
  auto dest = target ? target : directory::get(self->system(), name);
  if (!dest) {
    caf::error err = make_error(errc::not_running, req.label);
    on_error(err);
    return;
  }
  auto deadline = req.timeout.count() > 0
                    ? std::chrono::duration_cast<caf::timespan>(req.timeout)
                    : std::chrono::duration_cast<caf::timespan>(
                      default_call_timeout);
  self->request(dest, deadline + reply_slack, call_atom::value, std::move(req))
    .then(
      [f = std::move(on_response)](http::client_response& res) mutable {
        f(res);
      },
      std::move(on_error));
}

} // namespace easymo::gateways
