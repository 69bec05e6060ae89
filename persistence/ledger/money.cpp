#include "persistence/ledger/money.hpp"

#include <cassert>
#include <limits>

namespace easymo::ledger {

std::string_view code(currency c) {
  switch (c) {
    case currency::RWF:
      return "RWF";
    case currency::XOF:
      return "XOF";
    case currency::EUR:
      return "EUR";
  }
  assert(!"unknown currency");
  return "???";
}

int exponent(currency c) {
  return c == currency::EUR ? 2 : 0;
}

int64_t minor_per_major(currency c) {
  int64_t out = 1;
  for (int i = 0; i < exponent(c); ++i)
    out *= 10;
  return out;
}

std::optional<currency> parse_currency(std::string_view text) {
  for (auto c : {currency::RWF, currency::XOF, currency::EUR})
    if (code(c) == text)
      return c;
  return std::nullopt;
}

int64_t major_to_minor(int64_t major, currency c) {
  auto scale = minor_per_major(c);
  if (major > std::numeric_limits<int64_t>::max() / scale)
    return std::numeric_limits<int64_t>::max();
  return major * scale;
}

std::optional<int64_t> parse_major(std::string_view text, currency c) {
  auto dot = text.find('.');
  auto whole = text.substr(0, dot);
  auto frac = dot == std::string_view::npos ? std::string_view{}
                                            : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    for (char ch : s)
      if (ch < '0' || ch > '9')
        return false;
    return true;
  };
  // "12." and ".5" are typos more often than amounts: refuse them.
  if (whole.empty() || !digits(whole) || !digits(frac)
      || (dot != std::string_view::npos && frac.empty())
      || frac.size() > static_cast<size_t>(exponent(c)))
    return std::nullopt;
  // 16 digits already exceed amount_minor_max in every currency; stopping
  // there keeps the arithmetic below from overflowing.
  if (whole.size() + frac.size() > 16)
    return std::nullopt;
  int64_t minor = 0;
  for (char ch : whole)
    minor = minor * 10 + (ch - '0');
  for (int i = 0; i < exponent(c); ++i) {
    auto idx = static_cast<size_t>(i);
    minor = minor * 10 + (idx < frac.size() ? frac[idx] - '0' : 0);
  }
  if (minor <= 0 || minor > amount_minor_max)
    return std::nullopt;
  return minor;
}

std::string format_major(int64_t minor, currency c) {
  // Work on the magnitude as unsigned so that INT64_MIN formats too.
  bool negative = minor < 0;
  auto magnitude = negative ? uint64_t{0} - static_cast<uint64_t>(minor)
                            : static_cast<uint64_t>(minor);
  auto digits = std::to_string(magnitude);
  auto e = static_cast<size_t>(exponent(c));
  if (e > 0) {
    if (digits.size() <= e)
      digits.insert(0, e + 1 - digits.size(), '0');
    digits.insert(digits.size() - e, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

std::string display(int64_t minor, currency c) {
  auto plain = format_major(minor, c);
  auto start = plain[0] == '-' ? size_t{1} : size_t{0};
  auto end = plain.find('.');
  if (end == std::string::npos)
    end = plain.size();
  for (auto pos = end; pos > start + 3; pos -= 3)
    plain.insert(pos - 3, 1, ',');
  return plain + " " + std::string{code(c)};
}

} // namespace easymo::ledger
