// The breaker's pure state machine, transition by transition, against
// resilience4j's rules: minimum calls, both thresholds at their boundary,
// the sliding window forgetting old calls, HALF_OPEN trials, forced open,
// reset, and outcomes from an older epoch being ignored. Also the failure
// policy that decides what a "failure" is.
#include "actors/breaker/core.hpp"
#include "actors/breaker/policy.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;
using namespace easymo::breaker;
using namespace std::chrono_literals;

namespace {

breaker_config small() {
  breaker_config c;
  c.window_calls = 4;
  c.calls_min = 4;
  c.failure_rate_percent = 50;
  c.slow_call_duration = 100ms;
  c.slow_call_rate_percent = 75;
  c.open_wait = 1s;
  c.half_open_calls = 2;
  return c;
}

std::optional<transition> call(breaker_core& b, bool failure,
                               std::chrono::nanoseconds took = 1ms) {
  auto p = b.acquire();
  BOOST_REQUIRE(p.granted);
  return b.record(p.epoch, failure, took);
}

void open_it(breaker_core& b) {
  call(b, true);
  call(b, true);
  call(b, false);
  auto t = call(b, false);
  BOOST_REQUIRE(t);
  BOOST_REQUIRE(b.current() == state::open);
}

} // namespace

BOOST_AUTO_TEST_CASE(no_verdict_before_the_minimum_number_of_calls) {
  breaker_core b{small()};
  BOOST_CHECK(!call(b, true));
  BOOST_CHECK(!call(b, true));
  BOOST_CHECK(!call(b, true));
  BOOST_CHECK_EQUAL(b.failure_rate(), -1);
  BOOST_CHECK(b.current() == state::closed);
  auto t = call(b, true);
  BOOST_REQUIRE(t);
  BOOST_CHECK(t->from == state::closed && t->to == state::open);
  BOOST_CHECK_EQUAL(std::string{t->reason}, "failure_rate");
}

BOOST_AUTO_TEST_CASE(the_failure_threshold_is_inclusive) {
  breaker_core b{small()};
  call(b, true);
  call(b, false);
  call(b, false);
  BOOST_CHECK(!call(b, false)); // 25 % < 50 %
  BOOST_CHECK_EQUAL(b.failure_rate(), 25);
  breaker_core c{small()};
  open_it(c); // 2 of 4: exactly 50 %
}

BOOST_AUTO_TEST_CASE(the_window_slides_and_forgets_old_failures) {
  breaker_core b{small()};
  call(b, true);
  call(b, false);
  call(b, false);
  call(b, false);
  // The failure drops out as new successes arrive.
  call(b, false);
  BOOST_CHECK_EQUAL(b.failed(), 0u);
  BOOST_CHECK_EQUAL(b.buffered(), 4u);
  call(b, true);
  BOOST_CHECK(b.current() == state::closed);
  auto t = call(b, true); // the window now holds S S F F
  BOOST_REQUIRE(t);
  BOOST_CHECK(b.current() == state::open);
}

BOOST_AUTO_TEST_CASE(a_call_of_exactly_the_slow_duration_is_not_slow) {
  breaker_core b{small()};
  call(b, false, 150ms);
  call(b, false, 150ms);
  call(b, false, 100ms);
  BOOST_CHECK(!call(b, false, 100ms)); // 2 slow of 4 = 50 % < 75 %
  BOOST_CHECK_EQUAL(b.slow(), 2u);
  BOOST_CHECK_EQUAL(b.slow_call_rate(), 50);
  BOOST_CHECK(b.current() == state::closed);
}

BOOST_AUTO_TEST_CASE(slow_call_threshold_is_inclusive) {
  auto cfg = small();
  breaker_core b{cfg};
  call(b, false, 150ms);
  call(b, false, 150ms);
  call(b, false, 150ms);
  auto t = call(b, false, 1ms);
  BOOST_REQUIRE(t);
  BOOST_CHECK_EQUAL(std::string{t->reason}, "slow_call_rate");
  BOOST_CHECK_EQUAL(b.slow(), 0u); // the window restarted with OPEN
}

BOOST_AUTO_TEST_CASE(open_refuses_calls_until_the_wait_elapses) {
  breaker_core b{small()};
  open_it(b);
  auto epoch = b.epoch();
  BOOST_CHECK(!b.acquire().granted);
  BOOST_CHECK(!b.wait_elapsed(epoch - 1)); // a stale timer
  auto t = b.wait_elapsed(epoch);
  BOOST_REQUIRE(t);
  BOOST_CHECK(t->to == state::half_open);
  BOOST_CHECK(!b.wait_elapsed(epoch)); // only once
}

BOOST_AUTO_TEST_CASE(half_open_permits_exactly_the_trial_calls) {
  breaker_core b{small()};
  open_it(b);
  b.wait_elapsed(b.epoch());
  auto p1 = b.acquire();
  auto p2 = b.acquire();
  BOOST_CHECK(p1.granted && p2.granted);
  BOOST_CHECK(!b.acquire().granted);
  BOOST_CHECK(!b.record(p1.epoch, false, 1ms));
  auto t = b.record(p2.epoch, false, 1ms);
  BOOST_REQUIRE(t);
  BOOST_CHECK(t->from == state::half_open && t->to == state::closed);
  BOOST_CHECK_EQUAL(std::string{t->reason}, "trial_passed");
  BOOST_CHECK_EQUAL(b.buffered(), 0u);
}

BOOST_AUTO_TEST_CASE(a_failed_trial_reopens) {
  breaker_core b{small()};
  open_it(b);
  b.wait_elapsed(b.epoch());
  auto p1 = b.acquire();
  auto p2 = b.acquire();
  b.record(p1.epoch, true, 1ms);
  auto t = b.record(p2.epoch, false, 1ms); // 1 of 2 = 50 %
  BOOST_REQUIRE(t);
  BOOST_CHECK(t->from == state::half_open && t->to == state::open);
}

BOOST_AUTO_TEST_CASE(outcomes_of_an_older_epoch_are_ignored) {
  breaker_core b{small()};
  auto early = b.acquire(); // started while CLOSED
  open_it(b);
  b.wait_elapsed(b.epoch());
  // The early call ends during the trial: it must not decide it.
  BOOST_CHECK(!b.record(early.epoch, true, 10s));
  BOOST_CHECK_EQUAL(b.buffered(), 0u);
  BOOST_CHECK(b.current() == state::half_open);
}

BOOST_AUTO_TEST_CASE(forced_open_ignores_the_wait_until_reset) {
  breaker_core b{small()};
  auto t = b.force_open();
  BOOST_CHECK(t.to == state::open && b.forced());
  BOOST_CHECK(!b.wait_elapsed(b.epoch()));
  BOOST_CHECK(!b.acquire().granted);
  auto r = b.reset();
  BOOST_CHECK(r.from == state::open && r.to == state::closed);
  BOOST_CHECK(!b.forced());
  BOOST_CHECK(b.acquire().granted);
}

BOOST_AUTO_TEST_CASE(minimum_larger_than_the_window_uses_the_window) {
  auto cfg = small();
  cfg.calls_min = 100;
  breaker_core b{cfg};
  call(b, true);
  call(b, true);
  call(b, true);
  BOOST_CHECK(call(b, true));
}

BOOST_AUTO_TEST_CASE(failure_policy_parses_and_judges) {
  auto p = parse_failure_policy("5xx, 429,timeout,transport");
  BOOST_REQUIRE(p);
  BOOST_CHECK(p->is_failure(std::nullopt, 503, ""));
  BOOST_CHECK(p->is_failure(std::nullopt, 429, ""));
  BOOST_CHECK(!p->is_failure(std::nullopt, 400, ""));
  BOOST_CHECK(!p->is_failure(std::nullopt, 200, ""));
  BOOST_CHECK(p->is_failure(http::client_error::timeout, 0, ""));
  BOOST_CHECK(p->is_failure(http::client_error::connect_failed, 0, ""));
  // Refused locally: the gateway never saw it.
  BOOST_CHECK(!p->is_failure(http::client_error::overloaded, 0, ""));
  BOOST_CHECK(!p->is_failure(http::client_error::bad_url, 0, ""));
  p->exempt = [](int, std::string_view body) { return body == "mine"; };
  BOOST_CHECK(!p->is_failure(std::nullopt, 429, "mine"));

  auto strict = parse_failure_policy("4xx,timeout");
  BOOST_REQUIRE(strict);
  BOOST_CHECK(strict->is_failure(std::nullopt, 404, ""));
  BOOST_CHECK(!strict->is_failure(std::nullopt, 500, ""));
  BOOST_CHECK(!strict->is_failure(http::client_error::closed, 0, ""));
  BOOST_CHECK(!parse_failure_policy("5xx,teapot"));
  BOOST_CHECK(!parse_failure_policy("5xx,"));
  BOOST_CHECK(!parse_failure_policy("42"));
}
