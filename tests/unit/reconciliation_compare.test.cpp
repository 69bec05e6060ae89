// Reconciliation's classification rules on hand-built sides: each kind of
// mismatch from the smallest input that produces it, the agreements that
// must not be reported, a stable order, and the Slack text.
#include "actors/reconciliation/compare.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;
using reconciliation::mismatch_kind;
using gateway::pay_status;

namespace {

gateway::record at_gateway(std::string ref, int64_t amount,
                           pay_status st = pay_status::succeeded,
                           ledger::currency cur = ledger::currency::RWF) {
  gateway::record r;
  r.reference = std::move(ref);
  r.amount = amount;
  r.cur = cur;
  r.status = st;
  r.raw_status = gateway::to_string(st);
  return r;
}

payments::ledger_entry in_ledger(std::string ref, int64_t amount,
                                 std::string status = "posted",
                                 ledger::currency cur = ledger::currency::RWF) {
  payments::ledger_entry e;
  e.reference = std::move(ref);
  e.key = "pay:momo:" + e.reference;
  e.kind = "topup";
  e.amount = amount;
  e.cur = cur;
  e.status = std::move(status);
  return e;
}

mismatch_kind only_kind(const reconciliation::comparison& c) {
  BOOST_REQUIRE_EQUAL(c.mismatches.size(), 1u);
  return c.mismatches[0].kind;
}

} // namespace

BOOST_AUTO_TEST_CASE(agreeing_sides_match) {
  auto c = reconciliation::compare({at_gateway("a", 5000), at_gateway("b", 700)},
                                   {in_ledger("b", 700), in_ledger("a", 5000)});
  BOOST_CHECK_EQUAL(c.matched, 2u);
  BOOST_CHECK(c.mismatches.empty());
}

BOOST_AUTO_TEST_CASE(a_completed_payment_without_transfer_is_missing_in_ledger) {
  auto c = reconciliation::compare({at_gateway("a", 5000)}, {});
  BOOST_CHECK(only_kind(c) == mismatch_kind::missing_in_ledger);
  BOOST_CHECK(c.mismatches[0].at_gateway && !c.mismatches[0].in_ledger);
}

BOOST_AUTO_TEST_CASE(a_transfer_the_gateway_never_saw_is_missing_in_gateway) {
  auto c = reconciliation::compare({}, {in_ledger("a", 5000)});
  BOOST_CHECK(only_kind(c) == mismatch_kind::missing_in_gateway);
  // A held transfer reserves money too.
  auto held = reconciliation::compare({}, {in_ledger("a", 5000, "pending")});
  BOOST_CHECK(only_kind(held) == mismatch_kind::missing_in_gateway);
}

BOOST_AUTO_TEST_CASE(different_amounts_or_currencies_are_amount_mismatches) {
  auto c = reconciliation::compare({at_gateway("a", 5000)}, {in_ledger("a", 500)});
  BOOST_CHECK(only_kind(c) == mismatch_kind::amount_mismatch);
  auto cur = reconciliation::compare(
    {at_gateway("a", 5000, pay_status::succeeded, ledger::currency::XOF)},
    {in_ledger("a", 5000)});
  BOOST_CHECK(only_kind(cur) == mismatch_kind::amount_mismatch);
}

BOOST_AUTO_TEST_CASE(money_moved_against_the_gateway_status_is_a_status_mismatch) {
  auto failed = reconciliation::compare({at_gateway("a", 5000, pay_status::failed)},
                                        {in_ledger("a", 5000)});
  BOOST_CHECK(only_kind(failed) == mismatch_kind::status_mismatch);
  auto pending = reconciliation::compare(
    {at_gateway("a", 5000, pay_status::pending)}, {in_ledger("a", 5000)});
  BOOST_CHECK(only_kind(pending) == mismatch_kind::status_mismatch);
  auto refunded = reconciliation::compare({at_gateway("w", 900)},
                                          {in_ledger("w", 900, "refunded")});
  BOOST_CHECK(only_kind(refunded) == mismatch_kind::status_mismatch);
}

BOOST_AUTO_TEST_CASE(nothing_moved_on_either_side_is_no_mismatch) {
  auto c = reconciliation::compare(
    {at_gateway("f", 100, pay_status::failed),
     at_gateway("p", 100, pay_status::pending),
     at_gateway("w", 900, pay_status::failed)},
    {in_ledger("v", 300, "voided"), in_ledger("r", 400, "refunded"),
     in_ledger("w", 900, "refunded")});
  BOOST_CHECK(c.mismatches.empty());
  BOOST_CHECK_EQUAL(c.matched, 1u); // w: failed payout, given back.
}

BOOST_AUTO_TEST_CASE(mismatches_come_sorted_whatever_the_input_order) {
  auto c = reconciliation::compare({at_gateway("c", 1), at_gateway("a", 1)},
                                   {in_ledger("b", 1), in_ledger("a", 2)});
  BOOST_REQUIRE_EQUAL(c.mismatches.size(), 3u);
  BOOST_CHECK_EQUAL(c.mismatches[0].reference, "a");
  BOOST_CHECK_EQUAL(c.mismatches[1].reference, "b");
  BOOST_CHECK_EQUAL(c.mismatches[2].reference, "c");
  auto again = reconciliation::compare({at_gateway("a", 1), at_gateway("c", 1)},
                                       {in_ledger("a", 2), in_ledger("b", 1)});
  BOOST_CHECK_EQUAL(to_json(c.mismatches).dump(),
                    to_json(again.mismatches).dump());
}

BOOST_AUTO_TEST_CASE(json_names_the_kind_and_both_sides) {
  auto c = reconciliation::compare({at_gateway("a", 5000)}, {in_ledger("a", 500)});
  auto j = to_json(c.mismatches[0]);
  BOOST_CHECK_EQUAL(j["kind"], "amount_mismatch");
  BOOST_CHECK_EQUAL(j["reference"], "a");
  BOOST_CHECK_EQUAL(j["gateway"]["amount"], 5000);
  BOOST_CHECK_EQUAL(j["ledger"]["amount"], 500);
  auto missing = to_json(reconciliation::compare({}, {in_ledger("x", 1)})
                           .mismatches[0]);
  BOOST_CHECK(missing["gateway"].is_null());
}

BOOST_AUTO_TEST_CASE(alert_text_lists_the_first_lines_and_points_to_the_rest) {
  std::vector<gateway::record> gw;
  for (int i = 0; i < 25; ++i)
    gw.push_back(at_gateway("r" + std::to_string(100 + i), 1));
  auto c = reconciliation::compare(gw, {});
  auto text = reconciliation::alert_text("2026-11-20", "momo",
                                         to_json(c.mismatches), 20);
  BOOST_CHECK(text.find("2026-11-20 momo: 25 mismatches") != std::string::npos);
  BOOST_CHECK(text.find("missing_in_ledger r100") != std::string::npos);
  BOOST_CHECK(text.find("r124") == std::string::npos);
  BOOST_CHECK(text.find("and 5 more") != std::string::npos);
}
