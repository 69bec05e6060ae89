// A session shard: owner, mailbox and supervisor of the sessions of the
// users that hash to it (shard_of).
//
// - It keeps its own map of live sessions (CAF's registry names actors by
//   10-character atoms and could not hold a million of them) and spawns a
//   session, linked, when a user's event arrives and none is live.
// - It queues each user's events and hands them over one at a time, in
//   arrival order: the next only after the session reported `done`.
// - A session that dies while handling an event is restarted (it rebuilds
//   itself from PostgreSQL) and gets the event again, up to
//   `event_attempts_max` tries; then it gets the event as `fail` (mark it
//   failed, apologise), and if even that dies the event is left in the
//   journal, `received`, for the dispatcher's sweep of stuck events.
// - Every `sweep_interval` it passivates sessions idle for `idle_timeout`:
//   only sessions with nothing queued and nothing in flight, so an event
//   that arrives "while a session passivates" simply finds no session and
//   activates a fresh one, which reads the state the last commit wrote.
#pragma once

#include "actors/session/session.hpp"
#include "runtime/metrics.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>

#include <unordered_map>
#include <vector>

namespace easymo::session {

struct shard_options {
  size_t index = 0;
  caf::timespan idle_timeout = std::chrono::minutes(10);
  /// How often idle sessions are looked for; a session passivates between
  /// idle_timeout and idle_timeout + sweep_interval after its last event.
  caf::timespan sweep_interval = std::chrono::seconds(30);
  /// Tries of one event (the first and the retries after crashes).
  uint8_t event_attempts_max = 3;
  /// Events queued for one user; more are left in the journal for the
  /// replay (the per-user rate limit keeps real users far below this).
  size_t queue_events_max = 100;
  std::shared_ptr<const session_env> env;
};

/// One user's entry: kept small, a shard may hold hundreds of thousands.
struct slot {
  /// Null between a crash and the next event.
  caf::actor session;
  /// The user's events; the front one is in flight while `busy`.
  std::vector<work> queue;
  caf::actor_clock::time_point last_active;
  /// Crashes while handling the front event.
  uint8_t attempts = 0;
  bool busy = false;
};

struct shard_counters {
  uint64_t events = 0;
  /// Events a session reported done.
  uint64_t done = 0;
  uint64_t activations = 0;
  uint64_t passivations = 0;
  uint64_t crashes = 0;
  /// Events given up on after their last try (left in the journal).
  uint64_t abandoned = 0;
  /// Events not queued because the user's queue was full.
  uint64_t overflowed = 0;
  /// Events not queued because the same event was queued or in flight.
  uint64_t repeated = 0;
};

struct shard_state {
  shard_options opts;
  std::unordered_map<std::string, slot> slots;
  /// Sessions handling an event, so a crash finds its user at once.
  std::unordered_map<caf::actor_addr, std::string> busy;
  size_t live = 0;
  bool sweep_armed = false;
  shard_counters counters;
  /// The supervisor: an exit message from it is a stop request, an exit
  /// message from anyone else is a linked session that ended.
  caf::actor_addr parent;
  metrics::gauge* active = nullptr;

  static inline const char* name = "session.shard";
};

using shard_actor = caf::stateful_actor<shard_state>;

caf::behavior shard(shard_actor* self, shard_options opts,
                    caf::actor_addr parent);

/// The shard that owns `wa_id` among `shards` (FNV-1a, stable across runs
/// and nodes).
size_t shard_of(std::string_view wa_id, size_t shards);

/// The registry name of shard `index` ("sess.3").
caf::atom_value shard_name(size_t index);

/// A permanent child that starts shard `opts.index` and registers it.
supervision::child_spec shard_child(shard_options opts);

} // namespace easymo::session
