// The wallet domain actor with the real ledger actor, db pool and PostgreSQL:
// a confirmed P2P transfer posts exactly once in the ledger, however often
// the session asks for the same confirmation (a retry after a crash, or two
// deliveries at once), while a new confirmation is a new transfer. The
// ledger's invariants and audit trail hold afterwards.
#include "actors/domains/wallet/view.hpp"
#include "actors/domains/wallet/wallet.hpp"
#include "actors/ledger/ledger.hpp"
#include "persistence/db/pool.hpp"
#include "tests/support/ledger.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

constexpr auto alice = "250788000001";
constexpr auto bob = "250788123456";

struct wallet_fixture {
  test::scoped_database db{"wallet_p2p"};
  pqxx::connection conn{db.url()};
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor pool;
  ledger::ledger_actor books;
  caf::actor wallet;

  wallet_fixture() {
    cfg.set("scheduler.max-threads", 2);
    cfg.add_error_category(ledger::error_category, ledger::render_error);
    sys = std::make_unique<caf::actor_system>(cfg);
    db::pool_options opts;
    opts.url = db.url();
    opts.size = 2;
    pool = sys->spawn(db::pool, opts);
    books = sys->spawn(ledger::ledger, pool, ledger::ledger_options{});
    auto texts = std::make_shared<domains::catalog>();
    auto err = domains::catalog::load(EASYMO_SOURCE_DIR "/config/locales",
                                      *texts);
    BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
    wallet::wallet_options o;
    o.texts = texts;
    o.ledger = caf::actor_cast<caf::actor>(books);
    wallet = caf::actor_cast<caf::actor>(sys->spawn(wallet::wallet, o));
  }

  ~wallet_fixture() {
    for (auto& a : {wallet, caf::actor_cast<caf::actor>(books), pool})
      caf::anon_send_exit(a, caf::exit_reason::kill);
    for (auto& v : test::invariant_violations(conn))
      BOOST_ERROR("invariant: " << v);
  }

  // The session's request for alice's confirmation of "send 5000 to bob",
  // as inbound event `event`.
  static domains::decision_request confirmation(int64_t event) {
    domains::decision_request req;
    req.session.wa_id = alice;
    req.session.flow = wallet::to_session(
      {wallet::step::send_confirm, 5'000, std::string{"+"} + bob},
      domains::language::en);
    req.message.event_id = event;
    req.message.kind = "interactive";
    req.message.text = "Confirm";
    req.message.reply_id = wallet::confirm_button;
    req.action = "confirm";
    return req;
  }

  // Sends `n` copies of the request at once and collects every answer.
  std::vector<std::string> decide(const domains::decision_request& req,
                                  size_t n = 1) {
    caf::scoped_actor self{*sys};
    for (size_t i = 0; i < n; ++i)
      self->send(wallet, domains::decide_atom::value, req);
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i)
      self->receive(
        [&](domains::decision& d) {
          std::string text;
          for (auto& r : d.replies)
            text += r.body + "\n";
          out.push_back(text);
        },
        [&](caf::error& err) { out.push_back("error: " + sys->render(err)); },
        caf::after(30s) >> [&] { out.push_back("no answer"); });
    return out;
  }

  int64_t transfers_with_key(const std::string& key) {
    return test::scalar(conn, "SELECT count(*) FROM ledger_transfers"
                              " WHERE idempotency_key = "
                                + conn.quote(key));
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(wallet_p2p, wallet_fixture)

BOOST_AUTO_TEST_CASE(a_confirmed_transfer_posts_exactly_once) {
  auto momo = test::clearing(conn, "momo");
  auto from = test::wallet(conn, alice);
  BOOST_REQUIRE(test::fund(conn, momo, from, 20'000, "top-w1").ok());
  auto first = decide(confirmation(41));
  BOOST_REQUIRE_EQUAL(first.size(), 1u);
  BOOST_CHECK_MESSAGE(first[0].find("Done: 5,000 RWF sent to +250788123456.")
                        != std::string::npos,
                      first[0]);
  // The session asks again for the same event: once after a crash, then
  // twice at once (a redelivery racing the retry).
  auto again = decide(confirmation(41));
  auto racing = decide(confirmation(41), 2);
  for (auto& answer : {again[0], racing[0], racing[1]})
    BOOST_CHECK_MESSAGE(answer == first[0], answer);
  BOOST_CHECK_EQUAL(transfers_with_key(wallet::p2p_key(alice, 41)), 1);
  BOOST_CHECK_EQUAL(test::balance_of(conn, from), 15'000);
  BOOST_CHECK_EQUAL(test::balance_of(conn, test::wallet(conn, bob)), 5'000);
  BOOST_CHECK_EQUAL(test::scalar(conn, "SELECT count(*) FROM ledger_transfers"
                                       " WHERE kind = 'p2p'"),
                    1);
}

BOOST_AUTO_TEST_CASE(a_new_confirmation_is_a_new_transfer_until_funds_run_out) {
  auto momo = test::clearing(conn, "momo");
  auto from = test::wallet(conn, alice);
  BOOST_REQUIRE(test::fund(conn, momo, from, 12'000, "top-w2").ok());
  BOOST_CHECK(decide(confirmation(51))[0].find("Done:") != std::string::npos);
  BOOST_CHECK(decide(confirmation(52))[0].find("Done:") != std::string::npos);
  auto poor = decide(confirmation(53))[0];
  BOOST_CHECK_MESSAGE(poor.find("You do not have enough money")
                        != std::string::npos,
                      poor);
  // The refusal is stored under its key too: a retry stays refused.
  BOOST_CHECK_EQUAL(decide(confirmation(53))[0], poor);
  BOOST_CHECK_EQUAL(test::balance_of(conn, from), 2'000);
  BOOST_CHECK_EQUAL(test::balance_of(conn, test::wallet(conn, bob)), 10'000);
  BOOST_CHECK_EQUAL(transfers_with_key(wallet::p2p_key(alice, 53)), 0);
}

BOOST_AUTO_TEST_SUITE_END()
