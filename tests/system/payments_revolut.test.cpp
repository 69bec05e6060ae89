// Revolut against the real easymod and the Revolut simulator: a top-up
// credited from a signed webhook and the order Revolut itself reports;
// forged, stale and unsigned webhooks refused; a webhook signed with the
// second secret of a rotation; a replay that changes nothing.
#include "tests/support/payments_env.hpp"

#include "protocols/revolut/revolut.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

test::payments_env& env() {
  static test::payments_env e{"revolut", "revolut"};
  return e;
}

std::string topup(const std::string& wa, const std::string& amount = "12.50") {
  auto a = env().start("revolut", "collection", wa, "", amount, "EUR");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  auto o = env().revolut.last();
  BOOST_REQUIRE(o);
  BOOST_CHECK_EQUAL(o->reference, a.body.value("reference", ""));
  BOOST_CHECK(a.body.value("checkout_url", "").find(o->id) != std::string::npos);
  return o->id;
}

std::string ref_of(const std::string& order) {
  return env().revolut.order(order)->reference;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string event(const std::string& order) {
  return nlohmann::json{{"event", "ORDER_COMPLETED"}, {"order_id", order}}.dump();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_signed_webhook_credits_the_order_revolut_reports) {
  auto order = topup("250788300001");
  BOOST_CHECK_EQUAL(env().revolut.order(order)->amount, 1250);
  BOOST_CHECK_EQUAL(env().revolut.complete(order, "completed"), 200);
  BOOST_REQUIRE(env().wait_status("revolut", ref_of(order), "succeeded"));
  BOOST_CHECK_EQUAL(env().balance("250788300001", "EUR"), 1250);
  // Replayed within the window: a valid signature, and nothing moves.
  BOOST_CHECK_EQUAL(env().revolut.post_webhook(event(order)), 200);
  BOOST_CHECK_EQUAL(env().balance("250788300001", "EUR"), 1250);
  BOOST_CHECK_EQUAL(env().transfers("revolut", order), 1);
}

BOOST_AUTO_TEST_CASE(forged_stale_and_unsigned_webhooks_are_refused) {
  auto order = topup("250788300002");
  env().revolut.seed([&] {
    auto o = *env().revolut.order(order);
    o.state = "completed";
    return o;
  }());
  auto body = event(order);
  auto ts = std::to_string(now_ms());
  auto post = [&](test::header_list headers) {
    headers.emplace_back("Content-Type", "application/json");
    return test::http_request(env().public_port(), "POST",
                              "/payments/revolut/webhook", body, headers)
      ->status;
  };
  BOOST_CHECK_EQUAL(post({{"Revolut-Request-Timestamp", ts},
                          {"Revolut-Signature",
                           revolut::sign(body, ts, "wsk_not_ours")}}),
                    401);
  auto old = std::to_string(now_ms() - 6 * 60 * 1000);
  BOOST_CHECK_EQUAL(post({{"Revolut-Request-Timestamp", old},
                          {"Revolut-Signature",
                           revolut::sign(body, old, "wsk_sim_signing_1")}}),
                    401);
  BOOST_CHECK_EQUAL(post({}), 401);
  BOOST_CHECK_EQUAL(env().intent("revolut", ref_of(order)).value("status", ""),
                    "pending");
  BOOST_CHECK_EQUAL(env().balance("250788300002", "EUR"), 0);
}

BOOST_AUTO_TEST_CASE(during_rotation_either_secret_signs) {
  auto order = topup("250788300003", "5");
  env().revolut.signing_secrets = {"wsk_sim_signing_2"};
  BOOST_CHECK_EQUAL(env().revolut.complete(order, "completed"), 200);
  env().revolut.signing_secrets = {"wsk_sim_signing_1"};
  BOOST_REQUIRE(env().wait_status("revolut", ref_of(order), "succeeded"));
  BOOST_CHECK_EQUAL(env().balance("250788300003", "EUR"), 500);
}

BOOST_AUTO_TEST_CASE(a_failed_order_fails_the_payment) {
  auto order = topup("250788300004");
  BOOST_CHECK_EQUAL(env().revolut.complete(order, "failed"), 200);
  BOOST_REQUIRE(env().wait_status("revolut", ref_of(order), "failed"));
  BOOST_CHECK_EQUAL(env().balance("250788300004", "EUR"), 0);
}

BOOST_AUTO_TEST_CASE(an_unknown_order_is_acknowledged_and_ignored) {
  BOOST_CHECK_EQUAL(env().revolut.post_webhook(event("ord-unknown")), 200);
}
