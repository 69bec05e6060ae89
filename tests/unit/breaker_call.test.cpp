// breaker::call, as every gateway actor uses it, through a real breaker on
// a real actor system and a scripted raw HTTP server: any HTTP answer comes
// back as a response, a call with no answer as a breaker error named after
// the cause, an open breaker fails fast without sending anything, and a
// missing breaker is not_running. The directory names callers use are the
// breakers' own.
#include "actors/breaker/breaker.hpp"
#include "actors/breaker/call.hpp"
#include "tests/support/raw_http_server.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>

#include <future>
#include <thread>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

// What breaker::call produced, as the calling actor saw it.
struct outcome {
  int status = 0;
  std::string body;
  std::string error;
};

struct fixture {
  boost::asio::io_context ioc;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{
    boost::asio::make_work_guard(ioc)};
  std::thread io{[this] { ioc.run(); }};
  std::shared_ptr<http::client> client = std::make_shared<http::client>(ioc);
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor momo;

  fixture() {
    cfg.set("scheduler.max-threads", 2);
    cfg.add_error_category(breaker::error_category, breaker::render_error);
    sys = std::make_unique<caf::actor_system>(cfg);
    breaker::breaker_options opts;
    opts.gateway = "momo";
    opts.transport = breaker::client_transport(client);
    momo = caf::actor_cast<caf::actor>(sys->spawn(breaker::breaker, opts));
  }

  ~fixture() {
    caf::anon_send_exit(momo, caf::exit_reason::kill);
    client->shutdown();
    guard.reset();
    io.join();
  }

  // Runs breaker::call from an actor and waits for what it got.
  outcome call(http::client_request req, caf::actor target) {
    auto done = std::make_shared<std::promise<outcome>>();
    auto fut = done->get_future();
    sys->spawn([=](caf::event_based_actor* self) {
      breaker::call(
        self, target, breaker::names::momo, req,
        [=](http::client_response& res) {
          done->set_value(outcome{res.status, res.body, {}});
          self->quit();
        },
        [=](caf::error& err) {
          done->set_value(outcome{0, {}, self->system().render(err)});
          self->quit();
        });
    });
    BOOST_REQUIRE(fut.wait_for(15s) == std::future_status::ready);
    return fut.get();
  }
};

http::client_request get(const std::string& url,
                         std::chrono::milliseconds timeout = 2s) {
  http::client_request req;
  req.url = url;
  req.timeout = timeout;
  req.label = "test";
  return req;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(breaker_call, fixture)

BOOST_AUTO_TEST_CASE(any_http_answer_is_a_response) {
  test::raw_http_server srv;
  srv.push(test::http_script::answer(test::http_response(503, "busy"), 1));
  auto a = call(get(srv.url("/x")), momo);
  BOOST_CHECK_EQUAL(a.status, 503);
  BOOST_CHECK_EQUAL(a.body, "busy");
  BOOST_CHECK(a.error.empty());
}

BOOST_AUTO_TEST_CASE(no_answer_is_an_error_named_after_the_cause) {
  test::raw_http_server srv;
  srv.set_default(test::http_script::stall());
  auto a = call(get(srv.url("/slow"), 300ms), momo);
  BOOST_CHECK_EQUAL(a.status, 0);
  BOOST_CHECK_MESSAGE(a.error.find("breaker:timeout") != std::string::npos,
                      a.error);
}

BOOST_AUTO_TEST_CASE(an_open_breaker_fails_fast_and_sends_nothing) {
  test::raw_http_server srv;
  srv.set_default(test::http_script::answer(test::http_response(200, "ok")));
  caf::scoped_actor self{*sys};
  self->request(momo, 5s, caf::open_atom::value)
    .receive([](std::string&) {},
             [](caf::error& err) { BOOST_FAIL(caf::to_string(err)); });
  auto a = call(get(srv.url("/pay")), momo);
  BOOST_CHECK_EQUAL(a.status, 0);
  BOOST_CHECK_MESSAGE(a.error.find("not_permitted") != std::string::npos,
                      a.error);
  BOOST_CHECK_EQUAL(srv.requests().size(), 0u);
}

BOOST_AUTO_TEST_CASE(callers_use_the_breakers_own_names) {
  BOOST_CHECK(breaker::names::whatsapp == breaker::directory_name("whatsapp"));
  BOOST_CHECK(breaker::names::momo == breaker::directory_name("momo"));
  BOOST_CHECK(breaker::names::paydunya == breaker::directory_name("paydunya"));
  BOOST_CHECK(breaker::names::revolut == breaker::directory_name("revolut"));
  BOOST_CHECK(breaker::names::slack == breaker::directory_name("slack"));
}

BOOST_AUTO_TEST_CASE(a_missing_breaker_is_not_running) {
  // Nothing is registered under the name and no handle is given.
  auto a = call(get("http://127.0.0.1:9/"), caf::actor{});
  BOOST_CHECK_MESSAGE(a.error.find("not_running") != std::string::npos, a.error);
}

BOOST_AUTO_TEST_SUITE_END()
