// MTN MoMo Rwanda by USSD, the default gateway: no API keys, nothing to call.
// The user dials a code (or taps a tel: link, or scans a QR code of it) and
// pays from their own phone; the payment is confirmed later by an operator or
// by the MoMo statement (see statement.hpp).
//
//   *182*1*1*<phone>*<amount>#      send money to a phone (P2P)
//   *182*8*1*<merchant>*<amount>#   pay a MoMoPay merchant code
//
// Amounts are whole Rwandan francs: MoMo Rwanda has no minor unit, and the
// code is typed on a keypad, so nothing but digits may reach it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easymo::momo {

/// The largest amount a code carries. MoMo's own per-transaction ceiling is
/// far lower; this only keeps nonsense out of a dialled string.
constexpr int64_t ussd_amount_max = 10'000'000;

/// A Rwandan mobile number as MoMo's menus expect it: "0788123456". Accepts
/// E.164 with or without '+' ("250788123456") or the local form; nothing for
/// anything that is not a 07x number of ten digits.
std::optional<std::string> local_msisdn(std::string_view phone);

/// "*182*1*1*0788123456*5000#"; nothing for a bad phone or amount.
std::optional<std::string> p2p_code(std::string_view phone, int64_t amount_rwf);

/// "*182*8*1*123456*5000#"; the merchant code is 4 to 10 digits.
std::optional<std::string> merchant_code(std::string_view merchant,
                                         int64_t amount_rwf);

/// What a signed QR link shows: the payment reference, the amount to dial
/// and when the link stops working (Unix seconds).
struct qr_link {
  std::string reference;
  int64_t amount = 0;
  int64_t expires = 0;
};

/// "ref=...&amount=...&exp=...&sig=<hex HMAC-SHA256>": the query of a QR
/// link. The signature keeps our listener from drawing codes nobody asked
/// for, and `exp` keeps an old link from working forever.
std::string qr_query(const qr_link& link, const std::string& secret);

/// The link in a request target's query, if its signature verifies (in
/// constant time) and it has not expired at `now_unix`.
std::optional<qr_link> verify_qr_query(std::string_view target,
                                       const std::string& secret,
                                       int64_t now_unix);

/// A tel: URI that dials `code`. '#' must be escaped as %23 (a raw '#' starts
/// a URI fragment and phones drop everything after it); '*' is allowed.
std::string tel_link(std::string_view code);

} // namespace easymo::momo
