#pragma once

#include "runtime/supervisor/protocol.hpp"

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>

#include <deque>

namespace easymo::supervision {

struct child_state {
  child_spec spec;
  caf::actor handle;
  size_t restarts = 0;
  std::string last_failure;
};

struct supervisor_state {
  supervisor_spec spec;
  /// Children in start order; a stopped child keeps its slot with no handle.
  std::vector<child_state> children;
  std::deque<caf::actor_clock::time_point> restart_times;
  bool stopping = false;
  caf::error stop_reason;
  /// The child whose orderly stop is awaited, if any.
  caf::actor_addr stopping_child;
  size_t total_restarts = 0;

  static inline const char* name = "supervisor";
};

using supervisor_actor = caf::stateful_actor<supervisor_state>;

/// Starts every child of `spec` in order and supervises them.
caf::behavior supervisor(supervisor_actor* self, supervisor_spec spec);

} // namespace easymo::supervision
