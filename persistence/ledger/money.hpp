// Currencies and amounts of the ledger, as pure code: no SQL, no actors.
//
// Amounts are int64 counts of the currency's minor unit and never floating
// point: 5000 RWF is 5000 (RWF has no decimals), 12.50 EUR is 1250 cents.
// People read and type major units, so this file converts both ways.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace easymo::ledger {

/// The currencies the ledger holds (ledger_currencies in the schema).
enum class currency : uint8_t { RWF = 1, XOF, EUR };

/// The largest amount one transfer may move, in minor units. It keeps every
/// sum of a batch far from int64 overflow (9.2e18).
constexpr int64_t amount_minor_max = 1'000'000'000'000'000; // 1e15

/// ISO 4217 code: "RWF".
std::string_view code(currency c);

/// The code as a string, for logs and CAF's stringification.
inline std::string to_string(currency c) {
  return std::string{code(c)};
}

/// Digits after the decimal point of the major unit: 0 for RWF and XOF, 2 for
/// EUR.
int exponent(currency c);

/// 10^exponent: minor units per major unit.
int64_t minor_per_major(currency c);

/// Parses an ISO code ("RWF", "XOF", "EUR"); nothing for anything else.
std::optional<currency> parse_currency(std::string_view text);

/// Parses a positive amount in major units: "5000" RWF -> 5000, "12.5" or
/// "12.50" EUR -> 1250. Refuses signs, separators, more decimals than the
/// currency has, zero, and amounts above amount_minor_max.
std::optional<int64_t> parse_major(std::string_view text, currency c);

/// Formats minor units as major units without grouping: 1250 EUR -> "12.50",
/// 5000 RWF -> "5000", -1 EUR -> "-0.01". The inverse of parse_major.
std::string format_major(int64_t minor, currency c);

/// For people: grouped thousands and the code, "5,000 RWF", "1,234.50 EUR".
std::string display(int64_t minor, currency c);

/// `major` whole major units in minor units, saturating at INT64_MAX.
int64_t major_to_minor(int64_t major, currency c);

} // namespace easymo::ledger
