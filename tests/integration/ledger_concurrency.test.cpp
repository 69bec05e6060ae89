// The ledger under concurrent transactions, on a real PostgreSQL: threads
// with a connection each post through ledger::repo at the same time.
//  - Racing duplicates: every thread posts the same keys in its own order;
//    each key must become one transfer, and every thread must be told the
//    same transfer for it.
//  - Lock ordering: transfers A->B and B->A in the same batches, hammered
//    from several threads; a deadlock would surface as an error (PostgreSQL
//    detects it and aborts one transaction), and none may occur.
#include "persistence/ledger/repository.hpp"
#include "tests/support/ledger.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <map>
#include <numeric>
#include <random>
#include <thread>

using namespace easymo;

namespace {

constexpr int threads = 4;

// Runs f(thread index, connection) on `threads` threads at once and returns
// the messages of any exception they threw.
template <class F>
std::vector<std::string> in_parallel(const std::string& url, F f) {
  std::vector<std::string> errors(threads);
  std::vector<std::thread> pool;
  std::atomic<int> ready{0};
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        pqxx::connection c{url};
        // Start together so the transactions really overlap.
        ++ready;
        while (ready < threads)
          std::this_thread::yield();
        f(t, c);
      } catch (const std::exception& e) {
        errors[static_cast<size_t>(t)] = e.what();
      }
    });
  for (auto& th : pool)
    th.join();
  errors.erase(std::remove(errors.begin(), errors.end(), std::string{}),
               errors.end());
  return errors;
}

} // namespace

BOOST_AUTO_TEST_CASE(racing_duplicate_keys_post_once_and_agree) {
  test::scoped_database db{"ledger_race"};
  pqxx::connection conn{db.url()};
  auto momo = test::clearing(conn, "momo");
  std::vector<int64_t> wallets;
  for (int i = 0; i < 8; ++i)
    wallets.push_back(test::wallet(conn, "2507880000" + std::to_string(10 + i)));
  constexpr int keys = 200;
  std::vector<std::map<std::string, int64_t>> seen(threads);
  auto errors = in_parallel(db.url(), [&](int t, pqxx::connection& c) {
    std::vector<int> order(keys);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937{static_cast<unsigned>(t)});
    // Batches of 10 keys, so the races cross batches and transactions.
    for (int b = 0; b < keys; b += 10) {
      std::vector<ledger::transfer_request> batch;
      for (int i = b; i < b + 10; ++i) {
        auto k = order[static_cast<size_t>(i)];
        batch.push_back(test::request("race-" + std::to_string(k), momo,
                                      wallets[static_cast<size_t>(k % 8)],
                                      100 + k));
      }
      pqxx::work tx{c};
      auto outs = ledger::repo::post_batch(tx, batch, {});
      tx.commit();
      for (auto& o : outs) {
        BOOST_REQUIRE(o.ok());
        seen[static_cast<size_t>(t)][o.key] = o.transfer_id;
      }
    }
  });
  BOOST_REQUIRE_MESSAGE(errors.empty(), errors.front());
  BOOST_CHECK_EQUAL(test::scalar(conn, "SELECT count(*) FROM ledger_transfers"),
                    keys);
  for (int t = 1; t < threads; ++t)
    BOOST_CHECK(seen[static_cast<size_t>(t)] == seen[0]);
  BOOST_CHECK(test::invariant_violations(conn).empty());
}

BOOST_AUTO_TEST_CASE(opposing_transfers_never_deadlock) {
  test::scoped_database db{"ledger_locks"};
  pqxx::connection conn{db.url()};
  auto momo = test::clearing(conn, "momo");
  auto a = test::wallet(conn, "250788000021");
  auto b = test::wallet(conn, "250788000022");
  auto c = test::wallet(conn, "250788000023");
  ledger::policy no_review;
  no_review.review_threshold_major = 10'000'000;
  for (auto w : {a, b, c})
    BOOST_REQUIRE(test::fund(conn, momo, w, 1'000'000,
                             "fund-" + std::to_string(w), no_review)
                    .ok());
  constexpr int rounds = 150;
  std::atomic<int> posted{0};
  auto errors = in_parallel(db.url(), [&](int t, pqxx::connection& cn) {
    for (int r = 0; r < rounds; ++r) {
      // Each batch names the accounts in a different order than its
      // neighbour's: a lock taken in request order would deadlock here.
      auto key = [&](const char* dir) {
        return std::string{dir} + "-" + std::to_string(t) + "-"
               + std::to_string(r);
      };
      std::vector<ledger::transfer_request> batch{
        test::request(key("ab"), t % 2 ? a : b, t % 2 ? b : a, 3),
        test::request(key("bc"), t % 2 ? c : b, t % 2 ? b : c, 2),
        test::request(key("ca"), t % 2 ? a : c, t % 2 ? c : a, 1),
      };
      pqxx::work tx{cn};
      for (auto& o : ledger::repo::post_batch(tx, batch, {}))
        posted += o.ok() ? 1 : 0;
      tx.commit();
    }
  });
  BOOST_REQUIRE_MESSAGE(errors.empty(), errors.front());
  BOOST_CHECK_EQUAL(posted.load(), threads * rounds * 3);
  BOOST_CHECK_EQUAL(test::balance_of(conn, a) + test::balance_of(conn, b)
                      + test::balance_of(conn, c),
                    3'000'000);
  BOOST_CHECK(test::invariant_violations(conn).empty());
}
