// The HTTP/1.1 server: listener, connections, limits and graceful stop.
//
// Pure protocol code: a handler receives each complete request on an io
// thread and answers through a responder, from any thread, whenever it likes.
// Everything a hostile client can grow is bounded here: header and body size,
// the time to send one request, idle keep-alive time, the time to take an
// answer, the number of pipelined answers held per connection and the number
// of connections.
#pragma once

#include "protocols/http/io_pool.hpp"
#include "protocols/http/message.hpp"
#include "protocols/http/responder.hpp"
#include "protocols/http/router.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace easymo::http {

/// The largest accepted `server_options::pipelined_max`. Each connection
/// keeps a ring of that many answer slots, so this caps its memory.
inline constexpr std::size_t pipelined_responses_max = 64;
static_assert(pipelined_responses_max > 0,
              "a connection must be able to hold at least one answer");

struct server_options {
  /// Numeric address to bind; "0.0.0.0" or "::" for every interface.
  std::string host = "127.0.0.1";

  /// Port to bind; 0 picks a free one, see server::port().
  std::uint16_t port = 0;

  /// The listener label in metrics and logs ("public", "admin").
  std::string name = "public";

  /// Larger bodies (declared or chunked) are answered 413 and the
  /// connection is closed.
  std::size_t body_bytes_max = 3 * 1024 * 1024;

  /// Larger request lines plus headers are answered 431 and closed.
  std::size_t header_bytes_max = 8 * 1024;

  /// Time to receive one whole request, header and body, from its first
  /// byte; also the time a new connection gets for its TLS handshake and for
  /// starting its first request. Slow senders are disconnected unanswered.
  std::chrono::nanoseconds read_timeout = std::chrono::seconds(30);

  /// Time a keep-alive connection may wait for its next request once every
  /// answer has been written. Never applies while an answer is pending.
  std::chrono::nanoseconds idle_timeout = std::chrono::seconds(60);

  /// Time to write one answer; a client that stops reading is disconnected.
  std::chrono::nanoseconds write_timeout = std::chrono::seconds(30);

  /// Open connections allowed. A plain connection over the cap gets a 503
  /// JSON answer (without its request being read) and is closed; a TLS
  /// connection over the cap is closed at once, since answering would cost
  /// a handshake, the very work being shed.
  std::size_t connections_max = 10'000;

  /// Answers held per connection (pipelining depth), 1 to
  /// pipelined_responses_max. Reading pauses while that many are pending.
  std::size_t pipelined_max = 16;

  /// PEM certificate chain and private key. Both set: HTTPS. Both empty:
  /// plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;

  bool tls() const { return !tls_cert_file.empty(); }
};

namespace detail {
struct server_core;
class listener;
} // namespace detail

class server {
public:
  /// Binds, listens and starts accepting on `pool`. Throws
  /// std::invalid_argument for inconsistent options,
  /// boost::system::system_error when the host is not a numeric address or
  /// cannot be bound, and std::runtime_error when the TLS files cannot be
  /// loaded.
  server(io_pool& pool, server_options options, handler on_request);

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Stops accepting and closes every connection.
  ~server();

  /// The bound port (the chosen one when the options asked for 0).
  std::uint16_t port() const;

  const server_options& options() const;

  /// Closes the listening socket: new connections are refused. Connections
  /// idle in keep-alive are closed; busy ones finish the requests already
  /// received, answer with `Connection: close` and close. Thread-safe; the
  /// listening socket is closed when this returns.
  void stop_accepting();

  /// Requests handed to the handler and not answered yet.
  std::size_t in_flight() const;

  /// Connections currently admitted (not counting ones refused over the cap).
  std::size_t connections() const;

  /// Blocks until in_flight() is zero or `timeout` passes; returns whether
  /// it reached zero. Answers handed over may still be in the socket: use
  /// drain() before closing. Must not be called from an io thread.
  bool wait_idle(std::chrono::nanoseconds timeout) const;

  /// The graceful stop: stop_accepting(), then block until every request
  /// received has been answered and every connection has written its last
  /// answer and closed, or `timeout` passes. Returns whether everything
  /// finished; if not, close_all() cuts the rest. Must not be called from an
  /// io thread.
  bool drain(std::chrono::nanoseconds timeout);

  /// Closes every connection now. Pending answers are dropped; calling their
  /// responders later is harmless.
  void close_all();

private:
  std::shared_ptr<detail::server_core> core_;
  std::shared_ptr<detail::listener> listener_;
};

} // namespace easymo::http
