// Conversations end to end: a signed webhook goes into the real easymod (live
// mode, a real PostgreSQL), through the journal, the dispatcher, a session
// shard, a domain and the committer to the outbox, which sends it to the
// Graph API simulator over HTTP. Each test compares the exact JSON body the
// simulator received; the only value it does not write out is the
// biz_opaque_callback_data, which is the id of the outbox row and is read
// from the table. Waits are polls with deadlines (live_env::reply).
#include "protocols/whatsapp/parse.hpp"
#include "tests/support/live_env.hpp"
#include "tests/support/webhook.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include <thread>

using namespace easymo;
using namespace std::chrono_literals;
using json = nlohmann::json;

namespace {

json menu_en(const std::string& to) {
  return json::parse(R"({
    "messaging_product": "whatsapp", "recipient_type": "individual",
    "to": ")" + to + R"(", "type": "interactive",
    "interactive": {
      "type": "list",
      "body": {"text": "Welcome to EasyMO! Everything you need, in one chat. Tap *Services* and choose what you would like to do."},
      "action": {
        "button": "Services",
        "sections": [{
          "title": "EasyMO services",
          "rows": [
            {"id": "rides:open", "title": "Moto rides", "description": "Get a moto or a taxi to where you are going"},
            {"id": "jobs:open", "title": "Jobs", "description": "Find work near you, or post a job"},
            {"id": "market:open", "title": "Marketplace", "description": "Buy and sell with people around you"},
            {"id": "property:open", "title": "Houses and rooms", "description": "Rent a room or a house, or list yours"},
            {"id": "insurance:open", "title": "Insurance", "description": "Insure your vehicle, renew your cover"},
            {"id": "wallet:open", "title": "Wallet", "description": "Pay, get paid and check your balance"},
            {"id": "ai:open", "title": "AI assistant", "description": "Ask a question and get help in your language"},
            {"id": "profile:open", "title": "My profile", "description": "Your name and your language"}
          ]
        }]
      }
    }
  })");
}

const std::vector<std::pair<std::string, std::string>> card_en{
  {"profile:name", "Change name"},
  {"profile:lang", "Language"},
  {"home:menu", "Main menu"}};

const std::vector<std::pair<std::string, std::string>> card_fr{
  {"profile:name", "Changer de nom"},
  {"profile:lang", "Langue"},
  {"home:menu", "Menu principal"}};

const std::vector<std::pair<std::string, std::string>> card_rw{
  {"profile:name", "Hindura izina"},
  {"profile:lang", "Ururimi"},
  {"home:menu", "Ahabanza"}};

const char* ask_name_en =
  "What name should we call you? Send it as a message, between 2 and 40 "
  "characters.";

// Checks the n-th message the simulator accepted for `to` against `expected`.
void expect_reply(test::live_env& env, const std::string& to, size_t n,
                  const json& expected) {
  auto got = env.reply(to, n);
  auto want = env.with_row_id(expected, to, n);
  BOOST_CHECK_MESSAGE(got == want, "reply " << n << "\n got:  " << got.dump()
                                            << "\n want: " << want.dump());
}

json card(const std::string& to, const std::string& body,
          const std::vector<std::pair<std::string, std::string>>& buttons) {
  return test::buttons_body(to, body, buttons);
}

// One turn of a conversation: what the user sends (the text, or a tap on
// the button or list row `tap` titled `text`) and the exact reply.
struct turn {
  std::string text;
  std::string tap;
  json reply;
  bool list = false;
};

void converse(test::live_env& env, const std::string& user,
              const std::vector<turn>& turns) {
  auto n = env.accepted(user);
  for (auto& t : turns) {
    if (t.tap.empty())
      env.text(user, t.text);
    else
      env.tap(user, t.tap, t.text, t.list);
    expect_reply(env, user, ++n, t.reply);
  }
}

// Waits until every outbox row of `to` is `sent`, so a crash that follows
// does not fall in the send/crash window (actors/outbox/protocol.hpp).
void wait_sent(test::live_env& env, const std::string& to) {
  BOOST_REQUIRE(test::eventually([&] {
    return test::scalar(env.db.url(), "SELECT count(*) FROM outbox WHERE wa_id = '" + to
                                        + "' AND status <> 'sent'")
           == 0;
  }));
}

std::string profile_field(const std::string& url, const std::string& wa_id,
                          const std::string& column) {
  pqxx::connection c{url};
  pqxx::read_transaction tx{c};
  auto rows = tx.exec_params("SELECT coalesce(" + c.quote_name(column)
                               + ", '') FROM profiles WHERE wa_id = $1",
                             wa_id);
  return rows.empty() ? std::string{} : rows[0][0].as<std::string>();
}


// What an event lost between the journal and its session leaves: committed
// `age_s` seconds ago, `received`, in no shard's queue.
void store_lost_profile_event(test::live_env& env, const std::string& wamid,
                              const std::string& user, int age_s) {
  auto body = test::text_webhook({{wamid, user, "profile"}});
  auto parsed = whatsapp::parse_webhook(body);
  BOOST_REQUIRE(parsed.ok());
  auto& e = parsed.body.events.at(0);
  pqxx::connection c{env.db.url()};
  pqxx::work tx{c};
  tx.exec_params("INSERT INTO inbound_events (wamid, kind, wa_id, status, payload,"
                 " received_at) VALUES ($1, $2, $3, 'received', $4::jsonb,"
                 " now() - $5 * interval '1 second')",
                 e.key, e.kind, e.wa_id, e.payload, age_s);
  tx.commit();
}

// The lost "profile" event got its answer, as the user's n-th reply, and its
// processed mark.
void expect_lost_event_answered(test::live_env& env, const std::string& wamid,
                                const std::string& user, size_t n) {
  expect_reply(env, user, n,
               card(user, "*Your profile*\nName: not set yet\nLanguage: English", card_en));
  BOOST_CHECK(test::eventually([&] {
    return test::scalar(env.db.url(), "SELECT count(*) FROM inbound_events WHERE "
                                      "wamid = '" + wamid + "' AND status = 'processed'")
           == 1;
  }));
}

} // namespace

BOOST_AUTO_TEST_CASE(menu_answers_with_the_home_list) {
  test::live_env env{"menu"};
  env.start();
  const std::string user = "250788100001";
  env.text(user, "menu");
  expect_reply(env, user, 1, menu_en(user));
  // Anything unknown also lands on the home menu.
  env.text(user, "Muraho");
  expect_reply(env, user, 2, menu_en(user));
  BOOST_CHECK_EQUAL(
    test::scalar(env.db.url(), "SELECT count(*) FROM inbound_events WHERE "
                               "status = 'processed' AND wa_id = '"
                                 + user + "'"),
    2);
  BOOST_CHECK(test::eventually([&] {
    return test::scalar(env.db.url(), "SELECT count(*) FROM outbox WHERE "
                                      "status = 'sent'")
           == 2;
  }));
  // The metrics of the path moved.
  BOOST_CHECK(env.metric("easymo_events_processed_total{outcome=\"processed\"}") >= 2);
  BOOST_CHECK(env.metric("easymo_outbound_sent_total") >= 2);
  BOOST_CHECK(env.metric("easymo_session_activations_total") >= 1);
  BOOST_CHECK(env.metric("easymo_sessions_active") >= 1);
  BOOST_CHECK(env.metric("easymo_dispatched_events_total{route=\"session\"}") >= 2);
  for (auto name : {"easymo_outbox_depth", "easymo_dlq_depth",
                    "easymo_breaker_state{gateway=\"whatsapp\"}"})
    BOOST_CHECK_MESSAGE(env.metric(name), name);
}

BOOST_AUTO_TEST_CASE(a_profile_name_change) {
  test::live_env env{"name"};
  env.start();
  const std::string user = "250788100002";
  converse(env, user,
           {{"My profile", "profile:open",
             card(user, "*Your profile*\nName: not set yet\nLanguage: English", card_en),
             true},
            {"Change name", "profile:name", test::text_body(user, ask_name_en)},
            {"Aline Uwase", "",
             card(user, "Thank you, Aline Uwase! Your name is saved.", card_en)}});
  BOOST_CHECK_EQUAL(profile_field(env.db.url(), user, "name"), "Aline Uwase");
  converse(env, user,
           {{"profile", "",
             card(user, "*Your profile*\nName: Aline Uwase\nLanguage: English",
                  card_en)}});
}

BOOST_AUTO_TEST_CASE(a_language_switch_to_french_then_kinyarwanda) {
  test::live_env env{"lang"};
  env.start();
  const std::string user = "250788100003";
  converse(env, user,
           {{"langue", "",
             card(user, "Choose the language EasyMO should use with you.",
                  {{"profile:lang:en", "English"},
                   {"profile:lang:fr", "Français"},
                   {"profile:lang:rw", "Kinyarwanda"}})},
            {"Français", "profile:lang:fr",
             card(user, "C'est fait : EasyMO vous parlera désormais en français.",
                  card_fr)}});
  BOOST_CHECK_EQUAL(profile_field(env.db.url(), user, "language"), "fr");
  // Replies now come in French, then in Kinyarwanda once it is chosen.
  converse(env, user,
           {{"profil", "",
             card(user, "*Votre profil*\nNom : pas encore défini\nLangue : Français",
                  card_fr)},
            {"ikinyarwanda", "",
             card(user,
                  "Byakozwe: guhera ubu EasyMO izajya ikuvugisha mu Kinyarwanda.",
                  card_rw)},
            {"umwirondoro", "",
             card(user,
                  "*Umwirondoro wawe*\nIzina: ntiriranditswe\nUrurimi: Kinyarwanda",
                  card_rw)}});
  BOOST_CHECK_EQUAL(profile_field(env.db.url(), user, "language"), "rw");
}

BOOST_AUTO_TEST_CASE(a_flow_resumes_after_easymod_is_killed_and_restarted) {
  test::live_env env{"restart"};
  env.start();
  const std::string user = "250788100004";
  env.tap(user, "profile:name", "Change name");
  expect_reply(env, user, 1, test::text_body(user, ask_name_en));
  wait_sent(env, user);
  env.d.crash();
  env.start();
  env.text(user, "Jean-Paul Habimana");
  expect_reply(env, user, 2,
               card(user, "Thank you, Jean-Paul Habimana! Your name is saved.", card_en));
  // The first reply was not sent again by the new process.
  BOOST_CHECK_EQUAL(env.sim.counts().duplicates, 0u);
}

BOOST_AUTO_TEST_CASE(an_acknowledged_event_lost_by_a_crash_is_replayed_at_start) {
  test::live_env env{"replay"};
  env.start();
  const std::string user = "250788100005";
  env.text(user, "menu");
  expect_reply(env, user, 1, menu_en(user));
  wait_sent(env, user);
  env.d.crash();
  // What a SIGKILL between the 200 and the session's commit leaves.
  store_lost_profile_event(env, "wamid.E2E.replay.lost", user, 0);
  env.start();
  expect_lost_event_answered(env, "wamid.E2E.replay.lost", user, 2);
  // The dispatcher says so in the supervision tree.
  BOOST_CHECK(env.admin("/admin/tree").dump().find("\"replayed\":1")
              != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_event_lost_on_the_way_is_swept_without_a_restart) {
  test::live_env env{"sweep", {{"EASYMO_REPLAY_SWEEP_INTERVAL", "300ms"},
                               {"EASYMO_REPLAY_STUCK_AFTER", "10s"}}};
  env.start();
  const std::string user = "250788100009";
  env.text(user, "menu");
  expect_reply(env, user, 1, menu_en(user));
  // Past the replay at start, which would find the event below too.
  BOOST_REQUIRE(test::eventually([&] {
    return env.admin("/admin/tree").dump().find("\"pass\":\"start\",\"phase\":\"done\"")
           != std::string::npos;
  }));
  // Lost while easymod keeps running (a full queue, a shard restarting).
  store_lost_profile_event(env, "wamid.E2E.sweep.lost", user, 60);
  expect_lost_event_answered(env, "wamid.E2E.sweep.lost", user, 2);
  BOOST_CHECK_GE(env.metric("easymo_stuck_events_rerouted_total").value_or(0), 1);
  BOOST_CHECK_EQUAL(env.metric("easymo_replayed_events_total").value_or(0), 0);
  // Processed once, answered once: later sweeps find nothing.
  std::this_thread::sleep_for(1s);
  BOOST_CHECK_EQUAL(env.accepted(user), 2u);
}

BOOST_AUTO_TEST_CASE(an_idle_session_passivates_and_revives_from_the_database) {
  test::live_env env{"passivate", {{"EASYMO_SESSION_IDLE_TIMEOUT", "300ms"}}};
  env.start();
  const std::string user = "250788100006";
  env.tap(user, "profile:name", "Change name");
  expect_reply(env, user, 1, test::text_body(user, ask_name_en));
  BOOST_CHECK_EQUAL(env.metric("easymo_session_activations_total").value_or(0), 1);
  // Passivated: no live session left on any shard.
  BOOST_REQUIRE_MESSAGE(
    test::eventually([&] { return env.metric("easymo_sessions_active") == 0.0; }),
    env.d.log());
  // Revived from its row: still waiting for the name.
  env.text(user, "Mugisha");
  expect_reply(env, user, 2, card(user, "Thank you, Mugisha! Your name is saved.", card_en));
  BOOST_CHECK_EQUAL(env.metric("easymo_session_activations_total").value_or(0), 2);
}

BOOST_AUTO_TEST_CASE(status_webhooks_move_the_outbox_row) {
  test::live_env env{"status"};
  env.start();
  const std::string user = "250788100007";
  env.text(user, "menu");
  env.reply(user, 1);
  auto sent = env.sim.requests_to(user).at(0);
  BOOST_REQUIRE(test::eventually([&] {
    return test::scalar(env.db.url(), "SELECT count(*) FROM outbox WHERE status = "
                                      "'sent' AND wa_id = '"
                                        + user + "'")
           == 1;
  }));
  auto status = json::parse(test::status_webhook(sent.wamid, "read", user));
  status["entry"][0]["changes"][0]["value"]["statuses"][0]["biz_opaque_callback_data"] =
    sent.callback_data;
  env.post(status.dump());
  BOOST_CHECK(test::eventually([&] {
    return test::scalar(env.db.url(), "SELECT count(*) FROM outbox WHERE status = "
                                      "'read' AND wa_id = '"
                                        + user + "'")
           == 1;
  }));
  // Marked, so the next start does not replay it.
  BOOST_CHECK(test::eventually([&] {
    return test::scalar(env.db.url(), "SELECT count(*) FROM inbound_events WHERE "
                                      "kind = 'status.read' AND status = 'processed'")
           == 1;
  }));
}

BOOST_AUTO_TEST_CASE(throttled_messages_earn_one_slow_down_reply_per_window) {
  test::live_env env{"slowdown", {{"EASYMO_RATELIMIT_USER_PER_MINUTE", "2"}}};
  env.start();
  const std::string user = "250788100008";
  for (auto text : {"menu", "menu", "menu", "menu"})
    env.text(user, text);
  // Two answered, then one "slow down" for the two over the limit.
  BOOST_REQUIRE(test::eventually([&] {
    return env.metric("easymo_dispatched_events_total{route=\"slow_down_skipped\"}")
           == 1.0;
  }));
  BOOST_REQUIRE(test::eventually([&] { return env.accepted(user) == 3; }));
  std::vector<json> bodies;
  for (size_t n = 1; n <= 3; ++n)
    bodies.push_back(env.reply(user, n));
  auto slow_down = test::text_body(
    user, "You are sending messages faster than we can answer. Please wait a "
          "minute, then send your message again.");
  auto slowed = std::count_if(bodies.begin(), bodies.end(), [&](const json& b) {
    auto copy = b;
    copy.erase("biz_opaque_callback_data");
    return copy == slow_down;
  });
  BOOST_CHECK_EQUAL(slowed, 1);
  BOOST_CHECK_EQUAL(test::scalar(env.db.url(), "SELECT count(*) FROM outbox WHERE "
                                               "wa_id = '" + user + "'"),
                    3);
  BOOST_CHECK_EQUAL(test::scalar(env.db.url(), "SELECT count(*) FROM inbound_events "
                                               "WHERE status = 'throttled'"),
                    2);
}
