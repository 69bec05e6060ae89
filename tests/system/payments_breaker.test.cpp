// Payment gateways behind their breakers, against the real easymod and the
// simulators: a gateway that answers 503 opens its breaker, calls then fail
// fast (refused by the breaker, never sent), nothing is credited while the
// gateway cannot confirm anything, and once it answers again the work
// completes by itself: the MoMo poller credits a payment whose callback was
// lost exactly once, and the reconciliation retry loop turns an incomplete
// day (never "0 mismatches") into a complete one. Small breaker windows and
// one-second loops make this quick; nothing asserts on time.
#include "tests/support/payments_env.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

test::payments_env& env() {
  static test::payments_env e{
    "breaker", "momo,revolut",
    {{"EASYMO_BREAKER_MOMO_WINDOW_CALLS", "4"},
     {"EASYMO_BREAKER_MOMO_CALLS_MIN", "2"},
     {"EASYMO_BREAKER_MOMO_OPEN_WAIT", "2s"},
     {"EASYMO_BREAKER_MOMO_HALF_OPEN_CALLS", "1"},
     {"EASYMO_BREAKER_REVOLUT_WINDOW_CALLS", "4"},
     {"EASYMO_BREAKER_REVOLUT_CALLS_MIN", "2"},
     {"EASYMO_BREAKER_REVOLUT_OPEN_WAIT", "2s"},
     {"EASYMO_BREAKER_REVOLUT_HALF_OPEN_CALLS", "1"},
     {"EASYMO_RECONCILIATION_RETRY_INTERVAL", "1s"}}};
  return e;
}

std::string state_of(const std::string& gateway) {
  return env().breaker(gateway).value("state", "");
}

int64_t refused_by(const std::string& gateway) {
  return env().breaker(gateway).value("not_permitted", int64_t{0});
}

// The day's stored row of `gateway`, from the admin list.
nlohmann::json stored_row(const std::string& day, const std::string& gateway) {
  auto r = env().admin("GET", "/admin/reconciliations?from=" + day + "&to=" + day);
  for (auto& row : r.body["reconciliations"])
    if (row.value("gateway", "") == gateway)
      return row;
  return nullptr;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_gateway_has_a_breaker_on_the_board) {
  for (auto gw : {"whatsapp", "momo", "paydunya", "revolut", "slack"})
    BOOST_CHECK_MESSAGE(state_of(gw) == "closed", gw);
  auto metrics = test::http_get(env().public_port(), "/metrics");
  BOOST_REQUIRE(metrics);
  BOOST_CHECK(metrics->body.find("easymo_breaker_state{gateway=\"momo\"} 0")
              != std::string::npos);
}

BOOST_AUTO_TEST_CASE(momo_down_opens_its_breaker_and_the_poller_credits_once) {
  auto wa = std::string{"250788700001"};
  auto a = env().start("momo", "collection", wa, wa, "5000", "RWF");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  auto ref = a.body.value("reference", "");
  BOOST_REQUIRE(env().wait_status("momo", ref, "pending"));
  // MoMo takes the money, its callback is lost, then MoMo goes down: the
  // poller's status checks fail until the breaker opens.
  env().momo.lose_callbacks = true;
  env().momo.settle(ref, "SUCCESSFUL");
  env().momo.server.fail_all(503);
  BOOST_REQUIRE(test::eventually([] { return state_of("momo") == "open"; }, 60s));
  // Open: a new top-up is stored and answered at once ("created", the
  // poller sends it later); the breaker refused calls without sending them.
  auto b = env().start("momo", "collection", "250788700002", "250788700002",
                       "700", "RWF");
  BOOST_REQUIRE_MESSAGE(b.status == 200, b.body.dump());
  BOOST_CHECK_EQUAL(b.body.value("status", ""), "created");
  auto ref_b = b.body.value("reference", "");
  BOOST_CHECK(test::eventually([] { return refused_by("momo") > 0; }, 60s));
  auto metrics = test::http_get(env().public_port(), "/metrics");
  BOOST_REQUIRE(metrics);
  BOOST_CHECK(metrics->body.find("easymo_breaker_calls_total{gateway=\"momo\","
                                 "outcome=\"not_permitted\"}")
              != std::string::npos);
  // Nothing is credited on anyone's word while MoMo cannot confirm it.
  BOOST_CHECK_EQUAL(env().balance(wa, "RWF"), 0);
  BOOST_CHECK_EQUAL(env().transfers("momo", ref), 0);
  BOOST_CHECK_EQUAL(env().intent("momo", ref).value("status", ""), "pending");
  // MoMo is back: a trial call closes the breaker and the poller settles A
  // and sends B, under B's own reference.
  env().momo.server.fail_all(0);
  env().momo.lose_callbacks = false;
  BOOST_REQUIRE(test::eventually(
    [&] { return env().intent("momo", ref).value("status", "") == "succeeded"; },
    90s));
  BOOST_CHECK_EQUAL(state_of("momo"), "closed");
  BOOST_CHECK_EQUAL(env().balance(wa, "RWF"), 5000);
  BOOST_CHECK_EQUAL(env().transfers("momo", ref), 1);
  BOOST_REQUIRE(test::eventually(
    [&] { return env().momo.payment(ref_b).has_value(); }, 90s));
  env().momo.settle(ref_b, "SUCCESSFUL");
  BOOST_REQUIRE(env().wait_status("momo", ref_b, "succeeded"));
  BOOST_CHECK_EQUAL(env().balance("250788700002", "RWF"), 700);
  BOOST_CHECK_EQUAL(env().transfers("momo", ref_b), 1);
}

BOOST_AUTO_TEST_CASE(revolut_down_leaves_the_day_incomplete_until_it_is_back) {
  auto wa = std::string{"250788700003"};
  auto a = env().start("revolut", "collection", wa, "", "12", "EUR");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  env().revolut.complete(env().revolut.last()->id, "completed");
  BOOST_REQUIRE(env().wait_status("revolut", a.body.value("reference", ""),
                                  "succeeded"));
  auto day = env().today();
  env().revolut.server.fail_all(503);
  // Every run while Revolut is down is incomplete; once the breaker is
  // open, a run is refused without a request reaching Revolut.
  BOOST_REQUIRE(test::eventually(
    [&] {
      auto seen = env().revolut.server.requests().size();
      auto row = env().reconcile(day, "revolut");
      BOOST_REQUIRE(row.is_object());
      BOOST_CHECK_EQUAL(row.value("status", ""), "incomplete");
      BOOST_CHECK(row["mismatch_count"].is_null());
      return state_of("revolut") == "open"
             && env().revolut.server.requests().size() == seen;
    },
    60s));
  BOOST_CHECK_EQUAL(env().balance(wa, "EUR"), 1200);
  env().revolut.server.fail_all(0);
  // The retry loop reruns the day by itself.
  BOOST_REQUIRE(test::eventually(
    [&] { return stored_row(day, "revolut").value("status", "") == "complete"; },
    90s));
  auto row = stored_row(day, "revolut");
  BOOST_CHECK_EQUAL(row["mismatch_count"], 0);
  BOOST_CHECK_EQUAL(row["matched"], 1);
  BOOST_CHECK(row.value("attempts", 0) >= 3);
  BOOST_CHECK_EQUAL(state_of("revolut"), "closed");
  BOOST_CHECK(env().slack.messages().empty());
}
