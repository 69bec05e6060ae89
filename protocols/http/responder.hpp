// The handle a handler answers through, from any thread, exactly once.
//
// Copies share one state. The first call sends the answer; later calls are
// ignored and logged. When the last copy goes away unanswered, the state's
// destructor answers 500, so a handler that forgets (or an actor that dies
// holding the responder) never leaves a client hanging.
#pragma once

#include "protocols/http/message.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace easymo::http {

class route_metrics;

namespace detail {

/// The connection side of a responder: where a finished answer goes.
class response_sink {
public:
  virtual ~response_sink() = default;

  /// Called on any thread; implementations hop to their own executor.
  virtual void deliver(std::uint64_t seq, response res) = 0;

  /// Closes the connection now, dropping pending answers; any thread.
  virtual void abort() = 0;
};

} // namespace detail

class responder {
public:
  struct state;

  /// A responder that passes the answer to `sink` on the calling thread.
  /// Adapters and tests use it to drive handlers without a socket.
  explicit responder(std::function<void(response)> sink);

  /// A responder bound to slot `seq` of a connection (used by the server).
  responder(std::weak_ptr<detail::response_sink> sink, std::uint64_t seq,
            std::string request_id,
            std::chrono::steady_clock::time_point received,
            route_metrics* route,
            std::shared_ptr<std::atomic<std::size_t>> in_flight);

  /// Sends `res`. Thread-safe; only the first call on any copy counts. When
  /// the connection is already gone the answer is dropped silently.
  void operator()(response res) const;

  /// Hangs up instead of answering: the connection closes at once, with
  /// no response, as a peer that drops connections would. Counts as the
  /// answer (later calls are ignored). Simulators of flaky gateways use it.
  void abort_connection() const;

  /// Names the route the answer is counted under. Routers call it before
  /// passing the responder on.
  void set_route(route_metrics& route) const;

  /// Whether some copy has been called already.
  bool answered() const;

private:
  std::shared_ptr<state> state_;
};

/// The signature every request handler has. It runs on an io thread and
/// must not block: answer inline, or keep the responder and answer later.
using handler = std::function<void(request_ptr, responder)>;

} // namespace easymo::http
