// The HTTP client against a scripted server on 127.0.0.1, over real sockets:
// round trips, keep-alive reuse, the per-host cap and its queue, the retry of
// a stale pooled connection, calls from many threads, shutdown and metrics.
// The server's accept count and its record of raw requests are the ground
// truth; nothing here measures time, waits are bounded only against hangs.
#include "protocols/http/client.hpp"

#include "runtime/metrics.hpp"
#include "tests/support/http_client_fixture.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http_server.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

using namespace easymo;
using test::client_fixture;
using test::http_response;
using test::http_script;
namespace bhttp = boost::beast::http;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

http::client_options capped(size_t connections, size_t queued = 1024) {
  http::client_options opts;
  opts.connections_per_host_max = connections;
  opts.queued_requests_max = queued;
  return opts;
}

} // namespace

BOOST_AUTO_TEST_CASE(get_carries_headers_both_ways) {
  test::raw_http_server server;
  server.set_default(http_script::answer(
    http_response(200, "hello", {{"X-Trace", "abc"}})));
  client_fixture fx;
  http::client_request req;
  req.url = server.url("/v21.0/123/messages?fields=id#ignored");
  req.headers = {{"Authorization", "Bearer t0ken"}, {"X-Custom", "1"}};
  req.label = "test.get";
  auto out = fx.call(req);
  BOOST_REQUIRE_EQUAL(out.result(), "ok");
  BOOST_CHECK_EQUAL(out.response.status, 200);
  BOOST_CHECK_EQUAL(out.response.body, "hello");
  BOOST_CHECK(out.response.header("x-trace") == std::string_view{"abc"});
  BOOST_CHECK(!out.response.header("x-missing"));
  auto raw = server.requests().at(0);
  BOOST_CHECK(raw.starts_with("GET /v21.0/123/messages?fields=id HTTP/1.1\r\n"));
  BOOST_CHECK(contains(raw, "\r\nHost: 127.0.0.1:" + std::to_string(server.port())
                              + "\r\n"));
  BOOST_CHECK(contains(raw, "\r\nAuthorization: Bearer t0ken\r\n"));
  BOOST_CHECK(contains(raw, "\r\nX-Custom: 1\r\n"));
  BOOST_CHECK(contains(raw, "\r\nUser-Agent: easymod/" EASYMO_VERSION "\r\n"));
}

BOOST_AUTO_TEST_CASE(post_sends_the_body_with_its_length) {
  test::raw_http_server server;
  server.set_default(http_script::answer(http_response(201, R"({"id":"m1"})")));
  client_fixture fx;
  http::client_request req;
  req.method = bhttp::verb::post;
  req.url = server.url("/messages");
  req.headers = {{"Content-Type", "application/json"}};
  req.body = R"({"to":"250788000000","text":"hi"})";
  req.label = "test.post";
  auto out = fx.call(req);
  BOOST_REQUIRE_EQUAL(out.result(), "ok");
  BOOST_CHECK_EQUAL(out.response.status, 201);
  BOOST_CHECK_EQUAL(out.response.body, R"({"id":"m1"})");
  auto raw = server.requests().at(0);
  BOOST_CHECK(raw.starts_with("POST /messages HTTP/1.1\r\n"));
  BOOST_CHECK(contains(raw, "\r\nContent-Type: application/json\r\n"));
  BOOST_CHECK(contains(raw, "\r\nContent-Length: "
                              + std::to_string(req.body.size()) + "\r\n"));
  BOOST_CHECK(raw.ends_with("\r\n\r\n" + req.body));
}

BOOST_AUTO_TEST_CASE(sequential_calls_reuse_one_connection) {
  test::raw_http_server server;
  client_fixture fx;
  for (int i = 0; i < 3; ++i)
    BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_CHECK_EQUAL(server.accepted(), 1u);
  BOOST_CHECK_EQUAL(server.request_count(), 3u);
}

BOOST_AUTO_TEST_CASE(parallel_calls_open_up_to_the_cap_and_queue_the_rest) {
  test::raw_http_server server;
  // Held answers keep every connection busy, so the client has to choose
  // between a new connection and the queue for each call.
  server.set_default(http_script::hold());
  client_fixture fx{capped(3)};
  std::vector<std::future<test::call_outcome>> calls;
  for (int i = 0; i < 10; ++i)
    calls.push_back(fx.start({bhttp::verb::get, server.url(), {}, {}, {}, "t"}));
  BOOST_REQUIRE(test::eventually([&] { return server.request_count() == 3; }));
  server.release();
  for (auto& fut : calls)
    BOOST_CHECK_EQUAL(client_fixture::wait(fut).result(), "ok");
  BOOST_CHECK_EQUAL(server.accepted(), 3u);
  BOOST_CHECK_EQUAL(server.request_count(), 10u);
}

BOOST_AUTO_TEST_CASE(a_full_queue_fails_fast_with_overloaded) {
  test::raw_http_server server;
  server.set_default(http_script::hold());
  client_fixture fx{capped(1, 2)};
  std::vector<std::future<test::call_outcome>> calls;
  for (int i = 0; i < 3; ++i)
    calls.push_back(fx.start({bhttp::verb::get, server.url(), {}, {}, {}, "t"}));
  auto rejected = fx.get(server.url());
  BOOST_CHECK_EQUAL(rejected.result(), "overloaded");
  server.release();
  for (auto& fut : calls)
    BOOST_CHECK_EQUAL(client_fixture::wait(fut).result(), "ok");
  BOOST_CHECK_EQUAL(server.accepted(), 1u);
}

BOOST_AUTO_TEST_CASE(a_stale_pooled_connection_is_retried_on_a_fresh_one) {
  test::raw_http_server server;
  // Each connection answers once and then closes while the client holds it
  // as idle, as servers with a short keep-alive do.
  server.set_default(http_script::answer(http_response(200, "ok"), 1));
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_CHECK_EQUAL(server.accepted(), 2u);
  BOOST_CHECK_EQUAL(server.request_count(), 2u);
}

BOOST_AUTO_TEST_CASE(the_stale_retry_happens_once) {
  test::raw_http_server server;
  server.push(http_script::answer(http_response(200, "ok"), 1));
  server.push(http_script::close_on_accept());
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "closed");
  BOOST_CHECK_EQUAL(server.accepted(), 2u);
}

BOOST_AUTO_TEST_CASE(a_failure_after_response_bytes_is_not_retried) {
  test::raw_http_server server;
  auto full = http_response(200, std::string(100, 'x'));
  // The second answer stops halfway: the server saw the request, so a retry
  // could make it act twice.
  server.set_default(
    {http_script::action::respond, 2, {full, full.substr(0, 50)}});
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "closed");
  BOOST_CHECK_EQUAL(server.accepted(), 1u);
}

BOOST_AUTO_TEST_CASE(calls_from_many_threads_each_complete_exactly_once) {
  constexpr size_t threads_n = 8;
  constexpr size_t calls_per_thread = 25;
  constexpr size_t calls_n = threads_n * calls_per_thread;
  test::raw_http_server server;
  client_fixture fx{capped(4), 2};
  std::array<std::atomic<int>, calls_n> completions{};
  std::atomic<size_t> done{0};
  std::atomic<size_t> failed{0};
  std::vector<std::thread> senders;
  for (size_t t = 0; t < threads_n; ++t)
    senders.emplace_back([&, t] {
      for (size_t i = 0; i < calls_per_thread; ++i) {
        auto id = t * calls_per_thread + i;
        fx.client->send({bhttp::verb::get, server.url(), {}, {}, {}, "t.mt"},
                        [&, id](auto err, http::client_response res) {
                          if (err || res.status != 200)
                            ++failed;
                          ++completions[id];
                          ++done;
                        });
      }
    });
  for (auto& t : senders)
    t.join();
  BOOST_REQUIRE(test::eventually([&] { return done.load() >= calls_n; }));
  BOOST_CHECK_EQUAL(failed.load(), 0u);
  for (size_t id = 0; id < calls_n; ++id)
    BOOST_CHECK_MESSAGE(completions[id].load() == 1, "call " << id);
  BOOST_CHECK_LE(server.accepted(), 4u);
}

BOOST_AUTO_TEST_CASE(shutdown_fails_pending_calls_and_closes_connections) {
  test::raw_http_server server;
  // A stalled session keeps reading, so it notices when the client closes.
  server.set_default(http_script::stall());
  client_fixture fx{capped(1)};
  auto in_flight = fx.start({bhttp::verb::get, server.url(), {}, {}, {}, "t"});
  auto queued = fx.start({bhttp::verb::get, server.url(), {}, {}, {}, "t"});
  BOOST_REQUIRE(test::eventually([&] { return server.request_count() == 1; }));
  fx.client->shutdown();
  BOOST_CHECK_EQUAL(client_fixture::wait(in_flight).result(), "closed");
  BOOST_CHECK_EQUAL(client_fixture::wait(queued).result(), "closed");
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "closed");
  BOOST_CHECK(test::eventually([&] { return server.client_closes() == 1; }));
}

BOOST_AUTO_TEST_CASE(shutdown_closes_idle_connections) {
  test::raw_http_server server;
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  fx.client->shutdown();
  BOOST_CHECK(test::eventually([&] { return server.client_closes() == 1; }));
}

BOOST_AUTO_TEST_CASE(idle_connections_are_closed_after_the_idle_timeout) {
  test::raw_http_server server;
  http::client_options opts;
  opts.idle_timeout = std::chrono::milliseconds(50);
  client_fixture fx{opts};
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_REQUIRE(test::eventually([&] { return server.client_closes() == 1; }));
  BOOST_CHECK_EQUAL(fx.get(server.url()).result(), "ok");
  BOOST_CHECK_EQUAL(server.accepted(), 2u);
}

BOOST_AUTO_TEST_CASE(calls_are_counted_by_label_and_outcome) {
  test::raw_http_server server;
  server.set_default(http_script::answer(http_response(404, "no")));
  auto& reg = metrics::registry::global();
  {
    client_fixture fx;
    http::client_request req;
    req.url = server.url();
    req.label = "test.metrics";
    BOOST_CHECK_EQUAL(fx.call(req).result(), "ok");
    req.url = "ftp://example.com/";
    BOOST_CHECK_EQUAL(fx.call(req).result(), "bad_url");
    // Looked up after the client registered them, so with its help texts.
    BOOST_CHECK_EQUAL(
      reg.gauges("easymo_http_client_connections_open", "").with().value(), 1);
  }
  auto& requests = reg.counters("easymo_http_client_requests_total", "",
                                {"label", "outcome"});
  BOOST_CHECK_EQUAL(requests.with({"test.metrics", "404"}).value(), 1);
  BOOST_CHECK_EQUAL(requests.with({"test.metrics", "bad_url"}).value(), 1);
  auto& duration = reg.histograms("easymo_http_client_request_duration_seconds",
                                  "", {"label"});
  BOOST_CHECK_EQUAL(duration.with({"test.metrics"}).count(), 2u);
  BOOST_CHECK_EQUAL(
    reg.gauges("easymo_http_client_connections_open", "").with().value(), 0);
  // Labels name calls; a URL (ids, tokens) must never become one.
  BOOST_CHECK(!contains(reg.render(), "127.0.0.1"));
}
