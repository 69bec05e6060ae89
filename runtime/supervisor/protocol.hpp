// The supervisor's contract: child specs, strategies and the messages it takes.
//
// CAF 0.17 has no supervisor, so this one is built from monitors and an exit
// handler. A supervisor monitors each child it starts; a child's down message
// tells it whether to restart, and its own end (with `restart_limit`) tells its
// parent that it gave up. An exit message asks it to stop, last child first.
//
// Messages it takes:
//   (get_atom, tree_atom) -> std::string   JSON of the live subtree
//   exit_msg from a non-child                orderly shutdown, last child first
#pragma once

#include "runtime/introspect.hpp"

#include <caf/actor.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/timespan.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace easymo::supervision {

enum class strategy {
  /// Only the failed child restarts.
  one_for_one,
  /// The failed child and every child started after it restart.
  rest_for_one,
};

enum class restart {
  /// Always restarted, even after a normal exit.
  permanent,
  /// Restarted only after an abnormal exit.
  transient,
  /// Never restarted.
  temporary,
};

/// How to start one child. `start` runs inside the supervisor and must spawn
/// the child from `parent`, so the child shares the supervisor's scheduler.
struct child_spec {
  std::string name;
  std::string kind;
  restart policy = restart::permanent;
  /// The child is itself a supervisor and answers (get_atom, tree_atom).
  bool is_supervisor = false;
  std::function<caf::actor(caf::event_based_actor* parent)> start;
};

struct supervisor_spec {
  std::string name;
  strategy strat = strategy::one_for_one;
  /// More than `intensity` restarts within `period` make the supervisor give
  /// up: it stops its children and exits with `restart_limit`.
  size_t intensity = 5;
  caf::timespan period = std::chrono::seconds(10);
  /// Per-child bound on an orderly stop before the child is killed.
  caf::timespan shutdown_timeout = std::chrono::seconds(10);
  std::vector<child_spec> children;
  /// Called once when this supervisor gives up (the root uses it to exit 70).
  std::function<void(const caf::error&)> on_give_up;
};

/// Error codes of the supervision area (category atom "supervise").
enum class errc : uint8_t {
  restart_limit = 1,
};

caf::error make_error(errc code, std::string context = {});

/// The error category atom used by make_error.
constexpr caf::atom_value error_category = caf::atom("supervise");

/// Renders supervision errors for logs (register with add_error_category).
std::string render_error(uint8_t code, caf::atom_value category,
                         const caf::message& context);

/// Builds a child spec for a nested supervisor.
child_spec subtree(supervisor_spec spec,
                   restart policy = restart::permanent);

} // namespace easymo::supervision
