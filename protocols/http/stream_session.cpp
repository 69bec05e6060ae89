#include "protocols/http/stream_session.hpp"

#include "runtime/log.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <type_traits>

namespace easymo::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

template <class Stream>
constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

template <class Stream>
Stream make_stream(tcp::socket&& socket, server_core& core) {
  if constexpr (is_tls<Stream>)
    return Stream(std::move(socket), *core.tls);
  else
    return Stream(std::move(socket));
}

tcp::endpoint remote_of(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  return ec ? tcp::endpoint{} : endpoint;
}

} // namespace

template <class Stream>
stream_session<Stream>::stream_session(std::shared_ptr<server_core> core,
                                       tcp::socket socket)
  : session(core, socket.get_executor(), remote_of(socket)),
    stream_(make_stream<Stream>(std::move(socket), *core)) {
}

template <class Stream>
void stream_session<Stream>::start_io() {
  if constexpr (is_tls<Stream>) {
    handshaking_ = true;
    set_read_deadline(core_->opts.read_timeout);
    stream_.async_handshake(
      asio::ssl::stream_base::server,
      beast::bind_front_handler(&stream_session::on_handshake,
                                std::static_pointer_cast<stream_session>(
                                  shared_from_this())));
  } else {
    do_read();
  }
}

template <class Stream>
void stream_session<Stream>::on_handshake(error_code ec) {
  handshaking_ = false;
  if (closed_)
    return;
  if (ec) {
    log::debug("http", "TLS handshake failed",
               {{"listener", core_->opts.name}, {"error", ec.message()}});
    return hard_close();
  }
  do_read();
}

template <class Stream>
void stream_session<Stream>::read_some(read_handler next) {
  stream_.async_read_some(
    buffer_.prepare(beast::read_size(buffer_, read_chunk_bytes)),
    beast::bind_front_handler(next, shared_from_this()));
}

template <class Stream>
void stream_session<Stream>::read_request() {
  beast_http::async_read(
    stream_, buffer_, *parser_,
    beast::bind_front_handler(&stream_session::on_read, shared_from_this()));
}

template <class Stream>
void stream_session<Stream>::write_answer(response& answer) {
  beast_http::async_write(
    stream_, answer,
    beast::bind_front_handler(&stream_session::on_write, shared_from_this()));
}

template <class Stream>
void stream_session<Stream>::close_gracefully() {
  if constexpr (is_tls<Stream>) {
    // An SSL stream cannot shut down while a read is outstanding; such a
    // connection is idle and owes nothing, so it simply goes.
    if (reading_)
      return hard_close();
    stream_.async_shutdown(
      beast::bind_front_handler(&stream_session::on_shutdown,
                                std::static_pointer_cast<stream_session>(
                                  shared_from_this())));
  } else {
    // Send our FIN, then read until the client's, so that unread request
    // bytes cannot turn the close into a reset that destroys the answer.
    error_code ignored;
    stream_.shutdown(tcp::socket::shutdown_send, ignored);
    if (!reading_)
      linger();
  }
}

template <class Stream>
void stream_session<Stream>::on_shutdown(error_code) {
  // Whether or not the client answered our close_notify, we are done.
  hard_close();
}

template <class Stream>
tcp::socket& stream_session<Stream>::socket() {
  if constexpr (is_tls<Stream>)
    return stream_.next_layer();
  else
    return stream_;
}

template class stream_session<plain_stream>;
template class stream_session<tls_stream>;

} // namespace easymo::http::detail
