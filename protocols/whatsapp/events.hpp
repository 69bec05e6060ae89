// Typed forms of what Meta's `messages` webhook field carries: inbound user
// messages and status updates about the messages we sent.
//
// Only what the application reads is typed; the stored payload (see
// parse.hpp) keeps the whole item, so nothing Meta sent is lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace easymo::whatsapp {

/// One entry of an `errors` array (statuses, unsupported messages).
struct error_detail {
  int64_t code = 0;
  std::string title;
  std::string message;
  /// error_data.details
  std::string details;
};

/// `context`: the message this one replies to or forwards.
struct message_context {
  std::string from;
  std::string id;
  bool forwarded = false;
  bool frequently_forwarded = false;
};

struct text_content {
  std::string body;
};

/// A reply to one of our interactive messages.
struct interactive_content {
  enum class reply { button_reply, list_reply, nfm_reply };
  reply type = reply::button_reply;
  /// button_reply and list_reply: the id we gave the button or row.
  std::string id;
  std::string title;
  /// list_reply only.
  std::string description;
  /// nfm_reply (a WhatsApp Flow answer): name, body and the raw response.
  std::string flow_name;
  std::string flow_body;
  std::string flow_response_json;
};

/// A tap on a template's quick-reply button.
struct button_content {
  std::string payload;
  std::string text;
};

struct location_content {
  double latitude = 0;
  double longitude = 0;
  std::string name;
  std::string address;
  std::string url;
};

/// image, document, audio, video and sticker.
struct media_content {
  std::string id;
  std::string mime_type;
  std::string sha256;
  std::string caption;
  /// document only.
  std::string filename;
  /// audio only: a voice note rather than an audio file.
  bool voice = false;
  /// sticker only.
  bool animated = false;
};

struct reaction_content {
  /// The wamid reacted to.
  std::string message_id;
  /// Empty when the user removed the reaction.
  std::string emoji;
};

struct contact_phone {
  std::string phone;
  std::string wa_id;
  std::string type;
};

struct contact_card {
  std::string formatted_name;
  std::vector<contact_phone> phones;
};

struct contacts_content {
  std::vector<contact_card> cards;
};

/// `type: unsupported`: Meta could not deliver the content to us.
struct unsupported_content {
  std::vector<error_detail> errors;
};

/// A message type we do not act on yet (order, system, referral...). It is
/// stored like any other so a later release can handle it from the table.
struct other_content {
  std::string type;
};

using message_content
  = std::variant<text_content, interactive_content, button_content,
                 location_content, media_content, reaction_content,
                 contacts_content, unsupported_content, other_content>;

/// An inbound message from a user.
struct message {
  /// The wamid: unique per message, repeated by Meta's redeliveries.
  std::string id;
  /// The sender's WhatsApp id (the phone number in E.164 without '+').
  std::string from;
  /// Unix seconds, as Meta stamped it.
  int64_t timestamp = 0;
  /// Meta's `type`: "text", "interactive", "image", ...
  std::string type;
  /// value.metadata.phone_number_id: which of our numbers received it.
  std::string phone_number_id;
  /// The sender's profile name from value.contacts, when present.
  std::string profile_name;
  std::optional<message_context> context;
  message_content content;
};

struct conversation_info {
  std::string id;
  std::string origin_type;
  int64_t expiration_timestamp = 0;
};

struct pricing_info {
  bool billable = false;
  std::string pricing_model;
  std::string category;
};

/// A delivery report about a message we sent.
struct status_update {
  enum class state { sent, delivered, read, failed };
  /// The wamid of our outbound message.
  std::string id;
  state status = state::sent;
  std::string recipient_id;
  int64_t timestamp = 0;
  std::string phone_number_id;
  std::optional<conversation_info> conversation;
  std::optional<pricing_info> pricing;
  std::vector<error_detail> errors;
  std::string biz_opaque_callback_data;
};

/// "sent", "delivered", "read" or "failed".
const char* to_string(status_update::state s);

} // namespace easymo::whatsapp
