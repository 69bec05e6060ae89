// How an actor calls a gateway (MoMo, PayDunya, Revolut, Slack, WhatsApp):
// through the gateway's breaker, never with an HTTP client of its own.
//
//   (call_atom, http::client_request) -> http::client_response | error
//
// Any HTTP answer, 4xx and 5xx included, is a response; only a call that got
// no answer (timeout, refused connection, TLS failure...) or that the breaker
// refused (open: fail fast; or nobody registered while it restarts) is an
// error of category "breaker" (protocol.hpp). Callers treat every error the
// same way: the gateway is unavailable, their poller or retry loop tries
// again later, and nothing is credited in between.
#pragma once

#include "actors/breaker/protocol.hpp"
#include "runtime/directory.hpp"

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include <chrono>

namespace easymo::breaker {

/// Directory names of the gateways' breakers (directory_name(gateway); a
/// unit test keeps the two in step).
namespace names {
constexpr caf::atom_value whatsapp = caf::atom("brk.wa");
constexpr caf::atom_value momo = caf::atom("brk.momo");
constexpr caf::atom_value paydunya = caf::atom("brk.paydun");
constexpr caf::atom_value revolut = caf::atom("brk.revolu");
constexpr caf::atom_value slack = caf::atom("brk.slack");
} // namespace names

/// What bounds a call's reply on top of the request's own deadline: the
/// breaker's mailbox and the hop back.
constexpr auto reply_slack = std::chrono::seconds(5);

/// Deadline of a request whose timeout is zero (the client's default).
constexpr auto default_call_timeout = std::chrono::seconds(10);

/// Sends `req` to `target` (or, when it is null, to the breaker registered
/// under `name`) and continues with on_response(http::client_response&) or
/// on_error(caf::error&). Never blocks.
template <class Self, class OnResponse, class OnError>
void call(Self* self, const caf::actor& target, caf::atom_value name,
          http::client_request req, OnResponse on_response, OnError on_error) {
  auto dest = target ? target : directory::get(self->system(), name);
  if (!dest) {
    caf::error err = make_error(errc::not_running, caf::to_string(name),
                                req.label);
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

} // namespace easymo::breaker
