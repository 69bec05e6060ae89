// The database pool against a real PostgreSQL, on a real actor system: jobs
// run on detached workers, results come back typed, limits hold, and the pool
// recovers when the server restarts underneath it.
#include "persistence/db/pool.hpp"
#include "persistence/db/query.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <caf/all.hpp>
#include <pqxx/pqxx>

using namespace easymo;
using namespace std::chrono_literals;

namespace {

struct system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;

  system_fixture() {
    cfg.set("scheduler.max-threads", 2);
    sys = std::make_unique<caf::actor_system>(cfg);
  }

  caf::actor start_pool(const std::string& url, size_t size = 2,
                        size_t queue_max = 1000) {
    db::pool_options opts;
    opts.url = url;
    opts.size = size;
    opts.queue_jobs_max = queue_max;
    opts.retry_backoff_min = 50ms;
    opts.retry_backoff_max = 500ms;
    auto pool = sys->spawn(db::pool, opts);
    pools.push_back(pool);
    return pool;
  }

  // Workers hold the pool and the pool holds the workers, so the actor system
  // would wait for them forever: stop them explicitly.
  std::vector<caf::actor> pools;

  db::pool_health health(const caf::actor& pool) {
    caf::scoped_actor self{*sys};
    db::pool_health out;
    self->request(pool, 5s, caf::get_atom::value, db::health_atom::value)
      .receive([&](db::pool_health& h) { out = h; },
               [&](caf::error& err) { BOOST_FAIL(sys->render(err)); });
    return out;
  }

  // Runs `sql` through the pool and returns its single integer, or the error.
  caf::expected<long> scalar(const caf::actor& pool, const std::string& sql) {
    caf::scoped_actor self{*sys};
    caf::expected<long> out{caf::error{}};
    auto job = db::make_job("test.scalar", [sql](pqxx::connection_base& c) {
      pqxx::nontransaction tx{c};
      return tx.exec1(sql)[0].as<long>();
    });
    self->request(pool, 10s, std::move(job))
      .receive([&](db::job_result& r) { out = std::any_cast<long>(r.value); },
               [&](caf::error& err) { out = std::move(err); });
    return out;
  }

  ~system_fixture() {
    for (auto& pool : pools)
      caf::anon_send_exit(pool, caf::exit_reason::kill);
  }
};

bool connected(system_fixture& f, const caf::actor& pool, size_t n) {
  return f.health(pool).connected == n;
}

// A client actor that uses the typed query helper, as production code does.
caf::behavior typed_client(caf::event_based_actor* self, caf::actor pool) {
  return {
    [=](std::string name) -> caf::result<std::string> {
      auto rp = self->make_response_promise<std::string>();
      db::query(self, pool, "test.typed",
                [name](pqxx::connection_base& c) {
                  pqxx::nontransaction tx{c};
                  return tx.exec_params1("SELECT upper($1)", name)[0]
                    .as<std::string>();
                })
        .then([rp](std::string& upper) mutable { rp.deliver(upper); },
              [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(db_pool, system_fixture)

BOOST_AUTO_TEST_CASE(typed_queries_return_values_without_blocking_the_caller) {
  test::scoped_database db{"pool_typed"};
  auto pool = start_pool(db.url());
  BOOST_REQUIRE(test::eventually([&] { return connected(*this, pool, 2); }));
  auto client = sys->spawn(typed_client, pool);
  caf::scoped_actor self{*sys};
  std::string got;
  self->request(client, 5s, std::string{"murakoze"})
    .receive([&](std::string& s) { got = s; },
             [&](caf::error& err) { BOOST_FAIL(sys->render(err)); });
  BOOST_CHECK_EQUAL(got, "MURAKOZE");
}

BOOST_AUTO_TEST_CASE(many_concurrent_jobs_share_the_connections) {
  test::scoped_database db{"pool_many"};
  auto pool = start_pool(db.url(), 3);
  BOOST_REQUIRE(test::eventually([&] { return connected(*this, pool, 3); }));
  caf::scoped_actor self{*sys};
  constexpr int jobs = 300;
  for (int i = 0; i < jobs; ++i) {
    auto job = db::make_job("test.backend", [](pqxx::connection_base& c) {
      pqxx::nontransaction tx{c};
      return tx.exec1("SELECT pg_backend_pid()")[0].as<int>();
    });
    self->send(pool, std::move(job));
  }
  std::set<int> backends;
  int answers = 0;
  self->receive_for(answers, jobs)(
    [&](db::job_result& r) { backends.insert(std::any_cast<int>(r.value)); },
    [&](caf::error& err) { BOOST_FAIL(sys->render(err)); });
  BOOST_CHECK_EQUAL(answers, jobs);
  // Jobs spread over the pool's connections and never beyond them.
  BOOST_CHECK_GE(backends.size(), 2u);
  BOOST_CHECK_LE(backends.size(), 3u);
}

BOOST_AUTO_TEST_CASE(a_full_queue_refuses_with_overloaded) {
  test::scoped_database db{"pool_full"};
  auto pool = start_pool(db.url(), 1, 2);
  BOOST_REQUIRE(test::eventually([&] { return connected(*this, pool, 1); }));
  caf::scoped_actor self{*sys};
  for (int i = 0; i < 6; ++i) {
    auto job = db::make_job("test.sleep", [](pqxx::connection_base& c) {
      pqxx::nontransaction tx{c};
      tx.exec("SELECT pg_sleep(0.3)");
    });
    self->send(pool, std::move(job));
  }
  int ok = 0;
  int overloaded = 0;
  int answers = 0;
  self->receive_for(answers, 6)(
    [&](db::job_result&) { ++ok; },
    [&](caf::error& err) {
      BOOST_CHECK(db::is(err, db::errc::overloaded));
      ++overloaded;
    });
  // One running plus two queued; the other three are refused at once.
  BOOST_CHECK_EQUAL(ok, 3);
  BOOST_CHECK_EQUAL(overloaded, 3);
}

BOOST_AUTO_TEST_CASE(sql_errors_come_back_and_the_pool_goes_on) {
  test::scoped_database db{"pool_sql"};
  auto pool = start_pool(db.url(), 1);
  BOOST_REQUIRE(test::eventually([&] { return connected(*this, pool, 1); }));
  auto bad = scalar(pool, "SELECT no_such_column FROM node_starts");
  BOOST_REQUIRE(!bad);
  BOOST_CHECK(db::is(bad.error(), db::errc::query_failed));
  auto good = scalar(pool, "SELECT 41 + 1");
  BOOST_REQUIRE(good);
  BOOST_CHECK_EQUAL(*good, 42);
}

BOOST_AUTO_TEST_CASE(reconnects_after_the_server_restarts) {
  test::private_server server{"pool-restart"};
  auto pool = start_pool(server.url(), 2);
  BOOST_REQUIRE(test::eventually([&] { return connected(*this, pool, 2); }));
  BOOST_REQUIRE(scalar(pool, "SELECT 1"));
  server.stop();
  // With the server gone, jobs fail with `unavailable` instead of hanging.
  BOOST_REQUIRE(test::eventually([&] {
    auto r = scalar(pool, "SELECT 1");
    return !r && db::is(r.error(), db::errc::unavailable);
  }));
  server.start();
  BOOST_REQUIRE(test::eventually(
    [&] {
      auto r = scalar(pool, "SELECT 7");
      return r && *r == 7;
    },
    20s));
  BOOST_CHECK(test::eventually([&] { return connected(*this, pool, 2); }, 20s));
}

BOOST_AUTO_TEST_CASE(starts_while_the_database_is_down_and_connects_later) {
  test::private_server server{"pool-late"};
  server.stop();
  auto pool = start_pool(server.url(), 1);
  auto early = scalar(pool, "SELECT 1");
  BOOST_REQUIRE(!early);
  BOOST_CHECK(db::is(early.error(), db::errc::unavailable));
  BOOST_CHECK_EQUAL(health(pool).connected, 0u);
  server.start();
  BOOST_CHECK(test::eventually([&] { return connected(*this, pool, 1); }, 20s));
  BOOST_CHECK(scalar(pool, "SELECT 1"));
}

BOOST_AUTO_TEST_SUITE_END()
