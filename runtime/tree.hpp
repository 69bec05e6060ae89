// The supervision tree of ARCHITECTURE.md, with the children that exist so far.
#pragma once

#include "actors/session/subtree.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <atomic>
#include <functional>
#include <memory>

namespace easymo::http {
class client;
} // namespace easymo::http

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
  /// The app's client for gateway calls (runtime/outbound.hpp).
  std::shared_ptr<http::client> outbound;
  /// Texts and keywords of conversations (config/locales).
  session::conversation_assets conversation;
};

/// root (one_for_one)
///   persistence (rest_for_one): db pool, journal
///   ratelimit: token buckets, local or Redis
///   gateways (one_for_one): breaker board, breaker:whatsapp
///   outbox (one_for_one): sandbox sink (sandbox mode), dispatcher
///   payments (one_for_one): a caller per provider (momo, paydunya, revolut,
///     slack), then the actor of each enabled payment gateway
///   domains (one_for_one): ledger, home, profile
///   sessions (rest_for_one): effects committer, loader, shards
///   dispatcher: routes each new event to its user's shard
///   schedules (one_for_one): reconciliation
///   ingress: the HTTP ingress actor
///   admin: the admin listener's actor; payments_admin: the money admin API
supervision::supervisor_spec make_root(const tree_context& ctx);

} // namespace easymo
