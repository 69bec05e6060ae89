// The rate-limit guard for public routes, on a real actor system with the
// in-process limiter: the first requests of a caller reach the route, the
// next are answered 429 with Retry-After as JSON, other callers are not
// affected, and without a limiter requests go through.
#include "actors/ratelimit/http_guard.hpp"
#include "actors/ratelimit/local.hpp"
#include "runtime/directory.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <nlohmann/json.hpp>

#include <future>

using namespace easymo;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

namespace {

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor limiter;
  http::handler route;
  std::atomic<int> reached{0};

  fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
    limiter = sys->spawn(ratelimit::local_limiter, ratelimit::local_options{});
    directory::put(*sys, directory::limiter, limiter);
    // Three requests a minute per payer, no shared bucket.
    ratelimit::policy payments{"pay", {3.0 / 60, 3}, {0, 0}};
    route = ratelimit::limited(
      *sys, payments,
      [](const http::request& r) { return std::string{r.message["X-Payer"]}; },
      [this](http::request_ptr, http::responder res) {
        ++reached;
        res(http::json_response(bhttp::status::ok, {{"status", "paid"}}));
      });
  }

  ~fixture() {
    directory::erase_all(*sys, {directory::limiter});
    caf::anon_send_exit(limiter, caf::exit_reason::kill);
  }

  http::response call(const std::string& payer) {
    auto req = std::make_shared<http::request>();
    req->message.method(bhttp::verb::post);
    req->message.target("/payments/momo");
    req->message.set("X-Payer", payer);
    std::promise<http::response> answer;
    auto got = answer.get_future();
    route(req, http::responder{[&answer](http::response r) {
            answer.set_value(std::move(r));
          }});
    BOOST_REQUIRE(got.wait_for(5s) == std::future_status::ready);
    return got.get();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ratelimit_http, fixture)

BOOST_AUTO_TEST_CASE(a_caller_over_the_limit_gets_429_with_retry_after) {
  for (int i = 0; i < 3; ++i)
    BOOST_CHECK_EQUAL(call("250788123456").result_int(), 200u);
  auto refused = call("250788123456");
  BOOST_CHECK_EQUAL(refused.result_int(), 429u);
  // An empty bucket refills one token in 20 s.
  BOOST_CHECK_EQUAL(refused[bhttp::field::retry_after], "20");
  BOOST_CHECK_EQUAL(nlohmann::json::parse(refused.body())["error"],
                    "too many requests, retry later");
  BOOST_CHECK_EQUAL(reached.load(), 3);
  BOOST_CHECK_EQUAL(call("250788000999").result_int(), 200u);
  BOOST_CHECK_EQUAL(reached.load(), 4);
}

BOOST_AUTO_TEST_CASE(without_a_limiter_requests_go_through) {
  directory::erase_all(*sys, {directory::limiter});
  for (int i = 0; i < 5; ++i)
    BOOST_CHECK_EQUAL(call("250788123456").result_int(), 200u);
  BOOST_CHECK_EQUAL(reached.load(), 5);
}

BOOST_AUTO_TEST_CASE(a_check_the_limiter_drops_lets_the_request_through) {
  // A limiter that takes checks and drops them unanswered.
  auto mute = sys->spawn([](caf::event_based_actor* self) -> caf::behavior {
    return {[](const ratelimit::check_request&, ratelimit::check_completion&) {}};
  });
  directory::put(*sys, directory::limiter, mute);
  BOOST_CHECK_EQUAL(call("250788123456").result_int(), 200u);
  caf::anon_send_exit(mute, caf::exit_reason::kill);
}

BOOST_AUTO_TEST_SUITE_END()
