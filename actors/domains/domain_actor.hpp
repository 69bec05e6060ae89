// The actor around a domain's pure decide function. Domains hold no state
// of their own (the session brings its snapshot), so one actor per domain
// serves every session, and a restarted one has nothing to rebuild.
#pragma once

#include "actors/domains/protocol.hpp"
#include "runtime/config.hpp"
#include "runtime/supervisor/protocol.hpp"

#include <caf/stateful_actor.hpp>

#include <memory>
#include <string>

namespace easymo::domains {

using decide_fn = decision (*)(const catalog&, const decision_request&);

struct domain_state {
  std::string domain;
  decide_fn decide = nullptr;
  std::shared_ptr<const catalog> texts;
  uint64_t decisions = 0;
  /// Decisions refused because a reply broke Meta's limits (a bug).
  uint64_t refused = 0;

  static inline const char* name = "domain";
};

using domain_pointer = domain_actor::stateful_pointer<domain_state>;

domain_actor::behavior_type domain(domain_pointer self, std::string name,
                                   decide_fn decide,
                                   std::shared_ptr<const catalog> texts);

/// A permanent child that starts the domain and registers it under
/// domain_actor_name(name).
supervision::child_spec domain_child(std::string name, decide_fn decide,
                                     std::shared_ptr<const catalog> texts);

/// The children of the domains subtree that conversations need: home,
/// profile and the wallet (actors/domains/wallet, which also talks to the
/// ledger and the payment gateways `s` enables).
std::vector<supervision::child_spec>
conversation_domains(std::shared_ptr<const catalog> texts, const settings& s);

} // namespace easymo::domains
