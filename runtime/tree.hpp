// The supervision tree of ARCHITECTURE.md, with the children that exist so far.
#pragma once

#include "actors/session/subtree.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <atomic>
#include <functional>

namespace easymo {

/// What the tree's children need from the process around them.
struct tree_context {
  settings s;
  /// The schema version start-up migrated to; /readyz compares against it.
  int schema_version = 0;
  /// Set by the app once every listener is up; cleared at shutdown.
  std::shared_ptr<std::atomic<bool>> serving;
  /// Called when the root gives up (the app exits 70).
  std::function<void(const caf::error&)> on_give_up;
  /// Texts and keywords of conversations (config/locales).
  session::conversation_assets conversation;
};

/// root (one_for_one)
///   persistence (rest_for_one): db pool
///   domains (one_for_one): ledger, home, profile
///   sessions (rest_for_one): effects committer, loader, shards
///   ingress: the HTTP ingress actor
///   admin: the admin listener's actor
supervision::supervisor_spec make_root(const tree_context& ctx);

} // namespace easymo
