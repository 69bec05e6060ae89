// X-Forwarded-For, believed only from the proxies named in
// http-trusted-proxies: who the client is for per-address limits.
#include "protocols/http/forwarded.hpp"

#include <boost/test/unit_test.hpp>

#include <variant>

namespace http = easymo::http;
using boost::asio::ip::make_address;

namespace {

http::trusted_proxies proxies(std::string_view list) {
  auto parsed = http::trusted_proxies::parse(list);
  BOOST_REQUIRE(std::holds_alternative<http::trusted_proxies>(parsed));
  return std::get<http::trusted_proxies>(parsed);
}

std::string client(const http::trusted_proxies& p, const char* remote,
                   std::string_view xff) {
  return p.client_of(make_address(remote), xff).to_string();
}

} // namespace

BOOST_AUTO_TEST_SUITE(forwarded)

BOOST_AUTO_TEST_CASE(without_trusted_proxies_the_header_is_ignored) {
  auto none = proxies("");
  BOOST_CHECK(none.empty());
  BOOST_CHECK_EQUAL(client(none, "198.51.100.9", "203.0.113.7"), "198.51.100.9");
}

BOOST_AUTO_TEST_CASE(a_client_cannot_name_itself_past_an_untrusted_peer) {
  auto p = proxies("10.0.0.2");
  // Not from the proxy: whatever the header says, the peer is the client.
  BOOST_CHECK_EQUAL(client(p, "198.51.100.9", "1.2.3.4"), "198.51.100.9");
}

BOOST_AUTO_TEST_CASE(the_right_most_untrusted_address_is_the_client) {
  auto p = proxies("10.0.0.2, 10.0.0.3");
  BOOST_CHECK_EQUAL(client(p, "10.0.0.2", "203.0.113.7"), "203.0.113.7");
  // The client prepended a forged entry; the proxies appended the truth.
  BOOST_CHECK_EQUAL(client(p, "10.0.0.2", "1.2.3.4, 203.0.113.7, 10.0.0.3"),
                    "203.0.113.7");
  // Every hop is ours: the left-most is as far as anyone can tell.
  BOOST_CHECK_EQUAL(client(p, "10.0.0.2", "10.0.0.3"), "10.0.0.3");
  // No header from a trusted proxy: the proxy is all we know.
  BOOST_CHECK_EQUAL(client(p, "10.0.0.2", ""), "10.0.0.2");
}

BOOST_AUTO_TEST_CASE(a_garbled_entry_stops_at_the_last_trusted_hop) {
  auto p = proxies("10.0.0.2,10.0.0.3");
  BOOST_CHECK_EQUAL(client(p, "10.0.0.2", "203.0.113.7, unknown"), "10.0.0.2");
  BOOST_CHECK_EQUAL(client(p, "10.0.0.2", "203.0.113.7, junk, 10.0.0.3"),
                    "10.0.0.3");
}

BOOST_AUTO_TEST_CASE(ports_brackets_and_mapped_addresses) {
  auto p = proxies("10.0.0.2, 2001:db8::2");
  BOOST_CHECK_EQUAL(client(p, "10.0.0.2", "203.0.113.7:51234"), "203.0.113.7");
  BOOST_CHECK_EQUAL(client(p, "10.0.0.2", "[2001:db8::7]:443"), "2001:db8::7");
  BOOST_CHECK_EQUAL(client(p, "2001:db8::2", "2001:db8::7"), "2001:db8::7");
  // A dual-stack socket shows the IPv4 proxy as ::ffff:10.0.0.2.
  BOOST_CHECK_EQUAL(client(p, "::ffff:10.0.0.2", "203.0.113.7"), "203.0.113.7");
  BOOST_CHECK(!http::parse_forwarded_address("[2001:db8::7"));
  BOOST_CHECK(!http::parse_forwarded_address("203.0.113.7:port"));
  BOOST_CHECK(!http::parse_forwarded_address("[203.0.113.7]:80"));
  BOOST_CHECK(!http::parse_forwarded_address("_hidden"));
}

BOOST_AUTO_TEST_CASE(a_bad_list_names_the_entry) {
  auto parsed = http::trusted_proxies::parse("10.0.0.2, proxy.internal");
  BOOST_REQUIRE(std::holds_alternative<std::string>(parsed));
  BOOST_CHECK_EQUAL(std::get<std::string>(parsed),
                    "not an IP address: 'proxy.internal'");
}

BOOST_AUTO_TEST_SUITE_END()
