// The effects committer: group commit of the sessions' decisions.
//
// PostgreSQL here takes about 8,500 one-row commits per second but far more
// rows per second in batches (ARCHITECTURE.md), and every commit waits for
// an fsync; so, like the journal and the ledger, the committer writes the
// effects of many sessions in one transaction through the db pool's
// detached workers, and answers each session after COMMIT. Batches follow
// runtime/group_queue.hpp: full, or the first item waited batch_delay_max,
// or a running batch ended; at most batches_in_flight_max at once.
#pragma once

#include "actors/effects/protocol.hpp"
#include "runtime/group_queue.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <functional>
#include <vector>

namespace easymo::effects {

/// Called after each COMMIT with the outbox rows it wrote (on the
/// committer's thread; it must not block).
using outbox_notify
  = std::function<void(caf::actor_system&,
                       std::vector<sessions::committed_reply>)>;

/// The notification of production: hands the rows to the outbox dispatcher
/// (outbox::committed), so they go out without waiting for its sweep.
void notify_outbox(caf::actor_system& sys,
                   std::vector<sessions::committed_reply> replies);

/// Whether the outbox dispatcher runs (is registered) now.
bool outbox_running(caf::actor_system& sys);

struct committer_options {
  group_limits limits;
  /// Bound on one batch, waiting for a pool connection included.
  caf::timespan db_timeout = std::chrono::seconds(15);
  /// Where new outbox rows go; empty leaves them to the outbox's own scan
  /// of pending rows.
  outbox_notify notify;
  /// Asked before each batch (empty: yes). When `notify` is set and this
  /// says the receiver runs, the batch writes its outbox rows already
  /// claimed for it ('sending') and notifies it after COMMIT, which saves
  /// the dispatcher a claim per batch. Otherwise the rows are written
  /// 'pending' and nobody is notified: the sweep sends them.
  std::function<bool(caf::actor_system&)> notify_ready;
};

struct pending_commit {
  sessions::commit_item item;
  caf::typed_response_promise<sessions::commit_outcome> rp;
};

struct committer_counters {
  uint64_t items = 0;
  uint64_t committed = 0;
  uint64_t duplicates = 0;
  uint64_t conflicts = 0;
  uint64_t failed = 0;
  uint64_t refused = 0;
  uint64_t replies = 0;
};

struct committer_state {
  committer_options opts;
  /// A fixed pool (tests); null means directory::db_pool per batch.
  caf::actor pool;
  group_queue<pending_commit> queue;
  committer_counters counters;

  static inline const char* name = "effects.committer";
};

using committer_pointer = committer_actor::stateful_pointer<committer_state>;

committer_actor::behavior_type committer(committer_pointer self,
                                         caf::actor pool,
                                         committer_options opts);

/// The committer's registry name.
inline constexpr caf::atom_value committer_name = caf::atom("effects");

/// A permanent child that starts the committer and registers it.
supervision::child_spec committer_child(committer_options opts);

} // namespace easymo::effects
