// The fixture of the deterministic session tests (tests/unit/sessions.actor.cpp
// and session_failures.actor.cpp): one session shard on CAF's test
// coordinator, with fake loader and committer over an in-memory table of
// session rows (session_fakes.hpp) and the real home and profile domains
// with the real locales. The committer holds every item until the test
// settles it, so a test sees each step of a session: which event is in
// flight, what it commits, and what happens on each outcome. Timers (the
// passivation sweep, the retry backoff) move only with advance_time.
#pragma once

#include "actors/domains/domain_actor.hpp"
#include "actors/domains/home/home.hpp"
#include "actors/domains/profile/profile.hpp"
#include "actors/session/shard.hpp"
#include "persistence/db/protocol.hpp"
#include "runtime/directory.hpp"
#include "tests/support/session_fakes.hpp"

#include <caf/test/dsl.hpp>

#include <nlohmann/json.hpp>

namespace easymo::test {

using namespace caf;
using session::work;
using session::work_kind;
using sessions::commit_status;
using sessions::item_kind;

inline constexpr auto idle = std::chrono::minutes(10);
inline constexpr auto sweep_every = std::chrono::seconds(30);

inline std::shared_ptr<const domains::catalog> load_texts() {
  auto texts = std::make_shared<domains::catalog>();
  auto err = domains::catalog::load(EASYMO_SOURCE_DIR "/config/locales", *texts);
  if (err)
    CAF_FAIL(*err);
  return texts;
}

inline std::shared_ptr<const router::keyword_table> load_keywords() {
  auto kw = std::make_shared<router::keyword_table>();
  auto err = router::keyword_table::load(
    EASYMO_SOURCE_DIR "/config/locales/keywords.json", *kw);
  if (err)
    CAF_FAIL(*err);
  return kw;
}

// A home domain that fails its first `failures` decisions, then answers.
inline behavior flaky_home(event_based_actor*, std::shared_ptr<int> failures,
                    std::shared_ptr<const domains::catalog> texts) {
  return {
    [=](domains::decide_atom,
        domains::decision_request& req) -> result<domains::decision> {
      if (*failures != 0) {
        if (*failures > 0)
          --*failures;
        return make_error(sec::runtime_error, "flaky domain");
      }
      return domains::home::decide(*texts, req);
    },
  };
}

struct session_fixture : test_coordinator_fixture<> {
  std::shared_ptr<const domains::catalog> texts = load_texts();
  std::shared_ptr<fake_session_db> db
    = std::make_shared<fake_session_db>();
  actor loader = sys.spawn(fake_loader, db);
  actor committer = sys.spawn(fake_committer, db);
  actor home;
  actor profile;
  actor shard;
  int64_t next_id = 1;

  session_fixture() {
    home = actor_cast<actor>(sys.spawn(domains::domain, std::string{"home"},
                                       domains::home::decide, texts));
    profile = actor_cast<actor>(
      sys.spawn(domains::domain, std::string{"profile"},
                domains::profile::decide, texts));
    directory::put(sys, atom("dom.home"), home);
    directory::put(sys, atom("dom.prof"), profile);
    auto env = std::make_shared<session::session_env>();
    env->texts = texts;
    env->keywords = load_keywords();
    env->loader = loader;
    env->committer = committer;
    // Requests wait for the test to settle them, however long it advances
    // the clock.
    env->request_timeout = std::chrono::hours(24 * 365);
    env->commit_timeout = std::chrono::hours(24 * 365);
    session::shard_options opts;
    opts.idle_timeout = idle;
    opts.sweep_interval = sweep_every;
    opts.event_attempts_max = 3;
    opts.env = env;
    shard = sys.spawn(session::shard, opts, self->address());
    sched.run();
  }

  // Kills what keeps timers or promises alive; the base class then runs
  // the remaining timeouts to the end.
  ~session_fixture() {
    for (auto& a : {shard, loader, committer, home, profile})
      anon_send_exit(a, exit_reason::kill);
    sched.run();
    directory::erase_all(sys, {atom("dom.home"), atom("dom.prof")});
  }

  void tick(timespan d) {
    advance_time(d);
    sched.run();
  }

  int64_t send(const std::string& wa_id, const std::string& text,
               work_kind kind = work_kind::process,
               const std::string& reply_id = {}) {
    work job;
    job.kind = kind;
    job.event.id = next_id++;
    job.event.wa_id = wa_id;
    job.event.timestamp = 1718012345;
    job.event.message.event_id = job.event.id;
    job.event.message.kind = reply_id.empty() ? "text" : "interactive";
    job.event.message.text = text;
    job.event.message.reply_id = reply_id;
    anon_send(shard, std::move(job));
    sched.run();
    return job.event.id;
  }

  // What an uncaught exception does to a session. (exit_reason::kill would
  // also take the linked shard down: CAF makes it unconditional.)
  void crash(const actor& session) {
    anon_send(session, exit_msg{actor_addr{}, make_error(sec::runtime_error)});
    sched.run();
  }

  fake_committer_state& commits() {
    return deref<fake_committer_actor>(committer).state;
  }

  session::shard_state& shard_state() {
    return deref<session::shard_actor>(shard).state;
  }

  actor session_of(const std::string& wa_id) {
    auto& slots = shard_state().slots;
    auto it = slots.find(wa_id);
    return it == slots.end() ? actor{} : it->second.session;
  }

  void settle(size_t n = 1) {
    anon_send(committer, settle_atom::value, n);
    sched.run();
  }

  void settle_as(commit_status forced) {
    anon_send(committer, settle_atom::value, size_t{1}, forced);
    sched.run();
  }

  const sessions::commit_item& pending(size_t i = 0) {
    auto& p = commits().pending;
    if (i >= p.size())
      CAF_FAIL("no pending commit item " << i);
    return p[i].item;
  }

  // Keep the result in a variable before indexing it: CAF's check macros
  // hold references into their operands.
  nlohmann::json message(const sessions::commit_item& item, size_t i = 0) {
    if (i >= item.messages.size())
      CAF_FAIL("the item has no message " << i);
    return nlohmann::json::parse(item.messages[i]);
  }
};

} // namespace easymo::test
