// Parsing Meta's webhook body into events, with the whole-body rules of the
// ingress: malformed JSON, a wrong envelope, hostile nesting or an absurd
// number of items make the body fail (400); one bad item inside a good body
// is kept as a `rejected` event instead, so Meta does not redeliver the whole
// batch for seven days because of it.
//
// Pure code (nlohmann/json only) shared by the ingress, the journal replay
// and the fuzzer.
#pragma once

#include "protocols/whatsapp/events.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace easymo::whatsapp {

struct parse_limits {
  /// Arrays and objects nested deeper are refused before any DOM is built.
  /// Meta's deepest payload (a shared contact's phones) nests 9 levels.
  size_t depth_max = 32;
  /// Messages plus statuses per body; Meta sends at most 1000.
  size_t events_max = 10000;
};

enum class parse_error {
  none,
  /// Not JSON (or not UTF-8).
  malformed_json,
  /// Nested deeper than parse_limits::depth_max.
  too_deep,
  /// JSON, but not a webhook envelope (entry, changes, value...).
  wrong_shape,
  /// More items than parse_limits::events_max.
  too_many_events,
};

/// One thing to journal: a message, a status, or an item we could not read.
struct event {
  enum class category { message, status, rejected };
  category cat = category::message;
  /// The dedup key: the wamid. For statuses, the wamid of our outbound
  /// message; the kind tells the statuses of one message apart.
  std::string key;
  /// "text", "image", ... for messages; "status.read", ... for statuses;
  /// "rejected" for unreadable items.
  std::string kind;
  /// The user: a message's sender, a status's recipient (may be empty for
  /// a rejected item).
  std::string wa_id;
  /// The JSON kept in inbound_events.payload (see decode_stored).
  std::string payload;
  /// Why a rejected item was rejected.
  std::string reason;
  std::variant<std::monostate, message, status_update> detail;
};

struct parsed_webhook {
  std::vector<event> events;
  /// Changes with another `field` (account updates, templates...), or the
  /// whole body when `object` is not a WhatsApp business account.
  size_t ignored = 0;

  size_t count(event::category c) const;
};

struct parse_result {
  parse_error error = parse_error::none;
  /// A short description of the error, safe to return to the sender.
  std::string error_message;
  parsed_webhook body;

  bool ok() const { return error == parse_error::none; }
};

/// Parses a webhook body (already authenticated by its signature).
parse_result parse_webhook(std::string_view body,
                           const parse_limits& limits = {});

/// Whether `text` nests arrays and objects deeper than `depth_max`. For
/// valid JSON the answer is exact; invalid JSON fails to parse anyway.
bool nesting_exceeds(std::string_view text, size_t depth_max);

using stored_event = std::variant<message, status_update>;

/// Reads a payload written by parse_webhook back into its typed event
/// (the journal replay and the sessions use it). Returns false with a
/// reason for rejected items and foreign text.
bool decode_stored(std::string_view payload, stored_event& out,
                   std::string& reason);

const char* to_string(parse_error e);

} // namespace easymo::whatsapp
