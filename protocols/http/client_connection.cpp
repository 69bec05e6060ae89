#include "protocols/http/client_connection.hpp"

#include "protocols/http/client_metrics.hpp"
#include "runtime/log.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <optional>
#include <type_traits>
#include <utility>

namespace easymo::http::client_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;

// -- connection: the idle watch shared by both stream kinds -----------------

connection::connection(const strand& ex) : idle_timer_(ex) {
}

void connection::watch_idle(std::chrono::steady_clock::duration timeout,
                            idle_handler handler) {
  idle_timer_.expires_after(timeout);
  idle_timer_.async_wait([self = shared_from_this(), epoch = idle_epoch_,
                          handler = std::move(handler)](error_code ec) {
    // Cancelled, or reused (and maybe parked again) before this ran.
    if (ec || epoch != self->idle_epoch_)
      return;
    handler();
  });
}

void connection::stop_idle() {
  ++idle_epoch_;
  idle_timer_.cancel();
}

// -- stream_connection: the async steps, for tcp_stream or ssl_stream -------

namespace {

template <class Stream>
class stream_connection final : public connection {
public:
  static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;

  stream_connection(const strand& ex, std::shared_ptr<ssl::context> tls_ctx,
                    const target& where, bool verify_peer)
    : connection(ex),
      tls_ctx_(std::move(tls_ctx)),
      resolver_(ex),
      stream_(make_stream(ex, tls_ctx_.get())),
      host_(where.host),
      port_(where.port),
      host_is_ip_(where.host_is_ip),
      verify_peer_(verify_peer) {
  }

  ~stream_connection() override {
    uncount();
  }

  void async_open(open_handler handler) override {
    open_handler_ = std::move(handler);
    // Resolve for every new connection instead of caching the answer: API
    // front ends rotate addresses, and on a warm pool connecting is rare.
    resolver_.async_resolve(
      host_, port_,
      [self = self()](error_code ec, tcp::resolver::results_type results) {
        self->on_resolve(ec, std::move(results));
      });
  }

  void async_exchange(std::shared_ptr<const request_message> req,
                      size_t body_bytes_max,
                      exchange_handler handler) override {
    req_ = std::move(req);
    exchange_handler_ = std::move(handler);
    // A fresh parser for every response: a parser cannot be reused, and the
    // body limit counts from the start of one message.
    parser_.emplace();
    parser_->body_limit(body_bytes_max);
    parser_->header_limit(response_header_bytes_max);
    // A HEAD response announces a body length but carries no body.
    if (req_->method() == bhttp::verb::head)
      parser_->skip(true);
    bhttp::async_write(stream_, *req_, [self = self()](error_code ec, size_t) {
      self->on_write(ec);
    });
  }

  void close() override {
    closed_ = true;
    stop_idle();
    resolver_.cancel();
    beast::get_lowest_layer(stream_).close();
    uncount();
  }

  void close_gracefully() override {
    if constexpr (is_tls) {
      if (closed_)
        return;
      stop_idle();
      // close_notify tells the server this is not a truncation attack. Some
      // servers never answer it, so the wait is bounded.
      beast::get_lowest_layer(stream_).expires_after(tls_shutdown_timeout);
      stream_.async_shutdown(
        [self = self()](error_code ec) { self->on_shutdown(ec); });
    } else {
      error_code ignored;
      beast::get_lowest_layer(stream_).socket().shutdown(
        tcp::socket::shutdown_both, ignored);
      close();
    }
  }

private:
  static Stream make_stream(const strand& ex, ssl::context* tls_ctx) {
    if constexpr (is_tls)
      return Stream(ex, *tls_ctx);
    else
      return Stream(ex);
  }

  std::shared_ptr<stream_connection> self() {
    return std::static_pointer_cast<stream_connection>(shared_from_this());
  }

  // -- opening --------------------------------------------------------------

  void on_resolve(error_code ec, tcp::resolver::results_type results) {
    // A close() that raced the resolver's completion leaves ec clear, and
    // async_connect would reopen the socket it closed.
    if (ec || closed_)
      return fail_open(ec ? ec : asio::error::operation_aborted,
                       open_step::resolve);
    beast::get_lowest_layer(stream_).async_connect(
      results, [self = self()](error_code ec, const tcp::endpoint&) {
        self->on_connect(ec);
      });
  }

  void on_connect(error_code ec) {
    if (ec)
      return fail_open(ec, open_step::connect);
    counted_ = true;
    connections_open().add(1);
    // Requests are small and written at once; Nagle would only delay them.
    error_code ignored;
    beast::get_lowest_layer(stream_).socket().set_option(tcp::no_delay{true},
                                                         ignored);
    if constexpr (is_tls)
      start_handshake();
    else
      std::exchange(open_handler_, {})(error_code{}, open_step::connect);
  }

  void start_handshake() {
    // RFC 6066 forbids IP literals in SNI; for names, front ends that host
    // many domains pick the certificate from it.
    if (!host_is_ip_
        && !SSL_set_tlsext_host_name(stream_.native_handle(), host_.c_str()))
      return fail_open(error_code{static_cast<int>(::ERR_get_error()),
                                  asio::error::get_ssl_category()},
                       open_step::handshake);
    // The chain check alone would accept any site's valid certificate.
    if (verify_peer_)
      stream_.set_verify_callback(ssl::host_name_verification(host_));
    stream_.async_handshake(ssl::stream_base::client,
                            [self = self()](error_code ec) {
                              self->on_handshake(ec);
                            });
  }

  void on_handshake(error_code ec) {
    if (ec)
      return fail_open(ec, open_step::handshake);
    std::exchange(open_handler_, {})(error_code{}, open_step::handshake);
  }

  void fail_open(error_code ec, open_step step) {
    close();
    std::exchange(open_handler_, {})(ec, step);
  }

  // -- one exchange ---------------------------------------------------------

  void on_write(error_code ec) {
    if (ec)
      return complete_exchange(ec);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = self()](error_code ec, size_t) {
                        self->on_read(ec);
                      });
  }

  void on_read(error_code ec) {
    if (ec)
      return complete_exchange(ec);
    ++exchanges_;
    complete_exchange(error_code{});
  }

  void complete_exchange(error_code ec) {
    exchange_result result;
    result.ec = ec;
    result.got_bytes = parser_->got_some() || buffer_.size() > 0;
    if (!ec) {
      // Bytes beyond the response were never asked for: the stream is out
      // of step with our requests, so it must not carry another one.
      result.reusable = parser_->keep_alive() && buffer_.size() == 0;
      result.response = parser_->release();
    }
    req_.reset();
    std::exchange(exchange_handler_, {})(std::move(result));
  }

  // -- closing --------------------------------------------------------------

  void on_shutdown(error_code ec) {
    // Most servers answer close_notify by closing (eof, stream_truncated);
    // anything else is worth a line, but the socket goes either way.
    if (ec && ec != asio::error::eof && ec != ssl::error::stream_truncated)
      log::debug("http.client", "TLS shutdown failed",
                 {{"host", host_}, {"detail", ec.message()}});
    close();
  }

  void uncount() {
    if (counted_)
      connections_open().sub(1);
    counted_ = false;
  }

  std::shared_ptr<ssl::context> tls_ctx_;
  tcp::resolver resolver_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  std::shared_ptr<const request_message> req_;
  open_handler open_handler_;
  exchange_handler exchange_handler_;
  std::string host_;
  std::string port_;
  bool host_is_ip_;
  bool verify_peer_;
  bool closed_ = false;
  // Whether this connection is in the connections_open gauge.
  bool counted_ = false;
};

using plain_connection = stream_connection<beast::tcp_stream>;
using tls_connection = stream_connection<beast::ssl_stream<beast::tcp_stream>>;

} // namespace

std::shared_ptr<connection>
make_connection(const strand& ex, std::shared_ptr<ssl::context> tls_ctx,
                const target& where, bool verify_peer) {
  if (where.tls)
    return std::make_shared<tls_connection>(ex, std::move(tls_ctx), where,
                                            verify_peer);
  return std::make_shared<plain_connection>(ex, nullptr, where, verify_peer);
}

client_error classify_exchange_error(const error_code& ec) {
  if (ec == bhttp::error::body_limit)
    return client_error::body_too_large;
  // Both mean the peer closed: before any byte, or in the middle.
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message)
    return client_error::closed;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_version)
                         .category())
    return client_error::protocol;
  // Resets, broken pipes and TLS truncation: the connection went away.
  return client_error::closed;
}

} // namespace easymo::http::client_detail
