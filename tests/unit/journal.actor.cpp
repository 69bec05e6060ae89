// The journal's group-commit bounds on CAF's test coordinator: the delay and
// size that send a batch, whole requests per batch, batches in flight, the
// queue bound, failed commits and audit-only rows (fakes and fixture in
// journal_fixture.hpp).
#define CAF_SUITE journal

#include "tests/unit/journal_fixture.hpp"

using namespace journal_test;

CAF_TEST_FIXTURE_SCOPE(journal_tests, fixture)

CAF_TEST(a lone request waits at most the delay and is answered after commit) {
  auto j = sys.spawn(group_commit, options());
  self->send(j, request_of({text_event("wamid.A"), text_event("wamid.B")}));
  sched.run();
  CAF_CHECK_EQUAL(jobs_pending(), 0u);
  advance_time(4ms);
  sched.run();
  CAF_CHECK_EQUAL(jobs_pending(), 0u);
  advance_time(1ms);
  sched.run();
  CAF_REQUIRE_EQUAL(jobs_pending(), 1u);
  // No answer before the commit returns.
  CAF_CHECK(answers().empty());
  commit_oldest();
  auto got = answers();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_REQUIRE(got[0]);
  CAF_CHECK_EQUAL(got[0]->inserted, 2u);
  CAF_CHECK_EQUAL(got[0]->duplicates, 0u);
  CAF_CHECK_EQUAL(dispatched().size(), 2u);
}

CAF_TEST(a full batch leaves at once and holds whole requests) {
  auto j = sys.spawn(group_commit, options(8));
  // Three rows each (two events and the audit row).
  for (auto id : {"1", "2", "3"})
    self->send(j, request_of({text_event(std::string{"wamid.x"} + id + "a"),
                              text_event(std::string{"wamid.x"} + id + "b")},
                             id));
  sched.run();
  // 9 rows queued >= 8: the first two requests (6 rows) go without waiting;
  // the third would overflow the batch and waits for the delay.
  CAF_REQUIRE_EQUAL(inputs->size(), 1u);
  CAF_CHECK_EQUAL(inputs->front()->requests.size(), 2u);
  CAF_CHECK_EQUAL(state(j).largest_batch_rows, 6u);
  commit_oldest();
  CAF_CHECK_EQUAL(answers().size(), 2u);
  CAF_CHECK_EQUAL(jobs_pending(), 0u);
  advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(inputs->size(), 1u);
  CAF_CHECK_EQUAL(inputs->front()->requests.size(), 1u);
  commit_oldest();
  CAF_CHECK_EQUAL(answers().size(), 1u);
}

CAF_TEST(one oversized request is a batch of its own) {
  auto j = sys.spawn(group_commit, options(4));
  std::vector<record> many;
  for (int i = 0; i < 10; ++i)
    many.push_back(text_event("wamid.big" + std::to_string(i)));
  self->send(j, request_of(std::move(many)));
  sched.run();
  CAF_REQUIRE_EQUAL(inputs->size(), 1u);
  CAF_CHECK_EQUAL(inputs->front()->requests[0].records.size(), 10u);
  commit_oldest();
  auto got = answers();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0]->inserted, 10u);
}

CAF_TEST(requests gather behind batches in flight) {
  auto j = sys.spawn(group_commit, options(64, 1));
  self->send(j, request_of({text_event("wamid.first")}));
  sched.run();
  advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(jobs_pending(), 1u);
  for (int i = 0; i < 3; ++i)
    self->send(j, request_of({text_event("wamid.next" + std::to_string(i))}));
  sched.run();
  // The delay passes, but the only commit slot is taken: nothing leaves.
  advance_time(10ms);
  sched.run();
  CAF_CHECK_EQUAL(jobs_pending(), 1u);
  commit_oldest();
  // The completion sends the three waiting requests as one batch.
  CAF_REQUIRE_EQUAL(jobs_pending(), 1u);
  CAF_CHECK_EQUAL(inputs->front()->requests.size(), 3u);
  commit_oldest();
  CAF_CHECK_EQUAL(answers().size(), 4u);
  CAF_CHECK_EQUAL(state(j).batches, 2u);
}

CAF_TEST(a failed commit answers every request of the batch with an error) {
  auto j = sys.spawn(group_commit, options(8));
  self->send(j, request_of({text_event("wamid.f1")}));
  self->send(j, request_of({text_event("wamid.f2")}));
  sched.run();
  advance_time(5ms);
  sched.run();
  fail_oldest();
  auto got = answers();
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  for (auto& a : got) {
    CAF_REQUIRE(!a);
    CAF_CHECK_EQUAL(a.error().category(), error_category);
    CAF_CHECK_EQUAL(a.error().code(), static_cast<uint8_t>(errc::unavailable));
  }
  CAF_CHECK(dispatched().empty());
  CAF_CHECK_EQUAL(state(j).failed_batches, 1u);
  CAF_CHECK_EQUAL(state(j).inflight, 0u);
}

CAF_TEST(a full queue refuses appends and drops audit only rows) {
  auto opts = options(1024, 1);
  opts.queue_requests_max = 4;
  auto j = sys.spawn(group_commit, opts);
  // The first request leaves (delay), holding the only commit slot.
  self->send(j, request_of({text_event("wamid.q0")}));
  sched.run();
  advance_time(5ms);
  sched.run();
  for (int i = 1; i <= 5; ++i)
    self->send(j, request_of({text_event("wamid.q" + std::to_string(i))}));
  anon_send(j, request_of({}, "audit-only"));
  sched.run();
  auto got = answers();
  // queue_requests_max is 4: the fifth waiting append is refused at once.
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_REQUIRE(!got[0]);
  CAF_CHECK_EQUAL(got[0].error().code(), static_cast<uint8_t>(errc::overloaded));
  CAF_CHECK_EQUAL(state(j).refused, 1u);
  CAF_CHECK_EQUAL(state(j).audits_dropped, 1u);
  commit_oldest();
  // The four waiting requests leave together once their delay has passed.
  advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(inputs->size(), 1u);
  CAF_CHECK_EQUAL(inputs->front()->requests.size(), 4u);
  commit_oldest();
  CAF_CHECK_EQUAL(answers().size(), 5u);
}

CAF_TEST(audit only appends ride along without waiting for an answer) {
  auto j = sys.spawn(group_commit, options(64));
  auto refused = request_of({}, "401-request");
  refused.audit.http_status = 401;
  refused.audit.signature_valid = false;
  anon_send(j, refused);
  self->send(j, request_of({text_event("wamid.a1")}, "200-request"));
  sched.run();
  advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(inputs->size(), 1u);
  auto& reqs = inputs->front()->requests;
  CAF_REQUIRE_EQUAL(reqs.size(), 2u);
  CAF_CHECK_EQUAL(reqs[0].audit.request_id, "401-request");
  CAF_CHECK(!reqs[0].audit.signature_valid);
  commit_oldest();
  auto got = answers();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0]->inserted, 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
