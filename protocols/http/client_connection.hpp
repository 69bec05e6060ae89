// Internal to the HTTP client: one TCP or TLS connection to a pool's host.
//
// Every member function is called on the pool's strand, and the socket, the
// resolver and the timers are bound to that strand, so their handlers run
// there too: a connection needs no locks.
#pragma once

#include "protocols/http/client_target.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace easymo::http::client_detail {

using strand = boost::asio::strand<boost::asio::io_context::executor_type>;
using response_message
  = boost::beast::http::response<boost::beast::http::string_body>;

/// A response header block larger than this is a protocol error. Beast's
/// 8 KiB default is too tight for the security headers some APIs send.
constexpr size_t response_header_bytes_max = 64 * 1024;

/// How long a TLS close_notify may take before the socket is just closed.
constexpr std::chrono::seconds tls_shutdown_timeout{2};

/// The step of opening a connection that failed.
enum class open_step { resolve, connect, handshake };

struct exchange_result {
  boost::system::error_code ec;
  response_message response;
  /// Some response byte arrived before the failure, so the server has seen
  /// the request and a retry could make it act twice.
  bool got_bytes = false;
  /// The connection can carry another exchange.
  bool reusable = false;
};

class connection : public std::enable_shared_from_this<connection> {
public:
  using open_handler
    = std::function<void(boost::system::error_code, open_step)>;
  using exchange_handler = std::function<void(exchange_result)>;
  using idle_handler = std::function<void()>;

  virtual ~connection() = default;

  /// Resolves the host, connects and, for TLS, performs the handshake.
  virtual void async_open(open_handler handler) = 0;

  /// Writes `req`, then reads one response with a body of at most
  /// `body_bytes_max` bytes.
  virtual void async_exchange(std::shared_ptr<const request_message> req,
                              size_t body_bytes_max,
                              exchange_handler handler)
    = 0;

  /// Closes the socket now; a pending operation completes with an error.
  virtual void close() = 0;

  /// Says goodbye first (TLS close_notify), then closes. For idle
  /// connections only: no operation may be pending.
  virtual void close_gracefully() = 0;

  /// Exchanges completed on this connection; non-zero means a reuse.
  size_t exchanges() const { return exchanges_; }

  /// Calls `handler` once the connection has been idle for `timeout`,
  /// unless stop_idle() comes first.
  void watch_idle(std::chrono::steady_clock::duration timeout,
                  idle_handler handler);

  void stop_idle();

protected:
  explicit connection(const strand& ex);

  size_t exchanges_ = 0;

private:
  boost::asio::steady_timer idle_timer_;
  // Tells a stale expiry (queued before stop_idle) from the current one.
  uint64_t idle_epoch_ = 0;
};

/// A connection to `where`, plain or TLS as its scheme says. `tls_ctx` holds
/// the trusted CAs; `verify_peer` adds the host name check.
std::shared_ptr<connection>
make_connection(const strand& ex,
                std::shared_ptr<boost::asio::ssl::context> tls_ctx,
                const target& where, bool verify_peer);

/// The client error for a failed write or read.
client_error classify_exchange_error(const boost::system::error_code& ec);

} // namespace easymo::http::client_detail
