// A deliberately dumb HTTP/1.1 server for client tests: it listens on
// 127.0.0.1 (port 0) on its own io thread, plain or TLS, and follows a script
// per accepted connection, so tests can make a server answer, stall, hang up
// mid-response or talk nonsense. It counts connections, notices when the
// client closes one, and records the raw requests it read.
//
// It parses only what it must: a header block, then Content-Length bytes.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace easymo::test {

/// A complete raw response with a Content-Length.
std::string http_response(int status, std::string_view body,
                          const std::vector<std::pair<std::string, std::string>>&
                            headers = {});

/// What the server does on one connection.
struct http_script {
  enum class action {
    respond,         // answer each request, `responses_max` times, then close
    stall,           // read requests and never answer
    hold,            // answer once release() is called, then as `respond`
    close_on_accept, // close before reading anything
  };

  action what = action::respond;
  size_t responses_max = std::numeric_limits<size_t>::max();
  /// Raw bytes written for the n-th request (the last entry repeats); they
  /// need not be valid HTTP.
  std::vector<std::string> responses{http_response(200, "ok")};

  static http_script answer(std::string response,
                            size_t responses_max
                            = std::numeric_limits<size_t>::max());
  static http_script stall();
  static http_script hold();
  static http_script close_on_accept();
  /// The first half of `response`, then a close.
  static http_script partial_then_close(const std::string& response);
  /// A response whose status line is not HTTP.
  static http_script malformed();
};

class raw_http_server {
public:
  /// Plain HTTP, or TLS with `tls` (certificate and key loaded).
  explicit raw_http_server(
    std::shared_ptr<boost::asio::ssl::context> tls = nullptr);
  ~raw_http_server();

  raw_http_server(const raw_http_server&) = delete;
  raw_http_server& operator=(const raw_http_server&) = delete;

  uint16_t port() const { return port_; }

  /// "http(s)://<host>:<port><path>"; `host` is how the client names us.
  std::string url(std::string_view path = "/",
                  std::string_view host = "127.0.0.1") const;

  /// The script for connections that find no pushed script.
  void set_default(http_script script);

  /// A script for the next accepted connection (first pushed, first used).
  void push(http_script script);

  /// Opens the gate for `hold` connections, now and later.
  void release();

  /// Connections accepted so far.
  size_t accepted() const { return accepted_.load(); }

  /// Connections the client closed (EOF or reset while we were reading).
  size_t client_closes() const { return client_closes_.load(); }

  /// Every complete request read so far, raw, in arrival order.
  std::vector<std::string> requests() const;
  size_t request_count() const;

private:
  template <class Stream>
  friend class raw_session;

  void do_accept();
  http_script next_script();
  void record(std::string raw);
  /// Runs `answer` now if the gate is open, else when it opens. Io thread.
  void when_released(std::function<void()> answer);

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  uint16_t port_ = 0;
  std::atomic<size_t> accepted_{0};
  std::atomic<size_t> client_closes_{0};
  mutable std::mutex mtx_;
  http_script default_script_;          // guarded by mtx_
  std::deque<http_script> scripts_;     // guarded by mtx_
  std::vector<std::string> requests_;   // guarded by mtx_
  bool released_ = false;               // io thread only
  std::vector<std::function<void()>> held_; // io thread only
  std::thread thread_;
};

} // namespace easymo::test
