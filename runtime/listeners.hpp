// The two HTTP listeners and their routes. Routes that need an actor hand the
// request and its responder to a named actor; nothing on an io thread waits.
//
//   public: GET /healthz, GET /readyz, GET /metrics, GET and POST /webhook
//           (actors/ingress/webhook_route.hpp); HTTPS when http-tls-* are set
//   admin:  GET /admin/tree, POST /admin/kill          (loopback, bearer token)
//           GET /admin/breakers, POST /admin/breakers/{reset,open},
//           GET /admin/outbox, GET /admin/dlq, POST /admin/dlq/replay,
//           sandbox mode: GET /admin/sandbox/messages, and the Graph API
//           sink POST /sandbox/graph/<version>/<number>/messages (checks
//           the WhatsApp token, not the admin one)
#pragma once

#include "runtime/config.hpp"

#include <caf/actor_system.hpp>

#include <memory>
#include <optional>
#include <string>

namespace easymo::http {
class io_pool;
class server;
} // namespace easymo::http

namespace easymo {

class listeners {
public:
  listeners(const settings& s, caf::actor_system& sys);
  ~listeners();

  /// Starts the io threads and binds both listeners; returns a one-line
  /// error (for example a port in use) on failure.
  std::optional<std::string> start();

  std::string public_url() const;
  std::string admin_url() const;

  /// Stops accepting and waits up to `bound` for answers still in flight.
  void drain(caf::timespan bound);

  /// Closes every connection and stops the io threads.
  void stop();

private:
  const settings& s_;
  caf::actor_system& sys_;
  std::unique_ptr<http::io_pool> io_;
  std::unique_ptr<http::server> public_;
  std::unique_ptr<http::server> admin_;
};

} // namespace easymo
