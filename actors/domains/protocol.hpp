// The domain protocol: how a session asks a domain what to do with a message.
//
// Input: a snapshot of the session (its active flow and language, the
// user's name), the message, and the router's decision. Output: the replies
// (typed, see replies.hpp), the session's new flow state, and side effects.
// A domain does not write anything: the session commits the new state, the
// replies (outbox rows) and the side effects in one transaction with the
// event's processed mark, so each happens exactly once per inbound message.
//
//   (decide_atom, decision_request) -> decision
//   (get_atom, info_atom)           -> std::string (JSON counters)
//
// Domain actors are found by name (domain_actor_name) in the registry.
#pragma once

#include "actors/domains/locales.hpp"
#include "actors/domains/replies.hpp"
#include "runtime/introspect.hpp"

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace easymo::domains {

using decide_atom = caf::atom_constant<caf::atom("decide")>;

/// A session's flow state: what the next message continues.
struct flow_state {
  /// The domain of the active flow; empty when none is active.
  std::string domain;
  /// The flow's step within the domain ("await_name").
  std::string step;
  /// The flow's context: a JSON object as text, empty when none.
  std::string context;
  language lang = language::en;
};

/// What a domain knows of the session it decides for.
struct session_snapshot {
  std::string wa_id;
  flow_state flow;
  /// The name in the user's profile; empty when not set.
  std::string name;
};

/// The parts of an inbound message domains read.
struct inbound_message {
  int64_t event_id = 0;
  /// "text", "interactive", "button", "location", "image", ...
  std::string kind;
  /// A text's body, or the title of the button or row the user tapped.
  std::string text;
  /// The id of the button or row tapped.
  std::string reply_id;
  /// The sender's WhatsApp profile name (may be empty).
  std::string contact_name;
};

/// The router's choice: which action of the domain.
struct decision_request {
  session_snapshot session;
  inbound_message message;
  std::string action;
  std::string arg;
};

/// A change to the user's profile (table `profiles`).
struct profile_change {
  bool set_name = false;
  std::string name;
  bool set_language = false;
  language lang = language::en;
};

/// Everything a decision changes besides the session and the outbox.
struct side_effects {
  std::vector<profile_change> profile;

  bool empty() const { return profile.empty(); }
};

struct decision {
  std::vector<reply> replies;
  flow_state next;
  side_effects effects;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, flow_state& x) {
  return f(caf::meta::type_name("flow_state"), x.domain, x.step, x.context,
           x.lang);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, session_snapshot& x) {
  return f(caf::meta::type_name("session_snapshot"), x.wa_id, x.flow, x.name);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, inbound_message& x) {
  return f(caf::meta::type_name("inbound_message"), x.event_id, x.kind, x.text,
           x.reply_id, x.contact_name);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decision_request& x) {
  return f(caf::meta::type_name("decision_request"), x.session, x.message,
           x.action, x.arg);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, profile_change& x) {
  return f(caf::meta::type_name("profile_change"), x.set_name, x.name,
           x.set_language, x.lang);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, side_effects& x) {
  return f(caf::meta::type_name("side_effects"), x.profile);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, decision& x) {
  return f(caf::meta::type_name("decision"), x.replies, x.next, x.effects);
}

using domain_actor = caf::typed_actor<
  caf::replies_to<decide_atom, decision_request>::with<decision>,
  caf::replies_to<caf::get_atom, info_atom>::with<std::string>>;

/// The registry name of a domain's actor ("home" -> "dom.home"), or nothing
/// for a domain without an actor.
std::optional<caf::atom_value> domain_actor_name(std::string_view domain);

} // namespace easymo::domains
