// sessions::load against a real PostgreSQL: what a session is rebuilt from,
// for users with a session row, with only a profile, and with nothing, in
// the order asked.
#include "persistence/sessions/store.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

using namespace easymo;
using domains::language;

namespace {

struct load_fixture {
  test::scoped_database db{"sessions_load"};
  pqxx::connection conn{db.url()};

  void exec(const std::string& sql) {
    pqxx::work tx{conn};
    tx.exec(sql);
    tx.commit();
  }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(sessions_load, load_fixture)

BOOST_AUTO_TEST_CASE(a_new_user_gets_defaults) {
  auto rows = sessions::load(conn, {"250788000001"});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  BOOST_CHECK_EQUAL(rows[0].version, 0);
  BOOST_CHECK(rows[0].flow.lang == language::en);
  BOOST_CHECK(rows[0].flow.domain.empty() && rows[0].flow.step.empty());
  BOOST_CHECK(rows[0].flow.context.empty());
  BOOST_CHECK(rows[0].name.empty());
  BOOST_CHECK_EQUAL(rows[0].last_inbound, 0);
}

BOOST_AUTO_TEST_CASE(a_stored_session_comes_back_whole) {
  exec("INSERT INTO sessions (wa_id, domain, step, context, language, version, "
       "last_inbound_at) VALUES ('250788000002', 'profile', 'await_name', "
       "'{\"tries\": 2}', 'fr', 7, to_timestamp(1718012345))");
  exec("INSERT INTO profiles (wa_id, name, language) VALUES "
       "('250788000002', 'Aline Uwase', 'fr')");
  auto rows = sessions::load(conn, {"250788000002"});
  BOOST_REQUIRE_EQUAL(rows.size(), 1u);
  auto& r = rows[0];
  BOOST_CHECK_EQUAL(r.flow.domain, "profile");
  BOOST_CHECK_EQUAL(r.flow.step, "await_name");
  BOOST_CHECK_EQUAL(r.flow.context, "{\"tries\": 2}");
  BOOST_CHECK(r.flow.lang == language::fr);
  BOOST_CHECK_EQUAL(r.version, 7);
  BOOST_CHECK_EQUAL(r.last_inbound, 1718012345);
  BOOST_CHECK_EQUAL(r.name, "Aline Uwase");
}

BOOST_AUTO_TEST_CASE(the_profile_language_serves_a_user_without_session) {
  exec("INSERT INTO profiles (wa_id, language) VALUES ('250788000003', 'rw')");
  auto rows = sessions::load(conn, {"250788000003"});
  BOOST_CHECK(rows[0].flow.lang == language::rw);
  BOOST_CHECK_EQUAL(rows[0].version, 0);
  BOOST_CHECK(rows[0].name.empty());
}

BOOST_AUTO_TEST_CASE(the_session_language_wins_over_the_profile) {
  exec("INSERT INTO sessions (wa_id, language, version) VALUES "
       "('250788000004', 'en', 3)");
  exec("INSERT INTO profiles (wa_id, language) VALUES ('250788000004', 'fr')");
  BOOST_CHECK(sessions::load(conn, {"250788000004"})[0].flow.lang
              == language::en);
}

BOOST_AUTO_TEST_CASE(a_batch_answers_in_the_order_asked) {
  exec("INSERT INTO sessions (wa_id, version) VALUES ('250788000010', 10), "
       "('250788000030', 30)");
  auto rows = sessions::load(conn, {"250788000030", "250788000020",
                                    "250788000010", "250788000030"});
  BOOST_REQUIRE_EQUAL(rows.size(), 4u);
  BOOST_CHECK_EQUAL(rows[0].version, 30);
  BOOST_CHECK_EQUAL(rows[1].version, 0);
  BOOST_CHECK_EQUAL(rows[2].version, 10);
  BOOST_CHECK_EQUAL(rows[3].version, 30);
  // Quotes and backslashes in ids travel inside the array literal intact.
  BOOST_CHECK_EQUAL(sessions::load(conn, {"a\"b\\c"}).size(), 1u);
}

BOOST_AUTO_TEST_SUITE_END()
