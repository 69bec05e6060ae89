#include "actors/domains/wallet/phone.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace easymo::wallet {

namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Longer input is not a phone number; the bound keeps the parser's work
// small for whatever a chat message contains.
constexpr size_t phone_chars_max = 32;

} // namespace

std::optional<phone> parse_phone(std::string_view text,
                                 std::string_view region) {
  if (text.empty() || text.size() > phone_chars_max)
    return std::nullopt;
  // The singleton is built once and is thread-safe for reading.
  auto* util = PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util->Parse(std::string{text}, std::string{region}, &number)
      != PhoneNumberUtil::NO_PARSING_ERROR)
    return std::nullopt;
  if (!util->IsValidNumber(number))
    return std::nullopt;
  auto type = util->GetNumberType(number);
  if (type != PhoneNumberUtil::MOBILE
      && type != PhoneNumberUtil::FIXED_LINE_OR_MOBILE)
    return std::nullopt;
  phone out;
  util->Format(number, PhoneNumberUtil::E164, &out.e164);
  out.wa_id = out.e164.substr(1);
  return out;
}

} // namespace easymo::wallet
