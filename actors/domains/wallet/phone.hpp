// Recipient phone numbers for P2P transfers, validated with libphonenumber:
// what a Rwandan user types ("0788 123 456", "+250788123456",
// "250-788-123-456") becomes E.164, or is refused. Only numbers that can be
// mobiles are accepted: a wallet belongs to a WhatsApp account, and WhatsApp
// accounts are mobile numbers.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace easymo::wallet {

struct phone {
  /// "+250788123456"
  std::string e164;
  /// "250788123456": a WhatsApp wa_id, the owner of a wallet.
  std::string wa_id;
};

/// Parses `text` as a phone number of `region` (ISO 3166, "RW") unless it
/// carries its own country code; nothing when libphonenumber says it is not
/// a valid mobile (or fixed-or-mobile) number.
std::optional<phone> parse_phone(std::string_view text,
                                 std::string_view region = "RW");

} // namespace easymo::wallet
