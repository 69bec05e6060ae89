// Blocking raw-socket HTTP client for server tests.
//
// Tests write exact bytes (pipelined, chunked, malformed, trickled) and read
// what the server sends back. Every wait has a deadline, enforced with
// poll(2) because asio's blocking reads ignore SO_RCVTIMEO, so a server
// that hangs fails the test instead of hanging it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace easymo::test {

using raw_response
  = boost::beast::http::response<boost::beast::http::string_body>;

/// Default bound on any single wait; generous so slow CI never flakes.
inline constexpr std::chrono::milliseconds wait_max{5000};

class raw_client {
public:
  /// Connects to 127.0.0.1:port; throws if the connection is refused.
  explicit raw_client(std::uint16_t port);

  /// Writes every byte; returns false if the server already closed.
  bool send(std::string_view bytes);

  /// Reads one response; throws on timeout, close or a parse error.
  raw_response read_response(std::chrono::milliseconds timeout = wait_max);

  /// Reads the response to a HEAD request: headers only, whatever
  /// Content-Length says.
  raw_response read_head_response(std::chrono::milliseconds timeout
                                  = wait_max);

  /// Whether the server closed the connection (EOF or reset) within
  /// `timeout`. Bytes received meanwhile are counted in received_bytes().
  bool closed_within(std::chrono::milliseconds timeout);

  /// Bytes closed_within() read and discarded.
  std::size_t received_bytes() const { return discarded_; }

  /// Closes the client side.
  void close();

  boost::asio::ip::tcp::socket& socket() { return socket_; }

private:
  raw_response read(std::chrono::milliseconds timeout, bool head);

  boost::asio::io_context ctx_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::size_t discarded_ = 0;
};

/// Whether a TCP connection to 127.0.0.1:port is accepted by the kernel.
bool can_connect(std::uint16_t port);

/// Request bytes: start line, Host, Content-Length when `body` is not empty,
/// `extra_headers` (each ending in CRLF), blank line, body.
std::string request_text(std::string_view method, std::string_view target,
                         std::string_view body = {},
                         std::string_view extra_headers = {});

} // namespace easymo::test
