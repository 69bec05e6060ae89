// The session loader: sessions being activated ask for their state, and the
// loader reads the state of many users in one query (sessions::load).
//
// A burst of new users (a broadcast answered by thousands) would otherwise
// cost one round trip each; batched, it costs one per batch. Batches follow
// the group-commit rule of runtime/group_queue.hpp.
#pragma once

#include "actors/session/protocol.hpp"
#include "runtime/group_queue.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/typed_response_promise.hpp>

namespace easymo::session {

struct loader_options {
  group_limits limits;
  /// Bound on one batch, waiting for a pool connection included.
  caf::timespan db_timeout = std::chrono::seconds(15);
};

struct pending_load {
  std::string wa_id;
  caf::typed_response_promise<sessions::session_record> rp;
};

struct loader_state {
  loader_options opts;
  /// A fixed pool (tests); null means directory::db_pool per batch.
  caf::actor pool;
  group_queue<pending_load> queue;
  uint64_t loads = 0;
  uint64_t failed = 0;
  uint64_t refused = 0;

  static inline const char* name = "session.loader";
};

using loader_pointer = loader_actor::stateful_pointer<loader_state>;

loader_actor::behavior_type loader(loader_pointer self, caf::actor pool,
                                   loader_options opts);

/// The loader's registry name.
inline constexpr caf::atom_value loader_name = caf::atom("sess.load");

/// A permanent child that starts the loader and registers it.
supervision::child_spec loader_child(loader_options opts);

} // namespace easymo::session
