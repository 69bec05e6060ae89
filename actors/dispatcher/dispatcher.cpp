#include "actors/dispatcher/dispatcher.hpp"

#include "actors/effects/committer.hpp"
#include "actors/journal/store.hpp"
#include "actors/session/shard.hpp"
#include "persistence/db/query.hpp"
#include "runtime/directory.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace easymo::dispatcher {

namespace {

using journal::committed_event;

struct dispatcher_metrics {
  metrics::counter_family& routed = metrics::registry::global().counters(
    "easymo_dispatched_events_total",
    "Committed events the dispatcher routed, by destination", {"route"});
  metrics::counter& to_session = routed.with({"session"});
  metrics::counter& slow_down = routed.with({"slow_down"});
  metrics::counter& slow_down_skipped = routed.with({"slow_down_skipped"});
  metrics::counter& status = routed.with({"status"});
  metrics::counter& failed = routed.with({"failed"});
  metrics::counter& replayed
    = metrics::registry::global()
        .counters("easymo_replayed_events_total",
                  "Unprocessed events read back from the journal at start")
        .with();
  metrics::counter& swept
    = metrics::registry::global()
        .counters("easymo_stuck_events_rerouted_total",
                  "Events still unprocessed long after their commit, routed "
                  "again by the dispatcher's sweep")
        .with();
  metrics::gauge& parked
    = metrics::registry::global()
        .gauges("easymo_dispatch_parked_events",
                "Events waiting for their shard, the outbox or the committer "
                "to be registered again")
        .with();

  static dispatcher_metrics& get() {
    static dispatcher_metrics instance;
    return instance;
  }
};

enum class outcome { sent, park };

void count(dispatcher_actor* self, const char* route, metrics::counter& c) {
  ++self->state.count.routed[route];
  c.inc();
}

caf::timespan next_backoff(caf::timespan current, const options& opts) {
  return current.count() == 0 ? opts.retry_min
                              : std::min(current * 2, opts.retry_max);
}

outcome to_shard(dispatcher_actor* self, session::work& job) {
  auto index = session::shard_of(job.event.wa_id, self->state.opts.shards);
  auto shard = directory::get(self->system(), session::shard_name(index));
  if (!shard)
    return outcome::park;
  self->send(shard, std::move(job));
  return outcome::sent;
}

effects::committer_actor committer_of(dispatcher_actor* self) {
  return caf::actor_cast<effects::committer_actor>(
    directory::get(self->system(), effects::committer_name));
}

// Marks an event that needs no session: processed (a status) or failed (a
// payload nobody can read). A mark that does not commit leaves the event
// `received`, and the sweep of stuck events routes it again.
void mark(dispatcher_actor* self, const effects::committer_actor& committer,
          const committed_event& e, sessions::item_kind kind) {
  sessions::commit_item item;
  item.kind = kind;
  item.event_id = e.id;
  item.wa_id = e.wa_id;
  self->request(committer, self->state.opts.db_timeout, std::move(item))
    .then([](sessions::commit_outcome&) {},
          [self, id = e.id](caf::error& err) {
            ++self->state.count.marks_failed;
            log::warn("dispatcher", "mark not committed, the sweep of stuck events retries",
                      {{"error", self->system().render(err)}},
                      std::to_string(id));
          });
}

outcome slow_down(dispatcher_actor* self, session::work& job) {
  auto& st = self->state;
  auto& m = dispatcher_metrics::get();
  auto now = self->clock().now();
  auto wa_id = job.event.wa_id;
  if (!st.slow_downs.due(wa_id, now)) {
    count(self, "slow_down_skipped", m.slow_down_skipped);
    return outcome::sent;
  }
  auto out = to_shard(self, job);
  if (out == outcome::sent) {
    st.slow_downs.note(wa_id, now);
    count(self, "slow_down", m.slow_down);
  }
  return out;
}

outcome to_outbox(dispatcher_actor* self, const committed_event& e,
                  outbox::status_report& report) {
  auto outbox = directory::get(self->system(), directory::outbox);
  auto committer = committer_of(self);
  if (!outbox || !committer)
    return outcome::park;
  // The report first: a crash between the two leaves the event unmarked,
  // and a replayed report is harmless (rows only move forward).
  self->send(outbox, std::move(report));
  mark(self, committer, e, sessions::item_kind::mark);
  count(self, "status", dispatcher_metrics::get().status);
  return outcome::sent;
}

outcome to_failed(dispatcher_actor* self, const committed_event& e,
                  const unreadable& why) {
  auto committer = committer_of(self);
  if (!committer)
    return outcome::park;
  log::warn("dispatcher", "stored payload unreadable, event marked failed",
            {{"kind", e.kind}, {"wa_id", log::mask_phone(e.wa_id)},
             {"reason", why.reason}},
            std::to_string(e.id));
  mark(self, committer, e, sessions::item_kind::fail);
  count(self, "failed", dispatcher_metrics::get().failed);
  return outcome::sent;
}

outcome dispatch(dispatcher_actor* self, const committed_event& e) {
  auto r = route_of(e);
  if (auto* job = std::get_if<session::work>(&r)) {
    if (job->kind == session::work_kind::slow_down)
      return slow_down(self, *job);
    auto out = to_shard(self, *job);
    if (out == outcome::sent)
      count(self, "session", dispatcher_metrics::get().to_session);
    return out;
  }
  if (auto* report = std::get_if<outbox::status_report>(&r))
    return to_outbox(self, e, *report);
  return to_failed(self, e, std::get<unreadable>(r));
}

void publish_parked(dispatcher_actor* self) {
  dispatcher_metrics::get().parked.set(
    static_cast<double>(self->state.parked.size()));
}

void arm_retry(dispatcher_actor* self) {
  auto& st = self->state;
  if (st.retry_armed)
    return;
  st.retry_armed = true;
  st.park_backoff = next_backoff(st.park_backoff, st.opts);
  self->delayed_send(self, st.park_backoff, retry_atom::value);
}

void park(dispatcher_actor* self, committed_event&& e) {
  auto& st = self->state;
  if (st.parked.size() >= st.opts.parked_events_max) {
    ++st.count.overflowed;
    log::warn("dispatcher", "too many parked events, this one waits in the "
                            "journal for the sweep of stuck events",
              {{"parked", st.parked.size()}}, std::to_string(e.id));
    return;
  }
  ++st.count.parked;
  st.parked.push_back(std::move(e));
  publish_parked(self);
  arm_retry(self);
}

// While anything is parked, new events queue behind it: a user's events
// must reach the shard in commit order.
void accept(dispatcher_actor* self, committed_event&& e) {
  if (!self->state.parked.empty() || dispatch(self, e) == outcome::park)
    park(self, std::move(e));
}

void on_retry(dispatcher_actor* self) {
  auto& st = self->state;
  st.retry_armed = false;
  size_t done = 0;
  while (done < st.parked.size() && dispatch(self, st.parked[done]) == outcome::sent)
    ++done;
  st.parked.erase(st.parked.begin(), st.parked.begin() + done);
  publish_parked(self);
  if (st.parked.empty())
    st.park_backoff = caf::timespan{0};
  else
    arm_retry(self);
}

void on_batch(dispatcher_actor* self, journal::dispatch_batch& batch) {
  auto& st = self->state;
  ++st.count.batches;
  for (auto& e : batch.events) {
    ++st.count.events[journal::to_string(e.status)];
    accept(self, std::move(e));
  }
}

// -- replay -------------------------------------------------------------------

bool shards_ready(dispatcher_actor* self) {
  for (size_t i = 0; i < self->state.opts.shards; ++i)
    if (!directory::get(self->system(), session::shard_name(i)))
      return false;
  return true;
}

void replay_later(dispatcher_actor* self) {
  auto& rp = self->state.replay;
  rp.backoff = next_backoff(rp.backoff, self->state.opts);
  self->delayed_send(self, rp.backoff, replay_atom::value);
}

void replay_step(dispatcher_actor* self);

void arm_sweep(dispatcher_actor* self) {
  auto interval = self->state.opts.sweep_interval;
  if (interval.count() > 0)
    self->delayed_send(self, interval, sweep_atom::value);
}

// A full page of n events waits n / replay_events_per_second before the
// next one is read.
void next_page(dispatcher_actor* self, size_t routed) {
  auto rate = self->state.opts.replay_events_per_second;
  if (rate == 0) {
    self->send(self, replay_atom::value);
    return;
  }
  auto pause = std::chrono::duration_cast<caf::timespan>(
    std::chrono::duration<double>(static_cast<double>(routed)
                                  / static_cast<double>(rate)));
  self->delayed_send(self, pause, replay_atom::value);
}

void finish_pass(dispatcher_actor* self, const replay_page& page) {
  auto& st = self->state;
  auto routed = st.replay.routed;
  st.replay.at = replay_progress::phase::done;
  if (!st.replay.sweep)
    log::info("dispatcher", "journal replay finished",
              {{"events", st.count.replayed}, {"upto", page.upto}});
  else if (routed > 0)
    // Something lost these on the way; worth a look when it repeats.
    log::warn("dispatcher", "stuck events routed again",
              {{"events", routed}, {"upto", page.upto}});
  arm_sweep(self);
}

void on_page(dispatcher_actor* self, replay_page& page) {
  auto& st = self->state;
  auto& rp = st.replay;
  auto& m = dispatcher_metrics::get();
  rp.upto = page.upto;
  rp.backoff = caf::timespan{0};
  auto full = page.events.size() == st.opts.replay_page_events;
  auto n = page.events.size();
  for (auto& e : page.events) {
    if (rp.sweep) {
      ++st.count.swept;
      m.swept.inc();
    } else {
      ++st.count.replayed;
      m.replayed.inc();
    }
    rp.after = e.id;
    accept(self, std::move(e));
  }
  rp.routed += n;
  if (full) {
    next_page(self, n);
    return;
  }
  finish_pass(self, page);
}

void start_sweep(dispatcher_actor* self) {
  auto& st = self->state;
  if (st.replay.at != replay_progress::phase::done)
    return; // The replay or the previous sweep re-arms when it ends.
  ++st.count.sweeps;
  st.replay = replay_progress{};
  st.replay.sweep = true;
  replay_step(self);
}

void replay_step(dispatcher_actor* self) {
  auto& st = self->state;
  auto& rp = st.replay;
  if (rp.at == replay_progress::phase::done)
    return;
  auto pool = st.pool ? st.pool : directory::get(self->system(), directory::db_pool);
  // Replayed events go to the shards: wait until every one is registered.
  if (!pool || !shards_ready(self)) {
    replay_later(self);
    return;
  }
  rp.at = replay_progress::phase::running;
  auto min_age = rp.sweep ? std::chrono::duration_cast<std::chrono::milliseconds>(
                              st.opts.stuck_after)
                          : std::chrono::milliseconds{0};
  db::query(self, pool, rp.sweep ? "journal.sweep" : "journal.replay",
            [after = rp.after, upto = rp.upto, min_age,
             limit = st.opts.replay_page_events](pqxx::connection_base& c) {
              replay_page page;
              page.upto = upto ? *upto : journal::store::last_event_id(c);
              page.events = journal::store::fetch_unprocessed(c, after, limit,
                                                              min_age);
              auto past = std::find_if(page.events.begin(), page.events.end(),
                                       [&](const committed_event& e) {
                                         return e.id > page.upto;
                                       });
              page.events.erase(past, page.events.end());
              return page;
            },
            st.opts.db_timeout)
    .then([self](replay_page& page) { on_page(self, page); },
          [self](caf::error& err) {
            log::warn("dispatcher", "journal replay query failed, retrying",
                      {{"error", self->system().render(err)}});
            replay_later(self);
          });
}

const char* to_string(replay_progress::phase p) {
  switch (p) {
    case replay_progress::phase::waiting:
      return "waiting";
    case replay_progress::phase::running:
      return "running";
    case replay_progress::phase::done:
      return "done";
  }
  return "unknown";
}

std::string describe(dispatcher_actor* self) {
  auto& st = self->state;
  auto& c = st.count;
  auto& rp = st.replay;
  return nlohmann::json{
    {"batches", c.batches},
    {"events", c.events},
    {"routed", c.routed},
    {"replay",
     {{"phase", to_string(rp.at)},
      {"pass", rp.sweep ? "sweep" : "start"},
      {"after", rp.after},
      {"upto", rp.upto ? *rp.upto : 0},
      {"replayed", c.replayed},
      {"sweeps", c.sweeps},
      {"swept", c.swept}}},
    {"parked", st.parked.size()},
    {"parked_total", c.parked},
    {"overflowed", c.overflowed},
    {"marks_failed", c.marks_failed},
    {"slow_down_users", st.slow_downs.size()},
    {"mailbox", self->mailbox().size()}}
    .dump();
}

} // namespace

options options_from(const settings& s) {
  options opts;
  opts.shards = s.session_shards;
  opts.slow_down_interval = s.slow_down_reply_interval;
  opts.replay_events_per_second = s.replay_events_per_second;
  opts.sweep_interval = s.replay_sweep_interval;
  opts.stuck_after = s.replay_stuck_after;
  // The statement timeout plus time to wait for a pool connection.
  opts.db_timeout = s.db_query_timeout + std::chrono::seconds(5);
  return opts;
}

caf::behavior dispatcher(dispatcher_actor* self, options opts, caf::actor pool) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.pool = std::move(pool);
  st.slow_downs = slow_down_window{st.opts.slow_down_interval,
                                   st.opts.slow_down_users_max};
  if (st.opts.replay) {
    self->send(self, replay_atom::value);
  } else {
    st.replay.at = replay_progress::phase::done;
    arm_sweep(self);
  }
  return {
    [self](journal::dispatch_batch& batch) { on_batch(self, batch); },
    [self](replay_atom) { replay_step(self); },
    [self](sweep_atom) { start_sweep(self); },
    [self](retry_atom) { on_retry(self); },
    [self](caf::get_atom, info_atom) { return describe(self); },
  };
}

supervision::child_spec dispatcher_child(options opts) {
  return registered_child("dispatcher", "dispatcher", directory::dispatcher,
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(dispatcher, opts, caf::actor{});
                          });
}

} // namespace easymo::dispatcher
