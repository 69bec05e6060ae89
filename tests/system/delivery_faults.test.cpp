// Delivery faults end to end: the same path as conversation.test.cpp (signed
// webhook -> real easymod in live mode -> Graph API simulator over HTTP), with
// the simulator told to fail: 5xx until the whatsapp breaker opens, Meta's
// throughput limit (429, code 130429), and a permanent refusal. Every test
// checks what the simulator received, byte for byte as JSON, and where the
// outbox row ended. Waits are polls with deadlines.
#include "tests/support/live_env.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

using namespace easymo;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

const std::vector<std::pair<std::string, std::string>> card_en{
  {"profile:name", "Change name"},
  {"profile:lang", "Language"},
  {"home:menu", "Main menu"}};

json card_for(const std::string& to) {
  return test::buttons_body(to, "*Your profile*\nName: not set yet\nLanguage: English",
                            card_en);
}

std::string row_status(const test::live_env& env, const std::string& to) {
  pqxx::connection c{env.db.url()};
  pqxx::read_transaction tx{c};
  auto rows = tx.exec_params("SELECT status FROM outbox WHERE wa_id = $1", to);
  return rows.size() == 1 ? rows[0][0].as<std::string>() : std::string{};
}

std::optional<double> breaker_state(const test::live_env& env) {
  return env.metric("easymo_breaker_state{gateway=\"whatsapp\"}");
}

} // namespace

BOOST_AUTO_TEST_CASE(the_breaker_opens_under_5xx_closes_again_and_the_message_arrives) {
  // A small window so two failures open it, and a short wait in OPEN.
  test::live_env env{"breaker",
                     {{"EASYMO_BREAKER_WHATSAPP_WINDOW_CALLS", "4"},
                      {"EASYMO_BREAKER_WHATSAPP_CALLS_MIN", "2"},
                      {"EASYMO_BREAKER_WHATSAPP_OPEN_WAIT", "2s"},
                      {"EASYMO_BREAKER_WHATSAPP_HALF_OPEN_CALLS", "1"}}};
  env.start();
  BOOST_CHECK_EQUAL(breaker_state(env).value_or(-1), 0);
  const std::string user = "250788200001";
  env.sim.fail_next(2, test::graph_fault::server_error(503));
  env.text(user, "profile");
  BOOST_REQUIRE_MESSAGE(test::eventually([&] { return breaker_state(env) == 1.0; }),
                        env.d.log());
  // While open, nothing reaches Meta and the row waits.
  BOOST_CHECK_EQUAL(env.sim.counts().requests, 2u);
  BOOST_CHECK_NE(row_status(env, user), "dead");
  // After the wait a trial call goes through and closes it again.
  auto got = env.reply(user, 1, 20s);
  BOOST_CHECK_EQUAL(got, env.with_row_id(card_for(user), user, 1));
  BOOST_CHECK(test::eventually([&] { return breaker_state(env) == 0.0; }));
  BOOST_CHECK(test::eventually([&] { return row_status(env, user) == "sent"; }));
  auto sent = env.sim.requests_to(user);
  BOOST_REQUIRE_EQUAL(sent.size(), 3u);
  BOOST_CHECK_EQUAL(sent[0].status, 503);
  BOOST_CHECK_EQUAL(sent[1].status, 503);
  BOOST_CHECK_EQUAL(sent[2].status, 200);
  // The failed attempts carried the same message (the first from the
  // committer's text, the retries as PostgreSQL renders the jsonb).
  BOOST_CHECK_EQUAL(json::parse(sent[0].body), json::parse(sent[2].body));
  BOOST_CHECK(env.metric("easymo_breaker_transitions_total") >= 3);
  BOOST_CHECK_EQUAL(env.sim.counts().duplicates, 0u);
}

BOOST_AUTO_TEST_CASE(a_429_is_retried_and_then_delivered_once) {
  test::live_env env{"throttle"};
  env.start();
  const std::string user = "250788200002";
  env.sim.fail_next(1, test::graph_fault::throttle());
  env.text(user, "profile");
  auto got = env.reply(user, 1);
  BOOST_CHECK_EQUAL(got, env.with_row_id(card_for(user), user, 1));
  auto sent = env.sim.requests_to(user);
  BOOST_REQUIRE_EQUAL(sent.size(), 2u);
  BOOST_CHECK_EQUAL(sent[0].status, 429);
  BOOST_CHECK_EQUAL(json::parse(sent[0].body), json::parse(sent[1].body));
  BOOST_CHECK(test::eventually([&] { return row_status(env, user) == "sent"; }));
  BOOST_CHECK_EQUAL(test::scalar(env.db.url(), "SELECT attempts FROM outbox WHERE "
                                               "wa_id = '" + user + "'"),
                    2);
  BOOST_CHECK_EQUAL(test::scalar(env.db.url(), "SELECT count(*) FROM dlq"), 0);
  BOOST_CHECK_EQUAL(env.sim.counts().duplicates, 0u);
}

BOOST_AUTO_TEST_CASE(a_permanent_error_lands_in_the_dlq) {
  test::live_env env{"dlq"};
  env.start();
  const std::string user = "250788200003";
  env.sim.fail_next(1, test::graph_fault::permanent(131026));
  env.text(user, "profile");
  BOOST_REQUIRE_MESSAGE(test::eventually([&] { return row_status(env, user) == "dead"; }),
                        env.d.log());
  // Meta saw the message once, and refused it.
  auto sent = env.sim.requests_to(user);
  BOOST_REQUIRE_EQUAL(sent.size(), 1u);
  BOOST_CHECK_EQUAL(sent[0].status, 400);
  BOOST_CHECK_EQUAL(json::parse(sent[0].body), env.with_row_id(card_for(user), user, 1));
  pqxx::connection c{env.db.url()};
  pqxx::read_transaction tx{c};
  auto row = tx.exec_params1("SELECT d.reason, d.error->>'code' FROM dlq d JOIN outbox o "
                             "ON o.id = d.outbox_id WHERE o.wa_id = $1",
                             user);
  BOOST_CHECK_EQUAL(row[0].as<std::string>(), "permanent");
  BOOST_CHECK_EQUAL(row[1].as<std::string>(), "131026");
  auto dead = env.admin("/admin/dlq")["dead"];
  BOOST_REQUIRE_EQUAL(dead.size(), 1u);
  BOOST_CHECK_EQUAL(dead[0]["reason"], "permanent");
  BOOST_CHECK(test::eventually([&] { return env.metric("easymo_dlq_depth") == 1.0; }));
  // Nothing is retried after a permanent error.
  BOOST_CHECK_EQUAL(env.sim.counts().requests, 1u);
}
