// Reconciliation against the real easymod, the simulators and PostgreSQL.
// Payments go through the normal flow first; then the simulators are made
// to disagree with the ledger in each of the four ways, and a run must find
// exactly those. A re-run replaces the day's row (and does not page Slack
// again for the same findings); a gateway that is down leaves the day
// incomplete with no mismatch count, never "0 mismatches".
#include "tests/support/payments_env.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace easymo;

namespace {

test::payments_env& env() {
  static test::payments_env e{"recon", "momo,revolut"};
  return e;
}

// A completed Revolut top-up of `amount` cents; returns the order id.
std::string paid_order(const std::string& wa, const std::string& amount) {
  auto a = env().start("revolut", "collection", wa, "", amount, "EUR");
  BOOST_REQUIRE_MESSAGE(a.status == 200, a.body.dump());
  auto id = env().revolut.last()->id;
  env().revolut.complete(id, "completed");
  BOOST_REQUIRE(env().wait_status("revolut", a.body.value("reference", ""),
                                  "succeeded"));
  return id;
}

std::string today() {
  return env().today();
}

nlohmann::json run(const std::string& gateway_filter) {
  auto row = env().reconcile(today(), gateway_filter);
  BOOST_REQUIRE_MESSAGE(row.is_object(), "no row for " + gateway_filter);
  return row;
}

std::map<std::string, std::string> kinds_by_ref(const nlohmann::json& row) {
  std::map<std::string, std::string> out;
  for (auto& m : row["mismatches"])
    out[m["reference"]] = m["kind"];
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(each_kind_of_mismatch_is_found_and_alerted) {
  auto matched = paid_order("250788500001", "10");
  auto amount = paid_order("250788500002", "11");
  auto status = paid_order("250788500003", "12");
  auto gone = paid_order("250788500004", "13");
  env().revolut.report_amount(amount, 999);
  auto o = *env().revolut.order(status);
  o.state = "failed";
  env().revolut.seed(o);
  env().revolut.forget(gone);
  test::revolut_order stranger;
  stranger.id = "ord-stranger";
  stranger.state = "completed";
  stranger.amount = 700;
  stranger.reference = "not-ours";
  stranger.created_at = env().revolut.order(matched)->created_at;
  env().revolut.seed(stranger);

  auto row = run("revolut");
  BOOST_CHECK_EQUAL(row["status"], "complete");
  BOOST_CHECK_EQUAL(row["matched"], 1);
  auto kinds = kinds_by_ref(row);
  BOOST_CHECK_EQUAL(kinds.size(), 4u);
  BOOST_CHECK_EQUAL(kinds[amount], "amount_mismatch");
  BOOST_CHECK_EQUAL(kinds[status], "status_mismatch");
  BOOST_CHECK_EQUAL(kinds[gone], "missing_in_gateway");
  BOOST_CHECK_EQUAL(kinds["ord-stranger"], "missing_in_ledger");
  BOOST_REQUIRE(test::eventually([&] { return env().slack.messages().size() == 1; }));
  auto text = env().slack.messages()[0];
  BOOST_CHECK(text.find("revolut: 4 mismatches") != std::string::npos);
  BOOST_CHECK(text.find("missing_in_ledger ord-stranger") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_re_run_replaces_the_row_and_does_not_page_again) {
  auto row = run("revolut");
  BOOST_CHECK_EQUAL(row["mismatch_count"], 4);
  BOOST_CHECK_EQUAL(row["attempts"], 2);
  BOOST_CHECK_EQUAL(env().scalar("SELECT count(*) FROM payment_reconciliations"
                                 " WHERE gateway = 'revolut'"),
                    1);
  BOOST_CHECK_EQUAL(env().slack.messages().size(), 1u);
}

BOOST_AUTO_TEST_CASE(a_gateway_that_is_down_leaves_the_day_incomplete) {
  env().revolut.server.fail_all(503);
  auto row = run("revolut");
  env().revolut.server.fail_all(0);
  BOOST_CHECK_EQUAL(row["status"], "incomplete");
  BOOST_CHECK(row["mismatch_count"].is_null());
  BOOST_CHECK(row["mismatches"].empty());
  BOOST_CHECK(!row["error"].is_null());
  BOOST_CHECK(!row["next_retry_at"].is_null());
  // Once Revolut answers again, the day is complete with its findings.
  auto again = run("revolut");
  BOOST_CHECK_EQUAL(again["status"], "complete");
  BOOST_CHECK_EQUAL(again["mismatch_count"], 4);
}

BOOST_AUTO_TEST_CASE(momo_is_read_one_reference_at_a_time) {
  auto a = env().start("momo", "collection", "250788500010", "250788500010",
                       "2500", "RWF");
  auto ref = a.body.value("reference", "");
  BOOST_REQUIRE(test::eventually([&] { return env().momo.payment(ref).has_value(); }));
  env().momo.settle(ref, "SUCCESSFUL");
  BOOST_REQUIRE(env().wait_status("momo", ref, "succeeded"));
  auto ok = run("momo");
  BOOST_CHECK_EQUAL(ok["status"], "complete");
  BOOST_CHECK_EQUAL(ok["mismatch_count"], 0);
  env().momo.report_amount(ref, "2000");
  auto bad = run("momo");
  BOOST_CHECK_EQUAL(kinds_by_ref(bad)[ref], "amount_mismatch");
  env().momo.server.fail_all(500);
  auto down = run("momo");
  env().momo.server.fail_all(0);
  BOOST_CHECK_EQUAL(down["status"], "incomplete");
}

BOOST_AUTO_TEST_CASE(the_list_shows_stored_runs) {
  auto r = env().admin("GET", "/admin/reconciliations?from=" + today()
                                + "&to=" + today());
  BOOST_REQUIRE_EQUAL(r.status, 200);
  std::set<std::string> gateways;
  for (auto& row : r.body["reconciliations"])
    gateways.insert(row["gateway"]);
  BOOST_CHECK(gateways.count("momo") == 1 && gateways.count("revolut") == 1);
  BOOST_CHECK_EQUAL(env().admin("GET", "/admin/reconciliations?from=x").status,
                    400);
  BOOST_CHECK_EQUAL(
    env().admin("POST", "/admin/reconciliations/run", {{"date", "2026-13-40"}})
      .status,
    400);
}
