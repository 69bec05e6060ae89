// The outbox dispatcher against a real PostgreSQL and the Graph API
// simulator (in-process, through the real http::client and breaker): a row
// goes out and is marked with Meta's wamid; 429 is retried; 131056 waits
// 4^n seconds; permanent errors and expired windows go to the DLQ; a
// stalled gateway times out and is retried; a breaker opened by 5xx makes
// calls fail fast without losing a row and closes when the gateway heals;
// rows a crashed dispatcher left in 'sending' are sent by the sweep.
#include "runtime/metrics.hpp"
#include "tests/support/outbox_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

double attempts_metric(const std::string& outcome) {
  return metrics::registry::global()
    .counters("easymo_outbound_attempts_total", "", {"outcome"})
    .with({outcome})
    .value();
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(outbox_send, test::outbox_fixture)

BOOST_AUTO_TEST_CASE(a_committed_row_is_sent_and_marked_with_meta_wamid) {
  start();
  auto sent_before = metrics::registry::global()
                       .counters("easymo_outbound_sent_total", "")
                       .with()
                       .value();
  auto r = insert("250788000101", text("250788000101", "Murakoze cyane"));
  notify({r});
  BOOST_REQUIRE(wait_status(r.id, "sent"));
  auto got = sim.requests_to("250788000101");
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  auto v = row(r.id);
  BOOST_CHECK_EQUAL(v.wamid, got[0].wamid);
  BOOST_CHECK_EQUAL(v.attempts, 1);
  BOOST_CHECK(v.sent_at);
  BOOST_CHECK(v.last_error.is_null());
  // The row id rides in biz_opaque_callback_data; the body is the session's.
  BOOST_CHECK_EQUAL(got[0].callback_data, std::to_string(r.id));
  auto body = nlohmann::json::parse(got[0].body);
  BOOST_CHECK_EQUAL(body["text"]["body"], "Murakoze cyane");
  BOOST_CHECK_EQUAL(metrics::registry::global()
                      .counters("easymo_outbound_sent_total", "")
                      .with()
                      .value(),
                    sent_before + 1);
}

BOOST_AUTO_TEST_CASE(rows_nobody_announced_are_found_by_the_sweep) {
  start();
  auto a = insert("250788000102", text("250788000102"));
  auto b = insert("250788000102", text("250788000102", "second"));
  BOOST_REQUIRE(wait_status(a.id, "sent"));
  BOOST_REQUIRE(wait_status(b.id, "sent"));
  BOOST_CHECK_EQUAL(sim.counts().accepted, 2u);
  BOOST_CHECK_EQUAL(outbox_info()["swept"], 2);
}

BOOST_AUTO_TEST_CASE(a_429_is_retried_and_then_succeeds) {
  start();
  auto throttled_before = attempts_metric("throttled");
  sim.fail_next(1, test::graph_fault::throttle());
  auto r = insert("250788000103", text("250788000103"));
  notify({r});
  BOOST_REQUIRE(wait_status(r.id, "sent"));
  auto got = sim.requests_to("250788000103");
  BOOST_REQUIRE_EQUAL(got.size(), 2u);
  BOOST_CHECK_EQUAL(got[0].status, 429);
  BOOST_CHECK_EQUAL(got[1].status, 200);
  BOOST_CHECK_EQUAL(row(r.id).attempts, 2);
  BOOST_CHECK_EQUAL(attempts_metric("throttled"), throttled_before + 1);
  BOOST_CHECK_EQUAL(sim.counts().duplicates, 0u);
}

BOOST_AUTO_TEST_CASE(the_pair_rate_limit_backs_off_four_to_the_n_seconds) {
  start();
  sim.fail_next(2, test::graph_fault::pair_limit());
  auto r = insert("250788000104", text("250788000104"));
  notify({r});
  BOOST_REQUIRE(test::eventually([&] {
    auto v = row(r.id);
    return v.status == "pending" && v.attempts == 1;
  }));
  auto first = row(r.id);
  BOOST_CHECK_EQUAL(first.last_error["code"], 131056);
  BOOST_CHECK_GE(first.delay_ms, 990); // 4^0 s
  BOOST_CHECK_LE(first.delay_ms, 1010);
  BOOST_REQUIRE(test::eventually(
    [&] {
      auto v = row(r.id);
      return v.status == "pending" && v.attempts == 2;
    },
    5s));
  auto second = row(r.id);
  BOOST_CHECK_GE(second.delay_ms, 3990); // 4^1 s
  BOOST_CHECK_LE(second.delay_ms, 4010);
  // The pair limit is about one user: it must not trip the breaker.
  BOOST_CHECK_EQUAL(breaker_info()["failures"], 0);
  exec("UPDATE outbox SET next_attempt_at = now() WHERE id = "
       + std::to_string(r.id));
  BOOST_REQUIRE(wait_status(r.id, "sent"));
  BOOST_CHECK_EQUAL(row(r.id).attempts, 3);
}

BOOST_AUTO_TEST_CASE(a_permanent_error_goes_to_the_dlq_and_the_row_dies) {
  start();
  sim.fail_next(1, test::graph_fault::permanent(131026));
  auto r = insert("250788000105", text("250788000105"));
  notify({r});
  BOOST_REQUIRE(wait_status(r.id, "dead"));
  BOOST_CHECK_EQUAL(scalar("SELECT count(*) FROM dlq WHERE reason = 'permanent'"
                           " AND (error->>'code')::int = 131026 AND outbox_id = "
                           + std::to_string(r.id)),
                    1);
  BOOST_CHECK_EQUAL(sim.requests_to("250788000105").size(), 1u);
  BOOST_CHECK_EQUAL(row(r.id).last_error["http_status"], 400);
}

BOOST_AUTO_TEST_CASE(an_expired_window_goes_to_the_dlq_unsent_templates_go) {
  start();
  auto late = insert("250788000106", text("250788000106"), -60);
  nlohmann::json tpl{{"messaging_product", "whatsapp"},
                     {"to", "250788000106"},
                     {"type", "template"},
                     {"template", {{"name", "reminder"}, {"language", {{"code", "rw"}}}}}};
  auto reminder = insert("250788000106", tpl.dump(), std::nullopt);
  notify({late, reminder});
  BOOST_REQUIRE(wait_status(late.id, "dead"));
  BOOST_REQUIRE(wait_status(reminder.id, "sent"));
  BOOST_CHECK_EQUAL(scalar("SELECT count(*) FROM dlq WHERE reason = "
                           "'window_expired' AND outbox_id = "
                           + std::to_string(late.id)),
                    1);
  auto got = sim.requests_to("250788000106");
  BOOST_REQUIRE_EQUAL(got.size(), 1u);
  BOOST_CHECK_EQUAL(got[0].type, "template");
}

BOOST_AUTO_TEST_CASE(a_stalled_gateway_times_out_and_the_row_is_retried) {
  opts.request_timeout = 300ms;
  start();
  auto timeouts_before = attempts_metric("timeout");
  sim.fail_next(1, test::graph_fault::stall());
  auto r = insert("250788000107", text("250788000107"));
  notify({r});
  BOOST_REQUIRE(wait_status(r.id, "sent"));
  BOOST_CHECK_EQUAL(row(r.id).attempts, 2);
  BOOST_CHECK_EQUAL(sim.counts().stalled, 1u);
  BOOST_CHECK_EQUAL(sim.counts().accepted, 1u);
  BOOST_CHECK_EQUAL(attempts_metric("timeout"), timeouts_before + 1);
}

BOOST_AUTO_TEST_CASE(injected_5xx_open_the_breaker_nothing_is_lost_it_closes) {
  start();
  sim.fail_percent(100, test::graph_fault::server_error(503));
  std::vector<outbox::outbox_row> rows;
  for (int i = 0; i < 8; ++i)
    rows.push_back(insert("250788000108", text("250788000108", std::to_string(i))));
  notify(rows);
  BOOST_REQUIRE(test::eventually([&] { return breaker_info()["state"] == "open"; }));
  // Open: calls fail fast, so the gateway stops seeing requests, and rows
  // wait as pending without using up attempts.
  BOOST_REQUIRE(test::eventually([&] {
    return outbox_info()["in_flight"] == 0 && breaker_info()["not_permitted"] > 0;
  }));
  auto seen = sim.counts().requests;
  BOOST_CHECK_LE(seen, 8u);
  BOOST_CHECK_EQUAL(scalar("SELECT count(*) FROM outbox WHERE status = 'dead'"), 0);
  BOOST_CHECK_EQUAL(scalar("SELECT count(*) FROM outbox WHERE status IN "
                           "('pending', 'sending')"),
                    8);
  sim.clear_faults();
  // After the wait a trial call goes through, the breaker closes, all go.
  for (auto& r : rows)
    BOOST_REQUIRE(wait_status(r.id, "sent", 15s));
  BOOST_CHECK_EQUAL(breaker_info()["state"], "closed");
  BOOST_CHECK_EQUAL(sim.counts().accepted, 8u);
  BOOST_CHECK_EQUAL(sim.counts().duplicates, 0u);
  BOOST_CHECK_EQUAL(scalar("SELECT count(*) FROM dlq"), 0);
  BOOST_CHECK_LE(scalar("SELECT max(attempts) FROM outbox"), 4);
}

BOOST_AUTO_TEST_CASE(rows_a_crashed_dispatcher_left_in_sending_are_resent) {
  opts.sending_stale_after = 4s;
  auto orphan = insert("250788000109", text("250788000109"));
  auto recent = insert("250788000109", text("250788000109", "recent"));
  // What a dispatcher that died mid-send leaves behind: claimed long ago,
  // and one claimed a moment ago (maybe by a live dispatcher elsewhere).
  // Both before the dispatcher starts, whose sweep would send a pending row.
  exec("UPDATE outbox SET status = 'sending', attempts = 1,"
       " updated_at = now() - interval '1 hour' WHERE id = "
       + std::to_string(orphan.id));
  exec("UPDATE outbox SET status = 'sending', attempts = 1, updated_at = now()"
       " WHERE id = " + std::to_string(recent.id));
  start();
  BOOST_REQUIRE(wait_status(orphan.id, "sent"));
  BOOST_CHECK_EQUAL(row(orphan.id).attempts, 2);
  BOOST_CHECK_EQUAL(outbox_info()["resent"], 1);
  // Not stale yet: left alone until the bound passes, then sent too.
  BOOST_CHECK_EQUAL(row(recent.id).status, "sending");
  BOOST_REQUIRE(wait_status(recent.id, "sent", 10s));
}

BOOST_AUTO_TEST_SUITE_END()
