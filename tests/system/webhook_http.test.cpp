// The public listener under hostile and unusual clients, against the real
// easymod binary, over raw sockets: body and header limits, a slowloris
// sender under the default timeouts, idle keep-alive, the connection cap,
// pipelined and chunked webhooks, JSON for every error, and HTTPS from the
// configuration.
#include "protocols/http/client.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/raw_http.hpp"
#include "tests/support/tls_cert.hpp"
#include "tests/support/webhook.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <thread>

using namespace easymo;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string secret = "system-test-app-secret";

test::daemon::options options_for(const std::string& url, const std::string& label,
                                  std::map<std::string, std::string> env = {}) {
  test::daemon::options o;
  o.database_url = url;
  o.label = label;
  o.env = std::move(env);
  o.env["EASYMO_WHATSAPP_APP_SECRET"] = secret;
  return o;
}

void check_json_error(const test::raw_response& r, unsigned status) {
  BOOST_CHECK_EQUAL(r.result_int(), status);
  auto body = json::parse(r.body(), nullptr, false);
  BOOST_CHECK_MESSAGE(body.is_object() && body["error"].is_string(), r.body());
}

struct running_daemon {
  test::scoped_database db;
  test::daemon d;

  explicit running_daemon(const std::string& label,
                          std::map<std::string, std::string> env = {})
    : db("sys_" + label, false), d(options_for(db.url(), label, std::move(env))) {
    d.start();
    BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(bodies_over_3_mib_get_413_and_headers_over_8_kib_431) {
  running_daemon r{"limits"};
  test::raw_client big{r.d.http_port()};
  big.send("POST /webhook HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: sha256=00\r\n"
           "Content-Length: 3145729\r\n\r\n");
  check_json_error(big.read_response(), 413);
  test::raw_client fat{r.d.http_port()};
  fat.send("POST /webhook HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(9000, 'p')
           + "\r\n\r\n");
  check_json_error(fat.read_response(), 431);
  // A body of exactly 3 MiB is read (and then refused for its signature).
  std::string exact(3 * 1024 * 1024, ' ');
  test::raw_client ok{r.d.http_port()};
  ok.send(test::request_text("POST", "/webhook", exact));
  check_json_error(ok.read_response(30s), 401);
}

BOOST_AUTO_TEST_CASE(a_slowloris_sender_is_cut_off_within_60_seconds) {
  running_daemon r{"slowloris"}; // default http-read-timeout
  test::raw_client slow{r.d.http_port()};
  auto started = std::chrono::steady_clock::now();
  slow.send("POST /webhook HTTP/1.1\r\nHost: x\r\n");
  bool closed = false;
  // One header byte every second, never finishing the request.
  while (!closed && std::chrono::steady_clock::now() - started < 61s) {
    if (!slow.send("X"))
      break;
    closed = slow.closed_within(1s);
  }
  BOOST_CHECK(closed);
  BOOST_CHECK_LT(std::chrono::steady_clock::now() - started, 61s);
  // The daemon serves others meanwhile and afterwards.
  BOOST_CHECK(test::http_get(r.d.http_port(), "/healthz"));
}

BOOST_AUTO_TEST_CASE(idle_keep_alive_connections_are_closed) {
  running_daemon r{"idle", {{"EASYMO_HTTP_IDLE_TIMEOUT", "2s"}}};
  test::raw_client c{r.d.http_port()};
  c.send(test::request_text("GET", "/healthz"));
  BOOST_CHECK_EQUAL(c.read_response().result_int(), 200u);
  BOOST_CHECK(c.closed_within(6s));
}

BOOST_AUTO_TEST_CASE(connections_over_the_cap_get_503_json) {
  running_daemon r{"cap", {{"EASYMO_HTTP_CONNECTIONS_MAX", "4"}}};
  std::vector<std::unique_ptr<test::raw_client>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<test::raw_client>(r.d.http_port()));
    held.back()->send(test::request_text("GET", "/healthz"));
    BOOST_REQUIRE_EQUAL(held.back()->read_response().result_int(), 200u);
  }
  test::raw_client extra{r.d.http_port()};
  check_json_error(extra.read_response(), 503);
  BOOST_CHECK(extra.closed_within(5s));
  held.clear();
  BOOST_CHECK(test::eventually([&] {
    auto h = test::http_get(r.d.http_port(), "/healthz");
    return h && h->status == 200;
  }));
}

BOOST_AUTO_TEST_CASE(pipelined_webhooks_are_answered_in_order) {
  running_daemon r{"pipeline"};
  test::raw_client c{r.d.http_port()};
  auto first = test::text_webhook({{"wamid.PIPE.1"}});
  auto second = test::text_webhook({{"wamid.PIPE.2"}});
  c.send(test::signed_request_text(first, secret)
         + test::request_text("POST", "/webhook", second, "X-Hub-Signature-256: sha256=bad\r\n")
         + test::signed_request_text(second, secret) + test::request_text("GET", "/healthz"));
  BOOST_CHECK_EQUAL(c.read_response().result_int(), 200u);
  check_json_error(c.read_response(), 401);
  BOOST_CHECK_EQUAL(c.read_response().result_int(), 200u);
  auto health = c.read_response();
  BOOST_CHECK_EQUAL(health.result_int(), 200u);
  BOOST_CHECK(health.body().find("alive") != std::string::npos);
  BOOST_CHECK_EQUAL(test::scalar(r.db.url(), "SELECT count(*) FROM inbound_events WHERE "
                                      "wamid LIKE 'wamid.PIPE.%'"),
                    2);
}

BOOST_AUTO_TEST_CASE(chunked_webhooks_are_verified_over_the_whole_body) {
  running_daemon r{"chunked"};
  auto body = test::text_webhook({{"wamid.CHUNK.1"}});
  test::raw_client c{r.d.http_port()};
  c.send(test::signed_request_text(body, secret, /*chunked=*/true));
  BOOST_CHECK_EQUAL(c.read_response().result_int(), 200u);
  BOOST_CHECK_EQUAL(test::scalar(r.db.url(), "SELECT count(*) FROM inbound_events WHERE "
                                      "wamid = 'wamid.CHUNK.1'"),
                    1);
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_methods_get_json_errors) {
  running_daemon r{"routes"};
  test::raw_client c{r.d.http_port()};
  c.send(test::request_text("GET", "/nope") + test::request_text("DELETE", "/webhook"));
  check_json_error(c.read_response(), 404);
  check_json_error(c.read_response(), 405);
}

BOOST_AUTO_TEST_CASE(https_from_the_configuration) {
  test::self_signed_cert cert;
  test::scoped_database db{"sys_tls", false};
  test::daemon d{options_for(db.url(), "tls",
                             {{"EASYMO_HTTP_TLS_CERT_FILE", cert.cert_file()},
                              {"EASYMO_HTTP_TLS_KEY_FILE", cert.key_file()}})};
  d.start();
  boost::asio::io_context io;
  http::client_options opts;
  opts.extra_ca_file = cert.cert_file();
  http::client client{io, opts};
  auto call = [&](http::client_request req) {
    std::optional<http::client_response> out;
    client.send(std::move(req), [&](auto err, http::client_response res) {
      if (!err)
        out = std::move(res);
    });
    io.restart();
    io.run_for(10s);
    return out;
  };
  auto base = "https://127.0.0.1:" + std::to_string(d.http_port());
  BOOST_REQUIRE(test::eventually(
    [&] {
      http::client_request ready;
      ready.url = base + "/readyz";
      auto r = call(ready);
      return r && r->status == 200;
    },
    30s));
  auto body = test::text_webhook({{"wamid.TLS.1"}});
  http::client_request post;
  post.method = boost::beast::http::verb::post;
  post.url = base + "/webhook";
  post.body = body;
  post.headers = {{"X-Hub-Signature-256", test::meta_signature(body, secret)}};
  auto res = call(post);
  BOOST_REQUIRE(res);
  BOOST_CHECK_EQUAL(res->status, 200);
  // Plain HTTP on the TLS port gets no webhook through.
  BOOST_CHECK(!test::post_webhook(d.http_port(), body, secret).value_or(test::http_result{}).status);
  client.shutdown();
  io.restart();
  io.run_for(1s);
}
