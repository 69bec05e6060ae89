// The event dispatcher (protocol.hpp): from the journal to the session
// shards and the outbox, and the replay of unprocessed events at start.
//
// It never waits: shards, the outbox and the committer are looked up by name
// per event (a restarted one has a new handle). An event whose destination is
// not registered right now (a shard restarting) is parked, bounded, and
// routed again on a timer; beyond the bound it is left `received` in the
// journal, where the sweep of stuck events finds it.
//
// The sweep: every sweep_interval, events still `received` stuck_after
// after their commit are read back and routed again, like the replay at
// start. Whatever lost an event on the way (a full park, a shard dropping
// it from a full user queue, a mark the committer did not take, a crash of
// the shard's subtree) then costs minutes, not the wait for the next start.
// Both read pages paced to replay_events_per_second, so a backlog does not
// crowd live traffic out of the shards.
#pragma once

#include "actors/dispatcher/protocol.hpp"
#include "actors/dispatcher/route.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace easymo::dispatcher {

struct options {
  /// Session shards registered as session::shard_name(0..shards).
  size_t shards = 4;
  /// At most one "slow down" reply per user per interval.
  caf::timespan slow_down_interval = std::chrono::minutes(1);
  size_t slow_down_users_max = 100000;
  /// Events per replay query.
  size_t replay_page_events = 256;
  /// Bound on one replay query and on the committer's answer to a mark.
  caf::timespan db_timeout = std::chrono::seconds(15);
  /// Backoff of parked events and of a failed replay query: doubling from
  /// min to max.
  caf::timespan retry_min = std::chrono::milliseconds(100);
  caf::timespan retry_max = std::chrono::seconds(5);
  /// Events parked while their destination is away.
  size_t parked_events_max = 10000;
  /// Replay unprocessed events at start.
  bool replay = true;
  /// Routed replayed or swept events per second, at most (0: no limit).
  size_t replay_events_per_second = 1000;
  /// How often the sweep of stuck events runs (0: never).
  caf::timespan sweep_interval = std::chrono::minutes(1);
  /// Age of a `received` event that the sweep routes again.
  caf::timespan stuck_after = std::chrono::minutes(2);
};

/// Reads the dispatcher's options from the settings.
options options_from(const settings& s);

/// One replay query's answer (the db job's value).
struct replay_page {
  /// The last event id that existed when the replay began: events above it
  /// reach the dispatcher live.
  int64_t upto = 0;
  /// Unprocessed events after the previous page, at most `upto`, by id.
  std::vector<journal::committed_event> events;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, replay_page& x) {
  return f(caf::meta::type_name("replay_page"), x.upto, x.events);
}

struct counters {
  uint64_t batches = 0;
  /// Events from the journal, by inbound_events.status.
  std::map<std::string, uint64_t> events;
  /// Events routed, by destination (session, slow_down, status, failed...).
  std::map<std::string, uint64_t> routed;
  uint64_t replayed = 0;
  /// Stuck events the sweep routed again.
  uint64_t swept = 0;
  uint64_t sweeps = 0;
  uint64_t parked = 0;
  /// Parked events given up on (left in the journal for the sweep).
  uint64_t overflowed = 0;
  /// Marks the committer did not take (left in the journal for the sweep).
  uint64_t marks_failed = 0;
};

/// The replay at start, then each sweep of stuck events, one at a time.
struct replay_progress {
  enum class phase : uint8_t { waiting, running, done };
  phase at = phase::waiting;
  /// False for the replay at start, true for a sweep.
  bool sweep = false;
  int64_t after = 0;
  std::optional<int64_t> upto;
  caf::timespan backoff{0};
  /// Events this pass routed so far.
  uint64_t routed = 0;
};

struct state {
  options opts;
  /// A fixed pool (tests); null means directory::db_pool per query.
  caf::actor pool;
  slow_down_window slow_downs;
  /// Events whose destination was away, in arrival order.
  std::vector<journal::committed_event> parked;
  caf::timespan park_backoff{0};
  bool retry_armed = false;
  replay_progress replay;
  counters count;

  static inline const char* name = "dispatcher";
};

using dispatcher_actor = caf::stateful_actor<state>;

caf::behavior dispatcher(dispatcher_actor* self, options opts, caf::actor pool);

/// A permanent child that starts the dispatcher and registers it as
/// directory::dispatcher.
supervision::child_spec dispatcher_child(options opts);

} // namespace easymo::dispatcher
