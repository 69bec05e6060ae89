// Delivery through the real easymod binary and a real PostgreSQL. Rows are
// inserted as sessions insert them; nothing else is needed for them to go:
//   - sandbox mode: the outbox sends through breaker:whatsapp and the
//     http::client to the sink on the admin listener, which stores the
//     message, answers like Meta, and plays the phone's status webhooks;
//     GET /admin/sandbox/messages reads what was sent;
//   - the breaker and outbox admin routes, and the metrics they export;
//   - live mode against easymo-graph-sim running as a separate process.
#include "tests/support/daemon.hpp"
#include "tests/support/graph_sim_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

using namespace easymo;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

constexpr const char* admin_token = "delivery-admin-token";

test::header_list bearer() {
  return {{"Authorization", std::string{"Bearer "} + admin_token}};
}

test::daemon::options sandbox_options(const std::string& url,
                                      const std::string& label) {
  test::daemon::options o;
  o.database_url = url;
  o.label = label;
  o.env["EASYMO_ADMIN_TOKEN"] = admin_token;
  o.env["EASYMO_OUTBOX_SWEEP_INTERVAL"] = "100ms";
  return o;
}

std::string text(const std::string& to, const std::string& body) {
  return json{{"messaging_product", "whatsapp"},
              {"to", to},
              {"type", "text"},
              {"text", {{"body", body}}}}
    .dump();
}

int64_t insert(const std::string& url, const std::string& to,
               const std::string& message) {
  pqxx::connection c{url};
  pqxx::work tx{c};
  auto id = tx.exec_params1("INSERT INTO outbox (wa_id, message, window_expires_at)"
                            " VALUES ($1, $2::jsonb, now() + interval '1 hour')"
                            " RETURNING id",
                            to, message)[0]
              .as<int64_t>();
  tx.commit();
  return id;
}

std::string status_of(const std::string& url, int64_t id) {
  pqxx::connection c{url};
  pqxx::read_transaction tx{c};
  return tx.exec_params1("SELECT status FROM outbox WHERE id = $1", id)[0]
    .as<std::string>();
}

json get_json(uint16_t port, const std::string& target) {
  auto res = test::http_get(port, target, bearer());
  BOOST_REQUIRE(res);
  BOOST_REQUIRE_MESSAGE(res->status == 200, target << ": " << res->body);
  return json::parse(res->body);
}

json post_json(uint16_t port, const std::string& target, const std::string& body) {
  auto res = test::http_post(port, target, body, bearer());
  BOOST_REQUIRE(res);
  BOOST_REQUIRE_MESSAGE(res->status == 200, target << ": " << res->body);
  return json::parse(res->body);
}

} // namespace

BOOST_AUTO_TEST_CASE(sandbox_sink_round_trip) {
  test::scoped_database db{"sys_sandbox", false};
  test::daemon d{sandbox_options(db.url(), "sandbox")};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto a = insert(db.url(), "250788000301", text("250788000301", "Murakaza neza"));
  auto b = insert(db.url(), "250788000302", text("250788000302", "Bienvenue"));
  auto a2 = insert(db.url(), "250788000301", text("250788000301", "Ikindi"));
  // The phone's statuses come back: sent, then delivered.
  for (auto id : {a, b, a2})
    BOOST_REQUIRE_MESSAGE(test::eventually([&] {
                            return status_of(db.url(), id) == "delivered";
                          }),
                          d.log());
  auto page = get_json(d.admin_port(),
                       "/admin/sandbox/messages?wa_id=250788000301&after=0");
  auto& msgs = page["messages"];
  BOOST_REQUIRE_EQUAL(msgs.size(), 2u);
  BOOST_CHECK_EQUAL(msgs[0]["wa_id"], "250788000301");
  BOOST_CHECK_EQUAL(msgs[0]["message"]["text"]["body"], "Murakaza neza");
  BOOST_CHECK_EQUAL(msgs[1]["message"]["text"]["body"], "Ikindi");
  BOOST_CHECK_EQUAL(msgs[0]["outbox_id"], a);
  BOOST_CHECK_EQUAL(msgs[0]["message"]["biz_opaque_callback_data"],
                    std::to_string(a));
  BOOST_CHECK_LT(msgs[0]["id"].get<int64_t>(), msgs[1]["id"].get<int64_t>());
  // The wamid the sink answered is the one the outbox stored.
  pqxx::connection c{db.url()};
  pqxx::read_transaction tx{c};
  BOOST_CHECK_EQUAL(
    tx.exec_params1("SELECT wamid FROM outbox WHERE id = $1", a)[0].as<std::string>(),
    msgs[0]["wamid"].get<std::string>());
  auto after = msgs[0]["id"].get<int64_t>();
  auto rest = get_json(d.admin_port(), "/admin/sandbox/messages?wa_id=250788000301"
                                       "&after=" + std::to_string(after));
  BOOST_CHECK_EQUAL(rest["messages"].size(), 1u);
  auto all = get_json(d.admin_port(), "/admin/sandbox/messages");
  BOOST_CHECK_EQUAL(all["messages"].size(), 3u);
  auto anon = test::http_get(d.admin_port(), "/admin/sandbox/messages");
  BOOST_REQUIRE(anon);
  BOOST_CHECK_EQUAL(anon->status, 401);
}

BOOST_AUTO_TEST_CASE(the_sink_refuses_what_meta_would_refuse) {
  test::scoped_database db{"sys_sink_refuse", false};
  test::daemon d{sandbox_options(db.url(), "sink_refuse")};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  const std::string path = "/sandbox/graph/v21.0/sandbox/messages";
  auto too_long = text("250788000303", std::string(4097, 'a'));
  auto refused = test::http_post(d.admin_port(), path, too_long,
                                 {{"Authorization", "Bearer sandbox-token"}});
  BOOST_REQUIRE(refused);
  BOOST_CHECK_EQUAL(refused->status, 400);
  BOOST_CHECK_EQUAL(json::parse(refused->body)["error"]["code"], 131009);
  auto wrong = test::http_post(d.admin_port(), path, text("250788000303", "x"),
                               {{"Authorization", "Bearer nope"}});
  BOOST_REQUIRE(wrong);
  BOOST_CHECK_EQUAL(wrong->status, 401);
  auto ok = test::http_post(d.admin_port(), path, text("250788000303", "x"),
                            {{"Authorization", "Bearer sandbox-token"}});
  BOOST_REQUIRE(ok);
  BOOST_CHECK_EQUAL(ok->status, 200);
  auto id = json::parse(ok->body)["messages"][0]["id"].get<std::string>();
  BOOST_CHECK_EQUAL(id.rfind("wamid.", 0), 0u);
}

BOOST_AUTO_TEST_CASE(breaker_and_outbox_admin_routes_and_metrics) {
  test::scoped_database db{"sys_breaker_admin", false};
  auto o = sandbox_options(db.url(), "breaker_admin");
  // A row refused while the breaker is open waits one open-wait before it
  // is tried again; keep that short.
  o.env["EASYMO_BREAKER_WHATSAPP_OPEN_WAIT"] = "1s";
  test::daemon d{o};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto list = get_json(d.admin_port(), "/admin/breakers");
  // One breaker per gateway: whatsapp and the payment and Slack ones.
  auto whatsapp = [](const nlohmann::json& page) {
    for (auto& b : page["breakers"])
      if (b["gateway"] == "whatsapp")
        return b;
    return nlohmann::json{};
  };
  BOOST_REQUIRE_EQUAL(list["breakers"].size(), 5u);
  BOOST_CHECK_EQUAL(whatsapp(list)["state"], "closed");
  auto opened = post_json(d.admin_port(), "/admin/breakers/open",
                          R"({"gateway":"whatsapp"})");
  BOOST_CHECK_EQUAL(opened["state"], "open");
  BOOST_CHECK_EQUAL(opened["forced"], true);
  auto metrics = test::http_get(d.http_port(), "/metrics");
  BOOST_REQUIRE(metrics);
  BOOST_CHECK(metrics->body.find("easymo_breaker_state{gateway=\"whatsapp\"} 1")
              != std::string::npos);
  // Open: the row waits as pending, nothing reaches the sink.
  auto id = insert(db.url(), "250788000304", text("250788000304", "Muraho"));
  BOOST_REQUIRE(test::eventually([&] {
    return whatsapp(get_json(d.admin_port(), "/admin/breakers"))["not_permitted"]
           > 0;
  }));
  BOOST_CHECK_EQUAL(status_of(db.url(), id), "pending");
  BOOST_CHECK(get_json(d.admin_port(), "/admin/sandbox/messages")["messages"].empty());
  auto counts = get_json(d.admin_port(), "/admin/outbox");
  BOOST_CHECK_EQUAL(counts["counts"]["pending"], 1);
  BOOST_CHECK(get_json(d.admin_port(), "/admin/dlq")["dead"].empty());
  auto reset = post_json(d.admin_port(), "/admin/breakers/reset",
                         R"({"gateway":"whatsapp"})");
  BOOST_CHECK_EQUAL(reset["state"], "closed");
  BOOST_REQUIRE(test::eventually([&] { return status_of(db.url(), id) != "pending"; },
                                 15s));
  auto unknown = test::http_post(d.admin_port(), "/admin/breakers/open",
                                 R"({"gateway":"nosuch"})", bearer());
  BOOST_REQUIRE(unknown);
  BOOST_CHECK_EQUAL(unknown->status, 404);
  metrics = test::http_get(d.http_port(), "/metrics");
  for (auto name : {"easymo_outbound_sent_total", "easymo_outbox_depth",
                    "easymo_dlq_depth", "easymo_breaker_transitions_total",
                    "easymo_outbound_attempts_total", "easymo_outbound_send_seconds"})
    BOOST_CHECK_MESSAGE(metrics->body.find(name) != std::string::npos, name);
}

BOOST_AUTO_TEST_CASE(live_mode_sends_to_the_graph_api_simulator_process) {
  test::scoped_database db{"sys_live_sim", false};
  test::graph_sim_process sim{"live-graph-token"};
  auto o = sandbox_options(db.url(), "live_sim");
  o.env["EASYMO_MODE"] = "live";
  o.env["EASYMO_WHATSAPP_TOKEN"] = "live-graph-token";
  o.env["EASYMO_WHATSAPP_APP_SECRET"] = "live-app-secret";
  o.env["EASYMO_WHATSAPP_VERIFY_TOKEN"] = "live-verify-token";
  o.env["EASYMO_WHATSAPP_API_URL"] = sim.base_url();
  o.env["EASYMO_WHATSAPP_PHONE_NUMBER_ID"] = "106540352242922";
  o.env["EASYMO_PAYMENTS_URL_SECRET"] = "live-url-secret";
  // Live mode needs somewhere for USSD payments to go.
  o.env["EASYMO_MOMO_MERCHANT_CODE"] = "123456";
  test::daemon d{o};
  d.start();
  BOOST_REQUIRE_MESSAGE(d.wait_ready(), d.log());
  auto id = insert(db.url(), "250788000305", text("250788000305", "Murakoze"));
  BOOST_REQUIRE_MESSAGE(test::eventually([&] {
                          return status_of(db.url(), id) == "sent";
                        }),
                        d.log());
  auto seen = test::http_get(sim.port(), "/_sim/requests?to=250788000305");
  BOOST_REQUIRE(seen);
  auto reqs = json::parse(seen->body)["requests"];
  BOOST_REQUIRE_EQUAL(reqs.size(), 1u);
  BOOST_CHECK_EQUAL(reqs[0]["biz_opaque_callback_data"], std::to_string(id));
  BOOST_CHECK_EQUAL(json::parse(reqs[0]["body"].get<std::string>())["text"]["body"],
                    "Murakoze");
  // The token reaches the gateway but never the log.
  BOOST_CHECK(d.log().find("live-graph-token") == std::string::npos);
  // Live mode has no sink route.
  auto sink = test::http_post(d.admin_port(), "/sandbox/graph/v21.0/106540352242922/messages",
                              "{}", bearer());
  BOOST_REQUIRE(sink);
  BOOST_CHECK_EQUAL(sink->status, 404);
}
