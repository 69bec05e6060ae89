// Internal: readers for the items of a `messages` change. Each fills its
// typed struct from one JSON object, or returns false with the reason the
// item is rejected. The envelope (metadata, contacts) is the caller's.
#pragma once

#include "protocols/whatsapp/events.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace easymo::whatsapp::detail {

/// Longest wamid we key on; Meta's are about 60 characters.
constexpr size_t key_bytes_max = 256;
/// Longest user id; phone numbers have at most 15 digits, Meta's newer
/// business-scoped user ids are longer.
constexpr size_t wa_id_bytes_max = 64;

class fields;

/// Appends the entries of an `errors` array (absent: nothing).
void read_errors(const nlohmann::json* list, std::vector<error_detail>& out,
                 fields& f);

bool read_message(const nlohmann::json& item, message& out,
                  std::string& reason);

bool read_status(const nlohmann::json& item, status_update& out,
                 std::string& reason);

} // namespace easymo::whatsapp::detail
