// The ledger's property test: 8 concurrent clients send random transfers
// through the ledger actor (group commit, real db pool, real PostgreSQL),
// including retries with reused keys, keys sent twice at once or shared by
// every client, overdrafts, currency mismatches and transfers held for review.
// Then the held transfers are approved or rejected, and the ledger must hold:
//  - every answer for a key is the same result, and at most one posted it;
//  - every answer matches what is stored, and every stored row was answered;
//  - check_invariants: money conserved per currency, no non-negative account
//    below zero, balances equal posted sums, holds equal pending sums, and
//    exactly one audit row per change of each financial table.
//
// EASYMO_LEDGER_SEED replays a run (the seed is printed with every failure);
// EASYMO_LEDGER_TRANSFERS changes the number of operations (default 50,000).
#include "actors/ledger/ledger.hpp"
#include "persistence/db/pool.hpp"
#include "persistence/ledger/invariants.hpp"
#include "tests/support/ledger.hpp"
#include "tests/support/ledger_load.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <pqxx/pqxx>

#include <cstdlib>
#include <random>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

uint64_t env_number(const char* name, uint64_t fallback) {
  auto text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::stoull(text) : fallback;
}

// Approves every other held transfer and rejects the rest, through the actor.
size_t settle_held(caf::actor_system& sys, const ledger::ledger_actor& ledger,
                   pqxx::connection_base& c) {
  std::vector<int64_t> held;
  {
    pqxx::read_transaction tx{c};
    for (auto row : tx.exec("SELECT id FROM ledger_transfers"
                            " WHERE status = 'pending' ORDER BY id"))
      held.push_back(row[0].as<int64_t>());
  }
  caf::scoped_actor self{sys};
  size_t settled = 0;
  for (size_t i = 0; i < held.size(); ++i) {
    auto approve = i % 2 == 0;
    auto check = [&](ledger::transfer_receipt& r) {
      BOOST_CHECK(r.status == (approve ? ledger::transfer_status::posted
                                       : ledger::transfer_status::voided));
      ++settled;
    };
    auto fail = [&](caf::error& err) { BOOST_ERROR(sys.render(err)); };
    auto cid = "cid-settle-" + std::to_string(held[i]);
    if (approve)
      self->request(ledger, 30s, ledger::approve_atom::value, held[i],
                    std::string{"ops"}, cid)
        .receive(check, fail);
    else
      self->request(ledger, 30s, ledger::reject_atom::value, held[i],
                    std::string{"ops"}, std::string{"property test"}, cid)
        .receive(check, fail);
  }
  return settled;
}

struct running_ledger {
  caf::actor pool;
  ledger::ledger_actor ledger;
};

// A pool of 4 connections and a ledger whose limits the load will hit: it
// sends top-ups up to 60,000 and p2p transfers up to 30,000 RWF.
running_ledger start_ledger(caf::actor_system& sys, const std::string& url) {
  db::pool_options popts;
  popts.url = url;
  popts.size = 4;
  auto pool = sys.spawn(db::pool, popts);
  ledger::ledger_options lopts;
  lopts.pol.review_threshold_major = 50'000;
  lopts.pol.daily_limit_major = 2'000'000;
  auto ledger = sys.spawn(ledger::ledger, pool, lopts);
  BOOST_REQUIRE(test::eventually([&] {
    caf::scoped_actor self{sys};
    bool up = false;
    self->request(pool, 5s, caf::get_atom::value, db::health_atom::value)
      .receive([&](db::pool_health& h) { up = h.connected == popts.size; },
               [](caf::error&) {});
    return up;
  }));
  return {pool, ledger};
}

void print_info(caf::actor_system& sys, const ledger::ledger_actor& ledger) {
  caf::scoped_actor self{sys};
  self->request(ledger, 5s, caf::get_atom::value, info_atom::value)
    .receive([](std::string& info) { BOOST_TEST_MESSAGE("ledger " << info); },
             [](caf::error&) {});
}

template <class Lines>
void report_violations(const char* what, const Lines& lines) {
  BOOST_CHECK_MESSAGE(lines.empty(), what << ": " << lines.size()
                                          << " violations, first: "
                                          << (lines.empty() ? "" : lines[0]));
  for (size_t i = 0; i < lines.size() && i < 10; ++i)
    BOOST_TEST_MESSAGE("  " << lines[i]);
}

} // namespace

BOOST_AUTO_TEST_CASE(random_concurrent_transfers_keep_the_ledger_sound) {
  auto seed = env_number("EASYMO_LEDGER_SEED", std::random_device{}());
  auto transfers = env_number("EASYMO_LEDGER_TRANSFERS", 50'000);
  BOOST_TEST_MESSAGE("ledger property test: seed=" << seed
                                                   << " transfers=" << transfers);
  BOOST_TEST_CONTEXT("EASYMO_LEDGER_SEED=" << seed) {
    test::scoped_database db{"ledger_prop"};
    pqxx::connection conn{db.url()};
    auto world = test::make_world(conn, 64);

    caf::actor_system_config cfg;
    cfg.set("scheduler.max-threads", 2);
    caf::actor_system sys{cfg};
    auto [pool, ledger] = start_ledger(sys, db.url());

    test::load_options opts;
    opts.seed = seed;
    opts.transfers = transfers;
    auto started = std::chrono::steady_clock::now();
    auto report = test::run_load(sys, ledger, world, opts);
    std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                         - started;
    BOOST_TEST_MESSAGE("sent " << report.sent << " requests in " << took.count()
                               << " s, " << report.retried << " retried");
    print_info(sys, ledger);
    BOOST_CHECK_GE(report.sent, transfers);
    BOOST_CHECK_EQUAL(report.given_up, 0u);
    BOOST_CHECK_EQUAL(report.answered + report.retried, report.sent);

    report_violations("answers disagree", test::inconsistent_answers(report));
    report_violations("answers differ from the database",
                      test::answers_vs_database(report, conn));
    // The load must have exercised what it claims to.
    auto count = [&](const char* sql) { return test::scalar(conn, sql); };
    BOOST_CHECK_GT(count("SELECT count(*) FROM ledger_rejections"
                         " WHERE reason = 'insufficient_funds'"), 0);
    BOOST_CHECK_GT(count("SELECT count(*) FROM ledger_rejections"
                         " WHERE reason = 'currency_mismatch'"), 0);
    BOOST_CHECK_GT(count("SELECT count(*) FROM ledger_transfers"
                         " WHERE status = 'pending'"), 0);

    auto settled = settle_held(sys, ledger, conn);
    BOOST_TEST_MESSAGE("settled " << settled << " held transfers");
    report_violations("invariants", test::invariant_violations(conn));
    BOOST_CHECK_EQUAL(count("SELECT count(*) FROM ledger_transfers t"
                            " JOIN audit_log a ON a.table_name = 'ledger_transfers'"
                            " AND a.operation = 'INSERT'"
                            " AND (a.new_row ->> 'id')::bigint = t.id"
                            " WHERE a.correlation_id IS DISTINCT FROM"
                            " t.correlation_id"),
                      0);
    caf::anon_send_exit(ledger, caf::exit_reason::kill);
    caf::anon_send_exit(pool, caf::exit_reason::kill);
  }
}
