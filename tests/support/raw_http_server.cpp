#include "tests/support/raw_http_server.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cctype>

namespace easymo::test {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

// Finds Content-Length in a raw header block; zero when absent.
size_t content_length(std::string_view head) {
  std::string lower{head};
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto at = lower.find("\r\ncontent-length:");
  if (at == std::string::npos)
    return 0;
  return std::stoul(lower.substr(at + 17));
}

} // namespace

std::string http_response(
  int status, std::string_view body,
  const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " Whatever\r\n";
  for (const auto& [name, value] : headers)
    out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

http_script http_script::answer(std::string response, size_t responses_max) {
  return {action::respond, responses_max, {std::move(response)}};
}

http_script http_script::stall() {
  return {action::stall, 0, {}};
}

http_script http_script::hold() {
  return {action::hold, std::numeric_limits<size_t>::max(),
          {http_response(200, "held")}};
}

http_script http_script::close_on_accept() {
  return {action::close_on_accept, 0, {}};
}

http_script http_script::partial_then_close(const std::string& response) {
  return {action::respond, 1, {response.substr(0, response.size() / 2)}};
}

http_script http_script::malformed() {
  return {action::respond, 1, {"HTTP/1.1 two hundred OK\r\n\r\n"}};
}

// -- one accepted connection ---------------------------------------------------

template <class Stream>
class raw_session : public std::enable_shared_from_this<raw_session<Stream>> {
public:
  raw_session(raw_http_server& server, Stream stream, http_script script)
    : server_(server), stream_(std::move(stream)), script_(std::move(script)) {
  }

  void start() {
    if (script_.what == http_script::action::close_on_accept)
      return close();
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      read_request();
    } else {
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                if (ec)
                                  return self->close();
                                self->read_request();
                              });
    }
  }

private:
  void read_request() {
    asio::async_read_until(
      stream_, asio::dynamic_buffer(buf_), "\r\n\r\n",
      [self = this->shared_from_this()](error_code ec, size_t head) {
        self->on_head(ec, head);
      });
  }

  void on_head(error_code ec, size_t head) {
    if (ec)
      return on_read_error(ec);
    size_t total = head + content_length(std::string_view{buf_}.substr(0, head));
    if (buf_.size() >= total)
      return on_request(total);
    asio::async_read(stream_, asio::dynamic_buffer(buf_),
                     asio::transfer_exactly(total - buf_.size()),
                     [self = this->shared_from_this(), total](error_code ec,
                                                             size_t) {
                       if (ec)
                         return self->on_read_error(ec);
                       self->on_request(total);
                     });
  }

  void on_request(size_t total) {
    server_.record(buf_.substr(0, total));
    buf_.erase(0, total);
    switch (script_.what) {
      case http_script::action::stall:
        return read_request();
      case http_script::action::hold:
        return server_.when_released(
          [self = this->shared_from_this()] { self->answer(); });
      default:
        return answer();
    }
  }

  void answer() {
    const auto& all = script_.responses;
    auto bytes = std::make_shared<std::string>(
      all.empty() ? std::string{} : all[std::min(answered_, all.size() - 1)]);
    asio::async_write(stream_, asio::buffer(*bytes),
                      [self = this->shared_from_this(), bytes](error_code ec,
                                                              size_t) {
                        if (ec)
                          return self->close();
                        if (++self->answered_ >= self->script_.responses_max)
                          return self->close();
                        self->read_request();
                      });
  }

  void on_read_error(error_code ec) {
    if (ec != asio::error::operation_aborted)
      ++server_.client_closes_;
    close();
  }

  void close() {
    error_code ignored;
    stream_.lowest_layer().close(ignored);
  }

  raw_http_server& server_;
  Stream stream_;
  http_script script_;
  std::string buf_;
  size_t answered_ = 0;
};

// -- the server ----------------------------------------------------------------

raw_http_server::raw_http_server(std::shared_ptr<ssl::context> tls)
  : acceptor_(ioc_, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}),
    tls_(std::move(tls)) {
  port_ = acceptor_.local_endpoint().port();
  do_accept();
  thread_ = std::thread{[this] { ioc_.run(); }};
}

raw_http_server::~raw_http_server() {
  ioc_.stop();
  thread_.join();
}

std::string raw_http_server::url(std::string_view path,
                                 std::string_view host) const {
  return std::string{tls_ ? "https://" : "http://"} + std::string{host} + ":"
         + std::to_string(port_) + std::string{path};
}

void raw_http_server::set_default(http_script script) {
  std::lock_guard guard{mtx_};
  default_script_ = std::move(script);
}

void raw_http_server::push(http_script script) {
  std::lock_guard guard{mtx_};
  scripts_.push_back(std::move(script));
}

void raw_http_server::release() {
  asio::post(ioc_, [this] {
    released_ = true;
    for (auto& answer : std::exchange(held_, {}))
      answer();
  });
}

std::vector<std::string> raw_http_server::requests() const {
  std::lock_guard guard{mtx_};
  return requests_;
}

size_t raw_http_server::request_count() const {
  std::lock_guard guard{mtx_};
  return requests_.size();
}

void raw_http_server::do_accept() {
  acceptor_.async_accept([this](error_code ec, tcp::socket socket) {
    if (ec)
      return;
    ++accepted_;
    if (tls_)
      std::make_shared<raw_session<ssl::stream<tcp::socket>>>(
        *this, ssl::stream<tcp::socket>{std::move(socket), *tls_},
        next_script())
        ->start();
    else
      std::make_shared<raw_session<tcp::socket>>(*this, std::move(socket),
                                                 next_script())
        ->start();
    do_accept();
  });
}

http_script raw_http_server::next_script() {
  std::lock_guard guard{mtx_};
  if (scripts_.empty())
    return default_script_;
  auto script = std::move(scripts_.front());
  scripts_.pop_front();
  return script;
}

void raw_http_server::record(std::string raw) {
  std::lock_guard guard{mtx_};
  requests_.push_back(std::move(raw));
}

void raw_http_server::when_released(std::function<void()> answer) {
  if (released_)
    return answer();
  held_.push_back(std::move(answer));
}

} // namespace easymo::test
