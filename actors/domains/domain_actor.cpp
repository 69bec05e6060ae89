#include "actors/domains/domain_actor.hpp"

#include "actors/domains/home/home.hpp"
#include "actors/domains/profile/profile.hpp"
#include "actors/domains/services.hpp"
#include "actors/domains/wallet/wallet.hpp"
#include "runtime/registered_child.hpp"
#include "runtime/log.hpp"

#include <caf/all.hpp>

#include <nlohmann/json.hpp>

#include <cassert>

namespace easymo::domains {

namespace {

caf::result<decision> run(domain_pointer self, decision_request& req) {
  auto& st = self->state;
  ++st.decisions;
  auto out = st.decide(*st.texts, req);
  for (auto& r : out.replies) {
    auto why = violation(r);
    if (why.empty())
      continue;
    // Tests render every reply of every domain, so this is a bug that
    // slipped through: refuse rather than have Meta refuse with a 400.
    assert(!"a domain built a reply that breaks Meta's limits");
    ++st.refused;
    log::error("domain", "reply breaks Meta's limits",
               {{"domain", st.domain}, {"action", req.action}, {"why", why}},
               std::to_string(req.message.event_id));
    return caf::make_error(caf::sec::invalid_argument, why);
  }
  return out;
}

} // namespace

std::optional<caf::atom_value> domain_actor_name(std::string_view domain) {
  if (domain == home_domain)
    return caf::atom("dom.home");
  if (domain == "profile")
    return caf::atom("dom.prof");
  if (domain == "wallet")
    return caf::atom("dom.wallet");
  return std::nullopt;
}

domain_actor::behavior_type domain(domain_pointer self, std::string name,
                                   decide_fn decide,
                                   std::shared_ptr<const catalog> texts) {
  assert(decide != nullptr && texts != nullptr);
  auto& st = self->state;
  st.domain = std::move(name);
  st.decide = decide;
  st.texts = std::move(texts);
  return {
    [self](decide_atom, decision_request& req) { return run(self, req); },
    [self](caf::get_atom, info_atom) {
      auto& st = self->state;
      return nlohmann::json{{"domain", st.domain},
                            {"decisions", st.decisions},
                            {"refused", st.refused},
                            {"mailbox", self->mailbox().size()}}
        .dump();
    },
  };
}

supervision::child_spec domain_child(std::string name, decide_fn decide,
                                     std::shared_ptr<const catalog> texts) {
  auto registered = domain_actor_name(name);
  assert(registered.has_value());
  return registered_child(name, "domain", *registered,
                          [name, decide, texts](caf::event_based_actor* parent) {
                            return parent->spawn(domain, name, decide, texts);
                          });
}

std::vector<supervision::child_spec>
conversation_domains(std::shared_ptr<const catalog> texts, const settings& s) {
  return {domain_child(std::string{home_domain}, home::decide, texts),
          domain_child("profile", profile::decide, texts),
          wallet::wallet_child(wallet::wallet_options_from(s, texts))};
}

} // namespace easymo::domains
