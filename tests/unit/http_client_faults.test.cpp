// Every way a call can fail, each provoked for real: a server that stalls,
// hangs up before or during a response, talks nonsense or sends too much, a
// port nobody listens on, and requests the client must refuse to send. Each
// case checks the client_error the caller sees and, where it matters, what
// the server saw of the connection.
#include "protocols/http/client.hpp"

#include "tests/support/http_client_fixture.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http_server.hpp"

#include <boost/test/unit_test.hpp>

#include <future>
#include <vector>

using namespace easymo;
using test::client_fixture;
using test::http_response;
using test::http_script;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_CASE(a_stalled_server_times_out_and_the_socket_is_closed) {
  test::raw_http_server server;
  server.set_default(http_script::stall());
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url(), 200ms).result(), "timeout");
  // The server sees EOF: the deadline closed the socket rather than only
  // abandoning the call.
  BOOST_CHECK(test::eventually([&] { return server.client_closes() == 1; }));
  BOOST_CHECK_EQUAL(server.request_count(), 1u);
}

BOOST_AUTO_TEST_CASE(the_deadline_covers_the_time_spent_queued) {
  test::raw_http_server server;
  server.set_default(http_script::hold());
  http::client_options opts;
  opts.connections_per_host_max = 1;
  client_fixture fx{opts};
  auto first = fx.start({bhttp::verb::get, server.url(), {}, {}, {}, "t"});
  BOOST_CHECK_EQUAL(fx.get(server.url(), 100ms).result(), "timeout");
  server.release();
  BOOST_CHECK_EQUAL(client_fixture::wait(first).result(), "ok");
  BOOST_CHECK_EQUAL(server.request_count(), 1u);
}

BOOST_AUTO_TEST_CASE(a_refused_connection_is_connect_failed) {
  client_fixture fx;
  auto url = "http://127.0.0.1:" + std::to_string(test::free_port()) + "/";
  BOOST_CHECK_EQUAL(fx.get(url).result(), "connect_failed");
}

BOOST_AUTO_TEST_CASE(a_close_right_after_accept_is_closed) {
  test::raw_http_server server;
  server.set_default(http_script::close_on_accept());
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "closed");
  // A fresh connection is never retried: the failure is not a stale pool.
  BOOST_CHECK_EQUAL(server.accepted(), 1u);
}

BOOST_AUTO_TEST_CASE(a_response_cut_short_is_closed) {
  test::raw_http_server server;
  server.set_default(http_script::partial_then_close(
    http_response(200, std::string(1000, 'x'))));
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "closed");
}

BOOST_AUTO_TEST_CASE(a_header_cut_short_is_closed) {
  test::raw_http_server server;
  server.set_default(
    http_script::answer("HTTP/1.1 200 OK\r\nContent-Len", 1));
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "closed");
}

BOOST_AUTO_TEST_CASE(a_malformed_status_line_is_a_protocol_error) {
  test::raw_http_server server;
  server.set_default(http_script::malformed());
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "protocol");
}

BOOST_AUTO_TEST_CASE(bad_chunk_framing_is_a_protocol_error) {
  test::raw_http_server server;
  server.set_default(http_script::answer(
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n", 1));
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "protocol");
}

BOOST_AUTO_TEST_CASE(a_body_over_the_limit_is_rejected_by_length) {
  test::raw_http_server server;
  server.set_default(
    http_script::answer(http_response(200, std::string(4096, 'x'))));
  http::client_options opts;
  opts.response_body_bytes_max = 1024;
  client_fixture fx{opts};
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "body_too_large");
}

BOOST_AUTO_TEST_CASE(a_chunked_body_over_the_limit_is_rejected_as_it_grows) {
  test::raw_http_server server;
  std::string chunk(2048, 'x');
  server.set_default(http_script::answer(
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + chunk
    + "\r\n0\r\n\r\n"));
  http::client_options opts;
  opts.response_body_bytes_max = 1024;
  client_fixture fx{opts};
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "body_too_large");
}

BOOST_AUTO_TEST_CASE(urls_that_are_not_absolute_http_are_bad_url) {
  test::raw_http_server server;
  client_fixture fx;
  for (const auto* url :
       {"", "not a url", "graph.facebook.com/v21.0", "ftp://example.com/",
        "http://", "http:///path", "http://user:pw@example.com/",
        "http://example.com:0/", "http://example.com:99999/",
        "http://exa mple.com/"})
    BOOST_CHECK_MESSAGE(fx.get(url).result() == "bad_url", url);
  BOOST_CHECK_EQUAL(server.accepted(), 0u);
}

BOOST_AUTO_TEST_CASE(forged_or_client_owned_headers_are_bad_request) {
  test::raw_http_server server;
  client_fixture fx;
  std::vector<http::client_headers> bad{
    {{"X-Note", "a\r\nX-Injected: 1"}},
    {{"Bad Name", "1"}},
    {{"", "1"}},
    {{"Host", "evil.example"}},
    {{"content-length", "5"}},
    {{"Transfer-Encoding", "chunked"}},
    {{"Connection", "close"}},
  };
  for (auto& headers : bad) {
    http::client_request req;
    req.url = server.url();
    req.headers = headers;
    BOOST_CHECK_MESSAGE(fx.call(req).result() == "bad_request",
                        headers[0].first);
  }
  BOOST_CHECK_EQUAL(server.accepted(), 0u);
}

BOOST_AUTO_TEST_CASE(a_head_response_has_no_body_and_keeps_the_connection) {
  test::raw_http_server server;
  // Content-Length announces the body a GET would get; none follows.
  server.set_default(http_script::answer(
    "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"));
  client_fixture fx;
  http::client_request req;
  req.method = bhttp::verb::head;
  req.url = server.url();
  for (int i = 0; i < 2; ++i) {
    auto out = fx.call(req);
    BOOST_CHECK_EQUAL(out.result(), "ok");
    BOOST_CHECK_EQUAL(out.response.body, "");
  }
  BOOST_CHECK_EQUAL(server.accepted(), 1u);
}

BOOST_AUTO_TEST_CASE(connection_close_is_honoured_without_a_retry) {
  test::raw_http_server server;
  server.set_default(http_script::answer(
    http_response(200, "bye", {{"Connection", "close"}}), 1));
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_CHECK_EQUAL(server.accepted(), 2u);
  BOOST_CHECK_EQUAL(server.request_count(), 2u);
}

BOOST_AUTO_TEST_CASE(a_throwing_callback_does_not_take_the_client_down) {
  test::raw_http_server server;
  client_fixture fx;
  fx.client->send({bhttp::verb::get, server.url(), {}, {}, {}, "t"},
                  [](auto, auto) { throw std::runtime_error("careless"); });
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
}
