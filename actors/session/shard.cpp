#include "actors/session/shard.hpp"

#include "runtime/directory.hpp"
#include "runtime/log.hpp"
#include "runtime/registered_child.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <cassert>

namespace easymo::session {

namespace {

struct shard_metrics {
  metrics::gauge_family& active = metrics::registry::global().gauges(
    "easymo_sessions_active", "Live session actors, per shard", {"shard"});
  metrics::counter& activations
    = metrics::registry::global()
        .counters("easymo_session_activations_total",
                  "Session actors started: first event, revival after "
                  "passivation, restart after a crash")
        .with();
  metrics::counter_family& retries = metrics::registry::global().counters(
    "easymo_session_event_retries_total",
    "Events handed to a session again after it crashed, and events given up",
    {"outcome"});

  static shard_metrics& get() {
    static shard_metrics instance;
    return instance;
  }
};

void publish_live(shard_actor* self) {
  self->state.active->set(static_cast<double>(self->state.live));
}

void arm_sweep(shard_actor* self) {
  auto& st = self->state;
  if (st.sweep_armed || st.slots.empty())
    return;
  st.sweep_armed = true;
  self->delayed_send(self, st.opts.sweep_interval, sweep_atom::value);
}

void activate(shard_actor* self, const std::string& wa_id, slot& s) {
  auto& st = self->state;
  s.session = self->spawn<caf::linked>(session, wa_id, st.opts.env);
  ++st.live;
  ++st.counters.activations;
  shard_metrics::get().activations.inc();
  publish_live(self);
}

// The front event failed `attempts` times: what to send the session next,
// or nothing when the event is given up.
std::optional<work> next_try(shard_actor* self, slot& s) {
  auto job = s.queue.front();
  auto max = self->state.opts.event_attempts_max;
  if (s.attempts < max) {
    job.attempt = static_cast<uint8_t>(s.attempts + 1);
    return job;
  }
  if (s.attempts == max && job.kind == work_kind::process) {
    job.kind = work_kind::fail;
    job.attempt = static_cast<uint8_t>(s.attempts + 1);
    return job;
  }
  return std::nullopt;
}

void abandon_front(shard_actor* self, slot& s) {
  auto& ev = s.queue.front().event;
  ++self->state.counters.abandoned;
  shard_metrics::get().retries.with({"abandoned"}).inc();
  // It stays `received` in inbound_events: the journal replay at the next
  // start tries it once more.
  log::error("session.shard", "event abandoned after its last try",
             {{"wa_id", ev.wa_id}, {"attempts", s.attempts}},
             std::to_string(ev.id));
  s.queue.erase(s.queue.begin());
  s.attempts = 0;
}

// Hands the user's next event to the session, starting one if needed.
void send_next(shard_actor* self, const std::string& wa_id, slot& s) {
  auto& st = self->state;
  while (!s.queue.empty()) {
    auto job = next_try(self, s);
    if (!job) {
      abandon_front(self, s);
      continue;
    }
    if (!s.session)
      activate(self, wa_id, s);
    if (s.attempts > 0)
      shard_metrics::get().retries.with({"retried"}).inc();
    s.busy = true;
    st.busy.emplace(s.session.address(), wa_id);
    self->send(s.session, std::move(*job));
    return;
  }
  s.busy = false;
  s.last_active = self->clock().now();
  arm_sweep(self);
}

void enqueue(shard_actor* self, work& job) {
  auto& st = self->state;
  ++st.counters.events;
  auto wa_id = job.event.wa_id;
  auto& s = st.slots[wa_id];
  // The journal replay may route an event that is already queued or in
  // flight; handling it twice would be harmless (its second commit finds
  // it processed) but wasted.
  for (auto& queued : s.queue)
    if (queued.event.id == job.event.id && queued.kind == job.kind) {
      ++st.counters.repeated;
      return;
    }
  if (s.queue.size() >= st.opts.queue_events_max) {
    ++st.counters.overflowed;
    log::warn("session.shard", "user queue full, the event waits in the "
                               "journal for the sweep of stuck events",
              {{"wa_id", wa_id}, {"queued", s.queue.size()}},
              std::to_string(job.event.id));
    return;
  }
  s.queue.push_back(std::move(job));
  if (!s.busy)
    send_next(self, wa_id, s);
}

void on_done(shard_actor* self, const std::string& wa_id, int64_t event_id) {
  auto& st = self->state;
  auto it = st.slots.find(wa_id);
  if (it == st.slots.end() || !it->second.busy
      || it->second.queue.front().event.id != event_id)
    return; // A session replaced after a crash reporting late: ignore.
  auto& s = it->second;
  ++st.counters.done;
  st.busy.erase(s.session.address());
  s.queue.erase(s.queue.begin());
  s.attempts = 0;
  send_next(self, wa_id, s);
}

// Finds the user of a session that ended: at once for a busy one, by a
// scan for an idle one (rare: nothing runs in an idle session).
std::unordered_map<std::string, slot>::iterator
find_user(shard_actor* self, const caf::actor_addr& who) {
  auto& st = self->state;
  if (auto b = st.busy.find(who); b != st.busy.end()) {
    auto user = std::move(b->second);
    st.busy.erase(b);
    return st.slots.find(user);
  }
  for (auto it = st.slots.begin(); it != st.slots.end(); ++it)
    if (it->second.session && it->second.session.address() == who)
      return it;
  return st.slots.end();
}

void on_session_exit(shard_actor* self, caf::exit_msg& msg) {
  auto& st = self->state;
  auto it = find_user(self, msg.source);
  if (it == st.slots.end())
    return;
  auto& s = it->second;
  s.session = nullptr;
  --st.live;
  publish_live(self);
  ++st.counters.crashes;
  if (!s.busy) {
    if (s.queue.empty())
      st.slots.erase(it);
    return;
  }
  ++s.attempts;
  s.busy = false;
  send_next(self, it->first, s);
}

void sweep(shard_actor* self) {
  auto& st = self->state;
  st.sweep_armed = false;
  auto now = self->clock().now();
  for (auto it = st.slots.begin(); it != st.slots.end();) {
    auto& s = it->second;
    if (s.busy || !s.queue.empty() || now - s.last_active < st.opts.idle_timeout) {
      ++it;
      continue;
    }
    if (s.session) {
      // Unlinked first: its end is not a crash.
      self->unlink_from(s.session);
      self->send_exit(s.session, caf::exit_reason::user_shutdown);
      --st.live;
      ++st.counters.passivations;
    }
    it = st.slots.erase(it);
  }
  publish_live(self);
  arm_sweep(self);
}

std::string describe(shard_actor* self) {
  auto& st = self->state;
  auto& c = st.counters;
  return nlohmann::json{{"shard", st.opts.index},
                        {"sessions", st.live},
                        {"users", st.slots.size()},
                        {"busy", st.busy.size()},
                        {"events", c.events},
                        {"done", c.done},
                        {"activations", c.activations},
                        {"passivations", c.passivations},
                        {"crashes", c.crashes},
                        {"abandoned", c.abandoned},
                        {"overflowed", c.overflowed},
                        {"repeated", c.repeated},
                        {"mailbox", self->mailbox().size()}}
    .dump();
}

} // namespace

size_t shard_of(std::string_view wa_id, size_t shards) {
  assert(shards > 0);
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : wa_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<size_t>(h % shards);
}

caf::atom_value shard_name(size_t index) {
  return caf::atom_from_string("sess." + std::to_string(index));
}

caf::behavior shard(shard_actor* self, shard_options opts,
                    caf::actor_addr parent) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.parent = std::move(parent);
  st.active = &shard_metrics::get().active.with({std::to_string(st.opts.index)});
  publish_live(self);
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (msg.source == self->state.parent || !msg.source) {
      self->quit(msg.reason);
      return;
    }
    on_session_exit(self, msg);
  });
  // Linked sessions end with their shard; the gauge must not keep them.
  self->attach_functor([gauge = st.active] { gauge->set(0); });
  return {
    [self](work& job) { enqueue(self, job); },
    [self](done_atom, const std::string& wa_id, int64_t event_id) {
      on_done(self, wa_id, event_id);
    },
    [self](sweep_atom) { sweep(self); },
    [self](caf::get_atom, info_atom) { return describe(self); },
  };
}

supervision::child_spec shard_child(shard_options opts) {
  return registered_child("shard_" + std::to_string(opts.index),
                          "session.shard", shard_name(opts.index),
                          [opts](caf::event_based_actor* parent) {
                            return parent->spawn(shard, opts,
                                                 parent->address());
                          });
}

} // namespace easymo::session
