// MTN MoMo Open API against the real easymod and the MoMo simulator: a full
// top-up by callback, a lost callback recovered by the poller, forged and
// replayed callbacks, a failed payment, MoMo reporting another amount, a
// revoked token, MoMo down when the payment starts, and withdrawals that
// succeed or are refunded. One daemon serves every case (each uses its own
// wallet), so the suite pays for one start.
#include "tests/support/payments_env.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

test::payments_env& env() {
  static test::payments_env e{"momo", "momo"};
  return e;
}

// Starts a 5000 RWF top-up for `wa` and returns its reference.
std::string topup(const std::string& wa, const std::string& amount = "5000") {
  auto a = env().start("momo", "collection", wa, wa, amount, "RWF");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  auto ref = a.body.value("reference", "");
  BOOST_REQUIRE(test::eventually([&] { return env().momo.payment(ref).has_value(); }));
  return ref;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_top_up_is_credited_once_momo_confirms_it) {
  auto ref = topup("250788100001");
  auto p = env().momo.payment(ref);
  BOOST_CHECK_EQUAL(p->amount, "5000");
  BOOST_CHECK_EQUAL(p->msisdn, "250788100001");
  BOOST_CHECK(p->callback_url.find("/payments/momo/callback?ref=" + ref)
              != std::string::npos);
  BOOST_CHECK(env().wait_status("momo", ref, "pending"));
  BOOST_CHECK_EQUAL(env().balance("250788100001", "RWF"), 0);
  BOOST_CHECK_EQUAL(env().momo.settle(ref, "SUCCESSFUL"), 200);
  BOOST_REQUIRE(env().wait_status("momo", ref, "succeeded"));
  BOOST_CHECK_EQUAL(env().balance("250788100001", "RWF"), 5000);
  BOOST_CHECK_EQUAL(env().transfers("momo", ref), 1);
}

BOOST_AUTO_TEST_CASE(a_lost_callback_is_recovered_by_polling) {
  auto ref = topup("250788100002");
  env().momo.lose_callbacks = true;
  env().momo.settle(ref, "SUCCESSFUL");
  env().momo.lose_callbacks = false;
  BOOST_REQUIRE(env().wait_status("momo", ref, "succeeded"));
  BOOST_CHECK_EQUAL(env().balance("250788100002", "RWF"), 5000);
}

BOOST_AUTO_TEST_CASE(a_forged_callback_credits_nothing) {
  auto ref = topup("250788100003");
  BOOST_REQUIRE(env().wait_status("momo", ref, "pending"));
  // Someone claims success; MoMo itself still says PENDING.
  auto status_path = "/collection/v1_0/requesttopay/" + ref;
  auto asked = env().momo.server.count(status_path);
  auto forged = test::http_request(
    env().public_port(), "PUT", "/payments/momo/callback?ref=" + ref,
    R"({"status":"SUCCESSFUL","amount":"5000","currency":"RWF"})");
  BOOST_REQUIRE(forged);
  BOOST_CHECK_EQUAL(forged->status, 200);
  // The callback made the daemon ask MoMo; MoMo's answer is what counts.
  BOOST_REQUIRE(test::eventually(
    [&] { return env().momo.server.count(status_path) > asked; }));
  BOOST_CHECK_EQUAL(env().intent("momo", ref).value("status", ""), "pending");
  BOOST_CHECK_EQUAL(env().balance("250788100003", "RWF"), 0);
  auto unknown = test::http_request(
    env().public_port(), "PUT",
    "/payments/momo/callback?ref=0b6b6c51-1d8e-4c7a-9d3e-5f2a1b0c9d8e", "{}");
  BOOST_CHECK_EQUAL(unknown->status, 404);
  auto junk = test::http_request(env().public_port(), "POST",
                                 "/payments/momo/callback", "nope");
  BOOST_CHECK_EQUAL(junk->status, 400);
}

BOOST_AUTO_TEST_CASE(a_replayed_callback_is_a_no_op) {
  auto ref = topup("250788100004");
  env().momo.settle(ref, "SUCCESSFUL");
  BOOST_REQUIRE(env().wait_status("momo", ref, "succeeded"));
  // A settled intent answers a callback at once and asks MoMo nothing.
  for (int i = 0; i < 3; ++i)
    BOOST_CHECK_EQUAL(env().momo.settle(ref, "SUCCESSFUL"), 200);
  BOOST_CHECK_EQUAL(env().balance("250788100004", "RWF"), 5000);
  BOOST_CHECK_EQUAL(env().transfers("momo", ref), 1);
}

BOOST_AUTO_TEST_CASE(a_failed_payment_credits_nothing_and_keeps_the_reason) {
  auto ref = topup("250788100005");
  env().momo.settle(ref, "FAILED", "APPROVAL_REJECTED");
  BOOST_REQUIRE(env().wait_status("momo", ref, "failed"));
  auto x = env().intent("momo", ref);
  BOOST_CHECK_EQUAL(x.value("reason", ""), "APPROVAL_REJECTED");
  BOOST_CHECK_EQUAL(env().balance("250788100005", "RWF"), 0);
}

BOOST_AUTO_TEST_CASE(another_amount_at_momo_is_not_credited) {
  auto ref = topup("250788100006");
  env().momo.report_amount(ref, "50000");
  env().momo.settle(ref, "SUCCESSFUL");
  BOOST_REQUIRE(env().wait_status("momo", ref, "failed"));
  BOOST_CHECK(env().intent("momo", ref).value("reason", "").find("50,000 RWF")
              != std::string::npos);
  BOOST_CHECK_EQUAL(env().balance("250788100006", "RWF"), 0);
}

BOOST_AUTO_TEST_CASE(a_revoked_token_is_replaced_and_the_call_retried) {
  auto before = env().momo.tokens_issued();
  env().momo.revoke_tokens();
  auto ref = topup("250788100007");
  BOOST_CHECK(env().momo.tokens_issued() > before);
  env().momo.settle(ref, "SUCCESSFUL");
  BOOST_CHECK(env().wait_status("momo", ref, "succeeded"));
}

BOOST_AUTO_TEST_CASE(momo_down_at_start_is_retried_with_the_same_reference) {
  env().momo.revoke_tokens(); // The next call needs a token: it fails first.
  env().momo.server.fail_next(503, 2);
  auto a = env().start("momo", "collection", "250788100008", "250788100008",
                       "700", "RWF");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  BOOST_CHECK_EQUAL(a.body.value("status", ""), "created");
  auto ref = a.body.value("reference", "");
  // The poller asks MoMo (404), then sends the request-to-pay itself.
  BOOST_REQUIRE(test::eventually([&] { return env().momo.payment(ref).has_value(); },
                                 15s));
  env().momo.settle(ref, "SUCCESSFUL");
  BOOST_REQUIRE(env().wait_status("momo", ref, "succeeded"));
  BOOST_CHECK_EQUAL(env().balance("250788100008", "RWF"), 700);
}

BOOST_AUTO_TEST_CASE(a_withdrawal_debits_first_and_is_refunded_if_momo_fails) {
  auto wa = std::string{"250788100009"};
  auto ref = topup(wa, "9000");
  env().momo.settle(ref, "SUCCESSFUL");
  BOOST_REQUIRE(env().wait_status("momo", ref, "succeeded"));
  auto out = env().start("momo", "disbursement", wa, wa, "4000", "RWF");
  BOOST_REQUIRE_MESSAGE(out.status == 200, out.body.dump());
  auto w1 = out.body.value("reference", "");
  BOOST_REQUIRE(test::eventually([&] { return env().momo.payment(w1).has_value(); }));
  BOOST_CHECK_EQUAL(env().momo.payment(w1)->product, "disbursement");
  BOOST_CHECK_EQUAL(env().balance(wa, "RWF"), 5000); // Debited before paying.
  env().momo.settle(w1, "SUCCESSFUL");
  BOOST_REQUIRE(env().wait_status("momo", w1, "succeeded"));
  BOOST_CHECK_EQUAL(env().balance(wa, "RWF"), 5000);
  auto again = env().start("momo", "disbursement", wa, wa, "3000", "RWF");
  auto w2 = again.body.value("reference", "");
  BOOST_REQUIRE(test::eventually([&] { return env().momo.payment(w2).has_value(); }));
  env().momo.settle(w2, "FAILED", "PAYEE_NOT_FOUND");
  BOOST_REQUIRE(env().wait_status("momo", w2, "failed"));
  BOOST_CHECK_EQUAL(env().balance(wa, "RWF"), 5000); // Given back.
  BOOST_CHECK(env().intent("momo", w2).value("refund_transfer_id", 0) > 0);
}

BOOST_AUTO_TEST_CASE(a_withdrawal_beyond_the_balance_is_refused_by_the_ledger) {
  auto a = env().start("momo", "disbursement", "250788100010", "250788100010",
                       "100", "RWF");
  BOOST_CHECK_EQUAL(a.status, 422);
  BOOST_CHECK(a.body.value("error", "").find("insufficient_funds")
              != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_withdrawal_retried_with_its_reference_pays_out_once) {
  auto wa = std::string{"250788100011"};
  auto top = topup(wa, "9000");
  env().momo.settle(top, "SUCCESSFUL");
  BOOST_REQUIRE(env().wait_status("momo", top, "succeeded"));
  // The wallet derives the reference from the WhatsApp message, so the
  // session retrying that message starts the same withdrawal again.
  auto ref = std::string{"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"};
  nlohmann::json body{{"gateway", "momo"},   {"direction", "disbursement"},
                      {"wa_id", wa},         {"msisdn", wa},
                      {"amount", "4000"},    {"currency", "RWF"},
                      {"reference", ref}};
  auto first = env().admin("POST", "/admin/payments/start", body);
  BOOST_REQUIRE_MESSAGE(first.status == 200, first.body.dump());
  BOOST_CHECK_EQUAL(first.body.value("reference", ""), ref);
  BOOST_REQUIRE(test::eventually([&] { return env().momo.payment(ref).has_value(); }));
  auto again = env().admin("POST", "/admin/payments/start", body);
  BOOST_REQUIRE_MESSAGE(again.status == 200, again.body.dump());
  BOOST_CHECK_EQUAL(again.body.value("reference", ""), ref);
  BOOST_CHECK_EQUAL(env().balance(wa, "RWF"), 5000);
  BOOST_CHECK_EQUAL(env().scalar("SELECT count(*) FROM payment_intents"
                                 " WHERE reference = '" + ref + "'"),
                    1);
  BOOST_CHECK_EQUAL(env().scalar("SELECT count(*) FROM ledger_transfers"
                                 " WHERE idempotency_key = 'pay:momo:" + ref + "'"),
                    1);
  // The same reference for another payment is refused, not merged.
  body["amount"] = "3000";
  BOOST_CHECK_NE(env().admin("POST", "/admin/payments/start", body).status, 200);
  BOOST_CHECK_EQUAL(env().balance(wa, "RWF"), 5000);
}
