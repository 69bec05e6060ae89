// Deterministic tests of what goes wrong around a session: crashes and the
// bounded retry, the apology, an event given up, optimistic-concurrency
// conflicts, duplicates, a database outage, and the throttled user's
// "slow down". The fixture (tests/support/session_fixture.hpp) explains the
// fakes.
#define CAF_SUITE session_failures

#include "tests/support/session_fixture.hpp"

using namespace caf;
using namespace easymo;
using namespace easymo::test;

CAF_TEST_FIXTURE_SCOPE(session_failure_tests, session_fixture)

CAF_TEST(a crash restarts the session and retries the event) {
  auto id = send("250788000001", "menu");
  auto before = session_of("250788000001");
  crash(before);
  sched.run();
  auto after = session_of("250788000001");
  CAF_REQUIRE(after != nullptr);
  CAF_CHECK(after != before);
  CAF_CHECK_EQUAL(shard_state().counters.crashes, 1u);
  // The killed session's item is still pending; the new session sent its
  // own for the same event after reloading the state.
  CAF_REQUIRE_EQUAL(commits().pending.size(), 2u);
  CAF_CHECK_EQUAL(pending(1).event_id, id);
  CAF_CHECK_EQUAL(db->loads.size(), 2u);
  anon_send(committer, easymo::test::refuse_atom::value,
            make_error(sec::request_receiver_down));
  settle();
  CAF_CHECK(commits().pending.empty());
  CAF_CHECK_EQUAL(shard_state().busy.size(), 0u);
  CAF_CHECK_EQUAL(shard_state().live, 1u);
}

CAF_TEST(after the last try the event fails with an apology) {
  auto failures = std::make_shared<int>(-1); // fails forever
  auto flaky = sys.spawn(flaky_home, failures, texts);
  directory::put(sys, atom("dom.home"), flaky);
  db->rows["250788000001"].flow.lang = domains::language::fr;
  auto id = send("250788000001", "menu");
  auto next = send("250788000001", "menu");
  // Three tries crashed; the fourth is the apology, in French.
  CAF_CHECK_EQUAL(shard_state().counters.crashes, 3u);
  CAF_REQUIRE_EQUAL(commits().pending.size(), 1u);
  CAF_CHECK(pending().kind == item_kind::fail);
  CAF_CHECK_EQUAL(pending().event_id, id);
  auto apology = message(pending());
  CAF_CHECK_EQUAL(apology["text"]["body"],
                  texts->get(domains::language::fr, "error.apology"));
  // The user's next event is handled normally once the domain is back.
  *failures = 0;
  settle();
  CAF_CHECK_EQUAL(shard_state().counters.crashes, 3u);
  CAF_REQUIRE_EQUAL(commits().pending.size(), 1u);
  CAF_CHECK_EQUAL(pending().event_id, next);
  CAF_CHECK(pending().kind == item_kind::process);
  settle();
  anon_send_exit(flaky, exit_reason::kill);
}

CAF_TEST(a retry that succeeds commits once) {
  auto failures = std::make_shared<int>(2);
  auto flaky = sys.spawn(flaky_home, failures, texts);
  directory::put(sys, atom("dom.home"), flaky);
  auto id = send("250788000001", "menu");
  CAF_CHECK_EQUAL(shard_state().counters.crashes, 2u);
  CAF_REQUIRE_EQUAL(commits().pending.size(), 1u);
  CAF_CHECK(pending().kind == item_kind::process);
  CAF_CHECK_EQUAL(pending().event_id, id);
  settle();
  anon_send_exit(flaky, exit_reason::kill);
}

CAF_TEST(an event whose apology crashes too is abandoned) {
  auto id = send("250788000001", "menu");
  auto next = send("250788000001", "profil");
  for (int i = 0; i < 4; ++i) {
    CAF_REQUIRE_EQUAL(pending(commits().pending.size() - 1).event_id, id);
    crash(session_of("250788000001"));
    sched.run();
  }
  CAF_CHECK_EQUAL(shard_state().counters.abandoned, 1u);
  // Tries 1-3 processed, the 4th the apology; then the next event.
  auto& received = commits().received;
  CAF_REQUIRE_EQUAL(received.size(), 5u);
  CAF_CHECK(received[3].kind == item_kind::fail);
  CAF_CHECK_EQUAL(received[4].event_id, next);
}

CAF_TEST(a conflict reloads the state and decides again) {
  send("250788000001", "", work_kind::process, "profile:name");
  settle();
  send("250788000001", "Aline");
  // Another writer moved the row meanwhile.
  db->rows["250788000001"].version = 7;
  db->rows["250788000001"].flow = {};
  settle();
  CAF_REQUIRE_EQUAL(commits().pending.size(), 1u);
  CAF_CHECK_EQUAL(pending().expected_version, 7);
  // Decided again on the new state: no flow, so the home menu.
  CAF_CHECK(pending().effects.empty());
  auto menu = message(pending());
  CAF_CHECK_EQUAL(menu["interactive"]["type"], "list");
  settle();
  CAF_CHECK_EQUAL(db->rows["250788000001"].version, 8);
}

CAF_TEST(a duplicate reloads the state before the next event) {
  send("250788000001", "menu");
  settle_as(commit_status::duplicate);
  CAF_CHECK_EQUAL(db->loads.size(), 1u);
  db->rows["250788000001"].version = 5;
  send("250788000001", "menu");
  CAF_CHECK_EQUAL(db->loads.size(), 2u);
  CAF_CHECK_EQUAL(pending().expected_version, 5);
  settle();
}

CAF_TEST(a database outage is waited out without using up tries) {
  auto id = send("250788000001", "menu");
  auto before = session_of("250788000001");
  anon_send(committer, easymo::test::refuse_atom::value,
            db::make_error(db::errc::unavailable, "test"));
  sched.run();
  CAF_CHECK(commits().pending.empty());
  tick(std::chrono::milliseconds(100));
  CAF_REQUIRE_EQUAL(commits().pending.size(), 1u);
  CAF_CHECK_EQUAL(pending().event_id, id);
  CAF_CHECK(session_of("250788000001") == before);
  CAF_CHECK_EQUAL(shard_state().counters.crashes, 0u);
  settle();
}

CAF_TEST(a throttled user gets the slow down text in their language) {
  db->rows["250788000001"].flow.lang = domains::language::rw;
  auto id = send("250788000001", "menu", work_kind::slow_down);
  CAF_CHECK(pending().kind == item_kind::slow_down);
  CAF_CHECK_EQUAL(pending().event_id, id);
  auto notice = message(pending());
  CAF_CHECK_EQUAL(notice["text"]["body"],
                  texts->get(domains::language::rw, "error.slow_down"));
  settle();
  // No state change: the version stays.
  CAF_CHECK_EQUAL(db->rows["250788000001"].version, 0);
}

CAF_TEST(a reaction is marked without a reply) {
  work job;
  job.event.id = 99;
  job.event.wa_id = "250788000001";
  job.event.message.kind = "reaction";
  anon_send(shard, job);
  sched.run();
  CAF_CHECK(pending().kind == item_kind::process);
  CAF_CHECK(pending().messages.empty());
  settle();
}

CAF_TEST_FIXTURE_SCOPE_END()
