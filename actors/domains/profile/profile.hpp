// The profile domain: view the profile, set a name, choose the language
// (en, fr, rw). Pure code; the actor around it is domain_actor.hpp's.
//
// Actions (reply ids profile:<action>[:<arg>]):
//   open        the profile card: name, language, three buttons
//   name        asks for a name; the next message continues the flow
//   lang        the three languages as buttons
//   lang:<code> sets the language and answers in it
//   continue    (step await_name) takes the message as the new name
#pragma once

#include "actors/domains/protocol.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace easymo::domains::profile {

/// The step that waits for a name.
inline constexpr std::string_view await_name = "await_name";

/// Bounds on a name, in characters.
constexpr size_t name_chars_min = 2;
constexpr size_t name_chars_max = 40;

/// The name with its whitespace trimmed and collapsed, or nothing when it
/// does not look like a name (too short or long, digits, symbols, emoji).
std::optional<std::string> clean_name(std::string_view text);

decision decide(const catalog& texts, const decision_request& req);

} // namespace easymo::domains::profile
