#pragma once

#include "actors/ingress/protocol.hpp"

#include <caf/stateful_actor.hpp>

#include <atomic>
#include <memory>

namespace easymo::ingress {

struct options {
  /// The schema version start-up migrated to.
  int schema_version = 0;
  /// True while the listeners accept requests.
  std::shared_ptr<std::atomic<bool>> serving;
};

struct state {
  options opts;
  uint64_t readiness_checks = 0;
  static inline const char* name = "ingress";
};

using actor = caf::stateful_actor<state>;

caf::behavior ingress(actor* self, options opts);

} // namespace easymo::ingress
