#include "protocols/http/forwarded.hpp"

#include <algorithm>
#include <optional>

namespace easymo::http {

namespace {

using boost::asio::ip::address;

std::string_view trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos)
    return {};
  auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

// Compares IPv4 clients the same whether the socket is IPv4 or dual-stack.
address normal(const address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped())
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped,
                                            a.to_v6());
  return a;
}

std::optional<address> parse_plain(std::string_view text) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string{text}, ec);
  if (ec)
    return std::nullopt;
  return normal(a);
}

template <class F>
void for_each_entry_from_right(std::string_view list, F f) {
  while (true) {
    auto comma = list.rfind(',');
    auto entry = comma == std::string_view::npos ? list : list.substr(comma + 1);
    if (!f(trim(entry)) || comma == std::string_view::npos)
      return;
    list = list.substr(0, comma);
  }
}

} // namespace

std::optional<address> parse_forwarded_address(std::string_view text) {
  text = trim(text);
  if (text.empty())
    return std::nullopt;
  if (text.front() == '[') { // [v6] or [v6]:port
    auto close = text.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    auto rest = text.substr(close + 1);
    if (!rest.empty() && rest.front() != ':')
      return std::nullopt;
    auto a = parse_plain(text.substr(1, close - 1));
    return a && a->is_v6() ? a : std::nullopt;
  }
  if (auto a = parse_plain(text))
    return a;
  // v4:port (a bare IPv6 address has more than one colon and parsed above).
  auto colon = text.find(':');
  if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos)
    return std::nullopt;
  auto port = text.substr(colon + 1);
  if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) {
        return c >= '0' && c <= '9';
      }))
    return std::nullopt;
  auto a = parse_plain(text.substr(0, colon));
  return a && a->is_v4() ? a : std::nullopt;
}

std::variant<trusted_proxies, std::string>
trusted_proxies::parse(std::string_view list) {
  trusted_proxies out;
  if (trim(list).empty())
    return out;
  std::string bad;
  for_each_entry_from_right(list, [&](std::string_view entry) {
    auto a = parse_plain(entry);
    if (!a) {
      bad = "not an IP address: '" + std::string{entry} + "'";
      return false;
    }
    out.list_.push_back(*a);
    return true;
  });
  if (!bad.empty())
    return bad;
  return out;
}

bool trusted_proxies::contains(const address& a) const {
  auto n = normal(a);
  return std::find(list_.begin(), list_.end(), n) != list_.end();
}

address trusted_proxies::client_of(const address& remote,
                                   std::string_view forwarded_for) const {
  auto current = normal(remote);
  if (!contains(current))
    return current;
  for_each_entry_from_right(forwarded_for, [&](std::string_view entry) {
    auto a = parse_forwarded_address(entry);
    if (!a)
      return false;
    current = *a;
    return contains(current);
  });
  return current;
}

} // namespace easymo::http
