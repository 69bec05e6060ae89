// The dispatcher's batching and bounds on CAF's test coordinator, with a
// fake db pool and a fake breaker that keep every job and call until the
// test answers them: committed rows arrive claimed and go out at once, at
// most sends_in_flight_max calls at once, results group-committed by size or
// after flush_delay_max, and an orderly stop that hands claimed rows back.
#define CAF_SUITE outbox

#include "actors/outbox/outbox.hpp"
#include "persistence/db/protocol.hpp"

#include <caf/test/dsl.hpp>

#include <nlohmann/json.hpp>

using namespace caf;
using namespace easymo;
using namespace std::chrono_literals;

namespace {

struct fake_pool_state {
  std::vector<std::pair<std::string, response_promise>> jobs;
  static inline const char* name = "fake_pool";
};

behavior fake_pool(stateful_actor<fake_pool_state>* self) {
  return {
    [=](db::job& j) -> result<db::job_result> {
      self->state.jobs.emplace_back(j.label, self->make_response_promise());
      return delegated<db::job_result>{};
    },
    [=](ok_atom, size_t i, db::job_result& r) {
      self->state.jobs.at(i).second.deliver(std::move(r));
    },
  };
}

struct fake_breaker_state {
  std::vector<std::pair<http::client_request, response_promise>> calls;
  static inline const char* name = "fake_breaker";
};

behavior fake_breaker(stateful_actor<fake_breaker_state>* self) {
  return {
    [=](breaker::call_atom, http::client_request& req)
      -> result<http::client_response> {
      self->state.calls.emplace_back(std::move(req), self->make_response_promise());
      return delegated<http::client_response>{};
    },
    [=](ok_atom, size_t i, http::client_response& r) {
      self->state.calls.at(i).second.deliver(std::move(r));
    },
  };
}

outbox::outbox_row row(int64_t id) {
  outbox::outbox_row r;
  r.id = id;
  r.wa_id = "250788000400";
  r.message = R"({"messaging_product":"whatsapp","to":"250788000400",)"
              R"("type":"text","text":{"body":"hi"}})";
  r.window_expires_at = caf::make_timestamp() + std::chrono::hours(1);
  return r;
}

http::client_response accepted(int64_t i) {
  return {200, {}, R"({"messages":[{"id":"wamid.)" + std::to_string(i) + R"("}]})"};
}

struct fixture : test_coordinator_fixture<> {
  actor pool = sys.spawn(fake_pool);
  actor brk = sys.spawn(fake_breaker);
  outbox::outbox_actor ob;

  ~fixture() {
    for (auto& a : {pool, brk})
      anon_send_exit(a, exit_reason::kill);
    if (ob)
      anon_send_exit(ob, exit_reason::kill);
    sched.run();
  }

  void start(size_t in_flight_max, size_t batch_max) {
    outbox::outbox_options o;
    o.sends_in_flight_max = in_flight_max;
    o.batch_rows_max = batch_max;
    o.flush_delay_max = 5ms;
    o.sweep_interval = std::chrono::hours(1);
    o.queue_rows_max = 6;
    o.jitter_seed = 1;
    ob = sys.spawn(outbox::outbox, pool, brk, o);
    sched.run();
    // The start-up sweep: nothing left from a previous run.
    answer_job(0, outbox::repo::sweep_result{});
  }

  std::vector<std::pair<std::string, response_promise>>& jobs() {
    return deref<stateful_actor<fake_pool_state>>(pool).state.jobs;
  }

  size_t calls() { return deref<stateful_actor<fake_breaker_state>>(brk).state.calls.size(); }

  outbox::outbox_state& st() {
    return deref<outbox::outbox_actor::stateful_base<outbox::outbox_state>>(ob).state;
  }

  template <class T>
  void answer_job(size_t i, T value) {
    self->send(pool, ok_atom::value, i, db::job_result{std::any{std::move(value)}});
    sched.run();
  }

  void answer_call(size_t i, http::client_response r) {
    self->send(brk, ok_atom::value, i, std::move(r));
    sched.run();
  }

  void commit(std::vector<int64_t> ids) {
    outbox::committed c;
    for (auto id : ids)
      c.rows.push_back(row(id));
    self->send(ob, std::move(c));
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(outbox_tests, fixture)

CAF_TEST(committed rows arrive claimed and go out without a job) {
  start(8, 3);
  commit({1, 2, 3, 4, 5});
  // The committer inserted them 'sending': no claim, straight to the calls.
  CAF_CHECK_EQUAL(jobs().size(), 1u);
  CAF_CHECK_EQUAL(calls(), 5u);
  CAF_CHECK_EQUAL(st().owned.size(), 5u);
  auto& first = deref<stateful_actor<fake_breaker_state>>(brk).state.calls[0];
  auto body = nlohmann::json::parse(first.first.body);
  CAF_CHECK_EQUAL(body["biz_opaque_callback_data"], "1");
}

CAF_TEST(sends stay within the in flight bound) {
  start(2, 10);
  commit({1, 2, 3, 4, 5});
  CAF_CHECK_EQUAL(calls(), 2u);
  CAF_CHECK_EQUAL(st().ready.size(), 3u);
  answer_call(0, accepted(1));
  CAF_CHECK_EQUAL(calls(), 3u);
  CAF_CHECK_EQUAL(st().sends_in_flight, 2u);
  CAF_CHECK_EQUAL(st().owned.size(), 5u);
}

CAF_TEST(results are flushed together after the delay) {
  start(8, 10);
  commit({1, 2, 3});
  answer_call(0, accepted(1));
  answer_call(1, {429, {}, R"({"error":{"code":130429}})"});
  CAF_CHECK_EQUAL(jobs().size(), 1u); // waiting for companions
  sched.advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(jobs().size(), 2u);
  CAF_CHECK_EQUAL(jobs()[1].first, "outbox.flush");
  CAF_CHECK_EQUAL(st().counters.sent, 1u);
  CAF_CHECK_EQUAL(st().counters.retried, 1u);
  answer_job(1, outbox::repo::flush_summary{1, 1, 0, 0});
  // Written back: no longer ours; row 3 is still in flight.
  CAF_CHECK_EQUAL(st().owned.size(), 1u);
  CAF_CHECK(st().owned.count(3) == 1);
}

CAF_TEST(a full batch of results is flushed at once) {
  start(8, 2);
  commit({1, 2});
  answer_call(0, accepted(1));
  answer_call(1, accepted(2));
  CAF_REQUIRE_EQUAL(jobs().size(), 2u);
  CAF_CHECK_EQUAL(jobs()[1].first, "outbox.flush");
}

CAF_TEST(a full queue hands rows back to the sweep) {
  start(1, 2);
  commit({1, 2, 3, 4, 5, 6, 7, 8, 9});
  // Six fit the queue (queue_rows_max); three go back to pending, unsent,
  // their attempt not used up: two in a full flush, one after the delay.
  CAF_CHECK_EQUAL(st().counters.dropped, 3u);
  CAF_CHECK_EQUAL(calls(), 1u);
  CAF_CHECK_EQUAL(st().ready.size(), 5u);
  CAF_REQUIRE_EQUAL(jobs().size(), 2u);
  CAF_CHECK_EQUAL(jobs()[1].first, "outbox.flush");
  sched.advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(jobs().size(), 3u);
  // Until written back they stay ours, so the sweep cannot take them early.
  CAF_CHECK_EQUAL(st().owned.size(), 9u);
  answer_job(1, outbox::repo::flush_summary{0, 2, 0, 0});
  CAF_CHECK_EQUAL(st().owned.size(), 7u);
}

CAF_TEST(an orderly stop hands claimed rows back and waits for calls) {
  start(1, 10);
  commit({1, 2, 3});
  CAF_REQUIRE_EQUAL(calls(), 1u);
  self->monitor(ob);
  anon_send_exit(ob, exit_reason::user_shutdown);
  sched.run();
  // Rows 2 and 3 never left: they go back at once, in one flush.
  CAF_CHECK(st().stopping);
  CAF_CHECK(st().ready.empty());
  CAF_REQUIRE_EQUAL(jobs().size(), 2u);
  CAF_CHECK_EQUAL(jobs()[1].first, "outbox.flush");
  answer_job(1, outbox::repo::flush_summary{0, 2, 0, 0});
  // The call in flight keeps the dispatcher alive until its outcome is
  // written too.
  CAF_CHECK_EQUAL(st().sends_in_flight, 1u);
  CAF_CHECK_EQUAL(st().owned.size(), 1u);
  answer_call(0, accepted(1));
  sched.advance_time(5ms);
  sched.run();
  CAF_REQUIRE_EQUAL(jobs().size(), 3u);
  answer_job(2, outbox::repo::flush_summary{1, 0, 0, 0});
  bool down = false;
  self->receive([&](down_msg&) { down = true; }, after(0s) >> [] {});
  CAF_CHECK(down);
  ob = nullptr;
}

CAF_TEST_FIXTURE_SCOPE_END()
