// The HTTP server over TLS.
//
// A self-signed certificate is generated at test time with the OpenSSL 3 C
// API; the client trusts exactly that certificate and checks the host name,
// so a passing handshake proves the server presented the configured chain.
// The client runs its own io_context in the test thread with run_for(), so
// every step has a deadline even though TLS buffers defeat poll(2).

#include "protocols/http/server.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/tls_cert.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/test/unit_test.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace http = easymo::http;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

class tls_client {
public:
  tls_client(std::uint16_t port, const std::string& trusted_cert)
    : tls_(ssl::context::tls_client), stream_(ctx_, tls_) {
    tls_.load_verify_file(trusted_cert);
    stream_.set_verify_mode(ssl::verify_peer);
    stream_.set_verify_callback(ssl::host_name_verification("localhost"));
    SSL_set_tlsext_host_name(stream_.native_handle(), "localhost");
    stream_.next_layer().connect({asio::ip::make_address("127.0.0.1"), port});
  }

  void handshake() {
    run([&](auto done) {
      stream_.async_handshake(ssl::stream_base::client, done);
    });
  }

  void send(const bhttp::request<bhttp::string_body>& req) {
    run([&](auto done) {
      bhttp::async_write(stream_, req,
                         [done](boost::system::error_code ec, std::size_t) {
                           done(ec);
                         });
    });
  }

  easymo::test::raw_response read_response() {
    easymo::test::raw_response res;
    run([&](auto done) {
      bhttp::async_read(stream_, buffer_, res,
                        [done](boost::system::error_code ec, std::size_t) {
                          done(ec);
                        });
    });
    return res;
  }

private:
  // Starts one operation and runs the client's context until it completes
  // or the deadline passes.
  template <class Start>
  void run(Start start) {
    boost::system::error_code result = asio::error::timed_out;
    bool finished = false;
    start([&](boost::system::error_code ec) {
      result = ec;
      finished = true;
    });
    ctx_.restart();
    ctx_.run_for(easymo::test::wait_max);
    if (!finished || result)
      throw std::runtime_error("TLS client: " + result.message());
  }

  asio::io_context ctx_;
  ssl::context tls_;
  ssl::stream<tcp::socket> stream_;
  boost::beast::flat_buffer buffer_;
};

bhttp::request<bhttp::string_body> get(const std::string& target) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "localhost");
  return req;
}

struct tls_fixture {
  easymo::test::self_signed_cert cert;
  http::io_pool pool{2};
  std::unique_ptr<http::server> srv;

  tls_fixture() {
    easymo::log::configure(easymo::log::level::off);
    http::router routes;
    routes.add(bhttp::verb::get, "/hello",
               [](http::request_ptr req, http::responder res) {
                 res(http::text_response(bhttp::status::ok,
                                         "hello " + req->id));
               });
    http::server_options opts;
    opts.name = "tls_test";
    opts.read_timeout = 1s;
    opts.idle_timeout = 1s;
    opts.write_timeout = 1s;
    opts.tls_cert_file = cert.cert_file();
    opts.tls_key_file = cert.key_file();
    srv = std::make_unique<http::server>(pool, opts, routes);
    pool.start();
  }

  ~tls_fixture() {
    srv.reset();
    pool.stop();
    pool.join();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(http_tls, tls_fixture)

BOOST_AUTO_TEST_CASE(https_round_trip_with_keep_alive) {
  tls_client c{srv->port(), cert.cert_file()};
  c.handshake();
  c.send(get("/hello"));
  auto first = c.read_response();
  BOOST_TEST(first.result_int() == 200u);
  std::string id{first["X-Request-Id"]};
  BOOST_TEST(first.body() == "hello " + id);
  c.send(get("/nowhere"));
  auto second = c.read_response();
  BOOST_TEST(second.result_int() == 404u);
  BOOST_TEST(second[bhttp::field::content_type] == "application/json");
  BOOST_TEST(srv->connections() == 1u);
}

BOOST_AUTO_TEST_CASE(plain_http_on_the_tls_port_is_dropped) {
  easymo::test::raw_client c{srv->port()};
  c.send(easymo::test::request_text("GET", "/hello"));
  BOOST_TEST(c.closed_within(easymo::test::wait_max));
  // Whatever came back was a TLS alert at most, never an HTTP answer.
  BOOST_TEST(c.received_bytes() < 64u);
}

BOOST_AUTO_TEST_CASE(stalled_handshake_is_cut_off) {
  easymo::test::raw_client c{srv->port()};
  BOOST_TEST(c.closed_within(3s));
  BOOST_TEST(easymo::metrics::registry::global()
               .counters("easymo_http_rejected_total", "",
                         {"listener", "reason"})
               .with({"tls_test", "timeout"})
               .value()
             >= 1);
}

BOOST_AUTO_TEST_SUITE_END()
