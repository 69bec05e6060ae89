// The breaker actor on CAF's test coordinator: every transition driven by
// messages and advance_time, with a fake transport that keeps each call's
// callback so the test decides when and how the gateway answers. No
// sockets, no sleeping.
#define CAF_SUITE breaker

#include "actors/breaker/breaker.hpp"
#include "runtime/metrics.hpp"

#include <caf/test/dsl.hpp>

#include <nlohmann/json.hpp>

using namespace caf;
using namespace easymo;
using namespace std::chrono_literals;
using breaker::state;

namespace {

struct fake_call {
  http::client_request req;
  http::client_callback cb;
};

breaker::breaker_config config() {
  breaker::breaker_config c;
  c.window_calls = 4;
  c.calls_min = 4;
  c.failure_rate_percent = 50;
  c.slow_call_duration = 2s;
  c.slow_call_rate_percent = 100;
  c.open_wait = 30s;
  c.half_open_calls = 2;
  return c;
}

double metric(const std::string& family, const metrics::label_values& labels) {
  auto& reg = metrics::registry::global();
  if (family == "easymo_breaker_state")
    return reg.gauges(family, "", {"gateway"}).with(labels).value();
  return reg.counters(family, "", {"gateway", "from", "to"}).with(labels).value();
}

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<std::vector<fake_call>> calls
    = std::make_shared<std::vector<fake_call>>();
  breaker::breaker_actor brk;

  fixture() {
    breaker::breaker_options o;
    o.gateway = "unit";
    o.config = config();
    o.failures = *breaker::parse_failure_policy("5xx,429,timeout,transport");
    auto sink = calls;
    o.transport = [sink](http::client_request req, http::client_callback cb) {
      sink->push_back({std::move(req), std::move(cb)});
    };
    brk = sys.spawn(breaker::breaker, o);
    sched.run();
  }

  ~fixture() {
    anon_send_exit(brk, exit_reason::kill);
    sched.run();
  }

  breaker::breaker_state& st() {
    return deref<breaker::breaker_actor::stateful_base<breaker::breaker_state>>(
             brk)
      .state;
  }

  state current() { return st().core.current(); }

  void call() {
    http::client_request req;
    req.url = "http://gateway.test/x";
    req.label = "test.call";
    self->send(brk, breaker::call_atom::value, std::move(req));
    sched.run();
  }

  void answer(size_t i, int status) {
    (*calls).at(i).cb(std::nullopt, http::client_response{status, {}, "body"});
    sched.run();
  }

  void fail(size_t i, http::client_error e) {
    (*calls).at(i).cb(e, http::client_response{});
    sched.run();
  }

  // The answer the test's own actor got for its oldest call.
  expected<http::client_response> reply() {
    expected<http::client_response> out{error{}};
    self->receive([&](http::client_response& r) { out = std::move(r); },
                  [&](error& err) { out = std::move(err); });
    return out;
  }

  void open_by_failures() {
    auto first = calls->size();
    for (int i = 0; i < 4; ++i)
      call();
    for (size_t i = 0; i < 4; ++i)
      answer(first + i, 503);
    for (int i = 0; i < 4; ++i)
      CAF_CHECK(reply());
    CAF_REQUIRE(current() == state::open);
  }

  void advance(timespan d) {
    sched.advance_time(d);
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(breaker_tests, fixture)

CAF_TEST(responses pass through whatever their status) {
  call();
  CAF_REQUIRE_EQUAL(calls->size(), 1u);
  CAF_CHECK_EQUAL(calls->at(0).req.label, "test.call");
  answer(0, 400);
  auto r = reply();
  CAF_REQUIRE(r);
  CAF_CHECK_EQUAL(r->status, 400);
  CAF_CHECK_EQUAL(r->body, "body");
  // A 4xx is the gateway working: it is not a failure.
  CAF_CHECK_EQUAL(st().core.failed(), 0u);
  CAF_CHECK_EQUAL(st().counters.successes, 1u);
}

CAF_TEST(failures open the breaker and then calls fail fast) {
  open_by_failures();
  CAF_CHECK_EQUAL(metric("easymo_breaker_state", {"unit"}), 1.0);
  CAF_CHECK_GREATER_OR_EQUAL(metric("easymo_breaker_transitions_total", {"unit", "closed", "open"}),
               1.0);
  advance(10s);
  call();
  CAF_CHECK_EQUAL(calls->size(), 4u); // nothing reached the transport
  auto r = reply();
  CAF_REQUIRE(!r);
  CAF_CHECK(breaker::code_of(r.error()) == breaker::errc::not_permitted);
  CAF_CHECK_EQUAL(breaker::retry_after(r.error()).count(), 20'000);
  CAF_CHECK_EQUAL(st().counters.not_permitted, 1u);
}

CAF_TEST(the wait in open ends in half open on its own) {
  open_by_failures();
  advance(30s - 1ms);
  CAF_CHECK(current() == state::open);
  advance(1ms);
  CAF_CHECK(current() == state::half_open);
  CAF_CHECK_EQUAL(metric("easymo_breaker_state", {"unit"}), 2.0);
}

CAF_TEST(half open permits the trial calls and closes when they pass) {
  open_by_failures();
  advance(30s);
  call();
  call();
  call(); // a third is refused at once
  CAF_CHECK_EQUAL(calls->size(), 6u);
  auto refused = reply();
  CAF_REQUIRE(!refused);
  CAF_CHECK(breaker::code_of(refused.error()) == breaker::errc::not_permitted);
  CAF_CHECK_EQUAL(breaker::retry_after(refused.error()).count(), 0);
  answer(4, 200);
  CAF_CHECK(current() == state::half_open);
  answer(5, 200);
  CAF_CHECK(current() == state::closed);
  CAF_CHECK_EQUAL(metric("easymo_breaker_state", {"unit"}), 0.0);
}

CAF_TEST(a failed trial reopens and the wait starts again) {
  open_by_failures();
  advance(30s);
  call();
  call();
  answer(4, 200);
  fail(5, http::client_error::timeout);
  CAF_CHECK(current() == state::open);
  auto ok = reply();
  CAF_CHECK(ok);
  auto timed_out = reply();
  CAF_REQUIRE(!timed_out);
  CAF_CHECK(breaker::code_of(timed_out.error()) == breaker::errc::timeout);
  advance(30s);
  CAF_CHECK(current() == state::half_open);
}

CAF_TEST(slow calls open the breaker) {
  for (int i = 0; i < 4; ++i)
    call();
  advance(3s); // every call takes longer than slow_call_duration
  for (size_t i = 0; i < 4; ++i)
    answer(i, 200);
  CAF_CHECK(current() == state::open);
  CAF_CHECK_EQUAL(st().counters.slow, 4u);
  CAF_CHECK_EQUAL(st().counters.failures, 0u);
}

CAF_TEST(transport errors count and come back as errors) {
  for (int i = 0; i < 4; ++i)
    call();
  fail(0, http::client_error::connect_failed);
  fail(1, http::client_error::closed);
  answer(2, 200);
  fail(3, http::client_error::overloaded); // refused locally: not a failure
  CAF_CHECK(current() == state::open);      // 2 of 4 failed
  auto a = reply();
  CAF_REQUIRE(!a);
  CAF_CHECK(breaker::code_of(a.error()) == breaker::errc::transport);
  reply();
  reply();
  auto d = reply();
  CAF_REQUIRE(!d);
  CAF_CHECK(breaker::code_of(d.error()) == breaker::errc::refused);
}

CAF_TEST(operators force open and reset and stale timers do nothing) {
  open_by_failures();
  self->send(brk, caf::reset_atom::value);
  sched.run();
  std::string info;
  self->receive([&](std::string& text) { info = text; });
  CAF_CHECK_EQUAL(nlohmann::json::parse(info)["state"].get<std::string>(),
                  "closed");
  CAF_CHECK(current() == state::closed);
  // The timer armed when it opened fires now and must change nothing.
  advance(30s);
  CAF_CHECK(current() == state::closed);

  self->send(brk, caf::open_atom::value);
  sched.run();
  self->receive([&](std::string& text) { info = text; });
  CAF_CHECK(nlohmann::json::parse(info)["forced"].get<bool>());
  advance(60s);
  CAF_CHECK(current() == state::open); // forced: no half open
  call();
  CAF_CHECK(!reply());
  self->send(brk, caf::reset_atom::value);
  sched.run();
  self->receive([&](std::string&) {});
  call();
  CAF_CHECK_EQUAL(calls->size(), 5u);
}

CAF_TEST_FIXTURE_SCOPE_END()
