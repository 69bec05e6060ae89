// Outbound replies as domains produce them, and their Graph API bodies.
//
// A domain returns typed replies (text, reply buttons, a list, an image by
// link); the session
// renders each into the body of POST /{version}/{phone_number_id}/messages
// when it commits the reply to the outbox. Meta's limits are checked here
// (violation()), so a reply that would be refused with a 400 is a bug a unit
// test catches, not a message lost at send time.
//
// This file is the one adapter between domains and the WhatsApp message
// builders of protocols/whatsapp: render() is where the builders are called.
#pragma once

#include "actors/domains/locales.hpp"

#include <caf/meta/type_name.hpp>

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace easymo::domains {

struct button {
  /// The reply id the user's tap comes back with: <domain>:<action>[:<arg>].
  std::string id;
  std::string title;
};

struct row {
  std::string id;
  std::string title;
  std::string description;
};

struct reply {
  enum class kind : uint8_t { text, buttons, list, image };
  kind type = kind::text;
  /// The text, or an image's caption.
  std::string body;
  /// image: where WhatsApp fetches it (an https URL in live mode).
  std::string link;
  /// list: the label of the button that opens the list, and the title of
  /// its one section.
  std::string list_button;
  std::string section_title;
  std::vector<button> buttons;
  std::vector<row> rows;
};

/// Limits of the Graph API on interactive messages.
constexpr size_t buttons_max = 3;
constexpr size_t rows_max = 10;
constexpr size_t reply_id_max = 200;

reply text_reply(std::string body);
reply buttons_reply(std::string body, std::vector<button> buttons);
reply list_reply(std::string body, std::string list_button,
                 std::string section_title, std::vector<row> rows);
/// An image WhatsApp fetches from `link`, with `caption` under it.
reply image_reply(std::string link, std::string caption);

/// The first of Meta's limits `r` breaks, or "" when it is sendable.
std::string violation(const reply& r);

/// The Graph API request body that sends `r` to `to`. (The outbox
/// dispatcher adds biz_opaque_callback_data, the row id, when it sends.)
std::string render(const reply& r, const std::string& to);

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, button& x) {
  return f(caf::meta::type_name("button"), x.id, x.title);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, row& x) {
  return f(caf::meta::type_name("row"), x.id, x.title, x.description);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reply& x) {
  return f(caf::meta::type_name("reply"), x.type, x.body, x.link,
           x.list_button, x.section_title, x.buttons, x.rows);
}

} // namespace easymo::domains
