// The outbound HTTP client the app owns for every gateway call (WhatsApp
// now; payment and AI gateways later): its own io threads, so a slow
// gateway never delays the listeners, and one keep-alive pool per host.
//
// Lifetime: created before the actor system and destroyed after it, since
// breaker actors hold the client until they are gone; shutdown() fails the
// calls still in flight once the tree has stopped.
#pragma once

#include "runtime/config.hpp"

#include <memory>

namespace easymo::http {
class client;
class io_pool;
} // namespace easymo::http

namespace easymo {

class outbound {
public:
  /// Starts the io threads and builds the client; throws when the client
  /// cannot be built (unreadable CA store).
  explicit outbound(const settings& s);
  ~outbound();

  outbound(const outbound&) = delete;
  outbound& operator=(const outbound&) = delete;

  std::shared_ptr<http::client> client() const { return client_; }

  /// Fails every call in flight and every later one.
  void shutdown();

private:
  std::unique_ptr<http::io_pool> io_;
  std::shared_ptr<http::client> client_;
};

} // namespace easymo
