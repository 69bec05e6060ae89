// Who is really on the other end when a reverse proxy sits in front of the
// public listener: the proxy appends the address it saw to X-Forwarded-For,
// and only a proxy we trust may tell us that. Used for per-client limits,
// which would otherwise put every client behind one load balancer in a
// single bucket.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace easymo::http {

class trusted_proxies {
public:
  trusted_proxies() = default;

  /// From a comma-separated list of IPv4/IPv6 addresses (spaces allowed,
  /// empty means none); on failure, the message names the bad entry.
  static std::variant<trusted_proxies, std::string> parse(std::string_view list);

  bool empty() const { return list_.empty(); }

  bool contains(const boost::asio::ip::address& a) const;

  /// The client behind a connection from `remote`: `remote` itself unless it
  /// is a trusted proxy; then, walking X-Forwarded-For from its right end,
  /// the first address that is not a trusted proxy (the left-most if all
  /// are). An entry that is not an address ends the walk at the last hop we
  /// could trust, so a client cannot forge its way past a proxy.
  boost::asio::ip::address client_of(const boost::asio::ip::address& remote,
                                     std::string_view forwarded_for) const;

private:
  std::vector<boost::asio::ip::address> list_;
};

/// An address as written in X-Forwarded-For: "203.0.113.7", "2001:db8::1",
/// "[2001:db8::1]:443" or "203.0.113.7:51234"; IPv4-mapped IPv6 addresses
/// become IPv4. Nothing for anything else ("unknown", obfuscated names).
std::optional<boost::asio::ip::address> parse_forwarded_address(std::string_view text);

} // namespace easymo::http
