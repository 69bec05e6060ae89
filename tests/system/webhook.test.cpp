// The Meta webhook against the real easymod binary and a real PostgreSQL:
// the handshake, signatures, every payload type, the 200-after-COMMIT rule
// (rows are read right after the 200, without waiting), audit rows,
// redeliveries on parallel connections, rate limits that never answer 429,
// and 503 while the database is down.
#include "tests/support/daemon.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg.hpp"
#include "tests/support/webhook.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <barrier>
#include <thread>

using namespace easymo;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string secret = "system-test-app-secret";
const std::string verify_token = "system-test-verify-token";
const std::string admin_token = "system-test-admin-token";

test::daemon::options options_for(const std::string& url, const std::string& label) {
  test::daemon::options o;
  o.database_url = url;
  o.label = label;
  o.env["EASYMO_WHATSAPP_APP_SECRET"] = secret;
  o.env["EASYMO_WHATSAPP_VERIFY_TOKEN"] = verify_token;
  o.env["EASYMO_ADMIN_TOKEN"] = admin_token;
  // The sandbox sink would post the statuses of the bot's replies to our
  // own /webhook, adding rows these tests count.
  o.env["EASYMO_SANDBOX_STATUSES"] = "false";
  return o;
}

// Every error answer is JSON with an "error" string.
void check_json_error(const std::optional<test::http_result>& r, int status) {
  BOOST_REQUIRE(r);
  BOOST_CHECK_EQUAL(r->status, status);
  auto type = r->headers.find("content-type");
  BOOST_CHECK(type != r->headers.end() && type->second.find("application/json") == 0);
  auto body = json::parse(r->body, nullptr, false);
  BOOST_REQUIRE_MESSAGE(body.is_object() && body["error"].is_string(), r->body);
}

// The dispatcher's count of events the journal handed it as received.
long dispatched(const test::daemon& d) {
  auto tree = test::http_get(d.admin_port(), "/admin/tree",
                             {{"Authorization", "Bearer " + admin_token}});
  if (!tree || tree->status != 200)
    return -1;
  auto doc = json::parse(tree->body);
  for (auto& child : doc["children"])
    if (child.value("name", "") == "dispatcher")
      return child["events"].value("received", 0L);
  return -1;
}

struct daemon_fixture {
  test::scoped_database db{"sys_webhook", false};
  test::daemon d{options_for(db.url(), "webhook")};

  daemon_fixture() {
    d.start();
    BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(webhook, daemon_fixture)

BOOST_AUTO_TEST_CASE(the_handshake_echoes_the_challenge_only_for_our_token) {
  auto ok = test::http_get(d.http_port(), "/webhook?hub.mode=subscribe&hub.challenge="
                                          "1158201444&hub.verify_token=" + verify_token);
  BOOST_REQUIRE(ok);
  BOOST_CHECK_EQUAL(ok->status, 200);
  BOOST_CHECK_EQUAL(ok->body, "1158201444");
  BOOST_CHECK(ok->headers["content-type"].find("text/plain") == 0);
  check_json_error(test::http_get(d.http_port(), "/webhook?hub.mode=subscribe&"
                                                 "hub.challenge=1&hub.verify_token=x"),
                   403);
  check_json_error(test::http_get(d.http_port(), "/webhook?hub.mode=subscribe"), 400);
}

BOOST_AUTO_TEST_CASE(events_are_committed_before_the_200_with_an_audit_row) {
  auto body = test::text_webhook({{"wamid.SYS.A1"}, {"wamid.SYS.A2", "250788000222"}});
  auto r = test::post_webhook(d.http_port(), body, secret);
  BOOST_REQUIRE(r);
  BOOST_REQUIRE_EQUAL(r->status, 200);
  BOOST_CHECK_EQUAL(json::parse(r->body)["new"], 2);
  // No waiting: the rows exist because the 200 came after COMMIT (their
  // sessions may have processed them already).
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events WHERE wamid "
                                    "LIKE 'wamid.SYS.A%' AND status IN ('received', "
                                    "'processed')"),
                    2);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM webhook_audit_log WHERE "
                                    "http_status = 200 AND events = 2 AND "
                                    "signature_valid"),
                    1);
  BOOST_CHECK(test::eventually([&] { return dispatched(d) == 2; }));
}

BOOST_AUTO_TEST_CASE(bad_signatures_get_401_and_store_nothing_but_audit_rows) {
  auto body = test::text_webhook({{"wamid.SYS.FORGED"}});
  auto forged = test::http_post(d.http_port(), "/webhook", body,
                                {{"X-Hub-Signature-256", "sha256=" + std::string(64, 'a')}});
  check_json_error(forged, 401);
  check_json_error(test::http_post(d.http_port(), "/webhook", body), 401);
  check_json_error(test::http_post(d.http_port(), "/webhook", body,
                                   {{"X-Hub-Signature-256", "md5=abc"}}),
                   401);
  // Signed with another secret: the raw-bytes HMAC does not match.
  check_json_error(test::post_webhook(d.http_port(), body, secret + "-old"), 401);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events"), 0);
  BOOST_CHECK(test::eventually([&] {
    return test::scalar(db.url(), "SELECT count(*) FROM webhook_audit_log WHERE "
                           "http_status = 401 AND NOT signature_valid")
           == 4;
  }));
  auto metrics = test::http_get(d.http_port(), "/metrics");
  BOOST_REQUIRE(metrics);
  BOOST_CHECK(metrics->body.find(
                "easymo_webhook_signature_failures_total{reason=\"mismatch\"} 2")
              != std::string::npos);
  // The body never reaches the log.
  BOOST_CHECK(d.log().find("wamid.SYS.FORGED") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_wrongly_shaped_and_deep_bodies_get_400) {
  for (std::string body : {std::string{"{\"object\":"}, std::string{"[1,2,3]"},
                           std::string{"{\"object\":\"whatsapp_business_account\","
                                       "\"entry\":{}}"},
                           std::string(100000, '[') + std::string(100000, ']')})
    check_json_error(test::post_webhook(d.http_port(), body, secret), 400);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events"), 0);
  BOOST_CHECK(d.running());
}

BOOST_AUTO_TEST_CASE(every_message_type_and_status_is_stored) {
  long expected = 0;
  for (auto& name : test::list_fixtures("whatsapp")) {
    auto body = test::read_fixture("whatsapp/" + name);
    auto r = test::post_webhook(d.http_port(), body, secret);
    BOOST_REQUIRE_MESSAGE(r && r->status == 200, name);
    expected += json::parse(r->body)["new"].get<long>();
  }
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events"), expected);
  for (auto kind : {"text", "interactive", "button", "location", "image", "document",
                    "audio", "video", "sticker", "reaction", "contacts", "unsupported",
                    "status.sent", "status.delivered", "status.read", "status.failed"})
    BOOST_CHECK_MESSAGE(test::scalar(db.url(), std::string{"SELECT count(*) FROM inbound_events "
                                                    "WHERE kind = '"} + kind + "'")
                          > 0,
                        kind);
  // The bad item of batch_bad_item.json and its non-object neighbour.
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events WHERE "
                                    "status = 'rejected'"),
                    2);
}

BOOST_AUTO_TEST_CASE(eight_copies_on_parallel_connections_are_stored_and_dispatched_once) {
  auto body = test::text_webhook({{"wamid.SYS.COPY", "250788000333"}});
  std::barrier start{8};
  std::vector<int> statuses(8, 0);
  std::vector<std::thread> senders;
  for (int i = 0; i < 8; ++i)
    senders.emplace_back([&, i] {
      start.arrive_and_wait();
      auto r = test::post_webhook(d.http_port(), body, secret);
      statuses[i] = r ? r->status : 0;
    });
  for (auto& t : senders)
    t.join();
  for (auto s : statuses)
    BOOST_CHECK_EQUAL(s, 200);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events WHERE "
                                    "wamid = 'wamid.SYS.COPY'"),
                    1);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT sum(duplicates) FROM webhook_audit_log"), 7);
  BOOST_CHECK(test::eventually([&] { return dispatched(d) == 1; }));
  std::this_thread::sleep_for(200ms); // a second dispatch would show by now
  BOOST_CHECK_EQUAL(dispatched(d), 1);
}

BOOST_AUTO_TEST_CASE(over_the_limit_messages_are_committed_throttled_never_429) {
  std::vector<test::text_message> burst;
  for (int i = 0; i < 12; ++i)
    burst.push_back({"wamid.SYS.RL" + std::to_string(i), "250788000444"});
  for (auto& m : burst) {
    auto r = test::post_webhook(d.http_port(), test::text_webhook({m}), secret);
    BOOST_REQUIRE(r);
    BOOST_CHECK_EQUAL(r->status, 200);
  }
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events WHERE "
                                    "wa_id = '250788000444' AND status IN "
                                    "('received', 'processed')"),
                    10);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT count(*) FROM inbound_events WHERE "
                                    "wa_id = '250788000444' AND status = 'throttled'"),
                    2);
  BOOST_CHECK_EQUAL(test::scalar(db.url(), "SELECT sum(rate_limited) FROM webhook_audit_log"), 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(a_database_that_is_down_gets_503_then_the_redelivery_is_stored) {
  test::private_server server{"sys-webhook-down"};
  test::daemon d{options_for(server.url(), "webhook-down")};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto body = test::text_webhook({{"wamid.SYS.DOWN"}});
  server.stop();
  // Never a 200 while nothing can be committed.
  for (int i = 0; i < 3; ++i)
    check_json_error(test::post_webhook(d.http_port(), body, secret), 503);
  server.start();
  BOOST_CHECK(test::eventually(
    [&] {
      auto r = test::post_webhook(d.http_port(), body, secret);
      return r && r->status == 200;
    },
    30s));
  BOOST_CHECK_EQUAL(test::scalar(server.url(), "SELECT count(*) FROM inbound_events WHERE "
                                        "wamid = 'wamid.SYS.DOWN'"),
                    1);
}
