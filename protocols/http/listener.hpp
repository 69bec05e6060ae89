// Accepts connections and admits them under the connection cap.
#pragma once

#include "protocols/http/server_core.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <mutex>

namespace easymo::http::detail {

class listener : public std::enable_shared_from_this<listener> {
public:
  using error_code = boost::system::error_code;

  /// Binds and listens at once, so a taken port fails the constructor and
  /// port() is known before the first accept. Throws std::system_error.
  listener(boost::asio::io_context& ctx, std::shared_ptr<server_core> core);

  /// Starts the accept loop.
  void start();

  /// Closes the listening socket. Thread-safe and synchronous: once it
  /// returns, new connection attempts are refused by the kernel.
  void stop();

  std::uint16_t port() const { return port_; }

private:
  void do_accept();
  void on_accept(error_code ec, boost::asio::ip::tcp::socket socket);
  void on_retry(error_code ec);
  void admit(boost::asio::ip::tcp::socket socket);
  void refuse(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  void start_session(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ctx_;
  std::shared_ptr<server_core> core_;
  // stop() comes from any thread while the accept loop runs on an io
  // thread; asio objects are not safe for concurrent calls, so both take it.
  std::mutex mtx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

} // namespace easymo::http::detail
