// Deterministic tests of the session loader and the effects committer on
// CAF's test coordinator with a fake db pool.
//
// The fake pool keeps each job's promise instead of running it, so a test
// sees exactly when a batch leaves the actor (a job appears), answers it
// with the result it chooses, and drives the batch timer with advance_time.
// The committer's outbox notification is a function that records its rows.
#define CAF_SUITE session_store_actors

#include "actors/effects/committer.hpp"
#include "actors/session/loader.hpp"
#include "persistence/db/protocol.hpp"
#include "tests/support/fake_pool.hpp"

#include <caf/test/dsl.hpp>

using namespace caf;
using namespace easymo;
using sessions::commit_status;

namespace {

using easymo::test::answer_atom;
using easymo::test::fail_atom;
using easymo::test::fake_pool;
using easymo::test::fake_pool_actor;

group_limits limits(size_t items, size_t in_flight) {
  group_limits l;
  l.items_max = items;
  l.in_flight_max = in_flight;
  l.delay_max = std::chrono::milliseconds(2);
  l.queue_max = 5;
  return l;
}

sessions::commit_item item(int64_t event_id) {
  sessions::commit_item out;
  out.event_id = event_id;
  out.wa_id = "2507880000" + std::to_string(event_id);
  out.messages = {"{\"type\":\"text\"}"};
  return out;
}

struct fixture : test_coordinator_fixture<> {
  actor pool = sys.spawn(fake_pool);
  std::shared_ptr<std::vector<sessions::committed_reply>> notified
    = std::make_shared<std::vector<sessions::committed_reply>>();
  actor committer;
  actor loader;

  fixture() {
    effects::committer_options opts;
    opts.limits = limits(3, 1);
    opts.notify = [out = notified](caf::actor_system&,
                                   std::vector<sessions::committed_reply> rows) {
      out->insert(out->end(), rows.begin(), rows.end());
    };
    committer = actor_cast<actor>(sys.spawn(effects::committer, pool, opts));
    session::loader_options lopts;
    lopts.limits = limits(2, 1);
    loader = actor_cast<actor>(sys.spawn(session::loader, pool, lopts));
    sched.run();
  }

  // Unanswered jobs hold promises pointing back at the actors.
  ~fixture() {
    for (auto& a : {pool, committer, loader})
      anon_send_exit(a, exit_reason::kill);
    sched.run();
  }

  std::vector<response_promise>& jobs() {
    return deref<fake_pool_actor>(pool).state.jobs;
  }

  void answer(size_t index, std::any value) {
    self->send(pool, answer_atom::value, index, db::job_result{std::move(value)});
    sched.run();
  }

  void commit(int64_t event_id) {
    self->send(committer, item(event_id));
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(session_store_actor_tests, fixture)

CAF_TEST(commits of many sessions share one transaction) {
  commit(1);
  commit(2);
  CAF_CHECK_EQUAL(jobs().size(), 0u);
  commit(3);
  CAF_REQUIRE_EQUAL(jobs().size(), 1u);
  sessions::commit_result result;
  result.outcomes = {{commit_status::committed, 1},
                     {commit_status::duplicate, 0},
                     {commit_status::committed, 4}};
  result.replies = {{10, "2507880000001", "{}", 100}, {11, "2507880000003", "{}", 100}};
  answer(0, result);
  std::vector<sessions::commit_outcome> got;
  for (int i = 0; i < 3; ++i)
    self->receive([&](sessions::commit_outcome& out) { got.push_back(out); },
                  [&](error& err) { CAF_FAIL(sys.render(err)); });
  CAF_CHECK(got[0].status == commit_status::committed);
  CAF_CHECK(got[1].status == commit_status::duplicate);
  CAF_CHECK_EQUAL(got[2].version, 4);
  // The outbox hears of the new rows after the answers, once per batch.
  CAF_REQUIRE_EQUAL(notified->size(), 2u);
  CAF_CHECK_EQUAL((*notified)[1].id, 11);
}

CAF_TEST(a lone commit waits for the delay and no longer) {
  commit(1);
  advance_time(std::chrono::milliseconds(1));
  sched.run();
  CAF_CHECK_EQUAL(jobs().size(), 0u);
  advance_time(std::chrono::milliseconds(1));
  sched.run();
  CAF_CHECK_EQUAL(jobs().size(), 1u);
}

CAF_TEST(a failed transaction answers every session with the error) {
  commit(1);
  commit(2);
  commit(3);
  commit(4); // waits for the running batch
  self->send(pool, fail_atom::value, size_t{0});
  sched.run();
  for (int i = 0; i < 3; ++i)
    self->receive(
      [&](sessions::commit_outcome&) { CAF_FAIL("expected an error"); },
      [&](error& err) { CAF_CHECK(db::is(err, db::errc::unavailable)); });
  CAF_CHECK(notified->empty());
  // The slot is free again: the waiting commit leaves at once.
  CAF_CHECK_EQUAL(jobs().size(), 2u);
}

CAF_TEST(a full queue refuses as overloaded) {
  for (int i = 1; i <= 3; ++i)
    commit(i); // in flight
  for (int i = 4; i <= 8; ++i)
    commit(i); // queued up to the bound of 5
  commit(9);
  self->receive(
    [&](sessions::commit_outcome&) { CAF_FAIL("expected an error"); },
    [&](error& err) { CAF_CHECK(db::is(err, db::errc::overloaded)); });
}

CAF_TEST(loads are batched and answered in order) {
  self->send(loader, session::load_atom::value, std::string{"250788000001"});
  self->send(loader, session::load_atom::value, std::string{"250788000002"});
  sched.run();
  CAF_REQUIRE_EQUAL(jobs().size(), 1u);
  std::vector<sessions::session_record> rows(2);
  rows[0].version = 5;
  rows[1].version = 9;
  answer(0, rows);
  std::vector<int64_t> versions;
  for (int i = 0; i < 2; ++i)
    self->receive(
      [&](sessions::session_record& r) { versions.push_back(r.version); },
      [&](error& err) { CAF_FAIL(sys.render(err)); });
  CAF_CHECK_EQUAL(versions[0], 5);
  CAF_CHECK_EQUAL(versions[1], 9);
}

CAF_TEST_FIXTURE_SCOPE_END()
