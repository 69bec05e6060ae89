// The ledger actor on a real actor system, db pool and PostgreSQL: every
// message of its protocol once, and what callers get while the database is
// down (an error value at once, and a retry with the same key afterwards
// posts exactly once).
#include "actors/ledger/ledger.hpp"
#include "persistence/db/pool.hpp"
#include "persistence/migrations.hpp"
#include "tests/support/ledger.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>

using namespace easymo;
using namespace std::chrono_literals;
using ledger::errc;

namespace {

struct actor_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::actor pool;
  ledger::ledger_actor ledger;

  actor_fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  void start(const std::string& url) {
    db::pool_options opts;
    opts.url = url;
    opts.size = 2;
    opts.retry_backoff_min = 50ms;
    opts.retry_backoff_max = 300ms;
    pool = sys->spawn(db::pool, opts);
    ledger::ledger_options lopts;
    lopts.pol.review_threshold_major = 1'000;
    ledger = sys->spawn(ledger::ledger, pool, lopts);
    BOOST_REQUIRE(test::eventually([&] { return connected() == 2; }, 20s));
  }

  size_t connected() {
    caf::scoped_actor self{*sys};
    size_t n = 0;
    self->request(pool, 5s, caf::get_atom::value, db::health_atom::value)
      .receive([&](db::pool_health& h) { n = h.connected; }, [](caf::error&) {});
    return n;
  }

  // Asks the ledger and returns its answer or its error, waiting at most 10 s.
  template <class T, class... Ts>
  caf::expected<T> ask(Ts&&... xs) {
    caf::scoped_actor self{*sys};
    caf::expected<T> out{caf::error{}};
    self->request(ledger, 10s, std::forward<Ts>(xs)...)
      .receive([&](T& x) { out = std::move(x); },
               [&](caf::error& err) { out = std::move(err); });
    return out;
  }

  int64_t account(ledger::account_kind kind, std::string owner) {
    auto id = ask<int64_t>(ledger::account_atom::value,
                           ledger::account_spec{kind, std::move(owner),
                                                ledger::currency::RWF});
    BOOST_REQUIRE(id);
    return *id;
  }

  ~actor_fixture() {
    caf::anon_send_exit(ledger, caf::exit_reason::kill);
    caf::anon_send_exit(pool, caf::exit_reason::kill);
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ledger_actor, actor_fixture)

BOOST_AUTO_TEST_CASE(every_message_of_the_protocol) {
  test::scoped_database db{"ledger_actor"};
  start(db.url());
  auto momo = account(ledger::account_kind::clearing, "momo");
  auto alice = account(ledger::account_kind::wallet, "250788000041");
  auto bob = account(ledger::account_kind::wallet, "250788000042");
  BOOST_CHECK_EQUAL(account(ledger::account_kind::wallet, "250788000041"), alice);
  auto top = test::request("momo:r-1", momo, alice, 900, ledger::currency::RWF,
                           ledger::transfer_kind::topup);
  top.gateway = "momo";
  top.external_ref = "r-1";
  auto r1 = ask<ledger::transfer_receipt>(top);
  BOOST_REQUIRE(r1);
  BOOST_CHECK(r1->status == ledger::transfer_status::posted);
  auto big = ask<ledger::transfer_receipt>(test::request("big", momo, bob, 5'000));
  BOOST_REQUIRE(big);
  BOOST_CHECK(big->status == ledger::transfer_status::pending);
  auto poor = ask<ledger::transfer_receipt>(test::request("p", alice, bob, 901));
  BOOST_CHECK(ledger::code_of(poor.error()) == errc::insufficient_funds);
  auto bal = ask<ledger::account_balance>(caf::get_atom::value,
                                          ledger::balance_atom::value, alice);
  BOOST_REQUIRE(bal);
  BOOST_CHECK_EQUAL(bal->balance, 900);
  auto missing = ask<ledger::account_balance>(
    caf::get_atom::value, ledger::balance_atom::value, int64_t{987654});
  BOOST_CHECK(ledger::code_of(missing.error()) == errc::account_not_found);
  auto moves = ask<std::vector<ledger::transfer_record>>(
    caf::get_atom::value, ledger::movements_atom::value, alice, uint32_t{10});
  BOOST_REQUIRE(moves);
  BOOST_REQUIRE_EQUAL(moves->size(), 1u);
  BOOST_CHECK_EQUAL(moves->front().id, r1->transfer_id);
  auto by_ref = ask<ledger::transfer_record>(caf::get_atom::value,
                                             ledger::by_ref_atom::value,
                                             std::string{"momo"},
                                             std::string{"r-1"});
  BOOST_REQUIRE(by_ref);
  BOOST_CHECK_EQUAL(by_ref->key, "momo:r-1");
  auto by_key = ask<ledger::transfer_record>(
    caf::get_atom::value, ledger::by_key_atom::value, std::string{"nope"});
  BOOST_CHECK(ledger::code_of(by_key.error()) == errc::transfer_not_found);
  auto ok = ask<ledger::transfer_receipt>(ledger::approve_atom::value,
                                          big->transfer_id, std::string{"ops"},
                                          std::string{"cid"});
  BOOST_REQUIRE(ok);
  BOOST_CHECK(ok->status == ledger::transfer_status::posted);
  auto late = ask<ledger::transfer_receipt>(ledger::reject_atom::value,
                                            big->transfer_id, std::string{"ops"},
                                            std::string{"no"}, std::string{"c"});
  BOOST_CHECK(ledger::code_of(late.error()) == errc::not_pending);
  auto info = ask<std::string>(caf::get_atom::value, info_atom::value);
  BOOST_REQUIRE(info);
  auto json = nlohmann::json::parse(*info);
  BOOST_CHECK_EQUAL(json["posted"], 1);
  BOOST_CHECK_EQUAL(json["held"], 1);
  BOOST_CHECK_EQUAL(json["refused"], 1);
  pqxx::connection conn{db.url()};
  BOOST_CHECK(test::invariant_violations(conn).empty());
}

BOOST_AUTO_TEST_CASE(a_database_that_is_down_gives_an_error_not_a_hang) {
  test::private_server server{"ledger-down"};
  {
    pqxx::connection admin{server.url()};
    // private_server starts an empty database: migrate it like start-up does.
    std::vector<migrations::migration> all;
    BOOST_REQUIRE(!migrations::load(EASYMO_SOURCE_DIR "/persistence/migrations", all));
    migrations::outcome out;
    BOOST_REQUIRE(!migrations::apply(admin, all, out));
  }
  start(server.url());
  auto momo = account(ledger::account_kind::clearing, "momo");
  auto alice = account(ledger::account_kind::wallet, "250788000051");
  server.stop();
  auto req = test::request("down-1", momo, alice, 100, ledger::currency::RWF,
                           ledger::transfer_kind::topup);
  BOOST_REQUIRE(test::eventually([&] {
    auto started = std::chrono::steady_clock::now();
    auto r = ask<ledger::transfer_receipt>(req);
    // Refused quickly: nothing waits for a server that is not there.
    BOOST_CHECK_LT(std::chrono::steady_clock::now() - started, 5s);
    return !r && ledger::code_of(r.error()) == errc::unavailable;
  }));
  auto bal = ask<ledger::account_balance>(caf::get_atom::value,
                                          ledger::balance_atom::value, alice);
  BOOST_CHECK(ledger::code_of(bal.error()) == errc::unavailable);
  server.start();
  BOOST_REQUIRE(test::eventually([&] { return connected() == 2; }, 20s));
  auto first = ask<ledger::transfer_receipt>(req);
  auto again = ask<ledger::transfer_receipt>(req);
  BOOST_REQUIRE(first && again);
  BOOST_CHECK_EQUAL(first->transfer_id, again->transfer_id);
  BOOST_CHECK(again->replayed);
  pqxx::connection conn{server.url()};
  BOOST_CHECK_EQUAL(test::balance_of(conn, alice), 100);
}

BOOST_AUTO_TEST_SUITE_END()
