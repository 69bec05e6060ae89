// MoMo USSD codes and QR (the default gateway) against the real easymod: the
// code, tel: link and signed QR link a top-up gets, the QR image and its
// refusals, operator confirmation (idempotent, and refusing a second MoMo
// transaction or another amount), and confirmation by the MoMo statement
// during reconciliation.
#include "tests/support/payments_env.hpp"

#include "runtime/clock.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;

namespace {

test::payments_env& env() {
  static test::payments_env e{"ussd", "momo_ussd"};
  return e;
}

test::payments_env::answer confirm(const std::string& ref,
                                   const std::string& txn,
                                   const std::string& amount = "5000") {
  return env().admin("POST", "/admin/payments/confirm",
                     {{"reference", ref},
                      {"transaction_id", txn},
                      {"amount", amount},
                      {"currency", "RWF"},
                      {"admin", "alice"}});
}

} // namespace

BOOST_AUTO_TEST_CASE(a_top_up_gets_a_code_a_tel_link_and_a_qr_image) {
  auto a = env().start("momo_ussd", "collection", "250788400001", "0788400001",
                       "5000", "RWF");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  BOOST_CHECK_EQUAL(a.body["ussd_code"], "*182*8*1*123456*5000#");
  BOOST_CHECK_EQUAL(a.body["tel_link"], "tel:*182*8*1*123456*5000%23");
  auto url = a.body.value("qr_url", "");
  auto target = url.substr(url.find("/payments/momo/qr"));
  auto png = test::http_get(env().public_port(), target);
  BOOST_REQUIRE(png);
  BOOST_CHECK_EQUAL(png->status, 200);
  BOOST_CHECK_EQUAL(png->headers["content-type"], "image/png");
  BOOST_CHECK_EQUAL(png->body.substr(0, 4), "\x89PNG");
  // Another amount under the same signature is a forgery.
  auto forged = target;
  forged.replace(forged.find("amount=5000"), 11, "amount=9000");
  BOOST_CHECK_EQUAL(test::http_get(env().public_port(), forged)->status, 403);
  BOOST_CHECK_EQUAL(test::http_get(env().public_port(), "/payments/momo/qr")->status,
                    403);
}

BOOST_AUTO_TEST_CASE(an_operator_confirmation_credits_once) {
  auto a = env().start("momo_ussd", "collection", "250788400002", "250788400002",
                       "5000", "RWF");
  auto ref = a.body.value("reference", "");
  BOOST_CHECK_EQUAL(confirm(ref, "MP241120.1403.A1", "4000").status, 409);
  BOOST_CHECK_EQUAL(confirm("no-such-ref", "MP241120.1403.A1").status, 404);
  auto ok = confirm(ref, "MP241120.1403.A1");
  BOOST_REQUIRE_MESSAGE(ok.status == 200, ok.body.dump());
  BOOST_CHECK_EQUAL(env().balance("250788400002", "RWF"), 5000);
  BOOST_CHECK_EQUAL(env().intent("momo_ussd", ref).value("gateway_ref", ""),
                    "MP241120.1403.A1");
  // The same confirmation again changes nothing; another MoMo transaction
  // for the same payment is refused.
  BOOST_CHECK_EQUAL(confirm(ref, "MP241120.1403.A1").status, 200);
  BOOST_CHECK_EQUAL(confirm(ref, "MP241120.1409.B7").status, 409);
  BOOST_CHECK_EQUAL(env().balance("250788400002", "RWF"), 5000);
}

BOOST_AUTO_TEST_CASE(the_momo_statement_confirms_during_reconciliation) {
  auto a = env().start("momo_ussd", "collection", "250788400003", "250788400003",
                       "3000", "RWF");
  auto ref = a.body.value("reference", "");
  auto day = local_day(std::chrono::system_clock::now(), "Africa/Kigali");
  env().momo.add_statement_line(day, "9200001", "23:59:59", "Successful",
                                "250788400003", "3000");
  // The payment the operator confirmed in the test above is on it too.
  env().momo.add_statement_line(day, "MP241120.1403.A1", "23:59:59",
                                "Successful", "250788400002", "5000");
  // A payment nobody announced: MoMo has it, the ledger never will.
  env().momo.add_statement_line(day, "9200002", "23:59:59", "Successful",
                                "250788499999", "100");
  auto run = env().admin("POST", "/admin/reconciliations/run", {{"date", day}});
  BOOST_REQUIRE_MESSAGE(run.status == 200, run.body.dump());
  auto row = run.body["runs"][0];
  BOOST_CHECK_EQUAL(row["gateway"], "momo_ussd");
  BOOST_CHECK_EQUAL(row["status"], "complete");
  BOOST_CHECK_EQUAL(row["confirmed"], 1);
  BOOST_REQUIRE_EQUAL(row["mismatches"].size(), 1u);
  BOOST_CHECK_EQUAL(row["mismatches"][0]["kind"], "missing_in_ledger");
  BOOST_CHECK_EQUAL(row["mismatches"][0]["reference"], "9200002");
  BOOST_CHECK_EQUAL(env().balance("250788400003", "RWF"), 3000);
  BOOST_CHECK_EQUAL(env().intent("momo_ussd", ref).value("status", ""),
                    "succeeded");
}

BOOST_AUTO_TEST_CASE(withdrawals_by_ussd_are_unsupported) {
  BOOST_CHECK_EQUAL(env().start("momo_ussd", "disbursement", "250788400004",
                                "250788400004", "100", "RWF")
                      .status,
                    422);
}
