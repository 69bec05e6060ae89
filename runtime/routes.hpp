// Route helpers shared by every listener's route table: hand a request to a
// named actor, and guard admin routes with the bearer token.
#pragma once

#include "protocols/http/bearer.hpp"
#include "protocols/http/router.hpp"
#include "runtime/directory.hpp"
#include "runtime/http_messages.hpp"

#include <caf/send.hpp>

#include <string>

namespace easymo {

/// Sends (prefix..., request, responder) to the actor named `name`, or
/// answers 503 while it restarts. Nothing waits on the io thread.
template <class... Ts>
http::handler to_actor(caf::actor_system& sys, caf::atom_value name,
                       Ts... prefix) {
  return [&sys, name, prefix...](http::request_ptr req, http::responder res) {
    auto target = directory::get(sys, name);
    if (!target) {
      res(http::json_error(boost::beast::http::status::service_unavailable,
                           "service restarting, retry shortly"));
      return;
    }
    caf::anon_send(target, prefix..., std::move(req), std::move(res));
  };
}

/// Runs `inner` only for requests with the bearer token, compared in
/// constant time; 401 otherwise.
inline http::handler guarded(std::string token, http::handler inner) {
  return [token = std::move(token), inner = std::move(inner)](
           http::request_ptr req, http::responder res) {
    if (!http::bearer_matches(*req, token)) {
      res(http::json_error(boost::beast::http::status::unauthorized,
                           "missing or wrong bearer token"));
      return;
    }
    inner(std::move(req), std::move(res));
  };
}

} // namespace easymo
