// The home domain: the menu of every service, and the honest "coming soon"
// answer for services that are not built yet. Pure code; the actor around
// it is domain_actor.hpp's.
#pragma once

#include "actors/domains/protocol.hpp"

namespace easymo::domains::home {

/// The home menu: a list with one row per service. `body_key` is the text
/// above it (the welcome, or a service's "coming soon").
reply menu(const catalog& texts, language lang,
           const std::string& body_key = "home.body");

/// menu for every action; "soon" with a service as arg puts that service's
/// "coming soon" text above the menu. Always ends the active flow.
decision decide(const catalog& texts, const decision_request& req);

} // namespace easymo::domains::home
