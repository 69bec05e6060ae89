// Deterministic tests of the journal's group commit on CAF's test
// coordinator.
//
// A fake pool registered as directory::db_pool keeps each commit job pending
// until the test answers it; the journal's commit_job seam records the batch
// behind each job, so the test can answer with "new" or "already stored" per
// event. The clock is virtual: delays are crossed with advance_time, never by
// sleeping, and messages are drained with sched.run(), not the fixture's
// run(), which would also fire every pending timer whatever the virtual time.
// A fake dispatcher and a fake limiter record what reaches them.
#define CAF_SUITE journal

#include "actors/journal/journal.hpp"
#include "persistence/db/protocol.hpp"
#include "runtime/directory.hpp"

#include <caf/test/dsl.hpp>

#include <set>

using namespace caf;
using namespace easymo;
using namespace easymo::journal;
using namespace std::chrono_literals;

namespace {

using input_ptr = std::shared_ptr<const store::commit_input>;

// A bare error is not a normal message in CAF 0.17 (it goes to the error
// handler), so the test asks the fake pool to fail with an atom.
using fail_atom = atom_constant<atom("fail")>;

struct fake_pool_state {
  std::deque<response_promise> pending;
  static inline const char* name = "fake.pool";
};

// Keeps each job pending; the test answers the oldest by sending the pool
// a commit_output or fail_atom (promises are delivered from inside the actor).
behavior fake_pool(stateful_actor<fake_pool_state>* self) {
  auto answer = [self](auto value) {
    auto& pending = self->state.pending;
    pending.front().deliver(std::move(value));
    pending.pop_front();
  };
  return {
    [self](db::job&) -> result<db::job_result> {
      self->state.pending.push_back(self->make_response_promise());
      return delegated<db::job_result>{};
    },
    [answer](store::commit_output& out) { answer(db::job_result{out}); },
    [answer](fail_atom) {
      answer(db::make_error(db::errc::unavailable, "test"));
    },
  };
}

struct fake_dispatcher_state {
  std::vector<committed_event> events;
  static inline const char* name = "fake.dispatcher";
};

behavior fake_dispatcher(stateful_actor<fake_dispatcher_state>* self) {
  return {[self](dispatch_batch& b) {
    for (auto& e : b.events)
      self->state.events.push_back(e);
  }};
}

// Refuses every second admission; `silent` never answers at all.
behavior fake_limiter(event_based_actor* self, bool silent) {
  return {[self, silent](ratelimit::check_request& req)
            -> result<ratelimit::check_reply> {
    if (silent) {
      // Never delivered: the journal's request can only time out.
      self->make_response_promise();
      return delegated<ratelimit::check_reply>{};
    }
    ratelimit::check_reply reply;
    for (size_t i = 0; i < req.keys.size(); ++i)
      reply.decisions.push_back({i % 2 == 0, i % 2 == 0 ? 0u : 6000u});
    return reply;
  }};
}

record text_event(std::string key, std::string user = "250788123456") {
  record r;
  r.key = std::move(key);
  r.kind = "text";
  r.wa_id = std::move(user);
  r.payload = R"({"message":{}})";
  r.rate_limited = true;
  return r;
}

append_request request_of(std::vector<record> records, std::string id = "r") {
  append_request req;
  req.audit.request_id = std::move(id);
  req.audit.events = static_cast<uint32_t>(records.size());
  req.records = std::move(records);
  return req;
}

struct fixture : test_coordinator_fixture<> {
  std::shared_ptr<std::deque<input_ptr>> inputs
    = std::make_shared<std::deque<input_ptr>>();
  actor pool = sys.spawn(fake_pool);
  actor dispatcher = sys.spawn(fake_dispatcher);
  std::set<std::string> stored; // keys the fake database already holds

  fixture() {
    directory::put(sys, directory::db_pool, pool);
    directory::put(sys, directory::dispatcher, dispatcher);
  }

  ~fixture() {
    directory::erase_all(sys, {directory::db_pool, directory::dispatcher,
                               directory::limiter});
  }

  journal_options options(size_t rows_max = 8, size_t inflight = 2) {
    journal_options opts;
    opts.batch_rows_max = rows_max;
    opts.batch_delay_max = 5ms;
    opts.batches_inflight_max = inflight;
    opts.queue_requests_max = 16;
    opts.limits = {"wa", {10.0 / 60, 10}, {0, 0}};
    opts.commit_job = [q = inputs](input_ptr in) {
      q->push_back(in);
      return db::job{[](pqxx::connection_base&) -> std::any { return {}; },
                     "journal.commit"};
    };
    return opts;
  }

  size_t jobs_pending() {
    return deref<stateful_actor<fake_pool_state>>(pool).state.pending.size();
  }

  // Answers the oldest commit job: events in `stored` are duplicates, the
  // others get fresh ids (and are stored from now on).
  void commit_oldest() {
    CAF_REQUIRE(!inputs->empty());
    auto in = inputs->front();
    inputs->pop_front();
    store::commit_output out;
    static int64_t next_id = 1;
    for (auto& req : in->requests) {
      auto& ids = out.ids.emplace_back();
      for (auto& rec : req.records)
        ids.push_back(stored.insert(rec.key).second ? next_id++ : 0);
    }
    self->send(pool, std::move(out));
    sched.run();
  }

  void fail_oldest() {
    inputs->pop_front();
    self->send(pool, fail_atom::value);
    sched.run();
  }

  // Collects the answers that reached `self` so far, without waiting (a
  // receive timeout would run on the virtual clock and never fire).
  std::vector<expected<append_result>> answers() {
    std::vector<expected<append_result>> out;
    while (!self->mailbox().empty())
      self->receive([&](append_result& r) { out.emplace_back(r); },
                    [&](error& e) { out.emplace_back(std::move(e)); });
    return out;
  }

  journal_state& state(const actor& j) {
    return deref<journal_actor>(j).state;
  }

  std::vector<committed_event>& dispatched() {
    return deref<stateful_actor<fake_dispatcher_state>>(dispatcher).state.events;
  }
};

} // namespace

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
