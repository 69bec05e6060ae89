#include "tests/support/raw_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <poll.h>

#include <stdexcept>

namespace easymo::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

// Waits until `fd` is readable (data, EOF or error) or `deadline` passes.
bool wait_readable(int fd, clock_type::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - clock_type::now());
    if (left.count() < 0)
      return false;
    pollfd entry{fd, POLLIN, 0};
    int n = ::poll(&entry, 1, static_cast<int>(left.count()));
    if (n > 0)
      return true;
    if (n == 0)
      return false;
    // EINTR: poll again with what is left.
  }
}

// A SyncReadStream that refuses to block past a deadline, so Beast's
// blocking http::read can be bounded.
class deadline_stream {
public:
  deadline_stream(tcp::socket& socket, clock_type::time_point deadline)
    : socket_(socket), deadline_(deadline) {
  }

  template <class Buffers>
  std::size_t read_some(const Buffers& buffers,
                        boost::system::error_code& ec) {
    if (!wait_readable(socket_.native_handle(), deadline_)) {
      ec = asio::error::timed_out;
      return 0;
    }
    return socket_.read_some(buffers, ec);
  }

  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    boost::system::error_code ec;
    auto n = read_some(buffers, ec);
    if (ec)
      throw boost::system::system_error(ec);
    return n;
  }

private:
  tcp::socket& socket_;
  clock_type::time_point deadline_;
};

} // namespace

raw_client::raw_client(std::uint16_t port) : socket_(ctx_) {
  socket_.connect({asio::ip::make_address("127.0.0.1"), port});
}

bool raw_client::send(std::string_view bytes) {
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(bytes.data(), bytes.size()), ec);
  return !ec;
}

raw_response raw_client::read_response(std::chrono::milliseconds timeout) {
  return read(timeout, false);
}

raw_response
raw_client::read_head_response(std::chrono::milliseconds timeout) {
  return read(timeout, true);
}

raw_response raw_client::read(std::chrono::milliseconds timeout, bool head) {
  deadline_stream stream{socket_, clock_type::now() + timeout};
  beast::http::response_parser<beast::http::string_body> parser;
  parser.skip(head);
  boost::system::error_code ec;
  beast::http::read(stream, buffer_, parser, ec);
  if (ec)
    throw std::runtime_error("no response: " + ec.message());
  return parser.release();
}

bool raw_client::closed_within(std::chrono::milliseconds timeout) {
  auto deadline = clock_type::now() + timeout;
  discarded_ += buffer_.size();
  buffer_.consume(buffer_.size());
  char scratch[4096];
  for (;;) {
    if (!wait_readable(socket_.native_handle(), deadline))
      return false;
    boost::system::error_code ec;
    auto n = socket_.read_some(asio::buffer(scratch), ec);
    if (ec)
      return true; // EOF or reset: closed either way.
    discarded_ += n;
  }
}

void raw_client::close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

bool can_connect(std::uint16_t port) {
  asio::io_context ctx;
  tcp::socket socket{ctx};
  boost::system::error_code ec;
  socket.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

std::string request_text(std::string_view method, std::string_view target,
                         std::string_view body,
                         std::string_view extra_headers) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  out.append("Host: test\r\n");
  if (!body.empty())
    out.append("Content-Length: ").append(std::to_string(body.size()))
      .append("\r\n");
  out.append(extra_headers).append("\r\n").append(body);
  return out;
}

} // namespace easymo::test
