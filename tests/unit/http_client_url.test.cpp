// Pure code of the HTTP client, no sockets: how a URL becomes a connection
// key and a request line, and how the request message is built.
#include "protocols/http/client_target.hpp"

#include <boost/test/unit_test.hpp>

#include <variant>

using namespace easymo::http;
using namespace easymo::http::client_detail;
namespace bhttp = boost::beast::http;

BOOST_AUTO_TEST_CASE(an_https_url_splits_into_connection_and_request_line) {
  auto t = parse_target("https://graph.facebook.com/v21.0/123/messages");
  BOOST_REQUIRE(t);
  BOOST_CHECK(t->tls);
  BOOST_CHECK_EQUAL(t->host, "graph.facebook.com");
  BOOST_CHECK(!t->host_is_ip);
  BOOST_CHECK_EQUAL(t->port, "443");
  BOOST_CHECK_EQUAL(t->host_header, "graph.facebook.com");
  BOOST_CHECK_EQUAL(t->path, "/v21.0/123/messages");
  BOOST_CHECK_EQUAL(t->pool_key(), "https://graph.facebook.com:443");
}

BOOST_AUTO_TEST_CASE(ports_queries_case_and_fragments) {
  auto t = parse_target("HTTP://Sandbox.MoMoDeveloper.mtn.com:8080/a%20b?x=1&y=2#frag");
  BOOST_REQUIRE(t);
  BOOST_CHECK(!t->tls);
  BOOST_CHECK_EQUAL(t->host, "sandbox.momodeveloper.mtn.com");
  BOOST_CHECK_EQUAL(t->port, "8080");
  BOOST_CHECK_EQUAL(t->host_header, "sandbox.momodeveloper.mtn.com:8080");
  BOOST_CHECK_EQUAL(t->path, "/a%20b?x=1&y=2");

  auto bare = parse_target("https://hooks.slack.com:443");
  BOOST_REQUIRE(bare);
  BOOST_CHECK_EQUAL(bare->host_header, "hooks.slack.com");
  BOOST_CHECK_EQUAL(bare->path, "/");
}

BOOST_AUTO_TEST_CASE(ip_literals_keep_brackets_only_in_the_host_header) {
  auto v6 = parse_target("http://[::1]:9000/x");
  BOOST_REQUIRE(v6);
  BOOST_CHECK_EQUAL(v6->host, "::1");
  BOOST_CHECK(v6->host_is_ip);
  BOOST_CHECK_EQUAL(v6->host_header, "[::1]:9000");
  auto v4 = parse_target("http://127.0.0.1/");
  BOOST_REQUIRE(v4);
  BOOST_CHECK(v4->host_is_ip);
  BOOST_CHECK_EQUAL(v4->port, "80");
}

BOOST_AUTO_TEST_CASE(urls_we_cannot_call_are_refused) {
  for (const auto* url :
       {"", "/relative", "graph.facebook.com/x", "ftp://example.com/",
        "mailto:ops@example.com", "http://", "http:///x",
        "http://user:pw@example.com/", "http://example.com:0/",
        "http://example.com:99999/", "http://exa mple.com/",
        "http://[v7.future]/", "http://example.com/\r\nX-Injected: 1"})
    BOOST_CHECK_MESSAGE(!parse_target(url), url);
}

BOOST_AUTO_TEST_CASE(the_request_message_has_host_agent_and_length) {
  auto t = parse_target("http://127.0.0.1:8080/pay");
  client_request req;
  req.method = bhttp::verb::post;
  req.headers = {{"X-Reference-Id", "r-1"}, {"Accept", "a"}, {"Accept", "b"}};
  req.body = "amount=100";
  client_options opts;
  auto built = make_request_message(req, *t, opts);
  auto* msg = std::get_if<request_message>(&built);
  BOOST_REQUIRE(msg);
  BOOST_CHECK_EQUAL(msg->target(), "/pay");
  BOOST_CHECK_EQUAL((*msg)[bhttp::field::host], "127.0.0.1:8080");
  BOOST_CHECK_EQUAL((*msg)[bhttp::field::user_agent], opts.user_agent);
  BOOST_CHECK_EQUAL((*msg)[bhttp::field::content_length], "10");
  BOOST_CHECK_EQUAL(msg->count(bhttp::field::accept), 2u);
  BOOST_CHECK_EQUAL((*msg)["X-Reference-Id"], "r-1");
}

BOOST_AUTO_TEST_CASE(a_caller_user_agent_replaces_ours) {
  auto t = parse_target("http://127.0.0.1/");
  client_request req;
  req.headers = {{"user-agent", "custom/1"}};
  auto built = make_request_message(req, *t, client_options{});
  auto* msg = std::get_if<request_message>(&built);
  BOOST_REQUIRE(msg);
  BOOST_CHECK_EQUAL(msg->count(bhttp::field::user_agent), 1u);
  BOOST_CHECK_EQUAL((*msg)[bhttp::field::user_agent], "custom/1");
}
