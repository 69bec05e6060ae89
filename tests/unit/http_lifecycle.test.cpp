// The HTTP server against raw sockets: deadlines, the connection cap,
// responders answering late or never, and graceful stop.
//
// Timeouts are one second, so each timing test costs about that; bounds
// only catch hangs, they never measure performance.

#include "tests/support/http_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <memory>
#include <string>
#include <thread>

using namespace easymo::test;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_SUITE(http_lifecycle, server_fixture)

BOOST_AUTO_TEST_CASE(slowloris_is_cut_off_after_read_timeout) {
  start(test_options("t_slowloris"));
  raw_client c{port()};
  auto began = std::chrono::steady_clock::now();
  c.send("POST /echo HTTP/1.1\r\nHost: test\r\n");
  // One byte of header every 100 ms: each read makes progress, only the
  // whole-request deadline can stop it.
  bool closed = false;
  for (int i = 0; i < 60 && !closed; ++i) {
    c.send("X");
    closed = c.closed_within(100ms);
  }
  auto took_ms = ms_since(began);
  BOOST_TEST(closed);
  BOOST_TEST(c.received_bytes() == 0u); // Cut off, not answered.
  BOOST_TEST(took_ms < deadline_max_ms);
  BOOST_TEST(rejected("t_slowloris", "timeout") == 1);
}

BOOST_AUTO_TEST_CASE(silent_connection_is_closed_after_read_timeout) {
  start(test_options("t_silent"));
  raw_client c{port()};
  auto began = std::chrono::steady_clock::now();
  BOOST_TEST(c.closed_within(short_timeout + deadline_slack));
  BOOST_TEST(ms_since(began) < deadline_max_ms);
  BOOST_TEST(c.received_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connection_is_closed) {
  start(test_options("t_idle"));
  raw_client c{port()};
  c.send(request_text("GET", "/hello"));
  BOOST_TEST(c.read_response().result_int() == 200u);
  BOOST_TEST(!c.closed_within(200ms));
  BOOST_TEST(c.closed_within(short_timeout + deadline_slack));
  BOOST_TEST(rejected("t_idle", "timeout") == 0);
}

BOOST_AUTO_TEST_CASE(pending_answer_is_not_cut_by_idle_timeout) {
  start(test_options("t_slowhandler"));
  raw_client c{port()};
  c.send(request_text("GET", "/park"));
  BOOST_REQUIRE(held.wait_for(1));
  // Longer than idle_timeout: the connection owes an answer, so it is not
  // idle.
  std::this_thread::sleep_for(short_timeout + 300ms);
  held.take(0).second(ok_text("late"));
  BOOST_TEST(c.read_response().body() == "late");
}

BOOST_AUTO_TEST_CASE(connections_over_the_cap_get_503) {
  auto opts = test_options("t_cap");
  opts.connections_max = 2;
  start(opts);
  // A request on each proves both were admitted before the third arrives.
  auto a = std::make_unique<raw_client>(port());
  raw_client b{port()};
  a->send(request_text("GET", "/hello"));
  b.send(request_text("GET", "/hello"));
  BOOST_TEST(a->read_response().result_int() == 200u);
  BOOST_TEST(b.read_response().result_int() == 200u);
  raw_client over{port()};
  check_json_error(over.read_response(), 503);
  BOOST_TEST(over.closed_within(wait_max));
  BOOST_TEST(rejected("t_cap", "connections_max") == 1);
  // A freed slot admits the next connection.
  a.reset();
  BOOST_REQUIRE(eventually([&] { return srv->connections() < 2; }));
  raw_client next{port()};
  next.send(request_text("GET", "/hello"));
  BOOST_TEST(next.read_response().result_int() == 200u);
}

BOOST_AUTO_TEST_CASE(responder_works_from_another_thread) {
  start(test_options("t_thread"));
  raw_client c{port()};
  c.send(request_text("GET", "/park"));
  BOOST_REQUIRE(held.wait_for(1));
  std::thread::id answered_on;
  std::thread actor{[&] {
    answered_on = std::this_thread::get_id();
    held.take(0).second(ok_text("from an actor thread"));
  }};
  actor.join();
  BOOST_TEST(c.read_response().body() == "from an actor thread");
  BOOST_TEST((answered_on != std::this_thread::get_id()));
  BOOST_TEST(srv->in_flight() == 0u);
}

BOOST_AUTO_TEST_CASE(dropped_responder_answers_500) {
  routes.add(bhttp::verb::get, "/forget",
             [](http::request_ptr, http::responder) {});
  start(test_options("t_drop"));
  raw_client c{port()};
  c.send(request_text("GET", "/forget"));
  check_json_error(c.read_response(), 500);
  // Dropped later, on another thread, by whoever held it last.
  c.send(request_text("GET", "/park"));
  BOOST_REQUIRE(held.wait_for(1));
  std::thread{[&] { held.clear(); }}.join();
  check_json_error(c.read_response(), 500);
  BOOST_TEST(srv->in_flight() == 0u);
}

BOOST_AUTO_TEST_CASE(connection_owing_an_answer_outlives_client_eof) {
  start(test_options("t_halfclose"));
  raw_client c{port()};
  c.send(request_text("GET", "/park"));
  BOOST_REQUIRE(held.wait_for(1));
  // A half-close ends the requests, not the wait for the answer, and no
  // deadline applies while the answer is owed.
  c.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send);
  std::this_thread::sleep_for(short_timeout + 300ms);
  BOOST_TEST(srv->connections() == 1u);
  held.take(0).second(ok_text("still here"));
  auto res = c.read_response();
  BOOST_TEST(res.body() == "still here");
  BOOST_TEST(!res.keep_alive());
  BOOST_TEST(c.closed_within(wait_max));
  BOOST_TEST(eventually([&] { return srv->connections() == 0; }));
}

BOOST_AUTO_TEST_CASE(answer_after_connection_closed_is_harmless) {
  start(test_options("t_gone"));
  raw_client c{port()};
  c.send(request_text("GET", "/park"));
  BOOST_REQUIRE(held.wait_for(1));
  srv->close_all();
  BOOST_TEST(c.closed_within(wait_max));
  BOOST_REQUIRE(eventually([&] { return srv->connections() == 0; }));
  auto [req, res] = held.take(0);
  res(ok_text("nobody listens"));
  BOOST_TEST(res.answered());
  BOOST_TEST(srv->in_flight() == 0u);
  // Still serving others.
  raw_client next{port()};
  next.send(request_text("GET", "/hello"));
  BOOST_TEST(next.read_response().body() == "hello");
}

BOOST_AUTO_TEST_CASE(stop_accepting_drains_in_flight_and_refuses_new) {
  start(test_options("t_stop"));
  raw_client idle{port()};
  idle.send(request_text("GET", "/hello"));
  BOOST_TEST(idle.read_response().result_int() == 200u);
  raw_client busy{port()};
  busy.send(request_text("GET", "/park"));
  BOOST_REQUIRE(held.wait_for(1));
  BOOST_TEST(srv->in_flight() == 1u);

  srv->stop_accepting();
  BOOST_TEST(!can_connect(port()));
  BOOST_TEST(idle.closed_within(wait_max));
  BOOST_TEST(!srv->wait_idle(50ms));
  std::thread actor{[&] {
    std::this_thread::sleep_for(100ms);
    held.take(0).second(ok_text("finished"));
  }};
  BOOST_TEST(srv->wait_idle(wait_max));
  actor.join();
  BOOST_TEST(srv->in_flight() == 0u);
  auto res = busy.read_response();
  BOOST_TEST(res.body() == "finished");
  BOOST_TEST(!res.keep_alive());
  BOOST_TEST(busy.closed_within(wait_max));
}

BOOST_AUTO_TEST_CASE(drain_waits_for_answers_to_be_written) {
  start(test_options("t_drain"));
  raw_client busy{port()};
  busy.send(request_text("GET", "/park"));
  BOOST_REQUIRE(held.wait_for(1));
  std::thread actor{[&] {
    std::this_thread::sleep_for(100ms);
    held.take(0).second(ok_text("drained"));
  }};
  // The client reads its answer and closes, as any client does on
  // `Connection: close`; only then is the server drained. Boost.Test
  // assertions stay on the test thread.
  std::string body;
  bool closed = false;
  std::thread client{[&] {
    body = busy.read_response().body();
    closed = busy.closed_within(wait_max);
    busy.close();
  }};
  bool drained = srv->drain(wait_max);
  actor.join();
  client.join();
  BOOST_TEST(drained);
  BOOST_TEST(body == "drained");
  BOOST_TEST(closed);
  BOOST_TEST(srv->connections() == 0u);
  BOOST_TEST(srv->in_flight() == 0u);
  BOOST_TEST(!can_connect(port()));
}

BOOST_AUTO_TEST_CASE(close_all_closes_open_connections) {
  start(test_options("t_closeall"));
  raw_client c{port()};
  c.send(request_text("GET", "/hello"));
  BOOST_TEST(c.read_response().result_int() == 200u);
  srv->close_all();
  BOOST_TEST(c.closed_within(wait_max));
  BOOST_TEST(eventually([&] { return srv->connections() == 0; }));
}

BOOST_AUTO_TEST_SUITE_END()
