// Status reports and the operator's side of the outbox, against a real
// PostgreSQL: reports move rows forward only (found by row id or wamid),
// failed reports keep Meta's errors, the admin routes count, list and
// replay the DLQ, and an orderly stop writes claimed rows back instead of
// leaving them in 'sending'.
#include "tests/support/outbox_fixture.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>

#include <future>

using namespace easymo;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

outbox::status_report report(const std::string& wamid, const std::string& status,
                             int64_t row_id) {
  outbox::status_report r;
  r.wamid = wamid;
  r.status = status;
  r.recipient = "250788000201";
  r.timestamp = 1718012403;
  if (row_id > 0)
    r.biz_opaque_callback_data = std::to_string(row_id);
  return r;
}

// Calls an admin handler of the outbox the way the listener does and waits
// for the answer.
template <class Atom>
std::pair<int, json> admin(test::outbox_fixture& f, Atom what,
                           const std::string& target, std::string body = {}) {
  auto req = std::make_shared<http::request>();
  req->message.target(target);
  req->message.body() = std::move(body);
  auto answer = std::make_shared<std::promise<http::response>>();
  auto fut = answer->get_future();
  http::responder res{[answer](http::response r) { answer->set_value(r); }};
  caf::anon_send(f.outbox, what, http::request_ptr{req}, res);
  if (fut.wait_for(10s) != std::future_status::ready)
    return {0, nullptr};
  auto r = fut.get();
  return {static_cast<int>(r.result_int()), json::parse(r.body(), nullptr, false)};
}

// Waits until every report sent so far has been written.
bool reports_settled(test::outbox_fixture& f, int64_t reports) {
  return test::eventually([&] {
    auto info = f.outbox_info();
    return info["statuses"] == reports && info["reports_buffered"] == 0
           && info["flushes_in_flight"] == 0;
  });
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(outbox_status, test::outbox_fixture)

BOOST_AUTO_TEST_CASE(reports_move_rows_forward_and_never_back) {
  start();
  auto r = insert("250788000201", text("250788000201"));
  notify({r});
  BOOST_REQUIRE(wait_status(r.id, "sent"));
  auto wamid = row(r.id).wamid;
  caf::anon_send(outbox, report(wamid, "delivered", r.id));
  BOOST_REQUIRE(wait_status(r.id, "delivered"));
  // Late and out of order: neither may undo 'delivered'.
  caf::anon_send(outbox, report(wamid, "sent", r.id));
  BOOST_REQUIRE(reports_settled(*this, 2));
  BOOST_CHECK_EQUAL(row(r.id).status, "delivered");
  // Found by wamid alone (no callback data), moving on to read.
  caf::anon_send(outbox, report(wamid, "read", 0));
  BOOST_REQUIRE(wait_status(r.id, "read"));
  caf::anon_send(outbox, report(wamid, "delivered", r.id));
  BOOST_REQUIRE(reports_settled(*this, 4));
  BOOST_CHECK_EQUAL(row(r.id).status, "read");
  BOOST_CHECK_EQUAL(outbox_info()["statuses_applied"], 2);
  // A report about a message we never sent changes nothing.
  caf::anon_send(outbox, report("wamid.unknown", "read", 0));
  BOOST_REQUIRE(reports_settled(*this, 5));
  BOOST_CHECK_EQUAL(outbox_info()["statuses_applied"], 2);
}

BOOST_AUTO_TEST_CASE(a_report_that_overtakes_the_send_result_wins) {
  start();
  sim.fail_next(1, test::graph_fault::stall());
  auto r = insert("250788000202", text("250788000202"));
  notify({r});
  BOOST_REQUIRE(test::eventually([&] { return sim.counts().stalled == 1; }));
  // Meta's 'delivered' arrives while our call still waits for its answer;
  // the send result that follows must not set the row back to 'sent'.
  caf::anon_send(outbox, report("wamid.early", "delivered", r.id));
  BOOST_REQUIRE(wait_status(r.id, "delivered"));
  sim.release_stalled();
  BOOST_REQUIRE(test::eventually([&] { return !row(r.id).wamid.empty(); }));
  BOOST_CHECK_EQUAL(row(r.id).status, "delivered");
  BOOST_CHECK(row(r.id).sent_at);
}

BOOST_AUTO_TEST_CASE(failed_reports_keep_meta_errors) {
  start();
  auto r = insert("250788000203", text("250788000203"));
  notify({r});
  BOOST_REQUIRE(wait_status(r.id, "sent"));
  auto parsed = outbox::parse_status(json{
    {"id", row(r.id).wamid},
    {"status", "failed"},
    {"timestamp", "1718012404"},
    {"recipient_id", "250788000203"},
    {"biz_opaque_callback_data", std::to_string(r.id)},
    {"errors", json::array({{{"code", 131026}, {"title", "Message undeliverable"}}})}}
                                            .dump());
  BOOST_REQUIRE(parsed);
  caf::anon_send(outbox, *parsed);
  BOOST_REQUIRE(wait_status(r.id, "failed"));
  BOOST_CHECK_EQUAL(row(r.id).last_error["errors"][0]["code"], 131026);
}

BOOST_AUTO_TEST_CASE(admin_counts_lists_and_replays_the_dlq) {
  start();
  sim.fail_next(2, test::graph_fault::permanent(100));
  auto a = insert("250788000204", text("250788000204", "a"));
  auto b = insert("250788000204", text("250788000204", "b"));
  notify({a, b});
  BOOST_REQUIRE(wait_status(a.id, "dead"));
  BOOST_REQUIRE(wait_status(b.id, "dead"));
  auto [status, counts] = admin(*this, outbox::counts_atom::value, "/admin/outbox");
  BOOST_CHECK_EQUAL(status, 200);
  BOOST_CHECK_EQUAL(counts["counts"]["dead"], 2);
  BOOST_CHECK_EQUAL(counts["dlq"], 2);
  auto [st2, page] = admin(*this, outbox::dlq_atom::value, "/admin/dlq?limit=1");
  BOOST_CHECK_EQUAL(st2, 200);
  BOOST_REQUIRE_EQUAL(page["dead"].size(), 1u);
  BOOST_CHECK_EQUAL(page["dead"][0]["outbox_id"], a.id);
  BOOST_CHECK_EQUAL(page["dead"][0]["reason"], "permanent");
  BOOST_CHECK_EQUAL(page["dead"][0]["error"]["code"], 100);
  auto after = page["dead"][0]["id"].get<int64_t>();
  auto [st3, next] = admin(*this, outbox::dlq_atom::value,
                           "/admin/dlq?after=" + std::to_string(after));
  BOOST_REQUIRE_EQUAL(next["dead"].size(), 1u);
  BOOST_CHECK_EQUAL(next["dead"][0]["outbox_id"], b.id);
  BOOST_CHECK_EQUAL(admin(*this, outbox::dlq_atom::value, "/admin/dlq?limit=x").first,
                    400);
  // Replay one entry, then all that are left.
  auto [st4, one] = admin(*this, outbox::replay_atom::value, "/admin/dlq/replay",
                          json{{"id", after}}.dump());
  BOOST_CHECK_EQUAL(st4, 200);
  BOOST_CHECK_EQUAL(one["replayed"], 1);
  BOOST_REQUIRE(wait_status(a.id, "sent"));
  BOOST_CHECK_EQUAL(row(b.id).status, "dead");
  auto [st5, rest] = admin(*this, outbox::replay_atom::value, "/admin/dlq/replay",
                           R"({"all":true})");
  BOOST_CHECK_EQUAL(rest["replayed"], 1);
  BOOST_REQUIRE(wait_status(b.id, "sent"));
  BOOST_CHECK_EQUAL(admin(*this, outbox::replay_atom::value, "/admin/dlq/replay",
                          R"({"id":"x"})")
                      .first,
                    400);
  BOOST_CHECK_EQUAL(scalar("SELECT count(*) FROM dlq WHERE replayed_at IS NULL"), 0);
}

BOOST_AUTO_TEST_CASE(an_orderly_stop_writes_claimed_rows_back) {
  opts.request_timeout = 500ms;
  opts.sends_in_flight_max = 1;
  start();
  sim.fail_next(1, test::graph_fault::stall());
  auto r = insert("250788000205", text("250788000205"));
  auto waiting = insert("250788000205", text("250788000205", "next"));
  notify({r, waiting});
  BOOST_REQUIRE(test::eventually([&] { return sim.counts().stalled == 1; }));
  BOOST_CHECK_EQUAL(row(r.id).status, "sending");
  BOOST_CHECK_EQUAL(row(waiting.id).status, "sending");
  // The call in flight finishes (it times out), its outcome is written,
  // the row that never left goes back without using an attempt, and only
  // then does the dispatcher quit: nothing is left in 'sending'.
  BOOST_REQUIRE(stop_outbox(10s));
  auto v = row(r.id);
  BOOST_CHECK_EQUAL(v.status, "pending");
  BOOST_CHECK_EQUAL(v.attempts, 1);
  auto w = row(waiting.id);
  BOOST_CHECK_EQUAL(w.status, "pending");
  BOOST_CHECK_EQUAL(w.attempts, 0);
  BOOST_CHECK_EQUAL(w.delay_ms, 0);
}

BOOST_AUTO_TEST_SUITE_END()
