// The services of EasyMO's home menu, in menu order, and which of them have
// a domain actor yet. Everything that lists services (the home menu, the
// router's known domains, the locale keys) reads this one table.
#pragma once

#include <array>
#include <string_view>

namespace easymo::domains {

struct service {
  /// The domain name: the first part of reply ids ("jobs:open").
  std::string_view name;
  /// Whether a domain actor exists. A service without one answers from the
  /// home domain with an honest "coming soon" text, never a fake flow.
  bool built;
};

inline constexpr std::array<service, 8> services{{
  {"rides", false},
  {"jobs", false},
  {"market", false},
  {"property", false},
  {"insurance", false},
  {"wallet", true},
  {"ai", false},
  {"profile", true},
}};

/// The home domain: the menu, and the answer for services not built yet.
inline constexpr std::string_view home_domain = "home";

/// A service of the menu (not home).
inline constexpr const service* find_service(std::string_view name) {
  for (auto& s : services)
    if (s.name == name)
      return &s;
  return nullptr;
}

} // namespace easymo::domains
