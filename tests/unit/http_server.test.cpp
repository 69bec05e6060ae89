// The HTTP server against raw sockets: requests, routing, pipelining,
// size limits and malformed input.
//
// Each test talks to a real server byte by byte from the test thread with a
// blocking client whose every wait is bounded (see http_fixture.hpp).

#include "tests/support/http_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <thread>

using namespace easymo::test;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(http_server, server_fixture)

BOOST_AUTO_TEST_CASE(get_answers_200_with_request_id) {
  start(test_options("t_get"));
  raw_client c{port()};
  c.send(request_text("GET", "/hello"));
  auto first = c.read_response();
  BOOST_TEST(first.result_int() == 200u);
  BOOST_TEST(first.body() == "hello");
  BOOST_TEST(first[bhttp::field::content_length] == "5");
  std::string id{first["X-Request-Id"]};
  BOOST_TEST(id.size() == 12u);
  BOOST_TEST(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  c.send(request_text("GET", "/hello?lang=rw"));
  auto second = c.read_response();
  BOOST_TEST(second.result_int() == 200u);
  BOOST_TEST(std::string{second["X-Request-Id"]} != id);
}

BOOST_AUTO_TEST_CASE(unknown_path_is_404_and_wrong_method_is_405) {
  start(test_options("t_404"));
  raw_client c{port()};
  c.send(request_text("GET", "/nowhere"));
  auto missing = c.read_response();
  check_json_error(missing, 404);
  c.send(request_text("DELETE", "/hello"));
  auto wrong = c.read_response();
  check_json_error(wrong, 405);
  BOOST_TEST(wrong[bhttp::field::allow] == "GET");
  BOOST_TEST(requests("t_404", "(unmatched)", "404") == 1);
  BOOST_TEST(requests("t_404", "/hello", "405") == 1);
}

BOOST_AUTO_TEST_CASE(metrics_use_route_patterns_not_raw_paths) {
  start(test_options("t_metrics"));
  raw_client c{port()};
  c.send(request_text("GET", "/hello?a=1") + request_text("GET", "/hello?b=2"));
  c.read_response();
  c.read_response();
  BOOST_TEST(requests("t_metrics", "/hello", "200") == 2);
  auto& durations = easymo::metrics::registry::global()
                      .histograms("easymo_http_request_duration_seconds", "",
                                  {"listener", "route"})
                      .with({"t_metrics", "/hello"});
  BOOST_TEST(durations.count() == 2u);
  auto text = easymo::metrics::registry::global().render();
  BOOST_TEST(text.find("/hello?a=1") == std::string::npos);
  BOOST_TEST(text.find("easymo_http_connections_open{listener=\"t_metrics\"} 1")
             != std::string::npos);
  c.close();
  BOOST_TEST(eventually([&] { return srv->connections() == 0; }));
  text = easymo::metrics::registry::global().render();
  BOOST_TEST(text.find("easymo_http_connections_open{listener=\"t_metrics\"} 0")
             != std::string::npos);
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_two_requests_on_one_connection) {
  start(test_options("t_keepalive"));
  raw_client c{port()};
  c.send(request_text("POST", "/echo", "one"));
  auto first = c.read_response();
  BOOST_TEST(first.body() == "one");
  BOOST_TEST(first.keep_alive());
  c.send(request_text("POST", "/echo", "two"));
  auto second = c.read_response();
  BOOST_TEST(second.body() == "two");
  BOOST_TEST(srv->connections() == 1u);
}

BOOST_AUTO_TEST_CASE(pipelined_answers_keep_request_order) {
  start(test_options("t_pipeline"));
  raw_client c{port()};
  c.send(request_text("GET", "/park?n=1") + request_text("GET", "/park?n=2")
         + request_text("GET", "/park?n=3"));
  BOOST_REQUIRE(held.wait_for(3));
  // Answer last to first from another thread: the server must reorder.
  std::thread answerer{[&] {
    for (std::size_t i = 3; i-- > 0;) {
      auto [req, res] = held.take(i);
      res(ok_text(std::string{req->message.target()}));
      std::this_thread::sleep_for(10ms);
    }
  }};
  answerer.join();
  BOOST_TEST(c.read_response().body() == "/park?n=1");
  BOOST_TEST(c.read_response().body() == "/park?n=2");
  BOOST_TEST(c.read_response().body() == "/park?n=3");
}

BOOST_AUTO_TEST_CASE(pipelining_depth_is_bounded) {
  auto opts = test_options("t_depth");
  opts.pipelined_max = 2;
  start(opts);
  raw_client c{port()};
  std::string burst;
  for (int i = 1; i <= 5; ++i)
    burst += request_text("GET", "/park?n=" + std::to_string(i));
  c.send(burst);
  BOOST_REQUIRE(held.wait_for(2));
  // The other three are buffered, but no handler sees them while two
  // answers are owed.
  std::this_thread::sleep_for(200ms);
  BOOST_TEST(held.size() == 2u);
  BOOST_TEST(srv->in_flight() == 2u);
  for (std::size_t answered = 0; answered < 5; ++answered) {
    BOOST_REQUIRE(held.wait_for(answered + 1));
    BOOST_TEST(srv->in_flight() <= 2u);
    auto [req, res] = held.take(answered);
    res(ok_text(std::string{req->message.target()}));
  }
  for (int i = 1; i <= 5; ++i)
    BOOST_TEST(c.read_response().body() == "/park?n=" + std::to_string(i));
}

BOOST_AUTO_TEST_CASE(chunked_body_is_decoded) {
  start(test_options("t_chunked"));
  raw_client c{port()};
  c.send("POST /echo HTTP/1.1\r\nHost: test\r\n"
         "Transfer-Encoding: chunked\r\n\r\n"
         "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto res = c.read_response();
  BOOST_TEST(res.result_int() == 200u);
  BOOST_TEST(res.body() == "hello world");
}

BOOST_AUTO_TEST_CASE(body_at_the_default_limit_is_accepted) {
  auto opts = test_options("t_bigbody");
  opts.read_timeout = 5s;
  start(opts);
  raw_client c{port()};
  std::string body(opts.body_bytes_max, 'x');
  c.send(request_text("POST", "/echo", body));
  auto res = c.read_response();
  BOOST_TEST(res.result_int() == 200u);
  BOOST_TEST(res.body().size() == body.size());
}

BOOST_AUTO_TEST_CASE(declared_body_over_the_limit_is_413) {
  auto opts = test_options("t_413");
  opts.body_bytes_max = 1024;
  start(opts);
  raw_client c{port()};
  // Only the header: the limit must apply before any body is read.
  c.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 2048\r\n\r\n");
  auto res = c.read_response();
  check_json_error(res, 413);
  BOOST_TEST(!res.keep_alive());
  BOOST_TEST(c.closed_within(wait_max));
  BOOST_TEST(rejected("t_413", "body_too_large") == 1);
}

BOOST_AUTO_TEST_CASE(chunked_body_over_the_limit_is_413) {
  auto opts = test_options("t_413c");
  opts.body_bytes_max = 1024;
  start(opts);
  raw_client c{port()};
  std::string chunk = "200\r\n" + std::string(512, 'a') + "\r\n";
  c.send("POST /echo HTTP/1.1\r\nHost: test\r\n"
         "Transfer-Encoding: chunked\r\n\r\n"
         + chunk + chunk + chunk + "0\r\n\r\n");
  auto res = c.read_response();
  check_json_error(res, 413);
  BOOST_TEST(c.closed_within(wait_max));
  BOOST_TEST(rejected("t_413c", "body_too_large") == 1);
}

BOOST_AUTO_TEST_CASE(headers_over_the_limit_are_431) {
  start(test_options("t_431"));
  raw_client c{port()};
  c.send(request_text("GET", "/hello", {},
                      "X-Filler: " + std::string(9000, 'f') + "\r\n"));
  auto res = c.read_response();
  check_json_error(res, 431);
  BOOST_TEST(c.closed_within(wait_max));
  BOOST_TEST(rejected("t_431", "header_too_large") == 1);
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_400) {
  start(test_options("t_400"));
  {
    raw_client c{port()};
    c.send("GARBAGE\r\n\r\n");
    check_json_error(c.read_response(), 400);
    BOOST_TEST(c.closed_within(wait_max));
  }
  {
    raw_client c{port()};
    c.send("GET /hello HTTP/1.1\r\nBad Header: x\r\n\r\n");
    check_json_error(c.read_response(), 400);
  }
  BOOST_TEST(rejected("t_400", "bad_request") == 2);
  BOOST_TEST(requests("t_400", "(rejected)", "400") == 2);
}

BOOST_AUTO_TEST_CASE(head_answer_has_length_but_no_body) {
  routes.add(bhttp::verb::head, "/hello",
             [](http::request_ptr, http::responder res) {
               res(ok_text("hello"));
             });
  start(test_options("t_head"));
  raw_client c{port()};
  c.send(request_text("HEAD", "/hello"));
  auto res = c.read_head_response();
  BOOST_TEST(res.result_int() == 200u);
  BOOST_TEST(res[bhttp::field::content_length] == "5");
  // Had the body been sent, it would be parsed as the next response.
  c.send(request_text("GET", "/hello"));
  BOOST_TEST(c.read_response().body() == "hello");
}

BOOST_AUTO_TEST_CASE(connection_close_and_http10_close_after_answer) {
  start(test_options("t_close"));
  {
    raw_client c{port()};
    c.send(request_text("GET", "/hello", {}, "Connection: close\r\n"));
    auto res = c.read_response();
    BOOST_TEST(res.body() == "hello");
    BOOST_TEST(!res.keep_alive());
    BOOST_TEST(c.closed_within(wait_max));
  }
  {
    raw_client c{port()};
    c.send("GET /hello HTTP/1.0\r\n\r\n");
    auto res = c.read_response();
    BOOST_TEST(res.version() == 10u);
    BOOST_TEST(res.body() == "hello");
    BOOST_TEST(c.closed_within(wait_max));
  }
}

BOOST_AUTO_TEST_CASE(handler_exception_answers_500) {
  routes.add(bhttp::verb::get, "/throw",
             [](http::request_ptr, http::responder) -> void {
               throw std::runtime_error("boom");
             });
  start(test_options("t_throw"));
  raw_client c{port()};
  c.send(request_text("GET", "/throw"));
  check_json_error(c.read_response(), 500);
  // The connection survives the handler's failure.
  c.send(request_text("GET", "/hello"));
  BOOST_TEST(c.read_response().body() == "hello");
}

BOOST_AUTO_TEST_CASE(invalid_options_are_refused) {
  auto opts = test_options("t_invalid");
  opts.pipelined_max = http::pipelined_responses_max + 1;
  BOOST_CHECK_THROW((http::server{pool, opts, routes}), std::invalid_argument);
  opts = test_options("t_invalid");
  opts.tls_cert_file = "/nonexistent.pem";
  BOOST_CHECK_THROW((http::server{pool, opts, routes}), std::invalid_argument);
  opts.tls_key_file = "/nonexistent.key";
  BOOST_CHECK_THROW((http::server{pool, opts, routes}), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
