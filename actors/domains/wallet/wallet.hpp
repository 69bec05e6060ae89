// The wallet domain actor (protocol.hpp): the pure wallet flow (flow.hpp)
// decides, the view (view.hpp) renders, and this actor runs the one effect
// a message may have (a balance, the movements, a P2P transfer, a top-up or
// a withdrawal) before it answers the session.
#pragma once

#include "actors/domains/protocol.hpp"
#include "actors/domains/wallet/protocol.hpp"
#include "persistence/ledger/money.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace easymo::wallet {

struct wallet_options {
  std::shared_ptr<const domains::catalog> texts;
  /// The currency of the wallets this domain shows and moves.
  ledger::currency cur = ledger::currency::RWF;
  /// Directory names of the gateway actors that take top-ups and
  /// withdrawals; nothing: the wallet does not offer it.
  std::optional<caf::atom_value> topup_gateway;
  std::optional<caf::atom_value> withdraw_gateway;
  /// Bound on each request the wallet makes (the ledger, a gateway actor).
  caf::timespan request_timeout = std::chrono::seconds(10);
  /// Fixed actors (tests); null: looked up in the directory at each use,
  /// so a restarted ledger or gateway actor is found.
  caf::actor ledger;
  caf::actor topup;
  caf::actor withdraw;
};

/// The wallet of `s`: MoMo USSD for top-ups when enabled (else the MoMo
/// API), the MoMo API for withdrawals.
wallet_options wallet_options_from(const settings& s,
                                   std::shared_ptr<const domains::catalog> texts);

struct wallet_counters {
  uint64_t decisions = 0;
  uint64_t transfers = 0;
  uint64_t payments = 0;
  /// Transfers and payments refused (funds, limits, numbers).
  uint64_t refused = 0;
  /// Decisions failed on operating errors (the session retries them).
  uint64_t failed = 0;
};

struct wallet_state {
  wallet_options opts;
  wallet_counters count;

  static inline const char* name = "wallet";
};

using wallet_pointer = domains::domain_actor::stateful_pointer<wallet_state>;

domains::domain_actor::behavior_type wallet(wallet_pointer self,
                                           wallet_options opts);

/// A permanent child that starts the wallet as domain_actor_name("wallet").
supervision::child_spec wallet_child(wallet_options opts);

} // namespace easymo::wallet
