// What the journal makes of a committed batch, on CAF's test coordinator:
// duplicates counted and not dispatched, rate limits applied through the
// limiter (or skipped), and completions from io threads that are always
// answered (fakes and fixture in journal_fixture.hpp).
#define CAF_SUITE journal_outcomes

#include "tests/unit/journal_fixture.hpp"

using namespace journal_test;

CAF_TEST_FIXTURE_SCOPE(journal_outcomes_tests, fixture)

CAF_TEST(duplicates are counted and only new events are dispatched) {
  stored.insert("wamid.old");
  auto j = sys.spawn(group_commit, options(64));
  // Eight copies of one redelivered event, plus the stored one.
  for (int i = 0; i < 8; ++i)
    self->send(j, request_of({text_event("wamid.same")}));
  self->send(j, request_of({text_event("wamid.old")}));
  sched.run();
  advance_time(5ms);
  sched.run();
  commit_oldest();
  auto got = answers();
  CAF_REQUIRE_EQUAL(got.size(), 9u);
  uint32_t inserted = 0;
  uint32_t duplicates = 0;
  for (auto& a : got) {
    inserted += a->inserted;
    duplicates += a->duplicates;
  }
  CAF_CHECK_EQUAL(inserted, 1u);
  CAF_CHECK_EQUAL(duplicates, 8u);
  CAF_REQUIRE_EQUAL(dispatched().size(), 1u);
  CAF_CHECK_EQUAL(dispatched()[0].key, "wamid.same");
}

CAF_TEST(over limit messages are committed throttled and still answered) {
  directory::put(sys, directory::limiter, sys.spawn(fake_limiter, false));
  auto j = sys.spawn(group_commit, options(64));
  auto status = text_event("wamid.st");
  status.kind = "status.read";
  status.rate_limited = false;
  self->send(j, request_of({text_event("wamid.l0"), status, text_event("wamid.l1"),
                            text_event("wamid.l2")}));
  sched.run();
  advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(inputs->size(), 1u);
  auto& recs = inputs->front()->requests[0].records;
  // Statuses are not limited; messages alternate allowed / refused.
  CAF_CHECK(recs[0].status == event_status::received);
  CAF_CHECK(recs[1].status == event_status::received);
  CAF_CHECK(recs[2].status == event_status::throttled);
  CAF_CHECK(recs[3].status == event_status::received);
  commit_oldest();
  auto got = answers();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0]->inserted, 4u);
  CAF_CHECK_EQUAL(got[0]->throttled, 1u);
  CAF_REQUIRE_EQUAL(dispatched().size(), 4u);
  CAF_CHECK(dispatched()[2].status == event_status::throttled);
}

CAF_TEST(with both rules off the limiter is not asked) {
  // A silent limiter would hold the batch for its timeout if it were asked.
  directory::put(sys, directory::limiter, sys.spawn(fake_limiter, true));
  auto opts = options(64);
  opts.limits = {"wa", {0, 0}, {0, 0}};
  auto j = sys.spawn(group_commit, opts);
  self->send(j, request_of({text_event("wamid.off")}));
  sched.run();
  advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(jobs_pending(), 1u);
  commit_oldest();
  CAF_CHECK_EQUAL(answers().size(), 1u);
}

CAF_TEST(a silent limiter delays the batch by its timeout only) {
  directory::put(sys, directory::limiter, sys.spawn(fake_limiter, true));
  auto opts = options(64);
  opts.limiter_timeout = 50ms;
  auto j = sys.spawn(group_commit, opts);
  self->send(j, request_of({text_event("wamid.s0")}));
  sched.run();
  advance_time(5ms);
  sched.run();
  CAF_CHECK_EQUAL(jobs_pending(), 0u);
  advance_time(50ms);
  sched.run();
  CAF_REQUIRE_EQUAL(jobs_pending(), 1u);
  CAF_CHECK(inputs->front()->requests[0].records[0].status
            == event_status::received);
  commit_oldest();
  CAF_CHECK_EQUAL(answers().size(), 1u);
}

CAF_TEST(a completion from an io thread is called once after the commit) {
  auto j = sys.spawn(group_commit, options(64));
  auto results = std::make_shared<std::vector<expected<append_result>>>();
  completion done{[results](expected<append_result> r) { results->push_back(std::move(r)); }};
  anon_send(j, request_of({text_event("wamid.io1")}), done);
  sched.run();
  advance_time(5ms);
  sched.run();
  CAF_CHECK(results->empty());
  commit_oldest();
  CAF_REQUIRE_EQUAL(results->size(), 1u);
  CAF_CHECK_EQUAL((*results)[0]->inserted, 1u);
}

CAF_TEST(a completion dropped by a dying journal answers unavailable) {
  auto j = sys.spawn(group_commit, options(64));
  auto results = std::make_shared<std::vector<expected<append_result>>>();
  anon_send(j, request_of({text_event("wamid.io2")}),
            completion{[results](expected<append_result> r) {
              results->push_back(std::move(r));
            }});
  sched.run();
  anon_send_exit(j, exit_reason::kill);
  sched.run();
  CAF_REQUIRE_EQUAL(results->size(), 1u);
  CAF_REQUIRE(!(*results)[0]);
  CAF_CHECK_EQUAL((*results)[0].error().code(), static_cast<uint8_t>(errc::unavailable));
}

CAF_TEST_FIXTURE_SCOPE_END()
