// Deterministic tests of the session shard and its session actors: ordering,
// activation, what a session commits, passivation and revival. The fixture
// (tests/support/session_fixture.hpp) explains the fakes.
#define CAF_SUITE sessions

#include "tests/support/session_fixture.hpp"

using namespace caf;
using namespace easymo;
using namespace easymo::test;

CAF_TEST_FIXTURE_SCOPE(session_tests, session_fixture)

CAF_TEST(one user events are handled one at a time in arrival order) {
  auto first = send("250788000001", "menu");
  auto second = send("250788000001", "profile");
  auto third = send("250788000001", "langue");
  CAF_REQUIRE_EQUAL(commits().pending.size(), 1u);
  CAF_CHECK_EQUAL(pending().event_id, first);
  settle();
  CAF_REQUIRE_EQUAL(commits().pending.size(), 1u);
  CAF_CHECK_EQUAL(pending().event_id, second);
  settle();
  CAF_CHECK_EQUAL(pending().event_id, third);
  settle();
  CAF_CHECK(commits().pending.empty());
  CAF_CHECK_EQUAL(db->rows["250788000001"].version, 3);
  // One activation, one load for the three events.
  CAF_CHECK_EQUAL(db->loads.size(), 1u);
  CAF_CHECK_EQUAL(shard_state().counters.activations, 1u);
}

CAF_TEST(different users are handled side by side) {
  send("250788000001", "menu");
  send("250788000002", "menu");
  send("250788000003", "menu");
  CAF_CHECK_EQUAL(commits().pending.size(), 3u);
  CAF_CHECK_EQUAL(shard_state().live, 3u);
  settle(3);
  CAF_CHECK_EQUAL(shard_state().busy.size(), 0u);
}

CAF_TEST(a session commits the domain decision) {
  auto id = send("250788000001", "", work_kind::process, "profile:name");
  auto& item = pending();
  CAF_CHECK(item.kind == item_kind::process);
  CAF_CHECK_EQUAL(item.event_id, id);
  CAF_CHECK_EQUAL(item.wa_id, "250788000001");
  CAF_CHECK_EQUAL(item.expected_version, 0);
  CAF_CHECK_EQUAL(item.next.domain, "profile");
  CAF_CHECK_EQUAL(item.next.step, "await_name");
  CAF_CHECK_EQUAL(item.inbound_at, 1718012345);
  auto body = message(item);
  CAF_CHECK_EQUAL(body["to"], "250788000001");
  CAF_CHECK_EQUAL(body["text"]["body"],
                  texts->get(domains::language::en, "profile.ask_name"));
  settle();
  // The flow continues with the next message, and the name sticks.
  send("250788000001", "Aline Uwase");
  CAF_REQUIRE_EQUAL(pending().effects.profile.size(), 1u);
  CAF_CHECK_EQUAL(pending().effects.profile[0].name, "Aline Uwase");
  CAF_CHECK_EQUAL(pending().expected_version, 1);
  CAF_CHECK(pending().next.step.empty());
  settle();
  send("250788000001", "profil");
  CAF_CHECK(message(pending())["interactive"]["body"]["text"]
              .get<std::string>()
              .find("Aline Uwase")
            != std::string::npos);
  settle();
}

CAF_TEST(the state comes from the database on activation) {
  auto& row = db->rows["250788000009"];
  row.version = 41;
  row.flow.lang = domains::language::rw;
  row.flow.domain = "profile";
  row.flow.step = "await_name";
  send("250788000009", "Mugisha");
  CAF_CHECK_EQUAL(pending().expected_version, 41);
  CAF_REQUIRE_EQUAL(pending().effects.profile.size(), 1u);
  CAF_CHECK_EQUAL(pending().effects.profile[0].name, "Mugisha");
  CAF_CHECK(message(pending())["interactive"]["body"]["text"]
              .get<std::string>()
              .find("Murakoze")
            != std::string::npos);
  settle();
}

CAF_TEST(an idle session passivates and revives from the database) {
  send("250788000001", "", work_kind::process, "profile:name");
  settle();
  CAF_CHECK_EQUAL(shard_state().live, 1u);
  tick(idle - sweep_every);
  CAF_CHECK_EQUAL(shard_state().live, 1u);
  tick(2 * sweep_every);
  CAF_CHECK_EQUAL(shard_state().live, 0u);
  CAF_CHECK(shard_state().slots.empty());
  CAF_CHECK_EQUAL(shard_state().counters.passivations, 1u);
  // Revived: loaded again, and still in the name flow it left.
  send("250788000001", "Aline");
  CAF_CHECK_EQUAL(db->loads.size(), 2u);
  CAF_CHECK_EQUAL(shard_state().counters.activations, 2u);
  CAF_CHECK_EQUAL(pending().expected_version, 1);
  CAF_REQUIRE_EQUAL(pending().effects.profile.size(), 1u);
  settle();
}

CAF_TEST(a busy session is never passivated) {
  send("250788000001", "menu");
  settle();
  send("250788000002", "menu");
  tick(idle + sweep_every);
  // The idle one went, the one waiting for its commit stayed.
  CAF_CHECK(session_of("250788000001") == nullptr);
  CAF_CHECK(session_of("250788000002") != nullptr);
  CAF_CHECK_EQUAL(shard_state().live, 1u);
  settle();
  CAF_CHECK_EQUAL(shard_state().counters.passivations, 1u);
  CAF_CHECK_EQUAL(db->rows["250788000002"].version, 1);
}

CAF_TEST(an event arriving with the sweep finds a fresh session) {
  send("250788000001", "", work_kind::process, "profile:name");
  settle();
  // The sweep's timer and the event land in the shard's mailbox together,
  // timer first: the session goes, and the event revives it from the
  // state the last commit wrote.
  advance_time(idle + sweep_every);
  send("250788000001", "Aline");
  CAF_CHECK_EQUAL(shard_state().counters.passivations, 1u);
  CAF_CHECK_EQUAL(shard_state().counters.activations, 2u);
  CAF_CHECK_EQUAL(pending().expected_version, 1);
  CAF_CHECK_EQUAL(pending().effects.profile.size(), 1u);
  settle();
  CAF_CHECK_EQUAL(db->rows["250788000001"].name, "Aline");
}

CAF_TEST(an event queued or in flight is not queued again) {
  auto id = send("250788000001", "menu");
  auto again = [&](int64_t event_id) {
    work job;
    job.event.id = event_id;
    job.event.wa_id = "250788000001";
    job.event.message.kind = "text";
    anon_send(shard, job);
    sched.run();
  };
  auto queued = send("250788000001", "profil");
  again(id);
  again(queued);
  CAF_CHECK_EQUAL(shard_state().counters.repeated, 2u);
  settle();
  settle();
  CAF_CHECK(commits().pending.empty());
  CAF_CHECK_EQUAL(commits().received.size(), 2u);
}

CAF_TEST(users spread over shards by a stable hash) {
  std::vector<size_t> counts(4, 0);
  for (int i = 0; i < 4000; ++i)
    ++counts[session::shard_of("2507880" + std::to_string(10000 + i), 4)];
  for (auto n : counts)
    CAF_CHECK(n > 800 && n < 1200);
  CAF_CHECK_EQUAL(session::shard_of("250788123456", 4),
                  session::shard_of("250788123456", 4));
  CAF_CHECK_EQUAL(session::shard_name(3), atom("sess.3"));
}

CAF_TEST_FIXTURE_SCOPE_END()
