// Migrations against a real PostgreSQL: each test gets an empty database and a
// temporary folder of migration files it writes itself.
#include "persistence/migrations.hpp"
#include "tests/support/pg.hpp"

#include <boost/test/unit_test.hpp>
#include <pqxx/pqxx>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace easymo;
namespace fs = std::filesystem;

namespace {

struct migration_dir {
  fs::path path;

  migration_dir() {
    path = fs::temp_directory_path()
           / ("easymo-mig-" + std::to_string(::getpid()) + "-"
              + std::to_string(counter()++));
    fs::create_directories(path);
  }
  ~migration_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  void write(const std::string& name, const std::string& sql) {
    std::ofstream{path / name} << sql;
  }
  std::vector<migrations::migration> load() {
    std::vector<migrations::migration> all;
    auto err = migrations::load(path.string(), all);
    BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
    return all;
  }
};

int count(pqxx::connection& c, const std::string& sql) {
  pqxx::read_transaction tx{c};
  return tx.exec1(sql)[0].as<int>();
}

} // namespace

BOOST_AUTO_TEST_CASE(project_migrations_apply_cleanly_and_once) {
  test::scoped_database db{"mig_project", false};
  std::vector<migrations::migration> all;
  BOOST_REQUIRE(!migrations::load(EASYMO_SOURCE_DIR "/persistence/migrations", all));
  BOOST_REQUIRE(!all.empty());
  pqxx::connection c{db.url()};
  migrations::outcome first;
  auto err = migrations::apply(c, all, first);
  BOOST_REQUIRE_MESSAGE(!err, err.value_or(""));
  BOOST_CHECK_EQUAL(first.applied.size(), all.size());
  BOOST_CHECK_EQUAL(first.latest, migrations::latest_version(all));
  migrations::outcome second;
  BOOST_REQUIRE(!migrations::apply(c, all, second));
  BOOST_CHECK(second.applied.empty());
  BOOST_CHECK_EQUAL(count(c, "SELECT count(*) FROM schema_migrations"),
                    static_cast<int>(all.size()));
}

BOOST_AUTO_TEST_CASE(records_name_and_checksum) {
  test::scoped_database db{"mig_record", false};
  migration_dir dir;
  dir.write("0001_first.sql", "CREATE TABLE a (x int);");
  dir.write("0002_second.sql", "CREATE TABLE b (y int);");
  auto all = dir.load();
  pqxx::connection c{db.url()};
  migrations::outcome out;
  BOOST_REQUIRE(!migrations::apply(c, all, out));
  pqxx::read_transaction tx{c};
  auto row = tx.exec1("SELECT name, checksum FROM schema_migrations "
                      "WHERE version = 2");
  BOOST_CHECK_EQUAL(row[0].as<std::string>(), "0002_second.sql");
  BOOST_CHECK_EQUAL(row[1].as<std::string>(),
                    migrations::sha256_hex("CREATE TABLE b (y int);"));
}

BOOST_AUTO_TEST_CASE(an_edited_applied_migration_is_refused) {
  test::scoped_database db{"mig_edit", false};
  migration_dir dir;
  dir.write("0001_first.sql", "CREATE TABLE a (x int);");
  pqxx::connection c{db.url()};
  migrations::outcome out;
  BOOST_REQUIRE(!migrations::apply(c, dir.load(), out));
  dir.write("0001_first.sql", "CREATE TABLE a (x bigint);");
  dir.write("0002_second.sql", "CREATE TABLE b (y int);");
  auto err = migrations::apply(c, dir.load(), out);
  BOOST_REQUIRE(err.has_value());
  BOOST_CHECK_MESSAGE(err->find("0001_first.sql was changed") != std::string::npos,
                      *err);
  // Nothing after the refusal ran.
  BOOST_CHECK_EQUAL(count(c, "SELECT count(*) FROM pg_tables WHERE tablename='b'"),
                    0);
}

BOOST_AUTO_TEST_CASE(a_failing_migration_rolls_back_alone) {
  test::scoped_database db{"mig_fail", false};
  migration_dir dir;
  dir.write("0001_ok.sql", "CREATE TABLE a (x int);");
  dir.write("0002_bad.sql", "CREATE TABLE b (y int); SELECT no_such_function();");
  pqxx::connection c{db.url()};
  migrations::outcome out;
  auto err = migrations::apply(c, dir.load(), out);
  BOOST_REQUIRE(err.has_value());
  BOOST_CHECK_EQUAL(count(c, "SELECT count(*) FROM schema_migrations"), 1);
  BOOST_CHECK_EQUAL(count(c, "SELECT count(*) FROM pg_tables WHERE tablename='b'"),
                    0);
  BOOST_CHECK_EQUAL(count(c, "SELECT count(*) FROM pg_tables WHERE tablename='a'"),
                    1);
}

BOOST_AUTO_TEST_CASE(bad_names_and_duplicate_versions_are_refused) {
  {
    migration_dir dir;
    dir.write("1_short.sql", "SELECT 1;");
    std::vector<migrations::migration> all;
    auto err = migrations::load(dir.path.string(), all);
    BOOST_REQUIRE(err.has_value());
    BOOST_CHECK(err->find("1_short.sql") != std::string::npos);
  }
  {
    migration_dir dir;
    dir.write("0003_a.sql", "SELECT 1;");
    dir.write("0003_b.sql", "SELECT 2;");
    std::vector<migrations::migration> all;
    auto err = migrations::load(dir.path.string(), all);
    BOOST_REQUIRE(err.has_value());
    BOOST_CHECK(err->find("share version 3") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(concurrent_starts_apply_each_migration_once) {
  test::scoped_database db{"mig_race", false};
  migration_dir dir;
  // Not idempotent on purpose: a second application would fail.
  dir.write("0001_a.sql", "CREATE TABLE a (x int); SELECT pg_sleep(0.2);");
  dir.write("0002_b.sql", "CREATE TABLE b (x int);");
  auto all = dir.load();
  std::optional<std::string> errs[2];
  std::thread t1{[&] {
    pqxx::connection c{db.url()};
    migrations::outcome out;
    errs[0] = migrations::apply(c, all, out);
  }};
  std::thread t2{[&] {
    pqxx::connection c{db.url()};
    migrations::outcome out;
    errs[1] = migrations::apply(c, all, out);
  }};
  t1.join();
  t2.join();
  BOOST_CHECK_MESSAGE(!errs[0], errs[0].value_or(""));
  BOOST_CHECK_MESSAGE(!errs[1], errs[1].value_or(""));
  pqxx::connection c{db.url()};
  BOOST_CHECK_EQUAL(count(c, "SELECT count(*) FROM schema_migrations"), 2);
}
