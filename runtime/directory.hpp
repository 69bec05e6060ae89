// Named service actors (db pool, journal, breakers...) found through CAF's
// registry. A restarted actor registers its new handle under the same name, so
// callers look names up when they need them instead of caching handles forever.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/atom.hpp>

#include <initializer_list>

namespace easymo::directory {

// Atom names: 10 characters at most (CAF 0.17).
constexpr caf::atom_value db_pool = caf::atom("db.pool");
constexpr caf::atom_value root = caf::atom("root");
constexpr caf::atom_value ingress = caf::atom("ingress");
constexpr caf::atom_value ledger = caf::atom("ledger");
constexpr caf::atom_value admin = caf::atom("admin");
/// Group commit of webhook events (actors/journal/protocol.hpp).
constexpr caf::atom_value journal = caf::atom("journal");
/// Token buckets, local or Redis (actors/ratelimit/protocol.hpp).
constexpr caf::atom_value limiter = caf::atom("limiter");
/// Where the journal sends each newly committed event (dispatch_batch).
constexpr caf::atom_value dispatcher = caf::atom("dispatcher");
/// The outbox dispatcher (actors/outbox/protocol.hpp).
constexpr caf::atom_value outbox = caf::atom("outbox");
/// The breaker board; each gateway's breaker registers under
/// breaker::directory_name(gateway), e.g. "brk.wa" (actors/breaker).
constexpr caf::atom_value breakers = caf::atom("breakers");
/// The sandbox sink, in sandbox mode only (actors/sandbox/protocol.hpp).
constexpr caf::atom_value sandbox = caf::atom("sandbox");
// Payment gateways' actors (actors/payments) and their admin API.
constexpr caf::atom_value pay_ussd = caf::atom("pay.ussd");
constexpr caf::atom_value pay_momo = caf::atom("pay.momo");
constexpr caf::atom_value pay_paydunya = caf::atom("pay.paydun");
constexpr caf::atom_value pay_revolut = caf::atom("pay.revolu");
constexpr caf::atom_value pay_admin = caf::atom("pay.admin");
constexpr caf::atom_value reconciliation = caf::atom("reconcile");

inline void put(caf::actor_system& sys, caf::atom_value name,
                const caf::actor& who) {
  // CAF 0.17's put() keeps an existing entry, so a restarted actor would
  // stay hidden behind its dead predecessor without the erase.
  sys.registry().erase(name);
  sys.registry().put(name, caf::actor_cast<caf::strong_actor_ptr>(who));
}

inline caf::actor get(caf::actor_system& sys, caf::atom_value name) {
  return caf::actor_cast<caf::actor>(sys.registry().get(name));
}

/// The registry holds strong references; shutdown erases them so the actor
/// system does not wait for actors nobody else needs.
inline void erase_all(caf::actor_system& sys,
                      std::initializer_list<caf::atom_value> names) {
  for (auto name : names)
    sys.registry().erase(name);
}

} // namespace easymo::directory
