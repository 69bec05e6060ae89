// The per-address rate limit of the public payment routes, over real HTTP
// against the real easymod: an address gets payments-ratelimit-per-ip
// requests per window across every /payments/* route together, then 429
// with Retry-After and a JSON error; another address is not affected, and
// neither are the routes outside /payments (the Meta webhook never answers
// 429, health checks are never limited). Behind a trusted proxy the client
// named in X-Forwarded-For has the bucket; anyone else's header is ignored.
#include "tests/support/payments_env.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;

namespace {

test::payments_env& env() {
  static test::payments_env e{"ratelimit", "momo_ussd,paydunya",
                              {{"EASYMO_PAYMENTS_RATELIMIT_PER_IP", "3"},
                               {"EASYMO_PAYMENTS_RATELIMIT_WINDOW", "15min"},
                               {"EASYMO_HTTP_TRUSTED_PROXIES", "127.0.0.30"}}};
  return e;
}

int status_from(const std::string& source, const std::string& method,
                const std::string& target, const std::string& forwarded_for = {}) {
  test::header_list headers;
  if (!forwarded_for.empty())
    headers.emplace_back("X-Forwarded-For", forwarded_for);
  auto r = test::http_request_from(source, env().public_port(), method, target,
                                   {}, headers);
  BOOST_REQUIRE_MESSAGE(r, method + " " + target + " from " + source);
  return r->status;
}

} // namespace

BOOST_AUTO_TEST_CASE(an_address_is_refused_after_its_requests_in_the_window) {
  auto port = env().public_port();
  const std::string from = "127.0.0.21";
  // Three requests, on different routes: they share the address's bucket.
  BOOST_CHECK_EQUAL(status_from(from, "GET", "/payments/paydunya/return"), 200);
  BOOST_CHECK_EQUAL(status_from(from, "GET", "/payments/momo/qr?bad"), 403);
  BOOST_CHECK_EQUAL(status_from(from, "POST", "/payments/paydunya/ipn"), 400);
  for (auto target : {"/payments/paydunya/return", "/payments/momo/qr?bad"}) {
    auto r = test::http_request_from(from, port, "GET", target);
    BOOST_REQUIRE(r);
    BOOST_CHECK_EQUAL(r->status, 429);
    // 3 per 15 minutes: one token comes back every 300 s.
    auto retry = std::stoi(r->headers["retry-after"]);
    BOOST_CHECK(retry >= 1 && retry <= 300);
    BOOST_CHECK(r->headers["content-type"].find("application/json") == 0);
    auto body = nlohmann::json::parse(r->body, nullptr, false);
    BOOST_REQUIRE(body.is_object());
    BOOST_CHECK(body.value("error", "").find("too many requests") == 0);
  }
}

BOOST_AUTO_TEST_CASE(other_addresses_and_other_routes_are_not_limited) {
  const std::string limited = "127.0.0.22";
  for (int i = 0; i < 3; ++i)
    BOOST_CHECK_EQUAL(status_from(limited, "GET", "/payments/paydunya/return"),
                      200);
  BOOST_CHECK_EQUAL(status_from(limited, "GET", "/payments/paydunya/return"),
                    429);
  BOOST_CHECK_EQUAL(status_from("127.0.0.23", "GET", "/payments/paydunya/return"),
                    200);
  // The same address still reaches what is not a payment route.
  BOOST_CHECK_EQUAL(status_from(limited, "GET", "/healthz"), 200);
  BOOST_CHECK_EQUAL(status_from(limited, "POST", "/webhook"), 401);
}

BOOST_AUTO_TEST_CASE(behind_a_trusted_proxy_each_forwarded_client_has_its_bucket) {
  const std::string proxy = "127.0.0.30";
  const std::string route = "/payments/paydunya/return";
  for (int i = 0; i < 3; ++i)
    BOOST_CHECK_EQUAL(status_from(proxy, "GET", route, "203.0.113.1"), 200);
  BOOST_CHECK_EQUAL(status_from(proxy, "GET", route, "203.0.113.1"), 429);
  // Another client through the same proxy is not held back by the first.
  BOOST_CHECK_EQUAL(status_from(proxy, "GET", route, "203.0.113.2"), 200);
  // A forged entry in front of the proxy's own does not buy a new bucket.
  BOOST_CHECK_EQUAL(status_from(proxy, "GET", route, "198.51.100.5, 203.0.113.1"),
                    429);
}

BOOST_AUTO_TEST_CASE(an_untrusted_peer_cannot_rotate_its_address_by_header) {
  const std::string from = "127.0.0.31";
  const std::string route = "/payments/paydunya/return";
  for (int i = 0; i < 3; ++i)
    BOOST_CHECK_EQUAL(status_from(from, "GET", route, "203.0.113." + std::to_string(10 + i)),
                      200);
  BOOST_CHECK_EQUAL(status_from(from, "GET", route, "203.0.113.99"), 429);
}
