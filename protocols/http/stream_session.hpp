// The transport half of a connection: plain TCP or TLS over TCP.
#pragma once

#include "protocols/http/session.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include <memory>

namespace easymo::http::detail {

using plain_stream = boost::asio::ip::tcp::socket;
using tls_stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket>;

template <class Stream>
class stream_session final : public session {
public:
  /// `socket` must use the connection's strand as its executor.
  stream_session(std::shared_ptr<server_core> core, tcp::socket socket);

private:
  void start_io() override;
  void read_some(read_handler next) override;
  void read_request() override;
  void write_answer(response& answer) override;
  void close_gracefully() override;
  tcp::socket& socket() override;

  void on_handshake(error_code ec);
  void on_shutdown(error_code ec);

  Stream stream_;
};

extern template class stream_session<plain_stream>;
extern template class stream_session<tls_stream>;

} // namespace easymo::http::detail
