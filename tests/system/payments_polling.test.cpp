// What the checkout gateways' poller is for, against the real easymod: a
// PayDunya IPN and a Revolut webhook that never arrive still end in a
// credit, read back from the gateway; a payment abandoned on the checkout
// page expires instead of being polled forever.
#include "tests/support/payments_env.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;

namespace {

test::payments_env& env() {
  static test::payments_env e{"polling", "paydunya,revolut",
                              {{"EASYMO_CHECKOUT_POLL_INTERVAL", "1s"},
                               {"EASYMO_PAYMENTS_INTENT_TTL", "4s"}}};
  return e;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_lost_paydunya_ipn_is_recovered_by_polling) {
  auto a = env().start("paydunya", "collection", "250788600001", "", "5000", "XOF");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  env().paydunya.set_status(env().paydunya.last()->token, "completed");
  BOOST_REQUIRE(env().wait_status("paydunya", a.body.value("reference", ""),
                                  "succeeded"));
  BOOST_CHECK_EQUAL(env().balance("250788600001", "XOF"), 5000);
}

BOOST_AUTO_TEST_CASE(a_lost_revolut_webhook_is_recovered_by_polling) {
  auto a = env().start("revolut", "collection", "250788600002", "", "7", "EUR");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  auto o = *env().revolut.last();
  o.state = "completed";
  env().revolut.seed(o);
  BOOST_REQUIRE(env().wait_status("revolut", a.body.value("reference", ""),
                                  "succeeded"));
  BOOST_CHECK_EQUAL(env().balance("250788600002", "EUR"), 700);
}

BOOST_AUTO_TEST_CASE(an_abandoned_checkout_expires) {
  auto a = env().start("revolut", "collection", "250788600003", "", "9", "EUR");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  // Revolut keeps calling it pending; after the intent's 4 s it stops.
  BOOST_REQUIRE(env().wait_status("revolut", a.body.value("reference", ""),
                                  "expired"));
  BOOST_CHECK_EQUAL(env().balance("250788600003", "EUR"), 0);
}
