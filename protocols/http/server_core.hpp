// State shared by a server, its listener and its connections.
//
// Connections and responders keep the core alive through shared_ptr, so a
// server object can be destroyed while answers are still on their way: the
// counters and the handler they touch outlive it.
#pragma once

#include "protocols/http/metrics.hpp"
#include "protocols/http/responder.hpp"
#include "protocols/http/server.hpp"

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <vector>

namespace easymo::http::detail {

/// What the server asks of every open connection. Both calls only post to
/// the connection's strand, so they are safe from any thread.
class connection : public response_sink {
public:
  /// Close when idle; otherwise answer what was received, then close.
  virtual void stop() = 0;

  /// Close now, dropping pending answers.
  virtual void abort() = 0;
};

/// Server-made answers that are still being written when over the
/// connection cap. Beyond this, refused sockets are closed without a word so
/// a connection flood cannot pile up writers.
inline constexpr std::size_t refusals_pending_max = 64;

struct server_core {
  server_core(server_options options, handler on_request);

  const server_options opts;
  const handler on_request;
  listener_metrics& metrics;
  /// Null for plain HTTP.
  const std::shared_ptr<boost::asio::ssl::context> tls;

  std::atomic<std::size_t> connections{0};
  std::atomic<std::size_t> refusals{0};
  std::atomic<std::size_t> in_flight{0};
  std::atomic<bool> stopping{false};

  using registry = std::list<std::weak_ptr<connection>>;

  /// Records an open connection so stop() and close_all() can reach it.
  registry::iterator add(std::weak_ptr<connection> conn);

  /// Forgets a connection; called from its destructor.
  void remove(registry::iterator pos);

  /// The connections still alive.
  std::vector<std::shared_ptr<connection>> live();

private:
  std::mutex mtx_;
  registry conns_;
};

} // namespace easymo::http::detail
