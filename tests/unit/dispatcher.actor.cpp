// The event dispatcher on CAF's test coordinator. Fake shards, a fake outbox
// and a fake committer are registered under the names the real ones use and
// record what they receive; a fake db pool keeps each replay query until the
// test answers it. Payloads are the real stored form: webhook bodies from
// tests/support/webhook.hpp run through whatsapp::parse_webhook, as the
// ingress does before the journal stores them.
#define CAF_SUITE dispatcher

#include "actors/dispatcher/dispatcher.hpp"
#include "actors/effects/committer.hpp"
#include "actors/session/shard.hpp"
#include "persistence/db/protocol.hpp"
#include "protocols/whatsapp/parse.hpp"
#include "runtime/directory.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/webhook.hpp"

#include <caf/test/dsl.hpp>

#include <nlohmann/json.hpp>

using namespace caf;
using namespace easymo;
using namespace std::chrono_literals;
using journal::committed_event;
using journal::event_status;
using session::work_kind;

namespace {

constexpr size_t shard_count = 3;
constexpr auto slow_down_every = 1min;

// Records whatever it receives of type T, answering nothing.
template <class T>
struct recorder_state {
  std::vector<T> got;
  static inline const char* name = "recorder";
};

template <class T>
behavior recorder(stateful_actor<recorder_state<T>>* self) {
  return {[=](T& x) { self->state.got.push_back(std::move(x)); }};
}

struct fake_committer_state {
  std::vector<sessions::commit_item> got;
  static inline const char* name = "fake_committer";
};

behavior fake_committer(stateful_actor<fake_committer_state>* self) {
  return {[=](sessions::commit_item& item) {
    self->state.got.push_back(std::move(item));
    return sessions::commit_outcome{};
  }};
}

struct fake_pool_state {
  std::vector<response_promise> jobs;
  static inline const char* name = "fake_pool";
};

behavior fake_pool(stateful_actor<fake_pool_state>* self) {
  return {
    [=](db::job&) -> result<db::job_result> {
      self->state.jobs.push_back(self->make_response_promise());
      return delegated<db::job_result>{};
    },
    [=](ok_atom, dispatcher::replay_page& page) {
      auto rp = self->state.jobs.front();
      self->state.jobs.erase(self->state.jobs.begin());
      rp.deliver(db::job_result{std::move(page)});
    },
  };
}

// The stored payload of one event of a webhook body.
std::string stored(const std::string& body) {
  auto parsed = whatsapp::parse_webhook(body);
  if (!parsed.ok() || parsed.body.events.size() != 1)
    CAF_FAIL("test body does not parse into one event");
  return parsed.body.events[0].payload;
}

committed_event text_event(int64_t id, const std::string& from,
                           const std::string& body,
                           event_status status = event_status::received) {
  auto wamid = "wamid.D" + std::to_string(id);
  return {id, wamid, "text", from,
          stored(easymo::test::text_webhook({{wamid, from, body, 1718012345}})),
          status};
}

committed_event status_event(int64_t id, const std::string& wamid,
                             const std::string& status) {
  auto body = nlohmann::json::parse(easymo::test::status_webhook(wamid, status));
  body["entry"][0]["changes"][0]["value"]["statuses"][0]
      ["biz_opaque_callback_data"]
    = "42";
  return {id, wamid, "status." + status, "250788123456", stored(body.dump()),
          event_status::received};
}

struct fixture : test_coordinator_fixture<> {
  using shard_actor = stateful_actor<recorder_state<session::work>>;
  using outbox_actor = stateful_actor<recorder_state<outbox::status_report>>;
  using committer_actor = stateful_actor<fake_committer_state>;
  using pool_actor = stateful_actor<fake_pool_state>;

  std::vector<actor> shards;
  actor ob = sys.spawn(recorder<outbox::status_report>);
  actor committer = sys.spawn(fake_committer);
  actor pool = sys.spawn(fake_pool);
  actor disp;

  fixture() {
    for (size_t i = 0; i < shard_count; ++i) {
      shards.push_back(sys.spawn(recorder<session::work>));
      directory::put(sys, session::shard_name(i), shards.back());
    }
    directory::put(sys, directory::outbox, ob);
    directory::put(sys, effects::committer_name, committer);
  }

  ~fixture() {
    directory::erase_all(sys, {directory::outbox, effects::committer_name});
    for (size_t i = 0; i < shard_count; ++i)
      directory::erase_all(sys, {session::shard_name(i)});
    for (auto& a : shards)
      anon_send_exit(a, exit_reason::kill);
    for (auto& a : {ob, committer, pool, disp})
      if (a)
        anon_send_exit(a, exit_reason::kill);
    sched.run();
  }

  void start(bool replay = false, size_t per_second = 0) {
    dispatcher::options opts;
    opts.shards = shard_count;
    opts.slow_down_interval = slow_down_every;
    opts.replay = replay;
    opts.replay_page_events = 2;
    opts.replay_events_per_second = per_second;
    opts.sweep_interval = std::chrono::minutes(1);
    opts.stuck_after = std::chrono::minutes(2);
    disp = sys.spawn(dispatcher::dispatcher, opts, pool);
    sched.run();
  }

  void dispatch(std::vector<committed_event> events) {
    anon_send(disp, journal::dispatch_batch{std::move(events)});
    sched.run();
  }

  std::vector<session::work>& works_of(const std::string& wa_id) {
    return deref<shard_actor>(shards[session::shard_of(wa_id, shard_count)])
      .state.got;
  }

  size_t works_total() {
    size_t n = 0;
    for (auto& s : shards)
      n += deref<shard_actor>(s).state.got.size();
    return n;
  }

  std::vector<outbox::status_report>& reports() {
    return deref<outbox_actor>(ob).state.got;
  }

  std::vector<sessions::commit_item>& marks() {
    return deref<committer_actor>(committer).state.got;
  }

  dispatcher::state& disp_state() {
    return deref<dispatcher::dispatcher_actor>(disp).state;
  }

  size_t pool_jobs() {
    return deref<pool_actor>(pool).state.jobs.size();
  }

  void answer_replay(dispatcher::replay_page page) {
    CAF_REQUIRE_EQUAL(deref<pool_actor>(pool).state.jobs.size(), 1u);
    anon_send(pool, ok_atom::value, std::move(page));
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(dispatcher_tests, fixture)

CAF_TEST(a message goes to the shard that owns its user) {
  start();
  dispatch({text_event(1, "250788000001", "menu"),
            text_event(2, "250788000002", "akazi")});
  CAF_CHECK_EQUAL(works_total(), 2u);
  auto& works = works_of("250788000001");
  auto it = std::find_if(works.begin(), works.end(), [](const session::work& w) {
    return w.event.id == 1;
  });
  CAF_REQUIRE(it != works.end());
  CAF_CHECK(it->kind == work_kind::process);
  CAF_CHECK_EQUAL(it->event.wamid, "wamid.D1");
  CAF_CHECK_EQUAL(it->event.wa_id, "250788000001");
  CAF_CHECK_EQUAL(it->event.timestamp, 1718012345);
  CAF_CHECK_EQUAL(it->event.message.event_id, 1);
  CAF_CHECK_EQUAL(it->event.message.kind, "text");
  CAF_CHECK_EQUAL(it->event.message.text, "menu");
  CAF_CHECK_EQUAL(it->event.message.contact_name, "Test User");
  CAF_CHECK(reports().empty());
  CAF_CHECK(marks().empty());
}

CAF_TEST(an interactive reply carries the id of the row tapped) {
  start();
  auto body = easymo::test::read_fixture("whatsapp/interactive_list_reply.json");
  dispatch({{7, "wamid.LIST", "interactive", "250788123456", stored(body),
             event_status::received}});
  auto& works = works_of("250788123456");
  CAF_REQUIRE_EQUAL(works.size(), 1u);
  CAF_CHECK_EQUAL(works[0].event.message.kind, "interactive");
  CAF_CHECK_EQUAL(works[0].event.message.reply_id, "menu.jobs");
  CAF_CHECK_EQUAL(works[0].event.message.text, "Jobs");
  CAF_CHECK_EQUAL(works[0].event.message.contact_name, "Aline Uwase");
}

CAF_TEST(a status goes to the outbox and is marked processed) {
  start();
  dispatch({status_event(3, "wamid.OUT1", "delivered")});
  CAF_REQUIRE_EQUAL(reports().size(), 1u);
  CAF_CHECK_EQUAL(reports()[0].wamid, "wamid.OUT1");
  CAF_CHECK_EQUAL(reports()[0].status, "delivered");
  CAF_CHECK_EQUAL(reports()[0].recipient, "250788123456");
  CAF_CHECK_EQUAL(reports()[0].biz_opaque_callback_data, "42");
  CAF_CHECK_EQUAL(reports()[0].timestamp, 1718012400);
  CAF_REQUIRE_EQUAL(marks().size(), 1u);
  CAF_CHECK(marks()[0].kind == sessions::item_kind::mark);
  CAF_CHECK_EQUAL(marks()[0].event_id, 3);
  CAF_CHECK(marks()[0].messages.empty());
  CAF_CHECK_EQUAL(works_total(), 0u);
}

CAF_TEST(throttled messages earn one slow down per user per window) {
  start();
  auto user = std::string{"250788000009"};
  dispatch({text_event(1, user, "a", event_status::throttled),
            text_event(2, user, "b", event_status::throttled),
            text_event(3, "250788000010", "c", event_status::throttled)});
  dispatch({text_event(4, user, "d", event_status::throttled)});
  auto& works = works_of(user);
  auto mine = std::count_if(works.begin(), works.end(), [&](const session::work& w) {
    return w.event.wa_id == user;
  });
  CAF_CHECK_EQUAL(mine, 1);
  CAF_CHECK_EQUAL(works_total(), 2u);
  for (auto& s : shards)
    for (auto& w : deref<shard_actor>(s).state.got)
      CAF_CHECK(w.kind == work_kind::slow_down);
  CAF_CHECK_EQUAL(disp_state().count.routed["slow_down_skipped"], 2u);
  // A window later the same user may be told again.
  advance_time(slow_down_every);
  dispatch({text_event(5, user, "e", event_status::throttled)});
  CAF_CHECK_EQUAL(works_total(), 3u);
  CAF_CHECK(marks().empty());
}

CAF_TEST(an unreadable payload is marked failed and the dispatcher lives on) {
  start();
  dispatch({{1, "wamid.BAD1", "text", "250788000001", "not json",
             event_status::received},
            {2, "wamid.BAD2", "status.read", "250788000001", R"({"x":1})",
             event_status::received},
            {3, "wamid.BAD3", "text", "250788000001",
             R"({"rejected":{"list":"messages","index":0}})",
             event_status::received}});
  CAF_REQUIRE_EQUAL(marks().size(), 3u);
  for (auto& m : marks())
    CAF_CHECK(m.kind == sessions::item_kind::fail);
  CAF_CHECK_EQUAL(works_total(), 0u);
  CAF_CHECK(reports().empty());
  dispatch({text_event(4, "250788000001", "menu")});
  CAF_CHECK_EQUAL(works_total(), 1u);
}

CAF_TEST(events wait while their shard is away and keep their order) {
  start();
  auto user = std::string{"250788000001"};
  auto index = session::shard_of(user, shard_count);
  directory::erase_all(sys, {session::shard_name(index)});
  dispatch({text_event(1, user, "first")});
  dispatch({text_event(2, user, "second"), text_event(3, "250788000002", "x")});
  CAF_CHECK_EQUAL(disp_state().parked.size(), 3u);
  CAF_CHECK(works_of(user).empty());
  // Still away at the first retry.
  advance_time(100ms);
  sched.run();
  CAF_CHECK_EQUAL(disp_state().parked.size(), 3u);
  directory::put(sys, session::shard_name(index), shards[index]);
  advance_time(200ms);
  sched.run();
  CAF_CHECK(disp_state().parked.empty());
  auto& works = works_of(user);
  std::vector<int64_t> ids;
  for (auto& w : works)
    if (w.event.wa_id == user)
      ids.push_back(w.event.id);
  CAF_CHECK(ids == (std::vector<int64_t>{1, 2}));
  CAF_CHECK_EQUAL(works_total(), 3u);
}

CAF_TEST(the replay routes unprocessed events in pages up to the start id) {
  start(true);
  // The first page, with the last id that existed at the start.
  answer_replay({5, {text_event(1, "250788000001", "menu"),
                     status_event(2, "wamid.OUT2", "read")}});
  CAF_CHECK_EQUAL(disp_state().replay.after, 2);
  CAF_CHECK(disp_state().replay.upto == 5);
  // Live events arrive meanwhile: routed at once.
  dispatch({text_event(6, "250788000003", "live")});
  answer_replay({5, {text_event(4, "250788000001", "profile")}});
  CAF_CHECK(disp_state().replay.at == dispatcher::replay_progress::phase::done);
  CAF_CHECK(deref<pool_actor>(pool).state.jobs.empty());
  auto& works = works_of("250788000001");
  CAF_REQUIRE_EQUAL(works.size(), 2u);
  CAF_CHECK_EQUAL(works[0].event.id, 1);
  CAF_CHECK_EQUAL(works[1].event.id, 4);
  CAF_CHECK_EQUAL(reports().size(), 1u);
  CAF_CHECK_EQUAL(works_total(), 3u);
  CAF_CHECK_EQUAL(disp_state().count.replayed, 3u);
}

CAF_TEST(the replay waits for every shard) {
  directory::erase_all(sys, {session::shard_name(1)});
  start(true);
  CAF_CHECK(deref<pool_actor>(pool).state.jobs.empty());
  directory::put(sys, session::shard_name(1), shards[1]);
  advance_time(100ms);
  sched.run();
  answer_replay({0, {}});
  CAF_CHECK(disp_state().replay.at == dispatcher::replay_progress::phase::done);
}

CAF_TEST(replayed pages are paced to the configured rate) {
  start(true, 4);
  answer_replay({9, {text_event(1, "250788000001", "menu"),
                     text_event(2, "250788000002", "menu")}});
  // Two events at four a second: the next page is read half a second later.
  CAF_CHECK_EQUAL(pool_jobs(), 0u);
  advance_time(400ms);
  sched.run();
  CAF_CHECK_EQUAL(pool_jobs(), 0u);
  advance_time(100ms);
  sched.run();
  CAF_CHECK_EQUAL(pool_jobs(), 1u);
  answer_replay({9, {}});
  CAF_CHECK(disp_state().replay.at == dispatcher::replay_progress::phase::done);
  CAF_CHECK_EQUAL(works_total(), 2u);
}

CAF_TEST(the sweep routes stuck events again every interval) {
  start(true);
  answer_replay({3, {}});
  CAF_CHECK_EQUAL(pool_jobs(), 0u);
  // A minute later the first sweep reads events older than stuck_after.
  advance_time(std::chrono::minutes(1));
  sched.run();
  CAF_REQUIRE_EQUAL(pool_jobs(), 1u);
  CAF_CHECK(disp_state().replay.sweep);
  answer_replay({7, {text_event(2, "250788000001", "menu"),
                     text_event(5, "250788000002", "akazi")}});
  // A full page: the pass goes on (unpaced here) until a short page.
  answer_replay({7, {text_event(6, "250788000001", "profile")}});
  CAF_CHECK(disp_state().replay.at == dispatcher::replay_progress::phase::done);
  CAF_CHECK_EQUAL(disp_state().count.swept, 3u);
  CAF_CHECK_EQUAL(disp_state().count.replayed, 0u);
  std::vector<int64_t> ids;
  for (auto& w : works_of("250788000001"))
    if (w.event.wa_id == "250788000001")
      ids.push_back(w.event.id);
  CAF_CHECK(ids == (std::vector<int64_t>{2, 6}));
  // The next pass starts afresh from the first id.
  advance_time(std::chrono::minutes(1));
  sched.run();
  CAF_REQUIRE_EQUAL(pool_jobs(), 1u);
  CAF_CHECK_EQUAL(disp_state().replay.after, 0);
  CAF_CHECK_EQUAL(disp_state().count.sweeps, 2u);
}

CAF_TEST(no sweep starts while the replay at start still runs) {
  start(true);
  // The replay's first query is still out when the sweep timer would fire:
  // there is none yet, it is armed only when the replay ends.
  advance_time(std::chrono::minutes(3));
  sched.run();
  CAF_CHECK_EQUAL(pool_jobs(), 1u);
  CAF_CHECK_EQUAL(disp_state().count.sweeps, 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
