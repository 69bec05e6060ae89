// The supervision tree of ARCHITECTURE.md, with the children that exist so far.
#pragma once

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
  /// The outbound HTTP client every gateway call goes through.
  std::shared_ptr<http::client> outbound;
};

/// root (one_for_one)
///   persistence (rest_for_one): db pool
///   domains (one_for_one): ledger
///   gateways (one_for_one): a caller per provider (momo, paydunya, revolut,
///     slack; breakers to come), then the actor of each enabled payment
///     gateway
///   schedules (one_for_one): reconciliation
///   ingress: the HTTP ingress actor
///   admin: the admin listener's actor; payments_admin: the money admin API
supervision::supervisor_spec make_root(const tree_context& ctx);

} // namespace easymo
