// HTTPS against a local TLS server whose CA and certificate are made in the
// test with the OpenSSL 3 API. The certificate names only "localhost", so the
// same server serves three cases: trusted and named right (works), CA not
// trusted (fails), reached as 127.0.0.1 (host name check fails).
#include "protocols/http/client.hpp"

#include "tests/support/http_client_fixture.hpp"
#include "tests/support/raw_http_server.hpp"
#include "tests/support/self_signed_ca.hpp"

#include <boost/test/unit_test.hpp>

using namespace easymo;
using test::client_fixture;
using test::http_response;
using test::http_script;
namespace bhttp = boost::beast::http;

namespace {

struct tls_setup {
  test::test_pki pki = test::make_test_pki({"localhost"});
  test::temp_file ca_file{pki.ca_cert_pem};
  test::raw_http_server server{test::server_tls_context(pki)};

  http::client_options trusting() const {
    http::client_options opts;
    opts.extra_ca_file = ca_file.path();
    return opts;
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(http_client_tls, tls_setup)

BOOST_AUTO_TEST_CASE(https_round_trip_with_a_trusted_ca) {
  server.set_default(http_script::answer(http_response(200, R"({"ok":true})")));
  client_fixture fx{trusting()};
  http::client_request req;
  req.method = bhttp::verb::post;
  req.url = server.url("/hooks/abc", "localhost");
  req.body = "payload";
  req.label = "test.tls";
  auto out = fx.call(req);
  BOOST_REQUIRE_EQUAL(out.result(), "ok");
  BOOST_CHECK_EQUAL(out.response.body, R"({"ok":true})");
  BOOST_CHECK(server.requests().at(0).ends_with("\r\n\r\npayload"));
  // The TLS session is kept alive like a plain one.
  BOOST_CHECK_EQUAL(fx.call(req).result(), "ok");
  BOOST_CHECK_EQUAL(server.accepted(), 1u);
}

BOOST_AUTO_TEST_CASE(an_untrusted_ca_fails_the_handshake) {
  client_fixture fx;
  BOOST_CHECK_EQUAL(fx.get(server.url("/", "localhost")).result(),
                    "tls_failed");
  BOOST_CHECK_EQUAL(server.request_count(), 0u);
}

BOOST_AUTO_TEST_CASE(a_certificate_for_another_name_fails_the_handshake) {
  client_fixture fx{trusting()};
  BOOST_CHECK_EQUAL(fx.get(server.url("/", "127.0.0.1")).result(),
                    "tls_failed");
  BOOST_CHECK_EQUAL(server.request_count(), 0u);
}

BOOST_AUTO_TEST_CASE(a_missing_ca_file_fails_at_construction) {
  boost::asio::io_context ioc;
  http::client_options opts;
  opts.extra_ca_file = "/nonexistent/easymo-ca.pem";
  BOOST_CHECK_THROW(http::client(ioc, opts).options(),
                    boost::system::system_error);
}

BOOST_AUTO_TEST_SUITE_END()
