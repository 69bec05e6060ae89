// Fakes and the fixture shared by the journal's deterministic actor tests.
//
// A fake pool registered as directory::db_pool keeps each commit job pending
// until the test answers it; the journal's commit_job seam records the batch
// behind each job, so the test can answer with "new" or "already stored" per
// event. The clock is virtual: delays are crossed with advance_time, never by
// sleeping, and messages are drained with sched.run(), not the fixture's
// run(), which would also fire every pending timer whatever the virtual time.
// A fake dispatcher and a fake limiter record what reaches them.
#pragma once

#include "actors/journal/journal.hpp"
#include "persistence/db/protocol.hpp"
#include "runtime/directory.hpp"

#include <caf/test/dsl.hpp>

#include <set>

namespace journal_test {

// Test files say `using namespace journal_test;` and get these too.
using namespace caf;
using namespace easymo;
using namespace easymo::journal;
using namespace std::chrono_literals;

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

} // namespace journal_test
