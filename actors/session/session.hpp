// One user's conversation: a session actor, spawned by its shard when the
// user's first event arrives, rebuilt from PostgreSQL (the loader), and
// passivated by the shard when idle.
//
// It handles one event at a time (the shard holds the queue):
//   load the state if needed -> route -> ask the domain -> commit the
//   decision's effects (the committer) -> update itself -> report done.
// Its memory is only its committed state, so a crash loses nothing: the
// shard restarts it from the database and retries the event.
#pragma once

#include "actors/effects/protocol.hpp"
#include "actors/router/router.hpp"
#include "actors/session/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <memory>

namespace easymo::session {

/// What every session of a node shares (one copy, held by pointer).
struct session_env {
  std::shared_ptr<const domains::catalog> texts;
  std::shared_ptr<const router::keyword_table> keywords;
  /// Fixed actors (tests); null means the registry's (loader_name,
  /// effects::committer_name), looked up per request.
  caf::actor loader;
  caf::actor committer;
  /// Bound on the loader's and a domain's answer.
  caf::timespan request_timeout = std::chrono::seconds(15);
  /// Bound on the committer's answer (a batch may wait for a connection).
  caf::timespan commit_timeout = std::chrono::seconds(30);
  /// Backoff while the database is unavailable: the event stays queued and
  /// its step is tried again, doubling from min to max.
  caf::timespan retry_backoff_min = std::chrono::milliseconds(100);
  caf::timespan retry_backoff_max = std::chrono::seconds(5);
  /// Optimistic-concurrency conflicts tolerated per event before the
  /// session gives up on it like on a crash.
  uint8_t conflicts_max = 3;
};

/// The event being handled and where it stands.
struct in_flight {
  enum class step : uint8_t { loading, deciding, committing };
  work job;
  caf::actor shard;
  step at = step::loading;
  sessions::commit_item item;
  caf::timespan backoff{0};
  uint8_t conflicts = 0;
};

/// The parts of a session's state that most idle users leave empty (no
/// active flow, no name yet): kept apart so that those users do not carry
/// four empty strings each (tools/bench/sessions, docs/PERFORMANCE.md).
struct session_extras {
  std::string domain;
  std::string step;
  std::string context;
  std::string name;
};

struct session_state {
  std::string wa_id;
  std::shared_ptr<const session_env> env;
  /// The last committed state (valid when `loaded`): the flow and the name
  /// (null when all empty), language, version, last inbound time.
  std::unique_ptr<session_extras> extras;
  int64_t version = 0;
  int64_t last_inbound = 0;
  domains::language lang = domains::language::en;
  bool loaded = false;
  uint32_t handled = 0;
  /// Allocated only while an event is handled, so an idle session carries
  /// one pointer for it.
  std::unique_ptr<in_flight> current;

  /// Replaces the state with a loaded record.
  void adopt(sessions::session_record&& rec);
  /// The flow as domains see it.
  domains::flow_state flow() const;
  /// Sets the flow (the next state of a committed decision).
  void set_flow(domains::flow_state&& next);
  /// The profile's name ("" when not set).
  const std::string& user_name() const;
  void set_user_name(const std::string& name);

  static inline const char* name = "session";
};

using session_actor = caf::stateful_actor<session_state>;

caf::behavior session(session_actor* self, std::string wa_id,
                      std::shared_ptr<const session_env> env);

} // namespace easymo::session
